from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "zhengwu.cases"
    label = "cases"
    verbose_name = _("办件")

    def ready(self):
        from zhengwu.cases import signals  # noqa: F401 — recompute due dates when a calendar year is loaded
