"""Reads of cases, scoped through zhengwu.core.access: staff see the cases of their organisations (and those received
at their window or their centre's general windows); applicants see their own; anyone sees a status with the query code."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.cases import deadlines, extensions, forms, history, stages, workflow
from zhengwu.cases.models import (
    CLOSED_STATUSES,
    POWER_OF_ATTORNEY,
    POWER_OF_ATTORNEY_NAME,
    Applicant,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseMaterial,
    CaseStep,
    Decision,
    ExtensionRequest,
    Notice,
    OutboxMessage,
    Status,
    SupplementRequest,
)
from zhengwu.catalog import selectors as catalog_selectors
from zhengwu.catalog.models import ITEM_TYPE_CHOICES, Material
from zhengwu.core import access, clock, ids, personal, thresholds
from zhengwu.core.actors import actor_name
from zhengwu.core.calendar import chinese_date, current_calendar
from zhengwu.core.errors import NotFound
from zhengwu.core.masking import mask_name
from zhengwu.core.models import Role, Window
from zhengwu.core.prepared import Prepared
from zhengwu.core.text import name_key

_RELATED = ("item", "version", "organisation", "applicant", "window")


def visible_cases(user) -> QuerySet[Case]:
    """The cases the user may see: staff by organisation scope or window; applicants their own."""
    return cases_in_scope(scope_of(user))


def scope_of(user) -> tuple:
    """Everything visible_cases' condition depends on for this user, as a hashable value: a statement built from it
    (cases_in_scope) may be compiled once per scope and connection (cases.records._locked, core.prepared)."""
    if access.is_administrator(user):
        return ("all",)
    staff = access.staff_of(user)
    if staff is not None:
        window = staff.window if staff.window_id else None
        return (
            "staff",
            access.scope_paths(staff),
            None if window is None else (window.pk, window.kind == Window.Kind.GENERAL, window.centre_id),
        )
    if user is not None and getattr(user, "is_authenticated", False):
        return ("own", user.pk)
    return ("none",)


def cases_in_scope(scope: tuple) -> QuerySet[Case]:
    """visible_cases for a scope_of: staff by organisation scope or window; applicants their own."""
    cases = Case.objects.select_related(*_RELATED)
    if scope[0] == "all":
        return cases
    if scope[0] == "staff":
        _staff, paths, window = scope
        # one condition on the cases table's own columns (no join, no sub-select of every case id): a lookup by
        # number stays an index lookup, and a list reads the newest cases off the (created_at, id) index
        cond = access.paths_q(paths, org_path="org_path", region_path="region_path")
        if window is not None:
            window_id, general, centre_id = window
            cond |= Q(window_id=window_id) | Q(
                organisation__in=Window.organisations.through.objects.filter(window_id=window_id).values(
                    "organisation_id"
                )
            )
            if general:
                cond |= Q(window_id__in=Window.objects.filter(centre_id=centre_id).values("pk"))
        return cases.filter(cond)
    if scope[0] == "own":
        return cases.filter(Q(created_by_id=scope[1]) | Q(applicant__user_id=scope[1]))
    return cases.none()


def scope_q(staff) -> Q:
    """access.scope_q's rule on the case's scope columns (Case.org_path, Case.region_path): the cases of the staff
    member's organisation and the organisations under it; a centre manager's or supervisor's whole region."""
    return access.path_scope_q(staff, org_path="org_path", region_path="region_path")


# ---- pages of a list, by keyset (issue 20): the next page starts after the last case shown, found by its number,
# so page 1,000 costs what page 1 does (an OFFSET reads and throws away every row before it)

LIST_ORDER = ("-created_at", "-id")
# what a list shows of a case (the rest of its row is not read)
LISTED = (
    "number", "status", "created_at", "received_at", "intake_due", "promised_due", "legal_due", "due_provisional",
    "remaining_days", "version__name", "version__sub_name", "applicant__name", "applicant__kind", "organisation__name",
    "organisation__short_name",
)  # fmt: skip


def listed(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Only what a list shows of each case (LISTED), with the version, applicant and organisation in the same query."""
    return cases.select_related(None).select_related("version", "applicant", "organisation").only(*LISTED)


def _nullable(field: str) -> bool:
    """Can the field (or an annotation of the queue's, such as resupplied_at) be empty?"""
    try:
        return Case._meta.get_field(field).null
    except FieldDoesNotExist:
        return True


def ordered(cases: QuerySet[Case], order: tuple[str, ...] = LIST_ORDER) -> QuerySet[Case]:
    """The cases in this order; a nullable field sorts its empty values last (on every database alike)."""
    keys = []
    for name in order:
        field = name.lstrip("-")
        if _nullable(field):
            keys.append(
                F(field).desc(nulls_last=True) if name.startswith("-") else F(field).asc(nulls_last=True)
            )
        else:
            keys.append(name)
    return cases.order_by(*keys)


def after(cases: QuerySet[Case], number: str | None, order: tuple[str, ...] = LIST_ORDER) -> QuerySet[Case]:
    """The cases that come after the one numbered `number` in `order` (which ends with a unique field, id); all of
    them when `number` is empty, none when no such case is in `cases`."""
    if not number:
        return cases
    anchor = (
        cases.order_by().filter(number=str(number).strip()).values(*(n.lstrip("-") for n in order)).first()
    )
    if anchor is None:
        return cases.none()
    cond, equal = Q(pk__in=[]), Q()
    for name in order:
        field = name.lstrip("-")
        value = anchor[field]
        if value is None:  # empty values sort last: nothing non-empty comes after one
            equal &= Q(**{f"{field}__isnull": True})
            continue
        beyond = Q(**{f"{field}__{'lt' if name.startswith('-') else 'gt'}": value})
        if _nullable(field):
            beyond |= Q(**{f"{field}__isnull": True})
        cond |= equal & beyond
        equal &= Q(**{field: value})
    return cases.filter(cond)


def is_applicant_side(user, case: Case) -> bool:
    """The user filed the case online (themselves or as agent) or is the applicant's account. Staff who registered a
    case at the window act on it through their roles, not as its applicant."""
    if user is None or not getattr(user, "is_authenticated", False) or access.staff_of(user) is not None:
        return False
    return case.created_by_id == user.pk or (
        case.applicant.user_id is not None and case.applicant.user_id == user.pk
    )


def case_by_number(number: str) -> Case:
    """Any case by its number (operators' commands), or NotFound."""
    case = Case.objects.select_related(*_RELATED).filter(number=str(number).strip()).first()
    if case is None:
        raise NotFound(_("找不到编号为 %(number)s 的办件") % {"number": number}, field="number")
    return case


def case_for(user, number: str) -> Case:
    """The case with this number if the user may see it; NotFound otherwise (never reveals it exists)."""
    case = visible_cases(user).filter(number=str(number).strip()).first()
    if case is None:
        raise NotFound(_("找不到编号为 %(number)s 的办件") % {"number": number}, field="number")
    case.__dict__["_zw_seen_by"] = user.pk  # its services need not ask again whether the user may see it
    return case


def case_to_lock(user, number: str) -> Case:
    """The case with this number, for a service that locks it at once (accept, decide, complete over the API): not
    read here — the service's locked read finds it in the user's scope (visible_cases) and answers NotFound as
    case_for does, so the request reads the case once (issue 20). The object is filled with what the service
    wrote."""
    case = Case(number=str(number).strip())
    case.__dict__["_zw_lock_in_scope_of"] = user
    case.__dict__["_zw_seen_by"] = user.pk  # the scope is the locked read's: not asked before it
    return case


def to_lock(case: Case) -> bool:
    """Is this a case known only by its number, found by the service's locked read (case_to_lock)?"""
    return "_zw_lock_in_scope_of" in case.__dict__


def seen_by(case: Case):
    """The user (id) that read this case object through case_for, or None."""
    return case.__dict__.get("_zw_seen_by")


# ---- personal data (docs/cases.md, "Personal data")

# Who may reveal a case's personal data, besides the window that received it and the region's supervisors: the
# staff of the item's organisation who take its steps.
REVEAL_ROLES = (Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD)


REVEAL_REFUSAL = gettext_lazy("只有承办该办件的工作人员、收件窗口和监察人员可以查看申请人的完整个人信息")


def may_reveal_personal(user, case: Case) -> bool:
    """May the user see this case's personal data in full (with a reason)?"""
    return access.may_reveal_personal(
        user,
        organisations=[case.organisation],
        roles=REVEAL_ROLES,
        window=case.window,
        region=case.organisation.region,
    )


def reads_notice_in_full(user, case: Case) -> bool:
    """Who reads a notice of the case (notices.render) with the people it names — a natural person applicant, the
    agent — in full: the applicant side (the data subject, the addressee), and the staff who may reveal the case's
    personal data on its page and hand the notice over: the item's organisation's window clerks, approvers and heads
    and the clerk of the window that received it. A PDF is downloaded without a reason, so the region's supervisors,
    who reveal the page with one, read it masked (张*), as do the others who see the case masked (centre managers, the
    centre's other windows, the organisation's other roles) — docs/masking.md."""
    if is_applicant_side(user, case):
        return True
    return access.may_reveal_personal(
        user, organisations=[case.organisation], roles=REVEAL_ROLES, window=case.window, overseers=()
    )


def personal_fields(case: Case) -> list[personal.Field]:
    """What staff are shown of the applicant, the agent and the application form, each field with its personal
    kind: a natural person's name and ID number are personal, a company's name and USCC are not; contact details
    always are; the form's fields by its schema (core.personal.field_kind)."""
    a = case.applicant
    natural = a.kind == Applicant.Kind.NATURAL
    F = personal.Field
    return [
        F("applicant", "name", _("申请人"), "name" if natural else None, a.name),
        F("applicant", "id_number", _("证件号码"), "id_number" if natural else None, a.id_number),
        F("applicant", "legal_representative", _("法定代表人"), "name", a.legal_representative),
        F("applicant", "phone", _("手机号码"), "phone", a.phone),
        F("applicant", "email", _("电子邮箱"), "email", a.email),
        F("applicant", "address", _("地址"), "address", a.address),
        F("agent", "name", _("代办人"), "name", case.agent_name),
        F("agent", "id_number", _("代办人证件号码"), "id_number", case.agent_id_number),
        F("agent", "phone", _("代办人电话"), "phone", case.agent_phone),
        *personal.form_fields(forms.schema_of(case.version), case.form),
    ]


def revealed_field_names(case: Case) -> list[str]:
    """What a reveal of the case shows (for its audit record): the filled personal fields, and the file names."""
    names = personal.personal_names(personal_fields(case))
    if case.materials.exists() or case.attachments.exists():
        names.append("materials.filename")
    return names


def known_names(case: Case) -> list[str]:
    """The people a case names (applicant if a natural person, legal representative, agent): found in file names."""
    a = case.applicant
    return [
        n
        for n in (a.name if a.kind == Applicant.Kind.NATURAL else "", a.legal_representative, case.agent_name)
        if n
    ]


def draft_for(user, pk: int) -> Case:
    case = visible_cases(user).filter(pk=pk, status=Status.DRAFT).first()
    if case is None:
        raise NotFound(_("找不到该草稿"), field="draft")
    return case


# What the public status shows of a case and of what it links to: read in one statement on the case's unique number
# (issue 20). Its form, the agent's id number and phone, the delivery address and the scope paths are never read.
_PUBLIC_FIELDS = (
    "number", "query_code", "status", "channel", "window_id", "agent_name", "requested_delivery",
    "created_at", "received_at", "intake_start", "intake_due", "accepted_on", "deemed_accepted", "promised_due",
    "legal_due", "due_provisional", "remaining_days", "extension_days", "current_step", "decision", "decided_at",
    "delivery", "finished_at", "revision",
    "item__code", "version__number", "version__name", "version__sub_name", "organisation__name",
    "applicant__name", "applicant__kind",
    # what the next step's text reads of the item: its materials (the published copy) and where paper is handed in
    "version__status", "version__published_at", "version__address", "version__opening_hours",
)  # fmt: skip


_PUBLIC_EVENT_COLUMNS = ("seq", "at", "action", "data", "to_status")


class _PublicEvent:
    """An event as the public timeline reads it (the row read with the case, its organisation's name with it)."""

    __slots__ = ("at", "action", "data", "to_status", "organisation")

    def __init__(self, row: dict):
        self.at, self.action, self.data, self.to_status = (
            row["at"],
            row["action"],
            row["data"],
            row["to_status"],
        )
        name = row.get("organisation_name")
        self.organisation = _Named(name) if name is not None else None


class _Named:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


def _public_statement(number, code):
    from zhengwu.core.aggregates import JSONRows
    from zhengwu.core.calendar import freshness_columns

    return (
        Case.objects.select_related("item", "version", "organisation", "applicant")
        .only(*_PUBLIC_FIELDS)
        .annotate(
            _zw_public_events=JSONRows(
                CaseEvent, "case", _PUBLIC_EVENT_COLUMNS, related={"organisation_name": "organisation__name"}
            ),
            **freshness_columns(),
        )
        .filter(number=number, query_code=code)[:1]
    )


# the public status query, anyone's, as often as the rate limit lets them: compiled once per connection
_PUBLIC = Prepared(_public_statement, str, str)


def public_case(number: str, query_code: str) -> Case | None:
    """The case with this number and query code, with what its public status shows, in one statement on the
    unique number: the case, what it links to, its events with their organisations' names (JSON subqueries) and the
    calendar's check; None when no case matches — the number may be a joint case's (联办件), which the caller
    looks up."""
    from zhengwu.core.calendar import known_freshness

    number, code = str(number or "").strip(), str(query_code or "").strip().upper()
    if not number or not code:
        return None
    case = _PUBLIC.first(number, code)
    if case is not None:
        known_freshness(case)  # the request's one check of the calendar, carried by this statement
    return case


def public_status(case: Case | None) -> dict:
    """What anyone with the case number and query code may see (`case` from public_case; None is NotFound):
    status, dates and timeline, names masked — from what public_case read, nothing read again."""
    from zhengwu.core.aggregates import rows_of

    if case is None:
        raise NotFound(_("办件编号或查询码不正确"), field="query_code")
    if "_zw_public_events" in case.__dict__:
        rows = sorted(rows_of(CaseEvent, case.__dict__.pop("_zw_public_events")), key=lambda r: r["seq"])
        events = [_PublicEvent(row) for row in rows]
        # the events as records.events_so_far gives them, for the rest of this read (the paper handling.missing
        # counts for the next step): not read a second time
        case.__dict__["_zw_events"] = [
            {"seq": r["seq"], "action": r["action"], "at": r["at"], "data": r["data"], "actor_id": None}
            for r in rows
        ]
    else:  # a case read some other way
        events = list(
            case.events.select_related("organisation")
            .only("case", "at", "action", "data", "to_status", "organisation__name")
            .order_by("seq")
        )
    summary = case_summary(case, events=[{"action": e.action, "at": e.at, "data": e.data} for e in events])
    summary.pop("actions", None)  # the workflow's next steps (accept, refuse …) are staff's, not the public's
    summary.pop("action_labels", None)
    # a step's opinion is the handlers' working note, not the applicant's
    for step in summary.get("steps") or ():
        step.pop("opinion", None)
    summary["applicant_name"] = mask_name(case.applicant.name)
    summary.pop("applicant_id_number", None)
    summary["agent_name"] = mask_name(case.agent_name)
    summary["timeline"] = timeline(case, public=True, events=events)
    return summary


def case_summary_for(user, case: Case) -> dict:
    """`case_summary` as the user may see it: staff get the applicant's (a natural person's) and the agent's names
    masked — the full names through the reveal (docs/cases.md, "Personal data"); the applicant side sees its own."""
    summary = case_summary(case)
    if not is_applicant_side(user, case):
        if case.applicant.kind == Applicant.Kind.NATURAL:
            summary["applicant_name"] = mask_name(case.applicant.name)
        summary["agent_name"] = mask_name(case.agent_name)
    return summary


def derived(case: Case, *, calendar=None, events: list[dict] | None = None):
    """The case rebuilt from its events (status, dates, every due date with its explanation)."""
    if events is None:
        events = list(case.events.order_by("seq").values("action", "at", "data"))
    return history.derive(events, calendar or current_calendar())


def _with_related(case: Case) -> None:
    """Load what a summary shows of the item, version, organisation and applicant in one query, unless it is
    loaded already (a case fresh from refresh_from_db has none of them)."""
    fields = [Case._meta.get_field(name) for name in ("item", "version", "organisation", "applicant")]
    if all(f.is_cached(case) for f in fields) or case.pk is None:
        return
    row = (
        Case.objects.select_related("item", "version", "organisation", "applicant").filter(pk=case.pk).first()
    )
    if row is None:
        return
    for f in fields:
        if not f.is_cached(case) and getattr(row, f.attname) == getattr(case, f.attname):
            f.set_cached_value(case, getattr(row, f.name))


def case_summary(case: Case, *, with_explanations: bool = True, events: list[dict] | None = None) -> dict:
    """A case's status and due dates, each due date with its explanation (for `cases show --json` and the API).
    `events`: the case's events in order (action, at, data), when read already."""
    _with_related(case)
    calendar = current_calendar()
    recorded = case.__dict__.pop("recorded_events", None)
    state = None
    if events is None and recorded is not None and recorded[0] == case.revision:
        # a service that has just written the case left its events on it (cases.records._record), and the case
        # derived from them: kept when derived with the same calendar
        events = recorded[1]
        kept_calendar, kept_state = recorded[2]
        state = kept_state if with_explanations and kept_calendar is calendar else None
    if events is None:
        events = list(case.events.order_by("seq").values("action", "at", "data"))
    if state is None and with_explanations:
        state = derived(case, calendar=calendar, events=events)
    today = clock.today()
    due_for_state = case.intake_due if case.status == Status.RECEIVED else case.legal_due
    open_statuses = (Status.RECEIVED, Status.ACCEPTED, Status.SUSPENDED)
    time_state = (
        deadlines.time_state(calendar, today, due_for_state) if case.status in open_statuses else None
    )
    actions = workflow.actions_from(case.status)
    out = {
        "number": case.number,
        "query_code": case.query_code,
        "status": case.status,
        "status_label": case.get_status_display(),
        "item_code": case.item.code,
        "item_version": case.version.number,
        "item_name": case.version.full_name,  # with its 办理项: 食品经营许可(延续)
        "organisation": case.organisation.name,
        "applicant_name": case.applicant.name,
        "applicant_kind": case.applicant.kind,
        "agent_name": case.agent_name,
        "channel": case.channel,
        "channel_label": case.get_channel_display(),
        "received_at": case.received_at.isoformat() if case.received_at else None,
        "intake_due": _iso(case.intake_due),
        "accepted_on": _iso(case.accepted_on),
        "deemed_accepted": case.deemed_accepted,
        "promised_due": _iso(case.promised_due),
        "legal_due": _iso(case.legal_due),
        "due_provisional": case.due_provisional,
        "remaining_days": case.remaining_days,
        "extension_days": case.extension_days,
        "decision": case.decision,
        "decision_label": case.get_decision_display() if case.decision else "",
        "delivery": case.delivery,
        "delivery_label": case.get_delivery_display() if case.delivery else "",
        "time_state": time_state,
        "time_state_label": str(deadlines.TIME_STATE_LABELS[time_state]) if time_state else None,
        "revision": case.revision,
        "actions": actions,
        "action_labels": {action: workflow.action_label(action) for action in actions},
        "fees": fees_charged(case, events=events),
    }
    if state is not None:
        out["explanations"] = {
            "intake": state.intake.as_dict() if state.intake else None,
            "promised": state.promised.as_dict() if state.promised else None,
            "legal": state.legal.as_dict() if state.legal else None,
        }
        out["steps"] = [
            {
                "position": s.position,
                "name": s.name,
                "role": s.role,
                "role_label": str(Role(s.role).label) if s.role in Role.values else s.role,
                "days": s.days,
                "kind": s.kind,
                "state": s.state,
                "state_label": str(CaseStep.State(s.state).label)
                if s.state in CaseStep.State.values
                else s.state,
                "started_on": _iso(s.started_on),
                "due": s.due.as_dict() if s.due else None,
                "completed_on": _iso(s.completed_on),
                "opinion": s.opinion,
            }
            for s in state.steps
        ]
    return out


def typed_charges(events) -> dict[str, dict]:
    """The fees typed by hand on the case as they now stand, by name key: {name, amount, standard_amount, on, corrected
    (the amounts before, oldest first), reason}; a correction (更正收费) replaces its fee's amount. `events`: the
    case's events in order (action, at, data); a payment notice's lines are not here."""
    charged: dict[str, dict] = {}
    for event in events:
        if event["action"] != "charge_fee":
            continue
        data = event["data"] or {}
        for fee in data.get("fees", []):
            if fee.get("notice"):
                continue
            key = name_key(fee["name"])
            before = charged.get(key)
            if before is not None and data.get("correction"):
                before.update(
                    amount=fee["amount"],
                    corrected=[*before["corrected"], before["amount"]],
                    reason=data["correction"],
                )
                continue
            charged[key] = {
                "name": fee["name"],
                "amount": fee["amount"],
                "standard_amount": fee.get("standard_amount"),
                "on": clock.local_date(event["at"]).isoformat(),
                "corrected": [],
                "reason": "",
            }
    return charged


def fees_charged(case: Case, *, events: list[dict] | None = None) -> dict:
    """What was collected on the case (收费): the fees a clerk recorded as charged, and the lines of its payment
    notice once paid — {"items": [{"name", "amount", "on"}], "total": "60.00", "names": ["工本费", …], "notice":
    where the payment notice stands (待缴费 …, from extensions.fee_states) or None}; no items when nothing was
    collected (不收费, not yet, or a notice still unpaid). `events`: the case's events in order (action, at, data)."""
    from zhengwu.cases import extensions

    items, total = [], Decimal("0")
    if events is None:
        events = case.events.filter(action="charge_fee").order_by("seq").values("action", "at", "data")
    events = list(events)
    # a payment notice's line: charged, not collected until it is paid
    noticed = any(
        fee.get("notice")
        for event in events
        if event["action"] == "charge_fee"
        for fee in (event["data"] or {}).get("fees", [])
    )
    for fee in typed_charges(events).values():  # typed by hand, as corrected (更正收费)
        amount = Decimal(str(fee["amount"] or "0"))
        total += amount
        items.append({"name": fee["name"], "amount": f"{amount:.2f}", "on": fee["on"]})
    notice = extensions.fee_state(case) if noticed else None
    for line in (notice or {}).get("collected", []):
        amount = Decimal(str(line["amount"]))
        total += amount
        items.append({"name": line["name"], "amount": f"{amount:.2f}", "on": notice.get("paid_on") or ""})
    out = {
        "items": items,
        "total": f"{total:.2f}" if items else None,
        "names": list(dict.fromkeys(i["name"] for i in items)),
    }
    if notice is not None:
        out["notice"] = notice
    return out


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def timeline(case: Case, *, public: bool = False, events: list[CaseEvent] | None = None) -> list[dict]:
    """What happened, when, and by which organisation; staff also see who and the notes. A line about a step names
    it (完成「审查」环节), by the step names the acceptance recorded. `events`: read already, with organisations."""
    rows = []
    step_names: dict[int, str] = {}
    if events is None:
        events = case.events.select_related("organisation").order_by("seq")
    for event in events:
        if event.action in ("accept", "deem_accept"):
            step_names = {int(s["position"]): s["name"] for s in (event.data or {}).get("steps", [])}
        if public and event.action in (
            "upload_material",
            "claim_step",
            "assign_step",
            "attach",
            "save_draft",
        ):
            continue
        row = {
            "at": event.at.isoformat(),
            "action": event.action,
            "label": workflow.event_label(event.action, event.data or {}, step_names),
            "status": event.to_status,
            "organisation": event.organisation.name if event.organisation else case.organisation.name,
        }
        if not public:
            row.update(actor=actor_name(event.actor_label), note=event.note, data=event.data)
        rows.append(row)
    added = extensions.timeline_rows(case, public=public)
    return sorted(rows + added, key=lambda r: r["at"]) if added else rows


# What the applicant is told about where the case is and what to do next: the notice each next action points to.
GRANTED_NEXT_ACTIONS = (
    "collect",
    "collect_electronic",
    "wait_making",
    "wait_post",
    "in_post",
    "wait_home",
    "on_the_way_home",
    "post_returned",
)
NEXT_ACTION_NOTICES = {
    "supplement": Notice.Kind.SUPPLEMENT,
    "read_refusal": Notice.Kind.REFUSAL,
    **dict.fromkeys(GRANTED_NEXT_ACTIONS, Notice.Kind.GRANT),
    "read_denial": Notice.Kind.DENIAL,
}


def progress(case: Case) -> dict:
    """Where a case stands, as its applicant follows it: the six stages (收件 → 受理 → 审查 → 决定 → 送达 → 办结) from its
    status and steps, the step open now, the office holding it (an organisation or a window, never a person), the
    date it is due, and what the applicant does next with the notice that tells them how — the same on the signed-in
    applicant's page and the public lookup: a received application still lacking a required material
    (handling.missing) names those materials and how each is provided (materials_next_text)."""
    from zhengwu.cases.handling import materials_next_text, missing, numbered, paper_only

    steps = list(case.steps.select_related("assignee__staff__organisation").order_by("position"))
    # received with a required material provided in no way: acceptance is refused until the applicant provides it
    owed = missing(case) if case.status == Status.RECEIVED else []
    view = stages.progress(
        status=case.status,
        materials_missing=bool(owed),
        accepted=case.accepted_on is not None,
        decision=case.decision,
        delivery=case.requested_delivery or "",
        dispatch=(extensions.dispatch_state(case) or {}).get("state", "") if case.status == "decided" else "",
        # a step's kind, where the item names it (the decision step), else the stages read it from the roles
        steps=[stages.StepView(s.position, s.name, s.role, s.state, s.kind) for s in steps],
    )
    open_row = next((s for s in steps if view.step and s.position == view.step.position), None)
    next_action = view.next_action
    next_text = str(stages.NEXT_ACTIONS[next_action])
    if next_action == "provide_materials":
        next_text = materials_next_text(case.version, owed)
    fee = None
    if next_action in GRANTED_NEXT_ACTIONS and next_action != "post_returned":
        # the result is held until the fees are paid (extensions.delivery_gates): say so, not 领取结果
        fee = extensions.fee_state(case)
        if fee and fee.get("state") == "unpaid" and extensions.delivery_refusal(case):
            next_action = "pay"
            next_text = _("缴款通知书 %(code)s 应缴 %(total)s 元,缴款期限 %(due)s。") % {
                "code": fee["code"],
                "total": fee["total"],
                "due": chinese_date(dt.date.fromisoformat(fee["due_on"])),
            } + str(stages.NEXT_ACTIONS["pay"])
    kind = NEXT_ACTION_NOTICES.get(next_action)
    pay_url = fee.get("pay_url") if next_action == "pay" else None
    return {
        "pay_url": pay_url,
        "stages": view.stages,
        "current": view.current,
        "current_label": next((s.label for s in view.stages if s.key == view.current), ""),
        "stopped_at": view.stopped_at,
        "step": open_row.name if open_row else "",
        "step_role": Role(open_row.role).label if open_row and open_row.role in Role.values else "",
        "holder": _holder(case, view.current, open_row),
        "dues": _dues(case, open_row),
        "next_action": next_action,
        "next_text": next_text,
        "missing_materials": [numbered(m) for m in owed],  # as the checklists name them: 2. 营业执照复印件
        # those of them a file may stand for (not paper-only): the upload is offered for these
        "missing_uploadable": [numbered(m) for m in owed if not paper_only(m.get("medium", ""))],
        "notice": case.notices.filter(kind=kind).order_by("-issued_at", "-id").first() if kind else None,
    }


def _holder(case: Case, stage: str, step: CaseStep | None) -> str:
    """The office holding the case now: the organisation of whoever took the open step (else the case's
    organisation); the window where it was received while it waits for acceptance or for its result."""
    if not stage:
        return ""
    if step is not None and step.assignee_id is not None:
        staff = getattr(step.assignee, "staff", None)
        if staff is not None:
            return staff.organisation.name
    if stage in (stages.ACCEPT, stages.DELIVER, stages.COMPLETE) and case.window_id is not None:
        window = Window.objects.select_related("centre").filter(pk=case.window_id).first()
        if window is not None:
            return f"{window.centre.name} {window}"
    return case.organisation.name


def _dues(case: Case, step: CaseStep | None) -> list[dict]:
    """The dates the applicant is waiting for now, each with its label: the intake decision before acceptance,
    the open step's and the promised completion date while the case is handled."""
    if case.status == Status.RECEIVED and case.intake_due:
        return [{"label": _("受理决定期限"), "date": case.intake_due, "provisional": False}]
    if case.status == Status.SUSPENDED:
        return [
            {"label": _("承诺办结期限"), "date": None, "note": _("中止期间暂停计算"), "provisional": False}
        ]
    if case.status not in (Status.ACCEPTED, Status.DECIDED, Status.DELIVERED):
        return []
    dues = []
    if step is not None and step.due_on:
        dues.append(
            {
                "label": _("「%(step)s」环节期限") % {"step": step.name},
                "date": step.due_on,
                "provisional": step.due_provisional,
            }
        )
    if case.promised_due:
        dues.append(
            {"label": _("承诺办结期限"), "date": case.promised_due, "provisional": case.due_provisional}
        )
    today = clock.today()
    for due in dues:  # a date gone by while the case still waits: said, not left for the reader to work out
        due["overdue"] = due["date"] < today
    return dues


# ---- workbench queues


def queue(user, name: str, *, warn_workdays: int = thresholds.DUE_SOON_WORKDAYS) -> QuerySet[Case]:
    """A workbench queue: to_accept, to_handle (open steps for the user's roles), due_soon, overdue, suspended, done.
    due_soon: accepted cases with at most `warn_workdays` working days left (core.thresholds; the workbench passes
    supervision's configured value, so the queue and the yellow level agree)."""
    cases = visible_cases(user)
    today = clock.today()
    # a case whose intake another flow owns (a 联办件's member: 联办通知, 联合受理) waits in that flow's list
    owned = extensions.intake_owned_q()
    if name == "to_accept":
        cases = with_resupplied(cases.filter(status=Status.RECEIVED))
        if owned is not None:
            cases = cases.exclude(owned)
    elif name == "to_handle":
        # open steps the user may take (their role, the item's organisation), not claimed by someone else
        steps = _open_steps_q(user)
        cases = cases.filter(status__in=(Status.ACCEPTED, Status.DECIDED), pk__in=steps.values("case_id"))
    elif name == "due_soon":
        # the last due date with at most warn_workdays working days left (supervision.levels.last_yellow_due)
        soon = current_calendar().add_workdays(today, warn_workdays + 1).value - dt.timedelta(days=1)
        cases = cases.filter(status=Status.ACCEPTED, legal_due__gte=today, legal_due__lte=soon)
    elif name == "overdue":
        late_intake = Q(status=Status.RECEIVED, intake_due__lt=today)
        if owned is not None:
            late_intake &= ~owned
        cases = cases.filter(Q(status=Status.ACCEPTED, legal_due__lt=today) | late_intake)
    elif name == "suspended":
        cases = cases.filter(status=Status.SUSPENDED)
    elif name == "done":
        cases = cases.filter(
            status__in=[Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN, Status.TERMINATED]
        )
    else:
        raise NotFound(_("没有名为「%(name)s」的队列") % {"name": name}, field="queue")
    return ordered(cases, QUEUE_ORDER[name])


def with_resupplied(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Each case with `resupplied_at`: when the applicant last supplied what a 补正 notice asked for
    (cases.intake.supply_supplement — online by supply_with_uploads, or on paper at the window), None if never.
    On a case back at intake (待受理) it means the materials wait for the clerk's review (已补正,待审核).
    One subquery in the list's own query: no query per row."""
    supplied = SupplementRequest.objects.filter(case=OuterRef("pk"), supplied_at__isnull=False).order_by(
        "-supplied_at"
    )
    return cases.annotate(resupplied_at=Subquery(supplied.values("supplied_at")[:1]))


def resupplied_at(case: Case) -> dt.datetime | None:
    """When the applicant supplied what a 补正 notice asked for, on a case back at intake whose materials wait for
    the clerk's review (已补正,待审核, as the queue says it: with_resupplied); None otherwise."""
    if case.status != Status.RECEIVED:
        return None
    return with_resupplied(Case.objects.filter(pk=case.pk)).values_list("resupplied_at", flat=True).first()


QUEUES = ("to_accept", "to_handle", "due_soon", "overdue", "suspended", "done")
# each queue's order (soonest due first; the finished newest first), ending with id so pages follow by keyset;
# 待受理: of the cases due the same day, those resupplied after a 补正 notice first (the earliest resupplied first)
QUEUE_ORDER = {
    "to_accept": ("intake_due", "resupplied_at", "id"),
    "to_handle": ("legal_due", "id"),
    "due_soon": ("legal_due", "id"),
    "overdue": ("legal_due", "intake_due", "id"),
    "suspended": ("id",),
    "done": LIST_ORDER,
}


def _open_steps_q(user) -> QuerySet[CaseStep]:
    """Open steps the user may take (their role in the item's organisation), assigned to them or to nobody yet
    (theirs to claim)."""
    return (
        CaseStep.objects.filter(state=CaseStep.State.OPEN)
        .filter(access.step_takers_q(user, role_field="role", organisation_field="case__organisation"))
        .filter(Q(assignee__isnull=True) | Q(assignee=user))
    )


def open_steps_for(user) -> QuerySet[CaseStep]:
    """The steps waiting for the user (held by them or theirs to claim) on the cases they may see, soonest due
    first, with their case (for the workbench home)."""
    return (
        _open_steps_q(user)
        .filter(
            case__in=visible_cases(user).filter(status__in=(Status.ACCEPTED, Status.DECIDED)).values("pk")
        )
        .select_related("case", "case__version", "case__organisation")
        .order_by("due_on", "case_id")
    )


def my_cases(user) -> QuerySet[Case]:
    """An applicant's own cases (filed by them or for them), newest first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return (
        Case.objects.select_related(*_RELATED)
        .filter(Q(created_by=user) | Q(applicant__user=user))
        .order_by("-created_at", "-id")
    )


def applicant_of(user) -> Applicant | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Applicant.objects.filter(user=user).first()


def applicant_by_id(pk: int) -> Applicant | None:
    """An applicant by its id, as the counter names the person it registers for, or None."""
    return Applicant.objects.filter(pk=pk).first()


def account_username(kind: str, account: str) -> str:
    """The user name a portal sign-in checks the password against: the account of the applicant of this kind
    registered with this resident ID number or USCC, else what was typed (a phone number or e-mail address is the
    user name itself). An unknown number is returned as typed, so it fails like any wrong account. Full-width
    characters (３６０６８１…Ｘ, １３８…, as a Chinese input method types them) are read as their ASCII selves (NFKC)."""
    typed = unicodedata.normalize("NFKC", str(account or "")).strip()
    number = ids.normalise(typed)
    if len(number) == 18:
        user = (
            Applicant.objects.filter(kind=kind, id_number=number, user__isnull=False)
            .values_list("user__username", flat=True)
            .first()
        )
        if user:
            return user
    return typed


def notices_of(case: Case) -> QuerySet[Notice]:
    """The case's notices in order, each with `told` and `reaching` (cases.written: whether it is served on paper)."""
    return with_paper(case.notices.order_by("issued_at", "id"))


def with_paper(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """Notices annotated `told` (messages told the applicant of it) and `reaching` (one of them was sent or may
    still be): a notice told and not reached is served on paper (待送达书面通知)."""
    mine = OutboxMessage.objects.filter(event=OuterRef("event"))
    alive = mine.filter(state__in=(OutboxMessage.State.PENDING, OutboxMessage.State.SENT))
    return notices.annotate(told=Exists(mine), reaching=Exists(alive))


# A decision (决定书) goes to the applicant with the result (deliver_result: 窗口领取, 邮寄, 电子送达): once the result was
# delivered, its decision needs no written notice of its own.
DELIVERED_WITH_RESULT = (Notice.Kind.GRANT, Notice.Kind.DENIAL)


def needs_paper(notice: Notice) -> bool:
    """True when every message about the notice was not sent or failed (with_paper's annotations, else read) and it
    did not reach the applicant otherwise (a decision with the delivered result)."""
    if not hasattr(notice, "told"):
        notice = with_paper(Notice.objects.filter(pk=notice.pk)).get()
    if notice.kind in DELIVERED_WITH_RESULT and notice.case.delivery:
        return False
    return notice.told and not notice.reaching


def why_not_delivered(notices: list[Notice]) -> dict[int, list[str]]:
    """For each notice (by id), why its messages did not reach the applicant (their last errors, once each), in one
    query: 未发送短信:申请人未登记手机号码, a provider's refusal …"""
    by_event: dict[int, list[str]] = {}
    rows = OutboxMessage.objects.filter(event_id__in=[n.event_id for n in notices if n.event_id]).order_by(
        "id"
    )
    for event_id, error in rows.values_list("event_id", "last_error"):
        reasons = by_event.setdefault(event_id, [])
        if error and error not in reasons:
            reasons.append(error)
    return {n.pk: by_event.get(n.event_id, []) for n in notices}


def written_notice_due(notice: Notice) -> dt.date:
    """The last day to serve the notice on paper (deadlines.written_notice_due)."""
    issued_on = clock.local_date(notice.issued_at)
    return deadlines.written_notice_due(current_calendar(), notice.kind, issued_on)


def written_notices(user, *, served: bool = False) -> QuerySet[Notice]:
    """待送达书面通知 for the cases the user may see: notices none of whose messages reached the applicant (no mobile
    or e-mail, or every send failed), not yet served on paper — or, with `served`, served. Oldest first."""
    rows = with_paper(
        Notice.objects.filter(case__in=visible_cases(user).values("pk"), served_on__isnull=not served)
    )
    rows = rows.filter(told=True, reaching=False).exclude(
        kind__in=DELIVERED_WITH_RESULT, case__delivery__gt=""
    )
    rows = rows.select_related("case", "case__applicant", "case__organisation")
    return rows.order_by("-served_on", "-issued_at", "-id") if served else rows.order_by("issued_at", "id")


def notice_for(user, number: str, notice_id: int) -> Notice:
    case = case_for(user, number)
    notice = case.notices.filter(pk=notice_id).first()
    if notice is None:
        raise NotFound(_("找不到该文书"), field="notice")
    return notice


def pending_extensions(user) -> QuerySet[ExtensionRequest]:
    """Extension requests awaiting a department head's decision, in the user's scope."""
    return ExtensionRequest.objects.filter(
        state=ExtensionRequest.State.PENDING, case__in=visible_cases(user).values("pk")
    ).select_related("case", "case__version")


def extension_of(case: Case, pk: int, *, field: str = "extension") -> ExtensionRequest:
    """One extension request of this case (read through `case_for`, so in the user's scope), or NotFound at
    `field`."""
    row = ExtensionRequest.objects.filter(case=case, pk=pk).first()
    if row is None:
        raise NotFound(_("找不到该延期申请"), field=field)
    return row


def staff_user(user, username: str, *, field: str = "username"):
    """The account of a staff member the user may see (access.visible_staff) by its username, or NotFound at
    `field` — a colleague of another organisation is not found, as one who does not exist."""
    staff = access.visible_staff(user).filter(user__username=username).first()
    if staff is None:
        raise NotFound(_("找不到该工作人员"), field=field)
    return staff.user


def outbox(user, *, state: str | None = None) -> QuerySet[OutboxMessage]:
    """Notifications sent and failed for the cases the user may see (the workbench's 'what was sent')."""
    rows = OutboxMessage.objects.filter(case__in=visible_cases(user).values("pk")).select_related("case")
    return rows.filter(state=state) if state else rows


# ---- reads the portal and workbench pages need


def queue_counts(
    user, *, warn_workdays: int = thresholds.DUE_SOON_WORKDAYS, cap: int | None = None
) -> dict[str, int]:
    """How many cases wait in each workbench queue for this user (same scope as `queue`); with `cap`, counting
    stops past it (a count above `cap` means "more than cap": the finished cases of a province are millions)."""
    if cap is None:
        return {name: queue(user, name, warn_workdays=warn_workdays).count() for name in QUEUES}
    return {
        name: queue(user, name, warn_workdays=warn_workdays).order_by()[: cap + 1].count() for name in QUEUES
    }


def case_by_key(user, key: str) -> Case | None:
    """The case a submit with this idempotency key already made, if the user may see it (a retried submit)."""
    key = str(key or "").strip()
    if not key:
        return None
    return visible_cases(user).filter(idempotency_key=key).first()


def drafts_of(user) -> QuerySet[Case]:
    """An applicant's unfinished online applications."""
    return my_cases(user).filter(status=Status.DRAFT)


POWER_OF_ATTORNEY_MARK = "委托书"


def own_power_of_attorney(version, materials=None):
    """The material of the item's own list that is the power of attorney (its name contains 委托书, such as
    「授权委托书及受托人居民身份证」), or None: then the power of attorney is material 0, outside the item's list.
    `materials`: the version's list in order, where the caller has read it already."""
    if materials is None:
        materials = sorted(version.materials.all(), key=lambda m: m.position)
    return next((m for m in materials if POWER_OF_ATTORNEY_MARK in m.name), None)


def power_of_attorney_position(version) -> int:
    """Where the power of attorney is uploaded: the item's own 委托书 material, else material 0."""
    own = own_power_of_attorney(version)
    return own.position if own is not None else POWER_OF_ATTORNEY


def power_of_attorney_positions(version) -> tuple[int, ...]:
    """The positions whose upload counts as the power of attorney (material 0 always counts: drafts uploaded there
    before an item listed its own 委托书 material)."""
    own = own_power_of_attorney(version)
    return (POWER_OF_ATTORNEY,) if own is None else (own.position, POWER_OF_ATTORNEY)


def on_paper_checklist(row: dict) -> bool:
    """The one rule of the window's paper checklist (纸质材料收件清单: 已收纸质件 at the counter's 收件, the
    acceptance form, an instant item's 当场办结), for a row of material_checklist or counter_paper_checklist: a
    required material with no file and provided in no other way — not obtained by the department itself (部门共享
    获取), taken from the licence library, got from a prerequisite's result or received with a supplement. A
    material received on paper at the counter stays on it (ticked) until acceptance records its own list."""
    return bool(row["required"] and not row["files"] and (not row["via"] or row["at_counter"]))


def counter_paper_checklist(version, *, agent: bool = False) -> list[dict]:
    """The materials the counter's 收件 form offers to tick as 已收纸质件, before there is a case: the rows a new case
    of the item would have, through the paper checklist's rule (on_paper_checklist) — so not those obtained by
    data sharing. What the licence library holds for the applicant is filled once the case is made. `agent`: the
    case may be an agent's (the form does not know yet), so the item's own 委托书 material is offered too."""
    shared = _("部门共享获取,无需提交")
    own = own_power_of_attorney(version) if agent else None
    rows = [
        {
            "position": m.position,
            "name": m.name,
            "required": m.required or (own is not None and m.position == own.position),
            "files": [],
            "via": shared if m.source == Material.Source.SHARED else "",
            "at_counter": False,
        }
        for m in catalog_selectors.published_materials(version)
    ]
    return [row for row in rows if on_paper_checklist(row)]


def decided_scope(case: Case) -> str:
    """The licensed matters (许可事项) the grant stated (decide_case's `licensed_scope`), or "" where it kept the
    item's — what the licence it issues states (行政许可法 第三十九条)."""
    if case.pk is None:
        return ""
    data = case.events.filter(action="decide").order_by("-seq").values_list("data", flat=True).first() or {}
    return str(data.get("licensed_scope") or "") if data.get("decision") == "grant" else ""


def ended_as(case: Case) -> str:
    """How a closed case ended, by its department (卫健委不予受理, 城管局已撤回), or "" while it is open."""
    if case.status not in CLOSED_STATUSES:
        return ""
    name = case.organisation.short_name or case.organisation.name
    return _("%(o)s%(s)s") % {"o": name, "s": case.get_status_display()}


def no_longer_needed(*ended: str) -> str:
    """Why a material is not asked for any more, as every page says it: 不再需要(卫健委不予受理) — the cases that
    used it ended (ended_as) and take no materials."""
    return _("不再需要(%(who)s)") % {"who": "、".join(ended)}


def material_checklist(case: Case) -> list[dict]:
    """Each material of the item's list with the files provided for it (newest last) and whether one is still
    missing (handling.missing's rule, row by row: never one asked for only in some situations, 视情形提交) — what
    the applicant and the clerk check the application against; `not_needed` says why one not
    provided is not asked for any more (the case ended before its decision: 不再需要(卫健委不予受理)), on the
    applicant's page. A case made by an agent starts with the power of attorney (position 0), unless the item lists its own 委托书 material: then that row is the power
    of attorney (required for an agent's application: uploaded online, checked on paper at the window). `paper` says whether the window's paper checklist offers the row
    (on_paper_checklist) and `paper_ticked` whether it comes ticked: exactly what was received on paper at the
    counter's 收件 — nothing else, so a case whose 收件 recorded no paper (and an online application) comes
    unticked, and a material asked for only in some situations (视情形提交) comes ticked only when the clerk recorded
    it at the 收件."""
    from zhengwu.cases.handling import counter_paper_label, material_provisions, paper_only

    files: dict[int, list] = {}
    for row in case.materials.order_by("position", "uploaded_at", "id"):
        files.setdefault(row.position, []).append(row)
    provided_by = material_provisions(case, uploaded=set(files)) if case.pk else {}
    uploaded = _("已上传")
    via = {p: label for p, label in provided_by.items() if label != uploaded}  # a file row says it already
    at_counter = {p for p, label in via.items() if label == counter_paper_label()}
    materials = sorted(case.version.materials.all(), key=lambda m: m.position)
    own = own_power_of_attorney(case.version) if case.agent_name else None
    # an agent's application needs the power of attorney whatever the channel (行政许可法 第二十九条; the grant
    # requires it: submission.required_materials): uploaded online, on the paper checklist at the window
    needed = bool(case.agent_name)
    rows = []
    if case.agent_name and own is None:
        rows.append(
            {
                "position": POWER_OF_ATTORNEY,
                "name": str(POWER_OF_ATTORNEY_NAME),
                "required": needed,
                "condition": "代他人申请时提交",
                "conditional": not needed,  # asked only in some cases: shown 视情形提交, never 未上传
                "medium": "纸质或电子",
                "paper_only": False,
                "form": "原件",
                "rules": "申请人签名(单位盖章)的授权委托书,写明委托事项和权限",
                "files": files.get(POWER_OF_ATTORNEY, []),
                "via": via.get(POWER_OF_ATTORNEY, ""),
                "at_counter": POWER_OF_ATTORNEY in at_counter,
                "missing": needed and POWER_OF_ATTORNEY not in provided_by,
            }
        )
    for m in materials:
        provided, required = files.get(m.position, []), m.required
        # owed (未提供) as handling.missing says it: not a material asked for only in some situations (视情形提交)
        owed = required and not m.condition
        if own is not None and m.position == own.position:
            provided = provided + files.get(POWER_OF_ATTORNEY, [])
            required = required or needed
            owed = owed or needed
        rows.append(
            {
                "position": m.position,
                "name": m.name,
                "required": required,
                "condition": m.condition,
                "conditional": not required or bool(m.condition),
                "medium": m.get_medium_display(),
                # taken on paper only (载体 纸质): no file stands for it, the applicant brings it to the window
                "paper_only": paper_only(m.medium),
                "form": m.get_form_display(),
                "rules": m.rules,
                "files": provided,
                "via": via.get(m.position, ""),
                # received on paper at the counter (not a material the department obtains itself)
                "at_counter": m.position in at_counter and m.source != Material.Source.SHARED,
                "missing": owed and not provided and m.position not in provided_by,
            }
        )
    # ended before its decision (不予受理, 撤回, 终止): what it was not given is not asked for any more; a case 办结
    # keeps its record as it was
    ended = ended_as(case) if case.pk and case.status != Status.COMPLETED else ""
    # the checklist comes ticked with what the counter's 收件 recorded received on paper, nothing more: the clerk
    # ticks what they hold (行政许可法 第三十二条). Ticking every offered row when the 收件 recorded none (an online
    # application, a counter case with no 已收纸质件) let one click record papers nobody had looked at as received —
    # a conditional one (视情形提交) among them, whose situation the clerk had not judged — and acceptance then never
    # named what was missing
    for row in rows:
        row["paper"] = on_paper_checklist(row)
        row["paper_ticked"] = row["paper"] and row["at_counter"]
        row["not_needed"] = no_longer_needed(ended) if ended and not row["files"] and not row["via"] else ""
    return rows


def open_supplement(case: Case) -> SupplementRequest | None:
    """The supplement request the applicant has not yet answered, if any."""
    return case.supplements.filter(supplied_at__isnull=True).order_by("-round").first()


def material_for(user, number: str, material_id: int) -> CaseMaterial:
    """One uploaded material of a case the user may see, or NotFound."""
    row = CaseMaterial.objects.filter(case=case_for(user, number), pk=material_id).first()
    if row is None:
        raise NotFound(_("找不到该材料"), field="material")
    return row


def attachment_for(user, number: str, attachment_id: int) -> CaseAttachment:
    """One staff attachment of a case the user may see (staff only), or NotFound."""
    if access.staff_of(user) is None and not access.is_administrator(user):
        raise NotFound(_("找不到该附件"), field="attachment")
    row = CaseAttachment.objects.filter(case=case_for(user, number), pk=attachment_id).first()
    if row is None:
        raise NotFound(_("找不到该附件"), field="attachment")
    return row


def assignable_for_step(user, case: Case) -> list:
    """Staff who may take the case's open step (its role, the item's organisation): whom a department head may
    assign it to."""
    step = case.steps.filter(state=CaseStep.State.OPEN).first()
    if step is None:
        return []
    people = (
        access.visible_staff(user)
        .filter(roles__role=step.role, user__is_active=True)
        .select_related("user", "organisation", "organisation__region")
        .distinct()
        .order_by("name")
    )
    return [s for s in people if access.takes_step(s.user, step.role, case.organisation)]


def outbox_counts(user) -> dict[str, int]:
    """Messages per state (pending, sent, failed, not sent) for the cases the user may see."""
    rows = outbox(user).values("state").annotate(n=Count("id"))
    counts = {state: 0 for state in OutboxMessage.State.values}
    counts.update({r["state"]: r["n"] for r in rows})
    return counts


# ---- figures other domains report


def decisions_by_type(*, organisation_ids, year: int) -> dict[str, int]:
    """Decisions (准予 and 不予, counted alike) made in a calendar year in China (Asia/Shanghai) by these
    organisations, by the catalogue type of the item decided ("01" 行政许可, "02" 行政处罚, "03" 行政强制, …).
    Every type of the catalogue is present, with 0 when none were decided. Read-only; no access check (callers
    pass the organisations whose figures they report)."""
    first = dt.datetime(year, 1, 1, tzinfo=clock.LOCAL)
    after = dt.datetime(year + 1, 1, 1, tzinfo=clock.LOCAL)
    counts = dict.fromkeys((code for code, _label in ITEM_TYPE_CHOICES), 0)
    rows = (
        Case.objects.filter(
            organisation_id__in=list(organisation_ids),
            decision__in=[Decision.GRANT, Decision.DENY],
            decided_at__gte=first,
            decided_at__lt=after,
        )
        .values("item__item_type")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["item__item_type"]] = counts.get(row["item__item_type"], 0) + row["n"]
    return counts
