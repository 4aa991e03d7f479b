from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "zhengwu.hall"
    label = "hall"
    verbose_name = "政务大厅"

    def ready(self):
        from zhengwu.cases import extensions
        from zhengwu.hall import case_panels, delivery, measures, selectors
        from zhengwu.hall import indicators as hall_indicators
        from zhengwu.supervision import bulletin, hall_screen, indicators

        for hooks, hook in (
            (extensions.portal_panels, case_panels.portal_panel),
            (extensions.dispatch_states, case_panels.dispatch_state),
            (extensions.timeline_sources, case_panels.timeline),
            (extensions.delivery_choosers, delivery.choose),
        ):
            if hook not in hooks:
                hooks.append(hook)
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
