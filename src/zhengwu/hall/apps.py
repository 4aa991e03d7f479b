from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "zhengwu.hall"
    label = "hall"
    verbose_name = "政务大厅"

    def ready(self):
        from zhengwu.hall import indicators as hall_indicators
        from zhengwu.hall import measures, selectors
        from zhengwu.supervision import bulletin, hall_screen, indicators

        hall_screen.add(selectors.screen_context)
        hall_screen.add_to_dashboard(selectors.dashboard_context)
        if measures.bulletin_section not in bulletin.SECTIONS:
            bulletin.SECTIONS.append(measures.bulletin_section)
        indicators.add_source(
            hall_indicators.source,
            hall_indicators.COLUMNS,
            nullable=hall_indicators.AVERAGES,
            plain=hall_indicators.MINUTES,
        )
