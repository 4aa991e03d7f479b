"""Who may act on a joint case (联办件), said once (issue 15): the services check these rules and the workbench's
joint case page shows each of its forms where `refusal` allows it (tests/joint/test_allowed_actions_match_services.py
tries every action for every kind of person at each point of a joint case).

- The lead window's people (the lead organisation's intake roles, within their scope) act for the whole joint case:
  they accept it (联办通知), convene meetings and inspections (after the 联办通知 and before the end), scan what was
  handed in while materials are taken, and file the minutes of a meeting once every member present gave its opinion;
- a member department's intake people act on their member: answer the 联办通知 (confirm, list what is missing) while
  it waits for their answer, give their opinion at a meeting they take part in, forward their part upward while it is
  being handled and record the reply; the member's own case rules (cases.permissions) say who refuses it at intake
  (不予受理, while the joint case is not yet jointly accepted) and who denies it (不予许可, at its decision step while
  the joint case is being handled);
- the centre's front desk (总服务台) names or changes the lead window of an open joint case;
- the applicant (the account that applied, or the applicant's own account) or the lead withdraws an open joint
  application while a member case is still running, and uploads materials while they are taken.

Each rule returns the refusal — a DomainError with the message the service raises — or None; a service calls the
parts of a rule at the moment it always checked them (who first, the state on the locked row), so what it answers is
unchanged.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhengwu.cases import handling
from zhengwu.cases.handling import INTAKE_ROLES
from zhengwu.cases.models import CLOSED_STATUSES, Status
from zhengwu.core import access, clock
from zhengwu.core.errors import AccessDenied, Conflict, DomainError, ValidationFailed
from zhengwu.core.inputs import is_whole
from zhengwu.joint.models import JointCase, JointMeeting, JointMember, Phase

RUNNING = (Status.RECEIVED, Status.SUPPLEMENT_REQUESTED, Status.ACCEPTED, Status.SUSPENDED)  # not decided yet
CONVENING_PHASES = (Phase.NOTIFIED, Phase.HANDLING)
# materials are taken (uploaded by the applicant, scanned by the lead window) until the joint acceptance: after it
# no member case takes them any more (行政许可法 第三十二条: the application's materials, and their 补正)
UPLOAD_PHASES = (Phase.RECEIVED, Phase.NOTIFIED, Phase.SUPPLEMENT)
# a member is refused (不予受理) while the member cases are still at intake (收件, not accepted)
INTAKE_PHASES = (Phase.RECEIVED, Phase.NOTIFIED)
# a member forwards what it has accepted and not yet decided
FORWARDABLE = (Status.ACCEPTED, Status.SUSPENDED)

# the joint case page's actions on the whole joint case …
ACTIONS = ("convene", "withdraw", "lead_accept", "upload", "lead_window")
# … on one member (`position`) …
MEMBER_ACTIONS = ("confirm", "missing", "refuse", "deny", "forward", "forward_reply")
# … and on one meeting (`meeting`; the opinion for one member, `position`)
MEETING_ACTIONS = ("minutes", "opinion")


# ---- who -----------------------------------------------------------------------------------------------------


def _intake_staff_refusal(user, organisation) -> AccessDenied | None:
    """`user` holds an intake role and may act on the organisation's records (access.require_role and
    require_organisation, as questions); None: the platform itself."""
    if user is None:
        return None
    if not access.may_act_as(user, *INTAKE_ROLES):
        return AccessDenied(_("您没有执行该操作所需的角色"))
    if not access.can_see_organisation(user, organisation):
        return AccessDenied()
    return None


def lead_refusal(user, joint: JointCase) -> AccessDenied | None:
    """`user` acts for the lead window."""
    return _intake_staff_refusal(user, joint.lead_organisation)


def member_staff_refusal(user, member: JointMember) -> AccessDenied | None:
    """`user` acts for the member department."""
    return _intake_staff_refusal(user, member.case.organisation)


def require_lead(by, joint: JointCase) -> None:
    """`by` acts for the lead window (None: the platform itself)."""
    if refused := lead_refusal(by, joint):
        raise refused


def require_member_staff(by, member: JointMember) -> None:
    if refused := member_staff_refusal(by, member):
        raise refused


def is_applicant_side(user, joint: JointCase) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or access.staff_of(user) is not None:
        return False
    return joint.created_by_id == user.pk or (
        joint.applicant.user_id is not None and joint.applicant.user_id == user.pk
    )


def applicant_or_lead_refusal(user, joint: JointCase) -> AccessDenied | None:
    if user is None or is_applicant_side(user, joint):
        return None
    return lead_refusal(user, joint)


def require_applicant_or_lead(by, joint: JointCase) -> None:
    if refused := applicant_or_lead_refusal(by, joint):
        raise refused


def is_lead(user, joint: JointCase) -> bool:
    return access.may_act_as(user, *INTAKE_ROLES) and access.can_see_organisation(
        user, joint.lead_organisation
    )


def front_desk_refusal(user, region) -> AccessDenied | None:
    """总服务台 of the region: a general window's clerk of a centre of the region, or a centre manager
    (services.is_front_desk)."""
    from zhengwu.joint.services import is_front_desk

    if user is None or is_front_desk(user, region):
        return None
    return AccessDenied(_("统一登记和指定主办窗口由总服务台(综合受理窗口)或中心管理人员办理"))


# ---- the state of the joint case -----------------------------------------------------------------------------


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


def notification_refusal(joint: JointCase) -> Conflict | None:
    """联办通知 is sent once, to a joint case received and not yet accepted by the lead window."""
    if joint.phase != Phase.RECEIVED:
        return Conflict(_("联办件已发出联办通知"), field="phase")
    return None


def convening_refusal(joint: JointCase) -> Conflict | None:
    if joint.phase not in CONVENING_PHASES:
        return Conflict(_("联办件当前不能召集联审"), field="phase")
    return None


def upload_refusal(joint: JointCase) -> Conflict | None:
    """Materials are taken until the joint acceptance (UPLOAD_PHASES)."""
    if joint.phase not in UPLOAD_PHASES:
        return Conflict(
            _("联办件当前为「%(p)s」,不再收取申请材料") % {"p": joint.get_phase_display()}, field="phase"
        )
    return None


def lead_window_open_refusal(joint: JointCase) -> Conflict | None:
    """The lead window is named or changed while the joint case is open."""
    if not joint.is_open:
        return Conflict(_("联办件已%(p)s,不能指定主办窗口") % {"p": joint.get_phase_display()}, field="phase")
    return None


def lead_window_refusal(joint: JointCase) -> DomainError | None:
    """The page's question: open, and a window where a member department sits other than the one leading now
    (services.lead_window_choices) to choose — the service refuses any other window as its input."""
    if refused := lead_window_open_refusal(joint):
        return refused
    from zhengwu.joint.services import lead_window_choices

    others = lead_window_choices(joint)
    if joint.lead_window_id:
        others = others.exclude(pk=joint.lead_window_id)
    if not others.exists():
        return ValidationFailed(_("请选择有成员部门进驻的窗口作为主办窗口"), field="lead_window")
    return None


# ---- the state of a member -----------------------------------------------------------------------------------


def answer_refusal(joint: JointCase, member: JointMember) -> Conflict | None:
    """The 联办通知 waits for the member's answer (confirm, or what it misses) — from a member still at intake: one
    not accepted (不予受理), terminated or withdrawn answers no more."""
    if joint.phase != Phase.NOTIFIED:
        return Conflict(_("联办件当前不在待各部门确认的阶段"), field="phase")
    if (
        member.case.status in CLOSED_STATUSES
    ):  # 不予受理, 终止, 撤回: it answers no more (its row shows its ending)
        return Conflict(
            _("「%(item)s」%(state)s,不能再确认材料齐全或提出补正")
            % {"item": member.case.version.name, "state": member.case.get_status_display()},
            field="answer",
        )
    if member.answer:
        return Conflict(_("本部门已答复联办通知"), field="answer")
    return None


def completeness_refusal(joint: JointCase, member: JointMember) -> ValidationFailed | None:
    """行政许可法 第三十二条第一款第(四)项: materials complete only when every required material of the member the
    applicant is asked for is uploaded, received on paper or taken from the licence library — those taken from a
    prerequisite member's result (or got by the department itself) are not the applicant's to give."""
    asked = {
        u["position"]
        for e in joint.version.merged_materials
        for u in e["members"]
        if u["key"] == member.position
    }
    from_results = {
        u["position"]
        for e in joint.version.merged_materials
        if e.get("from_member")
        for u in e["members"]
        if u["key"] == member.position
    }
    missing = [
        m
        for m in handling.missing(member.case)
        if m["position"] in asked and m["position"] not in from_results
    ]
    if not missing:
        return None
    # named by the merged list's numbers, those the applicant's list and the member's 补正 form show (the member
    # item's own numbering would send the clerk to the wrong line)
    merged_number = {
        u["position"]: e["position"]
        for e in joint.version.merged_materials
        for u in e["members"]
        if u["key"] == member.position
    }
    return ValidationFailed(
        _(
            "「%(item)s」的必需材料尚未上传:%(m)s。材料不齐全不能确认,请提出补正"
            "(行政许可法第三十二条第一款第(四)项)"
        )
        % {
            "item": member.case.version.name,
            "m": "、".join(
                f"{merged_number.get(m['position'], m['position'])}. {m['name']}" for m in missing
            ),
        },
        code="joint.materials_missing",
        field="answer",
    )


def not_accepting_refusal(joint: JointCase) -> Conflict | None:
    """不予受理 of a member only while the member cases are at intake (INTAKE_PHASES)."""
    if joint.phase not in INTAKE_PHASES:
        return Conflict(_("联办件已联合受理或已结束,成员部门不能再不予受理"), field="phase")
    return None


def member_refuse_case_refusal(user, member: JointMember) -> DomainError | None:
    """The member case's own 不予受理 rule, as cases.intake.refuse_case checks it when the joint flow (which owns
    the member's intake) refuses it: the case in the user's scope, their role and the case's status
    (cases.permissions), within the five working days of intake (第三十二条)."""
    from zhengwu.cases import extensions
    from zhengwu.cases import intake as case_intake
    from zhengwu.cases import permissions as case_permissions
    from zhengwu.cases import records as case_records

    case = member.case
    if out_of_scope := case_records.scope_refusal(user, case):
        return out_of_scope
    with extensions.acting_for_intake_owner():
        if refused := case_permissions.refusal(user, case, "refuse"):
            return refused
    return case_intake.intake_closed_refusal(case)


def deciding_refusal(joint: JointCase) -> Conflict | None:
    """不予许可 of a member only while the joint case is being handled."""
    if joint.phase != Phase.HANDLING:
        return Conflict(_("联办件当前不在并联办理阶段,成员部门不能作出决定"), field="phase")
    return None


def member_decide_case_refusal(user, member: JointMember) -> DomainError | None:
    """The member case's own decision rule (cases.permissions 'decide': its decision step, its holder)."""
    from zhengwu.cases import permissions as case_permissions

    return case_permissions.refusal(user, member.case, "decide")


def forwarding_refusal(joint: JointCase, member: JointMember) -> Conflict | None:
    """上报 of what the member accepted and has not decided yet, while the joint case is open."""
    if not joint.is_open or member.case.status not in FORWARDABLE:
        return Conflict(
            _("「%(i)s」%(s)s,不在办理中,不能上报")
            % {"i": member.case.version.name, "s": member.case.get_status_display()},
            field="forwarding",
        )
    return None


def pending_forward_refusal(member: JointMember) -> Conflict | None:
    """One forwarding at a time: a member waiting for the higher authority's reply does not forward again."""
    if member.forwardings.filter(replied_on__isnull=True).exists():
        return Conflict(_("已上报,尚未答复"), field="forwarding")
    return None


def reply_refusal(member: JointMember) -> Conflict | None:
    """The reply is recorded to the member's open forwarding."""
    if not member.forwardings.filter(replied_on__isnull=True).exists():
        return Conflict(_("没有待答复的上报"), field="forwarding")
    return None


# ---- the state of a meeting ----------------------------------------------------------------------------------


def opinion_member_refusal(meeting: JointMeeting, member: JointMember) -> DomainError | None:
    """A member gives its opinion at a meeting it takes part in; at a 审前集中告知会议 the opinion is its answer to the
    联办通知, so not once it answered."""
    if member.position not in meeting.positions:
        return ValidationFailed(_("该成员事项不在本次联审之列"), field="position")
    if meeting.kind == JointMeeting.Kind.PRE_REVIEW and member.answer:
        return Conflict(_("本部门已答复联办通知"), field="answer")
    return None


def not_held_refusal(meeting: JointMeeting, field: str) -> ValidationFailed | None:
    """Opinions and minutes are of a meeting that took place: not before its date (and time)."""
    if clock.now() < meeting.starts_at():
        return ValidationFailed(
            _("%(k)s定于%(d)s召开,召开后才能记录意见和归档纪要")
            % {"k": meeting.get_kind_display(), "d": meeting.when_label()},
            field=field,
        )
    return None


def opinion_open_refusal(meeting: JointMeeting, position: int) -> DomainError | None:
    """Once per member, once the meeting took place and before the minutes close it."""
    if refused := not_held_refusal(meeting, "opinion"):
        return refused
    if meeting.minutes_at:
        return Conflict(_("会议纪要已归档,不能再记录意见"), field="meeting")
    if meeting.opinions.filter(position=position).exists():
        return Conflict(_("本部门已记录意见"), field="position")
    return None


def minutes_refusal(meeting: JointMeeting) -> DomainError | None:
    """The minutes close a meeting once it took place and every member present recorded its opinion."""
    if refused := not_held_refusal(meeting, "minutes"):
        return refused
    recorded = set(meeting.opinions.values_list("position", flat=True))
    missing = [p for p in meeting.positions if p not in recorded]
    if missing:
        return Conflict(
            _("尚有成员部门未记录意见(序号 %(p)s)") % {"p": "、".join(map(str, missing))},
            field="opinions",
        )
    if meeting.minutes_at:
        return Conflict(_("会议纪要已归档"), field="minutes")
    return None


# ---- the page's question -------------------------------------------------------------------------------------


class _Asked:
    """One page's questions: whether the user acts for an organisation (the intake roles, within their scope) is read
    once per organisation, and the members once, however many members and actions the page asks about."""

    def __init__(self, user, joint: JointCase):
        self.user, self.joint = user, joint
        self._staff: dict[int, AccessDenied | None] = {}
        self._members: dict[int, JointMember] | None = None

    def staff_refusal(self, organisation) -> AccessDenied | None:
        if organisation.pk not in self._staff:
            self._staff[organisation.pk] = _intake_staff_refusal(self.user, organisation)
        return self._staff[organisation.pk]

    def members(self) -> dict[int, JointMember]:
        if self._members is None:
            self._members = {
                m.position: m
                for m in self.joint.members.select_related("case__organisation", "case__version")
            }
        return self._members

    def member(self, position) -> JointMember | None:
        return self.members().get(int(position)) if is_whole(position) else None


def _joint_refusal(asked: _Asked, action: str) -> DomainError | None:
    user, joint = asked.user, asked.joint
    lead = asked.staff_refusal(joint.lead_organisation)  # lead_refusal
    if action == "convene":
        if user is None or lead is not None:  # is_lead
            return AccessDenied(_("只有主办窗口可以召集联审"))
        return convening_refusal(joint)
    if action == "withdraw":
        if not (is_applicant_side(user, joint) or (user is not None and lead is None)):
            return AccessDenied(_("只有申请人或主办窗口可以撤回联办申请"))
        return withdrawal_refusal(joint)
    if action == "lead_accept":
        return lead or notification_refusal(joint)
    if action == "upload":
        return (None if is_applicant_side(user, joint) else lead) or upload_refusal(joint)
    if action == "lead_window":
        return front_desk_refusal(user, joint.lead_organisation.region) or lead_window_refusal(joint)
    raise ValueError(f"unknown joint action {action}")


def _member_refusal(asked: _Asked, member: JointMember, action: str) -> DomainError | None:
    user, joint = asked.user, asked.joint
    if action == "refuse":  # the member department's own window (refuse_member)
        return (
            asked.staff_refusal(member.case.organisation)
            or not_accepting_refusal(joint)
            or member_refuse_case_refusal(user, member)
        )
    if action == "deny":
        return deciding_refusal(joint) or member_decide_case_refusal(user, member)
    if refused := asked.staff_refusal(member.case.organisation):  # member_staff_refusal
        return refused
    if action == "confirm":
        return answer_refusal(joint, member) or completeness_refusal(joint, member)
    if action == "missing":
        return answer_refusal(joint, member)
    if action == "forward":
        return forwarding_refusal(joint, member) or pending_forward_refusal(member)
    if action == "forward_reply":
        return reply_refusal(member)
    raise ValueError(f"unknown joint member action {action}")


def _meeting_refusal(asked: _Asked, meeting: JointMeeting, action: str, position) -> DomainError | None:
    if action == "minutes":
        return asked.staff_refusal(asked.joint.lead_organisation) or minutes_refusal(meeting)
    if action == "opinion":
        member = asked.member(position)
        if member is None:
            return ValidationFailed(_("该成员事项不在本次联审之列"), field="position")
        return (
            asked.staff_refusal(member.case.organisation)
            or opinion_member_refusal(meeting, member)
            or opinion_open_refusal(meeting, member.position)
        )
    raise ValueError(f"unknown joint meeting action {action}")


def _refusal(asked: _Asked, action: str, position, meeting, member) -> DomainError | None:
    if action in ACTIONS:
        return _joint_refusal(asked, action)
    if action in MEETING_ACTIONS:
        if meeting is None:
            raise ValueError(f"the joint meeting action {action} needs its meeting")
        return _meeting_refusal(asked, meeting, action, position)
    if action in MEMBER_ACTIONS:
        member = member or asked.member(position)
        if member is None:
            raise ValueError(f"the joint case has no member {position}")
        return _member_refusal(asked, member, action)
    raise ValueError(f"unknown joint action {action}")


def refusal(
    user,
    joint: JointCase,
    action: str,
    *,
    position: int | None = None,
    meeting: JointMeeting | None = None,
    member: JointMember | None = None,
) -> DomainError | None:
    """Why the user may not take `action` on the joint case now, or None. A member action (MEMBER_ACTIONS) names its
    member by `position` (or gives the `member` read already); a meeting action (MEETING_ACTIONS) its `meeting`, and
    the opinion its member's `position` too."""
    return _refusal(_Asked(user, joint), action, position, meeting, member)


def page_actions(user, joint: JointCase) -> tuple[dict, dict, dict]:
    """What the joint case page offers, every rule asked once: the joint case's own actions (ACTIONS → may the user
    take it now), each member's (position → MEMBER_ACTIONS → may), each meeting's (id → "minutes": may, "opinion":
    the positions whose opinion the user may record there)."""
    asked = _Asked(user, joint)
    own = {action: _refusal(asked, action, None, None, None) is None for action in ACTIONS}
    members = {
        p: {action: _refusal(asked, action, None, None, m) is None for action in MEMBER_ACTIONS}
        for p, m in sorted(asked.members().items())
    }
    meetings = {
        meeting.pk: {
            "minutes": _refusal(asked, "minutes", None, meeting, None) is None,
            "opinion": {p for p in meeting.positions if _refusal(asked, "opinion", p, meeting, None) is None},
        }
        for meeting in joint.meetings.all()
    }
    return own, members, meetings


def allowed_actions(user, joint: JointCase) -> dict[str, bool]:
    """The joint case's own actions (ACTIONS) → may the user take them now."""
    asked = _Asked(user, joint)
    return {action: _refusal(asked, action, None, None, None) is None for action in ACTIONS}
