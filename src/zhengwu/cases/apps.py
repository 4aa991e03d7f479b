from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "zhengwu.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self):
        from zhengwu.cases import signals  # noqa: F401 — recompute due dates when a calendar year is loaded
