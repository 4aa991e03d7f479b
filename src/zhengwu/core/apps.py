from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhengwu.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from zhengwu.core import choices
        from zhengwu.core.middleware import session_refreshed_at_sign_in

        choices.install()  # choice labels from a table kept per field (core/choices.py)

        # signing in is activity: the session starts refreshed (SlidingSessionMiddleware)
        user_logged_in.connect(session_refreshed_at_sign_in, dispatch_uid="zhengwu.core.session_refreshed")
