from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "zhengwu.disclosure"
    label = "disclosure"
    verbose_name = _("政务公开")

    def ready(self):
        from zhengwu.disclosure import signals  # noqa: F401 — recompute due dates when a calendar year is loaded
