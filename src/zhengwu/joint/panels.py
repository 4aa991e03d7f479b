"""The staff case page's note on a joint case's member (cases.extensions.workbench_panels): which 联办件 it belongs
to, with a link to the joint page where its intake is done (联办通知, 确认材料齐全, 补正, 不予受理)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from zhengwu.joint import services


def workbench_panel(request, case) -> str:
    member = services.member_of(case)
    if member is None:
        return ""
    joint = member.joint
    owner = services.intake_owner(case)
    # a link shown must work: only for whoever may open the joint case
    link = (
        format_html(
            '<a href="{}">{}</a>', reverse("workbench_joint:case", args=[joint.number]), _("打开联办件页面")
        )
        if joint.number in services.openable_numbers(request.user, {joint.number})
        else ""
    )
    return format_html(
        '<div class="alert alert-info" data-joint-member="{}"><i class="bi bi-diagram-3"></i> {} {}{}</div>',
        joint.number,
        _("本办件是联办件 %(n)s(%(p)s)的成员办件。") % {"n": joint.number, "p": joint.get_phase_display()},
        link,
        format_html(" <span class='small'>{}</span>", _("受理、补正和不予受理在联办件页面办理。"))
        if owner
        else "",
    )
