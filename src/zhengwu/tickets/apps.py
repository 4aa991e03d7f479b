from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "zhengwu.tickets"
    label = "tickets"
    verbose_name = _("政民互动")

    def ready(self):
        from zhengwu.tickets import signals  # noqa: F401 — recompute due dates when a calendar year is loaded
