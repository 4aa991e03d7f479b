from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "zhengwu.hall"
    label = "hall"
    verbose_name = "政务大厅"
