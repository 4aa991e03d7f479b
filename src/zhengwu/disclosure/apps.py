from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "zhengwu.disclosure"
    label = "disclosure"
    verbose_name = "政务公开"
