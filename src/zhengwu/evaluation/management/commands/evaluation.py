"""`zhengwu evaluation …`: apply the regions' policy to unrated cases; list overdue rectifications."""

from django.core.management.base import BaseCommand

from zhengwu.core.context import acting_as


class Command(BaseCommand):
    help = "好差评:逾期未评价按本地规定处理(apply-unrated)、列出超期未反馈的差评整改(overdue)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "apply-unrated", help="办结后超过本地规定工作日仍未评价的办件,按设置视为满意(默认不处理)"
        )
        sub.add_parser("overdue", help="列出超过反馈期限的差评整改")

    def handle(self, *args, **options):
        from zhengwu.evaluation import selectors, services

        with acting_as(None, label="command:evaluation"):
            if options["action"] == "apply-unrated":
                count = services.apply_unrated_policy()
                self.stdout.write(f"按本地规定视为满意:{count} 件")
            else:
                rows = selectors.overdue_rectifications().select_related("rating", "organisation")
                for r in rows:
                    self.stdout.write(
                        f"{r.due} {r.organisation.name} {r.rating.subject_number} {r.get_state_display()}"
                    )
                self.stdout.write(f"超期整改:{rows.count()} 件")
