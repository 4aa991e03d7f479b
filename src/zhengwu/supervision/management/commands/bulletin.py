"""`zhengwu bulletin --month 2026-10 --pdf out.pdf --xlsx out.xlsx`: the monthly bulletin, as the page makes it."""

import re

from django.core.management.base import BaseCommand, CommandError

from zhengwu.supervision import bulletin


class Command(BaseCommand):
    help = "月度通报:指定月份的效能指标、排名、超期办件和督办,输出 PDF 和/或 Excel(与页面下载内容相同)"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="月份 YYYY-MM")
        parser.add_argument("--pdf", help="PDF 输出文件")
        parser.add_argument("--xlsx", help="Excel 输出文件")

    def handle(self, *args, **options):
        found = re.fullmatch(r"(\d{4})-(\d{1,2})", options["month"].strip())
        if not found or not 1 <= int(found[2]) <= 12:
            raise CommandError(f"月份「{options['month']}」应写作 YYYY-MM")
        if not options["pdf"] and not options["xlsx"]:
            raise CommandError("请用 --pdf 和/或 --xlsx 指定输出文件")
        data = bulletin.content(int(found[1]), int(found[2]))
        if options["pdf"]:
            with open(options["pdf"], "wb") as out:
                out.write(bulletin.to_pdf(data))
        if options["xlsx"]:
            with open(options["xlsx"], "wb") as out:
                out.write(bulletin.to_xlsx(data))
        s = data["summary"]
        self.stdout.write(
            f"{data['title']}:收件 {s['received']},办结 {s['completed']},按时办结率 {s['on_time_rate']},"
            f"超期未办结 {s['overdue_open']},督办 {s['orders']}"
        )
