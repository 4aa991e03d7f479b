from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "zhengwu.hall"
    label = "hall"
    verbose_name = "政务大厅"

    def ready(self):
        from zhengwu.hall import selectors
        from zhengwu.supervision import hall_screen

        hall_screen.add(selectors.screen_context)
