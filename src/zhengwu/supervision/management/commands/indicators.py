"""`zhengwu indicators --from D --to D --by organisation --format json|csv|xlsx`: the efficiency indicators, then
the sections other domains add (the fees collected, refunded and outstanding per organisation per month)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.errors import DomainError
from zhengwu.supervision import indicators


class Command(BaseCommand):
    help = "效能指标:按期间和分组(机构、区划、中心、窗口、人员)统计,输出 JSON、CSV 或 Excel"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, help="开始日期 YYYY-MM-DD(含)")
        parser.add_argument("--to", dest="last", required=True, help="结束日期 YYYY-MM-DD(含)")
        parser.add_argument("--by", choices=list(indicators.GROUPINGS), default="organisation")
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--output", "-o", help="写入文件(xlsx 必须指定)")

    def handle(self, *args, **options):
        try:
            period = indicators.Period.parse(options["first"], options["last"])
            result = indicators.compute(period=period, by=options["by"])
            result["sections"] = indicators.sections(period=period)
        except DomainError as err:
            raise CommandError(err.message) from None
        fmt = options["format"]
        if fmt == "xlsx":
            if not options["output"]:
                raise CommandError("Excel 输出请用 --output 指定文件")
            with open(options["output"], "wb") as out:
                out.write(indicators.to_xlsx(result))
            self.stdout.write(f"已写入 {options['output']}({len(result['rows'])} 个分组)")
            return
        text = indicators.to_json(result) if fmt == "json" else indicators.to_csv(result)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text)
            self.stdout.write(f"已写入 {options['output']}({len(result['rows'])} 个分组)")
        else:
            sys.stdout.write(text + ("\n" if not text.endswith("\n") else ""))
