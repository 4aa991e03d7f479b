"""Supervision of joint cases: each member's warning level and the joint level (the worst of them), and the rules
(codes `joint.…`) that join supervision's registry: a member that misses its part, a prerequisite that arrives late.

Levels follow supervision.levels (red after the due date; yellow within the centre's thresholds), over the member's
legal due date — the date the law holds each department to (each member keeps its own)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from zhengwu.cases.models import OPEN_STATUSES
from zhengwu.core import clock
from zhengwu.core.calendar import current_calendar
from zhengwu.supervision import levels
from zhengwu.supervision import rules as supervision_rules
from zhengwu.supervision import selectors as supervision_selectors
from zhengwu.supervision.models import Severity

ORDER = {levels.NORMAL: 0, levels.YELLOW: 1, levels.RED: 2}


def member_level(case, *, today=None, calendar=None, policy=None) -> str:
    """A member case's level: red past its legal due date (or decided after it), yellow near it, else normal."""
    if case.legal_due is None:
        return levels.NORMAL
    if case.status not in OPEN_STATUSES or case.decided_at:
        decided = clock.local_date(case.decided_at) if case.decided_at else None
        return levels.RED if decided and decided > case.legal_due else levels.NORMAL
    return levels.level(
        calendar or current_calendar(),
        today or clock.today(),
        case.legal_due,
        limit=case.version.legal_limit,
        policy=policy or supervision_selectors.policy(),
    )


def joint_level(members: list, *, today=None) -> str:
    """The joint case's level: the worst of its members' (late as soon as one member is)."""
    calendar, policy = current_calendar(), supervision_selectors.policy()
    found = [member_level(m.case, today=today, calendar=calendar, policy=policy) for m in members]
    return max(found, key=ORDER.get, default=levels.NORMAL)


class _JointRule(supervision_rules.Rule):
    domain = "joint"

    def _member(self, ctx):
        from zhengwu.joint.services import member_of

        return member_of(ctx.case)


class MemberMissedPart(_JointRule):
    # 联办: "各相关窗口在承诺时限内完成审批工作,并及时向主办窗口反馈审批结果" (the seeds); the member's legal limit
    # (行政许可法 第四十二条) binds it within the joint case.
    code = "member_late"
    severity = Severity.SERIOUS
    title = _lazy("联办成员部门超期")

    def check(self, ctx):
        if ctx.event.action != "decide":
            return []
        state = ctx.after
        due = state.legal.due if state and getattr(state, "legal", None) else None
        if due is None or ctx.day <= due:
            return []
        member = self._member(ctx)
        if member is None:
            return []
        late = ctx.calendar.workdays_between(due, ctx.day).value
        return [
            supervision_rules.Finding(
                _(
                    "联办件 %(j)s 的成员事项法定期限为 %(d)s,于 %(on)s 才作出决定,超出 %(n)d 个工作日,联办件因此超期。"
                )
                % {"j": member.joint.number, "d": due.isoformat(), "on": ctx.day.isoformat(), "n": late},
                {
                    "joint": member.joint.number,
                    "due": due.isoformat(),
                    "on": ctx.day.isoformat(),
                    "late_workdays": late,
                },
                per_case=True,
            )
        ]


class PrerequisiteLate(_JointRule):
    # 投资项目并联审批: "同一阶段纳入并联审批的审批文件,也是其他部门的前置审批依据" (the seeds): a prerequisite decided
    # after its own promised date holds up the members that wait on it.
    code = "prerequisite_late"
    severity = Severity.WARNING
    title = _lazy("前置审批结果迟到")

    def check(self, ctx):
        if ctx.event.action != "decide":
            return []
        state = ctx.after
        due = state.promised.due if state and getattr(state, "promised", None) else None
        if due is None or ctx.day <= due:
            return []
        member = self._member(ctx)
        if member is None:
            return []
        waiting = [
            m.case.version.name
            for m in member.joint.members.select_related("case__version")
            if member.position in (m.needs or [])
        ]
        if not waiting:
            return []
        return [
            supervision_rules.Finding(
                _("作为「%(w)s」的前置审批依据,本事项承诺期限为 %(d)s,于 %(on)s 才作出决定(联办件 %(j)s)。")
                % {
                    "w": "、".join(waiting),
                    "d": due.isoformat(),
                    "on": ctx.day.isoformat(),
                    "j": member.joint.number,
                },
                {
                    "joint": member.joint.number,
                    "due": due.isoformat(),
                    "on": ctx.day.isoformat(),
                    "waiting": waiting,
                },
                per_case=True,
            )
        ]


def scan_open_members(today=None) -> int:
    """Open member cases past their legal due date, each reported once under `joint.member_late` (run daily)."""
    from zhengwu.joint.models import JointMember

    today = today or clock.today()
    raised = 0
    rows = JointMember.objects.filter(
        case__status__in=OPEN_STATUSES, case__legal_due__lt=today, case__decided_at__isnull=True
    )
    for member in rows.select_related("case", "joint"):
        finding = supervision_rules.Finding(
            _("联办件 %(j)s 的成员事项法定期限为 %(d)s,至 %(on)s 仍未作出决定,联办件因此超期。")
            % {"j": member.joint.number, "d": member.case.legal_due.isoformat(), "on": today.isoformat()},
            {"joint": member.joint.number, "due": member.case.legal_due.isoformat(), "on": today.isoformat()},
            per_case=True,
        )
        if supervision_rules.store(MemberMissedPart, finding, case=member.case, event=None):
            raised += 1
    return raised
