from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "zhengwu.evaluation"
    label = "evaluation"
    verbose_name = _("好差评与服务规范")

    def ready(self):
        from zhengwu.cases import notify
        from zhengwu.evaluation import signals  # noqa: F401 — recompute due dates when a calendar year is loaded
        from zhengwu.evaluation.links import completion_invitation

        notify.add_to_messages(completion_invitation)
