from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "zhengwu.hall"
    label = "hall"
    verbose_name = "政务大厅"

    def ready(self):
        from zhengwu.hall import measures, selectors
        from zhengwu.supervision import bulletin, hall_screen

        hall_screen.add(selectors.screen_context)
        hall_screen.add_to_dashboard(selectors.dashboard_context)
        if measures.bulletin_section not in bulletin.SECTIONS:
            bulletin.SECTIONS.append(measures.bulletin_section)
