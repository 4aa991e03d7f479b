from django.apps import AppConfig


class JointConfig(AppConfig):
    name = "zhengwu.joint"
    label = "joint"
    verbose_name = "并联审批"

    def ready(self):
        from zhengwu.cases import extensions, handling, intake, library, notify
        from zhengwu.joint import indicators, services, signals, supervision  # noqa: F401 — receiver and rules register on import

        notify.hold_messages(services.is_held)
        handling.add_decision_check(services.decision_check)
        handling.add_material_source(services.obtained_materials)
        intake.add_intake_hold(services.intake_held)
        extensions.intake_owners.append(services.intake_owner)
        extensions.intake_owned_filters.append(services.intake_owned_q)
        from zhengwu.joint import panels

        extensions.workbench_panels.append(panels.workbench_panel)
        indicators.register()
        from zhengwu.joint import selectors
        from zhengwu.supervision import hall_screen

        hall_screen.add_to_dashboard(selectors.dashboard_figures)
        library.register_dependants(services.results_taken_by_others)
