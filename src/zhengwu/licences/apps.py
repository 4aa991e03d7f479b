from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "zhengwu.licences"
    label = "licences"
    verbose_name = "电子证照"

    def ready(self):
        from zhengwu.cases import library
        from zhengwu.licences import (
            reuse,
            signals,  # noqa: F401 — a grant issues its licence in the decision's transaction
        )

        library.register(reuse)
