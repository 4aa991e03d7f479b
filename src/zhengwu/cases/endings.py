"""Endings: withdrawal and termination (withdraw_case, terminate_case), the decision (decide_case), the result
delivered (deliver_result), the case completed (complete_case) and a case handled at once (handle_instantly).
Behind cases/services.py."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.cases import (
    extensions,
    handling,
    notices,
    permissions,
    signals,
)
from zhengwu.cases.intake import _handed, accept_case
from zhengwu.cases.models import (
    Case,
    Decision,
    Delivery,
    Notice,
)
from zhengwu.cases.records import (
    _in_scope,
    _locked,
    _record,
    _staff_side,
    _text,
    _updates_caller,
)
from zhengwu.core import access, clock
from zhengwu.core.errors import ValidationFailed


@_updates_caller
def withdraw_case(
    *, case: Case, by, reason: str = "", at: dt.datetime | None = None, revision: int | None = None
) -> Case:
    """The applicant withdraws the application before the decision (a clerk may record it for them)."""
    staff_side = _staff_side(by, case)
    reason = _text(reason, field="reason", label=_("撤回理由"), required=False)
    with transaction.atomic():
        case = _locked(case, revision)
        if staff_side:
            permissions.require(by, case, "withdraw")
        _record(case, "withdraw", by=by, at=at, note=reason)
        case.finished_at = at or clock.now()
        case.save(update_fields=["finished_at"])
    return case


@_updates_caller
def terminate_case(
    *, case: Case, by, reason: str, at: dt.datetime | None = None, revision: int | None = None
) -> Case:
    """End the handling without a decision (the applicant died, the company was dissolved …), with the reason."""
    _in_scope(by, case)
    reason = _text(reason, field="reason", label=_("终止理由"))
    with transaction.atomic():
        case = _locked(case, revision)
        permissions.require(by, case, "terminate")
        _record(case, "terminate", by=by, at=at, note=reason)
        case.finished_at = at or clock.now()
        case.save(update_fields=["finished_at"])
    return case


# the licensed matters a decision may state: a 经营范围 runs to a few hundred characters
LICENSED_SCOPE_MAX = 500


@_updates_caller
def decide_case(
    *,
    case: Case,
    by,
    grant: bool,
    reasons: str = "",
    result_name: str = "",
    licensed_scope: str = "",
    at: dt.datetime | None = None,
    revision: int | None = None,
    handed_over: bool = False,
) -> Case:
    """Grant or deny (准予 / 不予行政许可) at the item's decision step, by whoever may take it — or, where the item is
    authorised to the window, by the organisation's chief representative (handling.decision_refusal); a denial
    states its reasons (行政许可法 第三十八条). A grant may state the licensed matters (`licensed_scope`, 许可事项)
    where they differ from the item's — the licence it issues carries them (selectors.decided_scope); empty keeps the
    item's. Issues the decision document (`handed_over`: to the applicant at the counter, 当场送达); the 制证 / 送达
    steps open after it."""
    reasons = _text(
        reasons,
        field="reasons",
        label=_("不予许可的理由") if not grant else _("决定说明"),
        required=not grant,
    )
    with transaction.atomic():
        # the steps, and for a grant the materials uploaded (handling.material_refusal), read with the lock
        case = _locked(case, revision, steps=True, materials=grant)
        permissions.require(by, case, "decide")
        if grant and (refusal := handling.material_refusal(case)) is not None:
            raise refusal
        if grant and (refusal := extensions.grant_refusal(case)) is not None:
            raise refusal  # e.g. the licence a change case names has expired since (licences)
        decision = Decision.GRANT if grant else Decision.DENY
        staff = access.staff_of(by)
        # 现场办结: by window-authorised staff stationed at a window (supervision.indicators counts it)
        onsite = bool(staff and staff.window_authorised and staff.window_id)
        result_name = _text(
            result_name, field="result_name", label=_("结果名称"), max_length=200, required=False
        )
        # 行政许可法 第三十九条: the licence states the licensed matters — a denial licenses nothing, its field unread
        licensed_scope = (
            _text(
                licensed_scope,
                field="licensed_scope",
                label=_("许可事项"),
                max_length=LICENSED_SCOPE_MAX,
                required=False,
            )
            if grant
            else ""
        )
        _record(
            case,
            "decide",
            by=by,
            at=at,
            note=reasons,
            data={
                "decision": decision,
                "reasons": reasons,
                "result_name": result_name,
                "licensed_scope": licensed_scope,
                "assignee": getattr(by, "pk", None),
                "onsite": onsite,
                **_handed(handed_over),
            },
            stamp="decided_at",
            stamps={"decided_onsite": onsite},
        )
        notices.issue(
            case,
            Notice.Kind.GRANT if grant else Notice.Kind.DENIAL,
            handed_over=handed_over,
            decision=decision,
            decision_label=str(Decision(decision).label),
            reasons=reasons,
            result_name=(result_name or case.version.result_name) if grant else "",
            licensed_scope=licensed_scope,  # stated on the 准予行政许可决定书 as on the licence
            accepted_on=case.accepted_on.isoformat() if case.accepted_on else "",
        )
        signals.case_decided.send(sender=Case, case=case, grant=grant, by=by)
    return case


@_updates_caller
def deliver_result(
    *, case: Case, by, method: str, note: str = "", at: dt.datetime | None = None, revision: int | None = None
) -> Case:
    """Record that the result (licence or decision) reached the applicant: window pickup, post or electronic."""
    _in_scope(by, case)
    if method not in Delivery.values:
        raise ValidationFailed(
            _("送达方式应为 window(窗口领取)、post(邮寄)或 electronic(电子送达)"), field="method"
        )
    note = _text(note, field="note", label=_("备注(如邮件单号)"), max_length=500, required=False)
    with transaction.atomic():
        case = _locked(case, revision, steps=True)
        permissions.require(by, case, "deliver")  # the fees unpaid too (cases.extensions.delivery_gates)
        _record(case, "deliver", by=by, at=at, note=note, data={"method": method})
    return case


@_updates_caller
def complete_case(*, case: Case, by, at: dt.datetime | None = None, revision: int | None = None) -> Case:
    """Close the case (办结) once decided (and delivered, where it was)."""
    _in_scope(by, case)
    with transaction.atomic():
        case = _locked(case, revision, steps=True)
        permissions.require(by, case, "complete")
        _record(case, "complete", by=by, at=at, stamp="finished_at")
    return case


@_updates_caller
def handle_instantly(
    *,
    case: Case,
    by,
    grant: bool = True,
    reasons: str = "",
    delivery: str = Delivery.WINDOW,
    at=None,
    paper: list[int] | tuple = (),
) -> Case:
    """即办件: accept, decide and complete on the spot, in one transaction (each with its own event); `paper`: the
    materials received on paper (the window's paper checklist, as at acceptance). A grant whose result waits for
    payment (统一收费, cases.extensions.delivery_gates) stops once decided: the clerk issues the payment notice, the
    applicant pays at the counter, and then the result is delivered and the case completed on the same visit.
    A result taken at the window (窗口领取) means the applicant is at the counter: the 受理通知书 and the decision are
    handed to them there (当场送达), never queued for service on paper (cases.written)."""
    _in_scope(by, case)
    # 行政许可法 第三十四条第二款: decided on the spot in writing, both documents handed over where the result is
    handed_over = delivery == Delivery.WINDOW
    with transaction.atomic():
        # the whole of it allowed before any of it is done: accepting here and deciding on the spot (即办件)
        permissions.require(by, _locked(case), "instant")
        case = accept_case(case=case, by=by, at=at, paper=paper, handed_over=handed_over)
        case = decide_case(case=case, by=by, grant=grant, reasons=reasons, at=at, handed_over=handed_over)
        if extensions.delivery_refusal(case):
            return case  # 先缴费后送达: the notice is issued and paid before the result is handed over
        case = deliver_result(case=case, by=by, method=delivery, at=at)
        case = complete_case(case=case, by=by, at=at)
    return case
