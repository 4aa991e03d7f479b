from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "zhengwu.supervision"
    label = "supervision"
    verbose_name = _("电子监察")

    def ready(self):
        from zhengwu.supervision import signals  # noqa: F401 — rules run on every case event
