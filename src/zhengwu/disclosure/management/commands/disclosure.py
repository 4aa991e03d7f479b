"""`zhengwu disclosure`: the fee and due-date checks officers run by hand, the annual report, imports, expiry."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from zhengwu.core import calendar
from zhengwu.core.context import acting_as
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.disclosure import deadlines, fees


def _int(value: str, *, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(gettext("「%(value)s」不是整数") % {"value": value}, field=field) from None


def _pause(value: str) -> deadlines.Pause:
    start, sep, end = value.partition(":")
    if not sep:
        raise ValidationFailed(
            gettext("第三方意见时段「%(value)s」应写作 发出日期:收回日期") % {"value": value},
            field="third_party",
        )
    return deadlines.Pause(
        calendar.parse_date(start, field="third_party", label=gettext("征求意见发出日期")),
        calendar.parse_date(end, field="third_party", label=gettext("第三方意见收回日期")),
    )


class Command(BaseCommand):
    help = "政府信息公开:信息处理费、答复期限、年度报告、导入历史数据、逾期处理"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{fee,due,annual-report,import,expire}"
        )
        fee = sub.add_parser("fee", help="信息处理费(国办函〔2020〕109号):按件或按量,二者只选其一")
        group = fee.add_mutually_exclusive_group(required=True)
        group.add_argument("--items", help="同一申请人一个自然月内累计申请件数")
        group.add_argument("--pages", help="提供信息的页数")
        due = sub.add_parser("due", help="答复期限(第三十三条)")
        due.add_argument("--received", required=True, help="收到申请之日 YYYY-MM-DD")
        due.add_argument("--supplement-received", help="收到补正之日 YYYY-MM-DD")
        due.add_argument("--extension", default="0", help="经批准延长的工作日数(≤20)")
        due.add_argument(
            "--third-party",
            action="append",
            default=[],
            metavar="A:B",
            help="征求第三方意见:发出日期:收回日期(可多次)",
        )
        due.add_argument("--json", action="store_true", help="以 JSON 输出")
        report = sub.add_parser("annual-report", help="政府信息公开工作年度报告")
        report.add_argument("--org", required=True, help="机构统一社会信用代码或索引号前缀")
        report.add_argument("--year", required=True)
        report.add_argument("--format", default="json", choices=["json", "html", "pdf", "xlsx"])
        report.add_argument("--output", "-o", help="输出文件(pdf、xlsx 必填,其余默认标准输出)")
        imp = sub.add_parser("import", help="从 JSONL 文件导入历史申请和公开信息")
        imp.add_argument("file", metavar="FILE.jsonl")
        imp.add_argument("--by", help="记录人的用户名(默认第一个超级用户)")
        sub.add_parser("expire", help="补正或缴费期限届满的申请按视为放弃处理")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _fee(self, *, items=None, pages=None, **_):
        result = (
            fees.by_items(_int(items, field="items"))
            if items is not None
            else fees.by_pages(_int(pages, field="pages"))
        )
        self.stdout.write(str(result.amount))
        for line in result.lines:
            self.stdout.write(line)

    def _due(self, *, received, supplement_received=None, extension="0", third_party=(), json=False, **_):
        result = deadlines.reply_due(
            calendar.parse_date(received, field="received", label=gettext("收到申请之日")),
            supplement_received=calendar.parse_date(
                supplement_received, field="supplement_received", label=gettext("收到补正之日")
            )
            if supplement_received
            else None,
            extension=_int(extension, field="extension"),
            pauses=[_pause(v) for v in third_party],
        )
        if json:
            self.stdout.write(
                _json(
                    {
                        "due": result.due.isoformat(),
                        "provisional": result.provisional,
                        "start": result.start.isoformat(),
                        "limit_workdays": result.limit,
                        "paused_workdays": result.paused,
                        "explanation": list(result.lines),
                    }
                )
            )
            return
        self.stdout.write(result.due.isoformat() + (" provisional" if result.provisional else ""))
        for line in result.lines:
            self.stdout.write(line)

    def _annual_report(self, *, org, year, format, output=None, **_):
        from zhengwu.disclosure import annual

        organisation = annual.organisation_by_code(org)
        content = annual.render(organisation, _int(year, field="year"), format)
        if isinstance(content, bytes):
            if not output:
                raise CommandError("pdf 和 xlsx 格式须用 --output 指定输出文件")
            with open(output, "wb") as f:
                f.write(content)
            self.stdout.write(f"已写入 {output}")
        elif output:
            with open(output, "w", encoding="utf-8") as f:
                f.write(content)
            self.stdout.write(f"已写入 {output}")
        else:
            self.stdout.write(content)

    def _import(self, *, file, by=None, **_):
        from django.contrib.auth import get_user_model

        from zhengwu.disclosure import imports

        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"找不到用户「{by}」")

        try:
            handle = open(file, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"无法读取文件「{file}」:{exc.strerror}") from None
        with handle, acting_as(label="zhengwu disclosure import"):
            result = imports.import_lines(handle, by=user)
        for line_no, message in result.errors:
            self.stderr.write(f"第 {line_no} 行:{message}")
        self.stdout.write(
            f"导入完成:申请 {result.requests} 件,公开信息 {result.publications} 条,"
            f"其他记录 {result.others} 条,出错 {len(result.errors)} 行"
        )
        if result.errors:
            sys.exit(1)

    def _expire(self, **_):
        from zhengwu.disclosure import services

        with acting_as(label="zhengwu disclosure expire"):
            done = services.expire_waiting()
        self.stdout.write(f"视为放弃:{len(done)} 件")
        for r in done:
            self.stdout.write(f"{r.number} {r.get_reason_display()}")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
