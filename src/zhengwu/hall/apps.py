from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "zhengwu.hall"
    label = "hall"
    verbose_name = _("政务大厅")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from zhengwu.cases import extensions
        from zhengwu.core import context_processors
        from zhengwu.core.calendar import calendar_year_loaded
        from zhengwu.core.models import CalendarYear
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
        # a year's holidays loaded: the slots made while it was unknown follow it (no booking on a holiday)
        from zhengwu.hall import services

        calendar_year_loaded.connect(
            services._on_calendar_year_loaded, dispatch_uid="zhengwu.hall.follow_calendar"
        )
        # the portal's footer and home page state the hours from the hall's rules (cached; forgotten on any change)
        if selectors.public_hours not in context_processors.HOURS_SOURCES:
            context_processors.HOURS_SOURCES.append(selectors.public_hours)
        from zhengwu.hall.models import OpeningHours, SlotRule, WindowGroup

        for model in (OpeningHours, SlotRule, WindowGroup, CalendarYear):
            for signal in (post_save, post_delete):
                signal.connect(
                    selectors.forget_public_hours,
                    sender=model,
                    dispatch_uid=f"hall.public_hours.{model.__name__}",
                )
        hall_screen.add_to_dashboard(selectors.dashboard_context)
        if measures.bulletin_section not in bulletin.SECTIONS:
            bulletin.SECTIONS.append(measures.bulletin_section)
        indicators.add_source(
            hall_indicators.source,
            hall_indicators.COLUMNS,
            nullable=hall_indicators.AVERAGES,
            plain=hall_indicators.MINUTES,
        )
