from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "zhengwu.evaluation"
    label = "evaluation"
    verbose_name = "好差评与服务规范"
