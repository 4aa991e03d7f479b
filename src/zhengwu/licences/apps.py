from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "zhengwu.licences"
    label = "licences"
    verbose_name = "电子证照"

    def ready(self):
        from zhengwu.cases import extensions, library
        from zhengwu.licences import (
            panels,
            reuse,
            signals,  # noqa: F401 — a grant issues its licence in the decision's transaction
        )

        library.register(reuse)
        extensions.portal_panels.append(panels.portal_panel)
        extensions.workbench_panels.append(panels.workbench_panel)
