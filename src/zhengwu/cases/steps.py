"""Handling steps: claiming, assigning, completing and returning the open step (claim_step, assign_step,
complete_step, return_step) and files attached to the case (attach_file). Who may act on a step is decided in
cases/handling.py. Behind cases/services.py."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.cases import (
    handling,
    permissions,
)
from zhengwu.cases.models import (
    Case,
    CaseAttachment,
    CaseStep,
)
from zhengwu.cases.records import (
    _actor,
    _in_scope,
    _locked,
    _record,
    _text,
    _today,
    _updates_caller,
)
from zhengwu.cases.submission import _extension, check_upload
from zhengwu.core import access, clock, files
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.models import Role


def _open_step(case: Case) -> CaseStep | None:
    """The open step, its assignee loaded."""
    if "steps" in getattr(case, "_prefetched_objects_cache", {}):
        return next((s for s in case.steps.all() if s.state == CaseStep.State.OPEN), None)
    return case.steps.filter(state=CaseStep.State.OPEN).select_related("assignee").first()


def _current_step(case: Case) -> CaseStep:
    step = _open_step(case)
    if step is None:
        raise Conflict(_("办件当前没有待办理的环节"), field="step")
    return step


@_updates_caller
def claim_step(*, case: Case, by, revision: int | None = None) -> CaseStep:
    """Take the current step from the queue of its role (the item's organisation's staff holding the role)."""
    with transaction.atomic():
        case = _locked(case, revision, steps=True)
        permissions.require(by, case, "claim")
        step = _current_step(case)
        _record(
            case,
            "claim_step",
            by=by,
            data={
                "position": step.position,
                "assignee": by.pk,
                "assignee_label": handling.assignee_label(by),
            },
        )
    return case.steps.get(position=step.position)


@_updates_caller
def assign_step(*, case: Case, by, to, revision: int | None = None) -> CaseStep:
    """A department head of the item's organisation gives the current step to a member of staff who may take it
    (its role, the item's organisation)."""
    _in_scope(by, case)
    with transaction.atomic():
        case = _locked(case, revision, steps=True)
        permissions.require(by, case, "assign")
        step = _current_step(case)
        target = access.staff_of(to)
        if target is None or not target.has_role(step.role):
            raise ValidationFailed(
                _("只能分派给具有「%(label)s」角色的工作人员") % {"label": Role(step.role).label}, field="to"
            )
        if handling.step_refusal(to, case, step) is not None:
            raise ValidationFailed(
                _("%(name)s不在该办件的实施机构,不能分派") % {"name": target.name}, field="to"
            )
        _record(
            case,
            "assign_step",
            by=by,
            data={"position": step.position, "assignee": to.pk, "assignee_label": target.name},
        )
    return case.steps.get(position=step.position)


@_updates_caller
def complete_step(
    *, case: Case, by, opinion: str, at: dt.datetime | None = None, revision: int | None = None
) -> CaseStep:
    """Finish the current step with an opinion; the next step opens the same day. The decision step is finished
    by the decision (decide_case), a delivery step (送达) by recording the delivery (deliver_result)."""
    opinion = _text(opinion, field="opinion", label=_("办理意见"))
    with transaction.atomic():
        case = _locked(case, revision, steps=True)
        permissions.require(by, case, "complete_step")
        step = _current_step(case)
        _record(
            case,
            "complete_step",
            by=by,
            at=at,
            note=opinion,
            data={
                "position": step.position,
                "on": _today(at),
                "opinion": opinion,
                "assignee": getattr(by, "pk", None),
            },
        )
    return case.steps.get(position=step.position)


@_updates_caller
def return_step(
    *,
    case: Case,
    by,
    to_position: int,
    reason: str,
    at: dt.datetime | None = None,
    revision: int | None = None,
) -> CaseStep:
    """Send the case back to an earlier step with a reason; that step opens again with a fresh limit."""
    reason = _text(reason, field="reason", label=_("退回理由"))
    with transaction.atomic():
        case = _locked(case, revision, steps=True)
        permissions.require(by, case, "return_step")
        step = _current_step(case)
        steps = list(case.steps.all())
        target = next((s for s in steps if s.position == to_position), None)
        if target is not None and target.kind == "accept" and target.completed_on == case.accepted_on:
            raise ValidationFailed(
                _("受理环节已随受理完成,不能退回;如需补正请终止后重新申请"), field="to_position"
            )
        if target not in permissions.returnable_steps(case, steps):
            raise ValidationFailed(_("只能退回到此前已办理过的环节"), field="to_position")
        _record(
            case,
            "return_step",
            by=by,
            at=at,
            note=reason,
            data={"from": step.position, "to": to_position, "on": _today(at), "reason": reason},
        )
    return case.steps.get(position=to_position)


@_updates_caller
def attach_file(
    *, case: Case, by, upload, step_position: int | None = None, purpose: str = "opinion"
) -> CaseAttachment:
    """Attach a file to a step's opinion (purpose "opinion") or the result issued (purpose "result")."""
    _in_scope(by, case)
    if purpose not in ("opinion", "result"):
        raise ValidationFailed(_("附件用途应为 opinion 或 result"), field="purpose")
    data, content_type = check_upload(upload)
    # the name the person gave the file, shortened in the middle to fit, its extension kept
    filename = files.fitting_name(
        (getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1],
        CaseAttachment._meta.get_field("filename").max_length,
    )
    with transaction.atomic():
        case = _locked(case)
        permissions.require(by, case, "attach")
        row = CaseAttachment(
            case=case,
            step_position=step_position if step_position is not None else case.current_step,
            purpose=purpose,
            filename=filename,
            content_type=content_type,
            size=len(data),
            uploaded_at=clock.now(),
            uploaded_by=_actor(by),
        )
        digest = hashlib.sha256(data).hexdigest()
        row.file.save(f"{digest[:16]}-{purpose}{_extension(content_type)}", ContentFile(data), save=False)
        row.save()
        _record(case, "attach", by=by, data={"purpose": purpose, "filename": filename, "sha256": digest})
    return row
