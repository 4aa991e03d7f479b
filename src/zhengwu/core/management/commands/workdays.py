"""`zhengwu workdays`: count working days, check a date, load or show a year's holidays and adjusted working days."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from zhengwu.core import calendar
from zhengwu.core.context import acting_as
from zhengwu.core.errors import DomainError, ValidationFailed


def _flag(provisional: bool) -> str:
    return " provisional" if provisional else ""


def _int(value: str, *, field: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed(
            gettext("工作日数「%(value)s」不是整数") % {"value": value}, field=field
        ) from None


class Command(BaseCommand):
    help = "工作日历:按工作日推算日期、计数、判断某日是否上班,载入或查看某年的节假日安排"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{add,count,check,load,show}")
        add = sub.add_parser("add", help="DATE 之后第 N 个工作日(DATE 当日不计)")
        add.add_argument("date", metavar="DATE")
        add.add_argument("days", metavar="N")
        count = sub.add_parser("count", help="A 之后至 B(含)之间的工作日数;A 晚于 B 时为负数")
        count.add_argument("start", metavar="A")
        count.add_argument("end", metavar="B")
        check = sub.add_parser("check", help="DATE 是工作日(workday)还是休息日(rest day)")
        check.add_argument("date", metavar="DATE")
        load = sub.add_parser(
            "load", help="从 JSON 文件载入一年的节假日安排(覆盖 chinesecalendar 的该年数据)"
        )
        load.add_argument("file", metavar="FILE")
        show = sub.add_parser("show", help="列出某年的法定节假日和调休上班日")
        show.add_argument("year", metavar="YEAR", type=int)

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _add(self, *, date: str, days: str, **_):
        result = calendar.add_workdays(calendar.parse_date(date, field="date"), _int(days, field="days"))
        self.stdout.write(f"{result.value.isoformat()}{_flag(result.provisional)}")

    def _count(self, *, start: str, end: str, **_):
        result = calendar.workdays_between(
            calendar.parse_date(start, field="start"), calendar.parse_date(end, field="end")
        )
        self.stdout.write(f"{result.value}{_flag(result.provisional)}")

    def _check(self, *, date: str, **_):
        result = calendar.is_workday(calendar.parse_date(date, field="date"))
        self.stdout.write(f"{'workday' if result.workday else 'rest day'}{_flag(result.provisional)}")

    def _load(self, *, file: str, **_):
        path = Path(file)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"找不到文件「{file}」") from None
        except UnicodeDecodeError:
            raise CommandError(f"文件「{file}」不是 UTF-8 编码的文本") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"文件「{file}」不是有效的 JSON:第 {exc.lineno} 行第 {exc.colno} 列") from None
        except OSError as exc:
            raise CommandError(f"无法读取文件「{file}」:{exc.strerror}") from None
        with acting_as(label="zhengwu workdays load"):
            row = calendar.load_year(**calendar.parse_year_document(data))
        source = f",依据:{row.source}" if row.source else ""
        self.stdout.write(
            f"已载入 {row.year} 年节假日安排:法定节假日 {len(row.holidays)} 天,"
            f"调休上班日 {len(row.workdays)} 天{source}"
        )

    def _show(self, *, year: int, **_):
        current = calendar.current_calendar()
        if not current.knows(year):
            raise CommandError(f"{year} 年的节假日安排尚未载入,按周一至周五计算工作日(结果为暂定)")
        source = current.years[year]
        basis = f"({source.basis})" if source.basis else ""
        self.stdout.write(f"{year} 年节假日安排 — {source.origin.label}{basis}")
        for day in current.year_days(year):
            self.stdout.write(str(day))
