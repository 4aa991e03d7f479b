from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "zhengwu.cases"
    label = "cases"
    verbose_name = _("办件")

    def ready(self):
        from zhengwu.cases import signals  # noqa: F401 — recompute due dates when a calendar year is loaded
        from zhengwu.cases.models import OutboxMessage
        from zhengwu.core import outbox

        outbox.use(
            OutboxMessage
        )  # the one outbox's table: core.outbox writes and sends every message through it
