"""`zhengwu cases`: compute a due date by hand, deem cases accepted, send notifications, import history, show a case."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from zhengwu.cases import deadlines
from zhengwu.core import calendar
from zhengwu.core.context import acting_as
from zhengwu.core.errors import DomainError


class Command(BaseCommand):
    help = "办件:期限计算、逾期视为受理、发送通知、导入历史办件、查看办件"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{due,deem-accepted,send-outbox,import,show}"
        )
        due = sub.add_parser("due", help="按受理日期、时限、延期和中止推算办结期限,并说明如何算出")
        due.add_argument("--accepted", required=True, metavar="YYYY-MM-DD", help="受理日期(当日不计)")
        due.add_argument("--limit", required=True, type=int, metavar="N", help="时限(工作日)")
        due.add_argument(
            "--extension",
            action="append",
            type=int,
            default=[],
            metavar="E",
            help="批准的延期(工作日),可多次",
        )
        due.add_argument(
            "--suspended",
            action="append",
            default=[],
            metavar="FROM:TO",
            help="中止期间 YYYY-MM-DD:YYYY-MM-DD(中止当日计入,恢复当日不计入);尚未恢复写作 FROM:",
        )
        due.add_argument("--json", action="store_true", help="输出 JSON")
        sub.add_parser(
            "deem-accepted",
            help=f"收件满 {deadlines.INTAKE_WORKDAYS} 个工作日未作受理决定的办件视为受理(行政许可法第三十二条)",
        )
        send = sub.add_parser("send-outbox", help="发送待发送的通知(任务队列之外的补发)")
        send.add_argument("--limit", type=int, default=500)
        imp = sub.add_parser("import", help="从 JSON Lines 文件导入历史办件及其全部记录")
        imp.add_argument("file", metavar="FILE.jsonl")
        show = sub.add_parser("show", help="查看办件的状态和期限")
        show.add_argument("number", metavar="NUMBER")
        show.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, "_" + action.replace("-", "_"))(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _due(self, *, accepted, limit, extension, suspended, json: bool = False, **_):
        result = deadlines.due_date(
            calendar.current_calendar(),
            start=calendar.parse_date(accepted, field="accepted", label=gettext("受理日期")),
            limit=limit,
            extensions=[deadlines.Extension(days) for days in extension],
            suspensions=[deadlines.parse_suspension(text) for text in suspended],
        )
        if json:
            self.stdout.write(
                _json(
                    {
                        "due": result.due and result.due.isoformat(),
                        "provisional": result.provisional,
                        "explanation": [line.as_dict() for line in result.explanation],
                    }
                )
            )
            return
        first = result.due.isoformat() if result.due else "open"
        self.stdout.write(first + (" provisional" if result.provisional else ""))
        for line in result.lines():
            self.stdout.write(line)

    def _deem_accepted(self, **_):
        from zhengwu.cases import services

        with acting_as(label="zhengwu cases deem-accepted"):
            cases = services.deem_accepted()
        for case in cases:
            self.stdout.write(f"{case.number} 视为受理,受理日期 {case.accepted_on.isoformat()}")
        self.stdout.write(f"共 {len(cases)} 件视为受理")

    def _send_outbox(self, *, limit: int, **_):
        from zhengwu.cases import notify

        sent, failed = notify.send_due(limit=limit)
        self.stdout.write(f"已发送 {sent} 条,失败 {failed} 条")

    def _import(self, *, file: str, **_):
        from zhengwu.cases import importer

        path = Path(file)
        if not path.exists():
            raise CommandError(f"找不到文件「{file}」")
        with acting_as(label="zhengwu cases import"):
            report = importer.import_file(path)
        for number, column, reason in report.errors:
            self.stderr.write(
                f"第 {number} 行「{column}」:{reason}" if column else f"第 {number} 行:{reason}"
            )
        self.stdout.write(
            f"导入 {report.imported} 件,跳过已存在 {report.skipped} 件,错误 {len(report.errors)} 行"
        )
        if report.errors:  # all or nothing: one bad line keeps the whole file out
            raise CommandError(f"{len(report.errors)} 行有错误,整个文件未导入;请改正后重新导入")

    def _show(self, *, number: str, json: bool = False, **_):
        from zhengwu.cases import selectors

        case = selectors.case_by_number(number)
        data = selectors.case_summary(case)
        if json:
            self.stdout.write(_json(data))
            return
        self.stdout.write(f"{data['number']} {data['status_label']} {data['item_name']}")
        for key, label in (
            ("promised_due", "承诺期限"),
            ("legal_due", "法定期限"),
            ("intake_due", "受理决定期限"),
        ):
            if data.get(key):
                self.stdout.write(f"{label}:{data[key]}{'(暂定)' if data['due_provisional'] else ''}")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
