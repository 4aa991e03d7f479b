"""`zhengwu fees …`: the daily reconciliation (reconcile), importing a bank statement (import-statement)."""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhengwu.core import clock
from zhengwu.core.context import acting_as
from zhengwu.core.errors import DomainError


class Command(BaseCommand):
    help = "统一收费:每日对账(reconcile)、导入银行对账单(import-statement)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rec = sub.add_parser("reconcile", help="按收费窗口和执收单位对账:应收 = 实收 = 开票 = 缴库,列出差异")
        rec.add_argument("--date", help="对账日期 YYYY-MM-DD(默认昨天)")
        rec.add_argument("--json", action="store_true", help="以 JSON 输出")
        imp = sub.add_parser("import-statement", help="导入银行对账单 CSV(格式见 docs/data-formats.md)")
        imp.add_argument("file")

    def handle(self, *args, **options):
        from zhengwu.fees import reconcile

        with acting_as(None, label="command:fees"):
            try:
                if options["action"] == "import-statement":
                    path = Path(options["file"])
                    result = reconcile.import_statement(path.read_bytes(), source=path.name)
                    self.stdout.write(f"导入 {result['imported']} 行,已导入过而跳过 {result['skipped']} 行")
                    return
                try:
                    day = (
                        dt.date.fromisoformat(options["date"])
                        if options.get("date")
                        else clock.today() - dt.timedelta(days=1)
                    )
                except ValueError:
                    raise CommandError("--date 格式应为 YYYY-MM-DD") from None
                report = reconcile.reconcile(day)
            except DomainError as err:
                raise CommandError(err.message) from None
            except OSError as err:
                raise CommandError(f"无法读取文件:{err}") from None
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        t = report["totals"]
        self.stdout.write(
            f"{report['date']} 缴款 {report['payments']} 笔:应收 {t['charged']} 实收 {t['paid']} "
            f"开票 {t['receipted']} 到账 {t['banked']} 缴库 {t['remitted']} 元;批准退付 {report['refunds']} 元,"
            f"已退款 {report['refunds_paid_out']} 元"
        )
        for name, row in report["by_window"].items():
            self.stdout.write(f"  窗口 {name}:实收 {row['paid']} 缴库 {row['remitted']}")
        for name, row in report["by_organisation"].items():
            self.stdout.write(f"  单位 {name}:实收 {row['paid']} 缴库 {row['remitted']}")
        for e in report["exceptions"]:
            state = "已处理" if e["cleared"] else "待处理"
            self.stdout.write(f"  [{state}] {e['kind_label']} {e['reference']}:{e['detail']}")
        if not report["balanced"]:
            self.stdout.write("有待处理的对账差异")
