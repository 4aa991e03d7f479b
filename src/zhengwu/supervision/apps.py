from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zhengwu.supervision"
    label = "supervision"
    verbose_name = "电子监察"

    def ready(self):
        from zhengwu.supervision import signals  # noqa: F401 — rules run on every case event
