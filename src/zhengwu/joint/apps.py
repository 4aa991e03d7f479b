from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JointConfig(AppConfig):
    name = "zhengwu.joint"
    label = "joint"
    verbose_name = _("并联审批")

    def ready(self):
        from django.db.models import Exists, OuterRef

        from zhengwu.cases import extensions, handling, intake, library, notify, records
        from zhengwu.joint import indicators, services, signals, supervision  # noqa: F401 — receiver and rules register on import
        from zhengwu.joint.models import JointMember

        # read with the locked case: is it no member of a joint case (member_of); a case just made is none yet
        records.add_locked_fact(
            "_zw_no_joint", lambda: ~Exists(JointMember.objects.filter(case_id=OuterRef("pk"))), when_new=True
        )
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
