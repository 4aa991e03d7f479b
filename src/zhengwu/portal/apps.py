from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "zhengwu.portal"
    label = "portal"
    verbose_name = _("门户")

    def ready(self):
        from zhengwu.cases import extensions
        from zhengwu.portal.fees import panels

        if panels.case_panel not in extensions.portal_panels:
            extensions.portal_panels.append(panels.case_panel)
