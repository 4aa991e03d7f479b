from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "zhengwu.workbench"
    label = "workbench"
    verbose_name = _("工作台")

    def ready(self):
        from zhengwu.cases import extensions
        from zhengwu.workbench.fees import views as fees

        if fees.case_panel not in extensions.workbench_panels:
            extensions.workbench_panels.append(fees.case_panel)
