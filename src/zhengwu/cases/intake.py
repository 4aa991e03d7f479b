"""The intake decision (受理): accepting (accept_case), acceptance deemed when the limit passes (deem_accepted), the
one-time notice of what to supplement and its answer (request_supplement, supply_supplement) and refusal
(refuse_case). Behind cases/services.py."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.cases import (
    deadlines,
    handling,
    notices,
    permissions,
    selectors,
    signals,
    workflow,
)
from zhengwu.cases.models import (
    POWER_OF_ATTORNEY,
    POWER_OF_ATTORNEY_NAME,
    Case,
    Notice,
    Status,
    SupplementRequest,
)
from zhengwu.cases.records import (
    _actor,
    _in_scope,
    _locked,
    _record,
    _staff_side,
    _text,
    _today,
    _updates_caller,
    _with_one_calendar,
)
from zhengwu.cases.submission import paper_positions as _paper_positions
from zhengwu.cases.submission import upload_material
from zhengwu.catalog import selectors as catalog_selectors
from zhengwu.catalog.models import ItemVersion
from zhengwu.core import access, clock
from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed


def _intake_open(case: Case, at: dt.datetime | None) -> bool:
    """False once the 5 working days for the intake decision have run out (第三十二条)."""
    return not deadlines.deemed_accepted(current_calendar(), case.intake_start, _today(at))


def intake_closed_refusal(case: Case, at: dt.datetime | None = None) -> Conflict | None:
    """Why the case can no longer be refused (不予受理): the five working days of intake have run out and it is
    deemed accepted (第三十二条); None while they run. Read by refuse_case and by a joint case's member refusal."""
    if _intake_open(case, at):
        return None
    return Conflict(
        _("收件已超过 %(days)s 个工作日,依法视为受理,不能再不予受理") % {"days": deadlines.INTAKE_WORKDAYS},
        code="intake.expired",
        field="status",
    )


def _steps_payload(version: ItemVersion) -> tuple[list[dict], bool]:
    if version.instant:
        return [], False  # 即办件: decided at the window on the spot, no handling queue
    steps = [
        {"position": s.position, "name": s.name, "role": s.role, "days": s.days, "kind": s.kind}
        for s in catalog_selectors.published_steps(version)
    ]
    # The item's first step is usually intake itself (受理, by the window): acceptance completes it.
    first_done = bool(steps) and steps[0]["kind"] == "accept"
    return steps, first_done


@_updates_caller
def accept_case(
    *,
    case: Case,
    by,
    at: dt.datetime | None = None,
    revision: int | None = None,
    note: str = "",
    clock_waits_for: str = "",
    paper: list[int] | tuple = (),
    handed_over: bool = False,
) -> Case:
    """`paper`: the positions of the materials the window received on paper (its paper checklist at acceptance);
    `handed_over`: the applicant is at the counter and takes the 受理通知书 there (HANDED_OVER).
    Accept the application (受理): the handling limits start the next working day and the first step opens. Refused
    (ValidationFailed `intake.materials_missing` at `paper`, naming them) while a required material is provided in
    no way (handling.acceptance_refusal): the applicant is then told once of everything to supply (request_supplement).
    After the 5 working days for the decision it is recorded as deemed acceptance as of receipt (第三十二条)."""
    _in_scope(by, case)
    with transaction.atomic():
        case = _locked(case, revision)
        permissions.require(by, case, "accept")
        paper = _paper_positions(case, paper)
        if not _intake_open(case, at):
            return _deem(
                case, by=by, at=at, paper=paper, handed_over=handed_over
            )  # by law, whatever the materials (第三十二条)
        if refusal := handling.acceptance_refusal(case, paper):
            raise refusal  # materials not complete: 一次性告知补正 instead (第三十二条第一款第(四)项)
        steps, first_done = _steps_payload(case.version)
        today = _today(at)
        _record(
            case,
            "accept",
            by=by,
            at=at,
            note=_text(note, field="note", label=_("备注"), required=False),
            data={
                "accepted_on": today,
                "steps": steps,
                "first_step_done": first_done,
                # who accepted: the 受理 step acceptance completes names its 承办人, as complete_step's do
                **({"assignee": getattr(by, "pk", None)} if first_done else {}),
                "paper": sorted({int(p) for p in paper}),
                **({"clock_waits_for": clock_waits_for} if clock_waits_for else {}),
                **_handed(handed_over),
            },
        )
        _issue_acceptance(case, deemed=False, handed_over=handed_over)
    return case


def start_clock(*, case: Case, reason: str, at: dt.datetime | None = None, start_label: str = "") -> Case:
    """The limits of a case accepted waiting on another department's result (accept_case(clock_waits_for=…)) start
    now, counted from today as from an acceptance (the platform records it when that result is made).
    `start_label` is what the due dates' explanation says happened that day (起算:<day><start_label>), e.g. the
    prerequisite's result made; without it the explanation says 前置审批结果作出."""
    data = {"since": _today(at), "reason": reason}
    if start_label:
        data["label"] = str(start_label)
    with transaction.atomic():
        case = _locked(case)
        _record(case, "start_clock", by=None, at=at, note=reason, data=data)
    return case


# 行政许可法 第三十二条: 受理, 不予受理 and 补正 are told with a written, stamped and dated notice — at the counter
# (当场) when the applicant is there: handed to them, it is served, and waits in no queue for service on paper
HANDED_OVER = "handed_over"


def _handed(handed_over: bool) -> dict:
    """The issuing event's data saying the notice was handed over at the counter (nothing when it was not)."""
    return {HANDED_OVER: True} if handed_over else {}


def _issue_acceptance(case: Case, *, deemed: bool, handed_over: bool = False) -> Notice:
    return notices.issue(
        case,
        Notice.Kind.ACCEPTANCE,
        handed_over=handed_over,
        accepted_on=case.accepted_on.isoformat(),
        promised_due=case.promised_due.isoformat() if case.promised_due else "",
        legal_due=case.legal_due.isoformat() if case.legal_due else "",
        deemed=deemed,
    )


def _deem(
    case: Case, *, by, at: dt.datetime | None, paper: list[int] | tuple = (), handed_over: bool = False
) -> Case:
    steps, first_done = _steps_payload(case.version)
    _record(
        case,
        "deem_accept",
        by=by,
        at=at,
        note=_("收件后 %(days)s 个工作日内未作受理决定,依法视为受理(行政许可法第三十二条)")
        % {"days": deadlines.INTAKE_WORKDAYS},
        data={
            "accepted_on": case.intake_start,
            "steps": steps,
            "first_step_done": first_done,
            "paper": sorted({int(p) for p in paper}),
            **_handed(handed_over),
        },
    )
    _issue_acceptance(case, deemed=True, handed_over=handed_over)
    # The breach itself is supervision's alert (rules.IntakeLate on the deem_accept event), raised with the event.
    return case


# Other domains' reasons a received case's intake decision waits (joint approval: a member that confirmed its materials
# while the joint application is in 补正 for other members; its intake restarts with the supply, restart_intake).
# Each takes the case and answers True or False.
INTAKE_HOLDS: list = []


def add_intake_hold(hold) -> None:
    if hold not in INTAKE_HOLDS:
        INTAKE_HOLDS.append(hold)


def restart_intake(*, case: Case, reason: str, at: dt.datetime | None = None) -> Case:
    """The 5 working days for the intake decision start again today (行政许可法 第三十二条, as after a supply): for a
    case whose application was completed elsewhere (a joint application's 补正 answered for other members)."""
    with transaction.atomic():
        case = _locked(case)
        _record(case, "restart_intake", by=None, at=at, note=reason, data={"received_on": _today(at)})
    return case


@_with_one_calendar
def deem_accepted(*, today: dt.date | None = None) -> list[Case]:
    """行政许可法 第三十二条: accept, as of the day of receipt, every case still without an intake decision after
    5 working days. Idempotent: a case is deemed accepted once; run it daily (command or task)."""
    today = today or clock.today()
    calendar = current_calendar()
    done = []
    candidates = Case.objects.filter(status=Status.RECEIVED, intake_due__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(candidates):
        with transaction.atomic():
            case = _locked(Case(pk=pk))
            if case.status != Status.RECEIVED or not deadlines.deemed_accepted(
                calendar, case.intake_start, today
            ):
                continue
            if any(hold(case) for hold in INTAKE_HOLDS):
                continue
            # nobody ticked a paper checklist: the materials received on paper at the counter's 收件 stand
            done.append(_deem(case, by=None, at=None, paper=handling.counter_paper(case)))
    return done


def _supplement_items(version: ItemVersion, items, *, agent: bool = False) -> list[dict]:
    if not isinstance(items, list | tuple) or not items:
        raise ValidationFailed(_("请一次性列出需要补正的全部材料及其问题"), field="items")
    materials = {m.position: m.name for m in version.materials.all()}
    own = selectors.own_power_of_attorney(version) if agent else None
    if agent and own is None:  # a case filed by an agent: its power of attorney may be asked for too
        materials[POWER_OF_ATTORNEY] = str(POWER_OF_ATTORNEY_NAME)
    clean = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ValidationFailed(_("第 %(index)s 项补正内容格式不正确") % {"index": index}, field="items")
        position = item.get("position")
        if own is not None and position == POWER_OF_ATTORNEY:
            position = own.position  # the item's own 委托书 material is the power of attorney
        if position is not None:
            if position not in materials:
                raise ValidationFailed(
                    _("第 %(index)s 项:本事项没有第 %(position)s 项材料")
                    % {"index": index, "position": position},
                    field="items",
                )
            name = materials[position]
        else:
            name = _text(
                item.get("name"),
                field="items",
                label=_("第 %(index)s 项的材料名称") % {"index": index},
                max_length=200,
            )
        problem = _text(
            item.get("problem"),
            field="items",
            label=_("第 %(index)s 项「%(name)s」存在的问题") % {"index": index, "name": name},
            max_length=500,
        )
        clean.append({"position": position, "name": name, "problem": problem})
    return clean


def _key(item: dict):
    return ("material", item["position"]) if item.get("position") is not None else ("other", item["name"])


@_updates_caller
def request_supplement(
    *,
    case: Case,
    by,
    items: list[dict],
    reason: str = "",
    at: dt.datetime | None = None,
    revision: int | None = None,
    handed_over: bool = False,
) -> SupplementRequest:
    """Tell the applicant at once everything missing or deficient (一次性告知): items [{position | name, problem}];
    `handed_over`: told at the counter, the notice handed to them (HANDED_OVER).
    A later request naming a material the earlier ones did not needs a written `reason`, and raises a supervision
    alert (supplement.repeated_new_materials) because it breaks the one-time notice."""
    _in_scope(by, case)
    clean = _supplement_items(case.version, items, agent=bool(case.agent_name))
    reason = _text(reason, field="reason", label=_("书面理由"), required=False)
    with transaction.atomic():
        case = _locked(case, revision)
        permissions.require(by, case, "supplement")
        if not _intake_open(case, at):
            raise Conflict(
                _("收件已超过 %(days)s 个工作日,依法视为受理,不能再要求补正")
                % {"days": deadlines.INTAKE_WORKDAYS},
                code="intake.expired",
                field="status",
            )
        earlier = list(case.supplements.order_by("round"))
        named_before = {_key(i) for s in earlier for i in s.items}
        new = [i["name"] for i in clean if _key(i) not in named_before]
        if earlier and new and not reason:
            raise ValidationFailed(
                _("一次性告知:本次补正新增了此前未告知的材料「%(new)s」,须写明书面理由")
                % {"new": "、".join(new)},
                code="supplement.new_materials_need_reason",
                field="reason",
            )
        request = SupplementRequest.objects.create(
            case=case,
            round=len(earlier) + 1,
            items=clean,
            reason=reason,
            requested_at=at or clock.now(),
            requested_by=_actor(by),
        )
        _record(
            case,
            "request_supplement",
            by=by,
            at=at,
            note=reason,
            data={"round": request.round, "items": clean, **_handed(handed_over)},
        )
        notices.issue(
            case,
            Notice.Kind.SUPPLEMENT,
            handed_over=handed_over,
            items=clean,
            round=request.round,
            reason=reason,
        )
        # New materials after the first notice: supervision's RepeatedSupplement raises the alert on this event.
    return request


@_updates_caller
def supply_supplement(
    *,
    case: Case,
    by,
    paper: list[int] | tuple = (),
    at: dt.datetime | None = None,
    revision: int | None = None,
) -> Case:
    """The applicant has supplied everything asked for (uploaded after the request, or — at the window — handed in
    on paper: `paper` lists those positions). The 5 working days for the intake decision start again."""
    staff_side = _staff_side(by, case)
    if paper and by is not None and access.staff_of(by) is None:
        raise AccessDenied(_("纸质材料须由窗口工作人员登记收取"))
    with transaction.atomic():
        case = _locked(case, revision)
        if staff_side:
            permissions.require(by, case, "supply")
        workflow.next_status(case.status, "supply_supplement")
        paper = _paper_positions(case, paper)
        request = case.supplements.filter(supplied_at__isnull=True).order_by("-round").first()
        uploaded = set(
            case.materials.filter(uploaded_at__gte=request.requested_at).values_list("position", flat=True)
        )
        missing = [
            i
            for i in request.items
            if i["position"] is not None and i["position"] not in uploaded | set(paper)
        ]
        if missing:
            message = _("以下材料尚未补交:%(missing)s") % {"missing": "、".join(i["name"] for i in missing)}
            # each one named at its own field too (material_<position>), for the page that shows its file input
            at_fields = [
                (f"material_{i['position']}", _("请上传「%(name)s」") % {"name": i["name"]}) for i in missing
            ]
            raise ValidationFailed(message, field="materials", errors=[("materials", message), *at_fields])
        request.supplied_at = at or clock.now()
        request.save(update_fields=["supplied_at"])
        _record(
            case,
            "supply_supplement",
            by=by,
            at=at,
            data={"round": request.round, "received_on": _today(at), "paper": list(paper)},
        )
    return case


def supply_with_uploads(*, case: Case, by, uploads: dict[int, object]) -> Case:
    """补正 online: the files for the notice's materials and the supplement marked supplied, all or nothing — a
    refused file, or one still missing, used to leave the others stored, and the retry stored them a second time."""
    with transaction.atomic():
        for position, upload in sorted(uploads.items()):
            upload_material(case=case, by=by, position=position, upload=upload)
        return supply_supplement(case=case, by=by)


@_updates_caller
def refuse_case(
    *,
    case: Case,
    by,
    reason: str,
    legal_basis: str = "",
    at: dt.datetime | None = None,
    revision: int | None = None,
    handed_over: bool = False,
) -> Case:
    """Refuse the application (不予受理) with the legal reason; a notice says why and how to appeal (`handed_over`: to
    the applicant at the counter, HANDED_OVER)."""
    _in_scope(by, case)
    reason = _text(reason, field="reason", label=_("不予受理的理由"))
    legal_basis = _text(legal_basis, field="legal_basis", label=_("法律依据"), max_length=500, required=False)
    with transaction.atomic():
        case = _locked(case, revision)
        permissions.require(by, case, "refuse")
        if closed := intake_closed_refusal(case, at):
            raise closed
        _record(
            case,
            "refuse",
            by=by,
            at=at,
            note=reason,
            data={"reason": reason, "legal_basis": legal_basis, **_handed(handed_over)},
        )
        case.finished_at = at or clock.now()
        case.save(update_fields=["finished_at"])
        notices.issue(
            case, Notice.Kind.REFUSAL, handed_over=handed_over, reason=reason, legal_basis=legal_basis
        )
        signals.case_refused.send(sender=Case, case=case, by=by, reason=reason, legal_basis=legal_basis)
    return case
