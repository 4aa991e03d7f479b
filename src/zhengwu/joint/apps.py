from django.apps import AppConfig


class JointConfig(AppConfig):
    name = "zhengwu.joint"
    label = "joint"
    verbose_name = "并联审批"
