"""`zhengwu ids check VALUE ...`: one line per value, exit status 1 when any is invalid."""

import sys

from django.core.management.base import BaseCommand, CommandError

from zhengwu.core.ids import check_any


class Command(BaseCommand):
    help = "校验居民身份证号码或统一社会信用代码:zhengwu ids check 号码 ...(- 表示从标准输入逐行读取)"
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="check")
        check = actions.add_parser("check", help="逐个校验号码,每个一行:VALUE valid / VALUE invalid: 原因")
        check.add_argument("values", nargs="+", metavar="VALUE")

    def handle(self, *args, action: str, values: list[str], **options):
        invalid = 0
        for value in self._expand(values):
            result = check_any(value)
            invalid += not result.valid
            self.stdout.write(str(result))
        if invalid:
            raise CommandError(f"{invalid} 个号码无效", returncode=1)

    def _expand(self, values: list[str]):
        for value in values:
            if value == "-":
                yield from (line.strip() for line in sys.stdin if line.strip())
            else:
                yield value
