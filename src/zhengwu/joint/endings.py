"""Ending a joint case early: a member department's 不予许可, and the applicant's 撤回 of the whole application.

Refusal. What happens to the members still running is decided by the bundle, through its prerequisites (`needs`):
- 行政许可法 第二十六条第二款: where several departments of one government each implement a licence (分别实施), the
  government may have one department take the application and the others give their opinions for 统一办理, or have
  them handle it jointly (联合办理、集中办理). Each department still decides its own licence on its own conditions
  (第三十八条), so one department's 不予许可 does not end another's application by itself: a member that does not
  need the refused result keeps running; the applicant is told and may withdraw it (撤回, 第二十九条 is the
  applicant's own choice to apply).
- The seeds: "同一阶段纳入并联审批的审批文件,也是其他部门的前置审批依据". A member that needs the refused result as its
  前置审批依据 — directly, or through another member that is stopped — can no longer meet its conditions: it is
  stopped (终止办理) with a notice naming the refusal; the applicant may apply again once the refused licence is had.
When nothing is left running, the joint case ends as 不予许可(联办终止). Every member department is told by the
成员不予许可通报 (a joint notice listing the refused member, its reasons and legal basis, the members stopped and the
ones that continue), the applicant by one message.

Refusal at intake (不予受理) during the 联办通知 stage, on the joint page (`refuse_member`) or the member's own case page
(cases.services.refuse_case, with its written decision, reasons and legal basis, 行政许可法 第三十二条): the same rule
through `needs` — a member that needs the refused member's result cannot be accepted either and is not accepted with
a decision naming the refusal; the others stay in the 联办通知 stage (and, when they have all answered, go on to the
联合告知 or 联合受理 without it). When nothing is left, the whole joint application is not accepted (不予受理). Every
member department gets one 成员不予受理通报, the applicant one message (the member cases' own messages are held).

Withdrawal (撤回: before its decision an application may be withdrawn, as any case through
cases.services.withdraw_case): `withdraw` withdraws every member case not yet decided, in one transaction, with one 撤回联办申请通知 to the member departments and one message to the
applicant; a member already decided keeps its decision.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.cases import extensions as case_extensions
from zhengwu.cases import services as case_services
from zhengwu.cases.models import CLOSED_STATUSES, Case
from zhengwu.core import clock, inputs
from zhengwu.joint import permissions, selectors, services
from zhengwu.joint.models import OPEN_PHASES, JointCase, JointMember, JointNotice, Phase
from zhengwu.joint.permissions import RUNNING

# A member case still before its decision (cases.workflow's 决定前 statuses): it can be withdrawn or stopped.
_LEGAL_BASIS: ContextVar[str] = ContextVar("zhengwu_joint_legal_basis", default="")


def _row(m: JointMember) -> dict:
    return {
        "position": m.position,
        "organisation": m.case.organisation.name,
        "item": m.case.version.name,
        "case_number": m.case.number,
    }


def dependents(members: list[JointMember], position: int) -> set[int]:
    """The members that need `position`'s result, directly or through another member that needs it."""
    out: set[int] = set()
    frontier = {position}
    while frontier:
        found = {m.position for m in members if set(m.needs) & frontier and m.position not in out}
        out |= found
        frontier = found
    out.discard(position)
    return out


def deny_member(
    *,
    joint: JointCase,
    position: int,
    by,
    reasons: str,
    legal_basis: str,
    revision: int | None = None,
    case_revision: int | None = None,
) -> JointCase:
    """A member department refuses (不予许可) at its decision step, with its reasons and legal basis (第三十八条第二款):
    the member case is decided as an ordinary case (its holder, its decision document; `case_revision` when asked on
    its own case page); the joint consequences follow in the same transaction (`after_denial`, from the cases' case_decided signal)."""
    reasons = inputs.text(reasons, field="reasons", label=_("不予许可的理由"))
    legal_basis = inputs.text(legal_basis, field="legal_basis", label=_("法律依据"), max_length=500)
    token = _LEGAL_BASIS.set(legal_basis)
    try:
        with transaction.atomic():
            # the joint case's revision and phase checked on the locked row, as every other joint write does: a
            # refusal racing a withdrawal or another member's ending waits for it and then sees what it left
            locked = services._locked(joint, revision)
            if refused := permissions.deciding_refusal(locked):
                raise refused
            member = services._member(locked, position)
            case_services.decide_case(
                case=member.case,
                by=by,
                grant=False,
                reasons=_("%(r)s(法律依据:%(b)s)") % {"r": reasons, "b": legal_basis},
                revision=case_revision,
            )
    finally:
        _LEGAL_BASIS.reset(token)
    joint.refresh_from_db()
    return joint


def after_denial(case: Case, by) -> None:
    """A member case was refused (by `deny_member` or on its own case page): stop the members that need its result,
    tell every member department and the applicant, and end the joint case when nothing is left running."""
    member = JointMember.objects.filter(case_id=case.pk).select_related("joint").first()
    if member is None:
        return
    joint = services._locked(member.joint)
    if joint.phase not in OPEN_PHASES:
        return
    members = list(
        joint.members.select_related("case__organisation", "case__version").order_by("stage", "position")
    )
    refused = next(m for m in members if m.position == member.position)
    decided = case.events.filter(action="decide").order_by("-seq").first()
    reasons = (decided.data.get("reasons") if decided else "") or ""
    legal_basis = _LEGAL_BASIS.get()
    stop = dependents(members, member.position)
    stopped, continuing = [], []
    token = services.HOLDING.set(("terminate",))
    try:
        for m in members:
            if m.position == member.position or m.case.status not in RUNNING:
                continue
            if m.position in stop:
                case_services.terminate_case(
                    case=m.case,
                    by=None,
                    reason=_("前置审批「%(i)s」经%(o)s不予许可,本事项失去前置审批依据,终止办理(联办件 %(n)s)")
                    % {
                        "i": refused.case.version.name,
                        "o": refused.case.organisation.name,
                        "n": joint.number,
                    },
                )
                stopped.append(_row(m))
            else:
                continuing.append(_row(m))
    finally:
        services.HOLDING.reset(token)
    _announce(
        joint,
        member,
        refused,
        members,
        stopped,
        continuing,
        by=by,
        kind=JointNotice.Kind.REFUSAL,
        reasons=reasons,
        legal_basis=legal_basis,
        ended=Phase.DENIED,
        event="member_denied",
        opening=_("您的一件事「%(name)s」(联办件 %(number)s)中,%(org)s对「%(item)s」作出不予许可决定。"),
        stopped_text=_("以其为前置审批依据的%(items)s已终止办理。"),
        ended_text=_("联办件已终止。"),
        closing=_("详见%(org)s不予许可决定书 %(d)s。"),
    )


def _announce(
    joint,
    member,
    refused,
    members,
    stopped,
    continuing,
    *,
    by,
    kind,
    reasons: str,
    legal_basis: str,
    ended: str,
    event: str,
    opening: str,
    stopped_text: str,
    ended_text: str,
    closing: str,
):
    """What a member's refusal (不予许可 after acceptance, 不予受理 at intake) tells everyone: one notice to every member
    department, the joint case ended when nothing is left running, its event, and one message to the applicant (the
    texts, whole translated sentences, are the caller's)."""
    notice = services._notice(
        joint,
        kind,
        refused=_row(refused),
        reasons=reasons,
        legal_basis=legal_basis,
        stopped=stopped,
        continuing=continuing,
        members=[_row(m) for m in members if m.position != member.position],
    )
    if not continuing:
        joint.phase, joint.finished_at = ended, clock.now()
        joint.save(update_fields=["phase", "finished_at"])
    services._event(
        joint,
        event,
        by=by,
        note=reasons[:500],
        organisation=refused.case.organisation,
        data={
            "position": member.position,
            "legal_basis": legal_basis,
            "document_number": notice.document_number,
            "stopped": [r["position"] for r in stopped],
            "continuing": [r["position"] for r in continuing],
        },
    )
    text = opening % {
        "name": joint.version.name,
        "number": joint.number,
        "org": refused.case.organisation.name,
        "item": refused.case.version.name,
    }
    if stopped:
        text += stopped_text % {"items": "、".join(r["item"] for r in stopped)}
    if continuing:
        text += _("%(items)s继续办理,如不再需要可申请撤回。") % {
            "items": "、".join(r["item"] for r in continuing)
        }
    else:
        text += ended_text
    # the applicant is pointed to the refusing department's own written decision (its 文号), not the lead's
    # circular to the member departments
    own = selectors.own_decision(refused.case, at_intake=kind == JointNotice.Kind.NOT_ACCEPTED)
    cited = own.document_number if own else notice.document_number
    services._message(joint, text + closing % {"org": refused.case.organisation.name, "d": cited})


INTAKE_PHASES = permissions.INTAKE_PHASES  # the member cases are still at intake (收件, not accepted)
_CASCADING: ContextVar[bool] = ContextVar("zhengwu_joint_refusing_dependents", default=False)


def refuse_member(
    *, joint: JointCase, position: int, by, reason: str, legal_basis: str, revision: int | None = None
) -> JointCase:
    """A member window does not accept its part (不予受理) during the 联办通知 stage, with its reasons and legal basis:
    the member case is refused as an ordinary case (its written decision); the joint consequences follow in the same
    transaction (`after_refusal`, from the cases' case_refused signal)."""
    reason = inputs.text(reason, field="reason", label=_("不予受理的理由"))
    legal_basis = inputs.text(legal_basis, field="legal_basis", label=_("法律依据"), max_length=500)
    with transaction.atomic(), case_extensions.acting_for_intake_owner():
        locked = services._locked(joint, revision)  # checked on the locked row (deny_member)
        if refused := permissions.not_accepting_refusal(locked):
            raise refused
        member = services._member(locked, position)
        # the member department's own window decides its 不予受理 (the lead window received the application, but
        # the refusal is the member's decision in its name: 行政许可法 第三十二条), as it answers the 联办通知
        permissions.require_member_staff(by, member)
        case_services.refuse_case(case=member.case, by=by, reason=reason, legal_basis=legal_basis)
    joint.refresh_from_db()
    return joint


def after_refusal(case: Case, by, reason: str, legal_basis: str) -> None:
    """A member case was not accepted (by `refuse_member`; its own case page refuses it: services.intake_owner): the members that need its result
    are not accepted either, every member department is told by one notice and the applicant by one message; the joint
    application is not accepted when nothing is left, or goes on with the others."""
    if _CASCADING.get():
        return
    member = JointMember.objects.filter(case_id=case.pk).select_related("joint").first()
    if member is None:
        return
    joint = services._locked(member.joint)
    if joint.phase not in INTAKE_PHASES:
        return
    members = list(
        joint.members.select_related("case__organisation", "case__version").order_by("stage", "position")
    )
    refused = next(m for m in members if m.position == member.position)
    stop = dependents(members, member.position)
    stopped, continuing = [], []
    token = _CASCADING.set(True)
    try:
        for m in members:
            if m.position == member.position or m.case.status in CLOSED_STATUSES:
                continue
            if m.position in stop:
                # 行政许可法 第三十二条第二款: 不予受理 is a dated, sealed written decision (here: the prerequisite refused)
                case_services.refuse_case(
                    case=m.case,
                    by=None,
                    reason=_("前置审批「%(i)s」经%(o)s不予受理,本事项缺少前置审批依据,不予受理(联办件 %(n)s)")
                    % {
                        "i": refused.case.version.name,
                        "o": refused.case.organisation.name,
                        "n": joint.number,
                    },
                    legal_basis=_("《中华人民共和国行政许可法》第三十二条"),
                )
                stopped.append(_row(m))
            else:
                continuing.append(_row(m))
    finally:
        _CASCADING.reset(token)
    _announce(
        joint,
        member,
        refused,
        members,
        stopped,
        continuing,
        by=by,
        kind=JointNotice.Kind.NOT_ACCEPTED,
        reasons=reason,
        legal_basis=legal_basis,
        ended=Phase.REFUSED,
        event="member_refused",
        opening=_("您的一件事「%(name)s」(联办件 %(number)s)中,%(org)s对「%(item)s」不予受理。"),
        stopped_text=_("以其为前置审批依据的%(items)s同时不予受理。"),
        ended_text=_("联办申请不予受理。"),
        closing=_("详见%(org)s不予受理通知书 %(d)s。"),
    )
    if continuing and joint.phase == Phase.NOTIFIED:
        services._after_answers(
            joint, by
        )  # the others may all have answered: 联合告知 or 联合受理 without it


def withdraw(*, joint: JointCase, by, reason: str = "", revision: int | None = None) -> JointCase:
    """The applicant (or the lead window for them) withdraws the whole joint application: every member case not yet
    decided is withdrawn, in one transaction; the member departments get one notice, the applicant one message."""
    permissions.require_applicant_or_lead(by, joint)
    reason = inputs.text(reason, field="reason", label=_("撤回理由"), max_length=500, required=False)
    with transaction.atomic():
        joint = services._locked(joint, revision)
        members = list(
            joint.members.select_related("case__organisation", "case__version").order_by("stage", "position")
        )
        running = [m for m in members if m.case.status in RUNNING]
        if refused := permissions.withdrawal_refusal(joint, running=bool(running)):
            raise refused
        token = services.HOLDING.set(("withdraw",))
        try:
            for m in running:
                case_services.withdraw_case(
                    case=m.case,
                    by=None,
                    reason=_("申请人撤回联办申请(联办件 %(n)s)%(r)s")
                    % {"n": joint.number, "r": f":{reason}" if reason else ""},
                )
        finally:
            services.HOLDING.reset(token)
        kept = [_row(m) for m in members if m not in running]
        notice = services._notice(
            joint,
            JointNotice.Kind.WITHDRAWAL,
            reason=reason,
            withdrawn=[_row(m) for m in running],
            kept=kept,
            members=[_row(m) for m in members],
        )
        joint.phase, joint.finished_at = Phase.WITHDRAWN, clock.now()
        joint.save(update_fields=["phase", "finished_at"])
        services._event(
            joint,
            "withdraw",
            by=by,
            note=reason,
            organisation=joint.lead_organisation,
            data={
                "withdrawn": [m.position for m in running],
                "kept": [r["position"] for r in kept],
                "document_number": notice.document_number,
            },
        )
        text = _("您的一件事「%(name)s」(联办件 %(number)s)已撤回,%(n)d个部门的办件停止办理。") % {
            "name": joint.version.name,
            "number": joint.number,
            "n": len(running),
        }
        if kept:
            text += _("已作出决定的%(items)s不受影响。") % {"items": "、".join(r["item"] for r in kept)}
        services._message(joint, text)
    return joint
