"""Who may act on a joint case (联办件), said once (issue 15): the services check these rules and the workbench's
joint case page shows the lead's forms — 召集联审 and 撤回 — where `allowed_actions` allows them
(tests/joint/test_allowed_actions_match_services.py).

- The lead window's people (the lead organisation's intake roles, within their scope) act for the whole joint case:
  they accept it, convene meetings and inspections (after the 联办通知 and before the end), scan what was handed in;
- a member department's intake people act on their member (confirm, list what is missing, forward upward);
- the applicant (the account that applied, or the applicant's own account) or the lead withdraws an open joint
  application while a member case is still running.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhengwu.cases.handling import INTAKE_ROLES
from zhengwu.cases.models import Status
from zhengwu.core import access
from zhengwu.core.errors import AccessDenied, Conflict, DomainError
from zhengwu.joint.models import JointCase, JointMember, Phase

RUNNING = (Status.RECEIVED, Status.SUPPLEMENT_REQUESTED, Status.ACCEPTED, Status.SUSPENDED)  # not decided yet
CONVENING_PHASES = (Phase.NOTIFIED, Phase.HANDLING)
ACTIONS = ("convene", "withdraw")


def require_lead(by, joint: JointCase) -> None:
    """`by` acts for the lead window (None: the platform itself)."""
    if by is None:
        return
    access.require_role(by, *INTAKE_ROLES)
    access.require_organisation(by, joint.lead_organisation)


def require_member_staff(by, member: JointMember) -> None:
    if by is None:
        return
    access.require_role(by, *INTAKE_ROLES)
    access.require_organisation(by, member.case.organisation)


def is_applicant_side(user, joint: JointCase) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or access.staff_of(user) is not None:
        return False
    return joint.created_by_id == user.pk or (
        joint.applicant.user_id is not None and joint.applicant.user_id == user.pk
    )


def require_applicant_or_lead(by, joint: JointCase) -> None:
    if by is None or is_applicant_side(by, joint):
        return
    require_lead(by, joint)


def withdrawal_refusal(joint: JointCase, *, running: bool | None = None) -> Conflict | None:
    """Why the joint application cannot be withdrawn as it stands, or None: it ended, or every member case was
    decided. `running`: whether a member case is still running, when the caller read the members already."""
    if not joint.is_open:
        return Conflict(_("联办件已%(p)s,不能撤回") % {"p": joint.get_phase_display()}, field="phase")
    if running is None:
        running = joint.members.filter(case__status__in=RUNNING).exists()
    if not running:
        return Conflict(_("各部门均已作出决定,没有可以撤回的办件"), field="phase")
    return None


def is_lead(user, joint: JointCase) -> bool:
    return access.may_act_as(user, *INTAKE_ROLES) and access.can_see_organisation(
        user, joint.lead_organisation
    )


def refusal(user, joint: JointCase, action: str) -> DomainError | None:
    """Why the user may not take `action` on the joint case now, or None."""
    if action == "convene":
        if not is_lead(user, joint):
            return AccessDenied(_("只有主办窗口可以召集联审"))
        if joint.phase not in CONVENING_PHASES:
            return Conflict(_("联办件当前不能召集联审"), field="phase")
        return None
    if action == "withdraw":
        if not (is_applicant_side(user, joint) or is_lead(user, joint)):
            return AccessDenied(_("只有申请人或主办窗口可以撤回联办申请"))
        return withdrawal_refusal(joint)
    raise ValueError(f"unknown joint action {action}")


def allowed_actions(user, joint: JointCase) -> dict[str, bool]:
    return {action: refusal(user, joint, action) is None for action in ACTIONS}
