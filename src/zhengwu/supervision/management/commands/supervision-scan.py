"""`zhengwu supervision-scan`: what time alone makes a breach, order escalation and warning pushes."""

from django.core.management.base import BaseCommand

from zhengwu.core.calendar import parse_date
from zhengwu.core.context import acting_as
from zhengwu.core.errors import DomainError


class Command(BaseCommand):
    help = "电子监察巡检:超期未办结和中止超时的异常、逾期督办逐级升级、黄牌红牌预警推送(可重复运行)"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按这一天巡检(YYYY-MM-DD,默认今天)")

    def handle(self, *args, **options):
        from zhengwu.supervision import services

        try:
            today = parse_date(options["today"], field="today") if options["today"] else None
        except DomainError as err:
            from django.core.management.base import CommandError

            raise CommandError(err.message) from None
        with acting_as(None, label="command:supervision-scan"):
            done = services.scan(today=today)
        self.stdout.write(
            f"新增异常 {done['alerts']} 条,督办升级 {done['escalated']} 件,推送预警 {done['warnings']} 条"
        )
