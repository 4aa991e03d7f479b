"""Suspension and extension: suspending and resuming the clock (suspend_case, resume_case) and asking for and
deciding an extension of the legal limit (request_extension, decide_extension). Behind cases/services.py."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.cases import (
    deadlines,
    permissions,
)
from zhengwu.cases.models import (
    Case,
    ExtensionRequest,
    Suspension,
)
from zhengwu.cases.records import (
    _actor,
    _days,
    _in_scope,
    _locked,
    _record,
    _text,
    _today,
    _updates_caller,
)
from zhengwu.core import clock
from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import Conflict, ValidationFailed


@_updates_caller
def suspend_case(
    *,
    case: Case,
    by,
    kind: str,
    reason: str,
    expected_days: int,
    at: dt.datetime | None = None,
    revision: int | None = None,
) -> Suspension:
    """行政许可法 第四十五条: a special procedure (听证, 招标, 拍卖, 检验, 检测, 检疫, 鉴定, 专家评审) stops the clock
    from the day after today until resumption. `expected_days` (working days) is told to the applicant."""
    _in_scope(by, case)
    if kind not in deadlines.SUSPENSION_KINDS:
        kinds = "、".join(f"{k}({v})" for k, v in deadlines.SUSPENSION_KINDS.items())
        raise ValidationFailed(_("特别程序应为:%(kinds)s") % {"kinds": kinds}, field="kind")
    reason = _text(reason, field="reason", label=_("中止理由"))
    expected_days = _days(expected_days, field="expected_days", label=_("预计时长(工作日)"))
    with transaction.atomic():
        case = _locked(case, revision)
        permissions.require(by, case, "suspend")
        today = _today(at)
        expected_end = current_calendar().add_workdays(today, expected_days).value
        row = Suspension.objects.create(
            case=case,
            kind=kind,
            reason=reason,
            expected_days=expected_days,
            started_on=today,
            started_by=_actor(by),
        )
        _record(
            case,
            "suspend",
            by=by,
            at=at,
            note=reason,
            data={"since": today, "kind": kind, "expected_days": expected_days, "expected_end": expected_end},
        )
    return row


@_updates_caller
def resume_case(
    *, case: Case, by, note: str = "", at: dt.datetime | None = None, revision: int | None = None
) -> Case:
    """End the special procedure: counting resumes the next working day and the due dates are set again."""
    _in_scope(by, case)
    note = _text(note, field="note", label=_("备注"), required=False)
    with transaction.atomic():
        case = _locked(case, revision)
        permissions.require(by, case, "resume")
        today = _today(at)
        row = case.suspensions.filter(ended_on__isnull=True).order_by("-started_on", "-id").first()
        if row is not None:
            row.ended_on = today
            row.save(update_fields=["ended_on"])
        _record(case, "resume", by=by, at=at, note=note, data={"until": today})
    return case


def _extension_room(case: Case) -> int:
    return case.version.extension_days - case.extension_days


@_updates_caller
def request_extension(
    *, case: Case, by, days: int, reason: str, at: dt.datetime | None = None, revision: int | None = None
) -> ExtensionRequest:
    """The handler asks for more working days (延期); the department head decides. Never past the item's legal
    extension (行政许可法 第四十二条), and only before the legal due date."""
    days = _days(days, field="days", label=_("延期天数"))
    reason = _text(reason, field="reason", label=_("延期理由"))
    _in_scope(by, case)
    with transaction.atomic():
        case = _locked(case, revision)
        permissions.require(by, case, "extension")
        _check_extension(case, days)
        row = ExtensionRequest.objects.create(
            case=case, days=days, reason=reason, requested_at=at or clock.now(), requested_by=_actor(by)
        )
        _record(case, "request_extension", by=by, at=at, note=reason, data={"days": days, "request": row.pk})
    return row


def _check_extension(case: Case, days: int) -> None:
    # 行政许可法 第四十二条: extension at most the item's legal extension (10 working days unless a law says more).
    room = _extension_room(case)
    if case.version.extension_days == 0:
        raise ValidationFailed(
            _("本事项没有法定延长时限,不能延期"), code="extension.exceeds_legal", field="days"
        )
    if days > room:
        raise ValidationFailed(
            _(
                "延期不得超过法定延长时限 %(extension_days)s 个工作日(已批准 %(approved)s 个,最多还能延 %(room)s 个)"
            )
            % {"extension_days": case.version.extension_days, "approved": case.extension_days, "room": room},
            code="extension.exceeds_legal",
            field="days",
        )


@_updates_caller
def decide_extension(
    *, extension: ExtensionRequest, by, approve: bool, note: str = "", at: dt.datetime | None = None
) -> ExtensionRequest:
    """The department head approves or rejects an extension request; approval moves the due dates."""
    case = extension.case
    _in_scope(by, case)
    note = _text(note, field="note", label=_("审批意见"), required=not approve)
    with transaction.atomic():
        case = _locked(case)
        row = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
        if row.state != ExtensionRequest.State.PENDING:
            raise Conflict(_("该延期申请已%(state)s") % {"state": row.get_state_display()}, field="extension")
        action = "approve_extension" if approve else "reject_extension"
        permissions.require(
            by, case, "decide_extension"
        )  # approving and rejecting: the same people, statuses
        if approve:
            _check_extension(case, row.days)
        row.state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REJECTED
        row.decided_at, row.decided_by, row.note = at or clock.now(), _actor(by), note
        row.save(update_fields=["state", "decided_at", "decided_by", "note"])
        _record(
            case,
            action,
            by=by,
            at=at,
            note=note,
            data={"days": row.days, "request": row.pk, "approved_on": _today(at)}
            if approve
            else {"request": row.pk},
        )
    return row
