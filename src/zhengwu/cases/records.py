"""What every case write shares: the role groups, the decorators that keep the caller's Case current and the
calendar pinned, locking the case, the staff and applicant checks, recording an event (_record: the checked
transition, the event, the audit record and the notifications) and rebuilding the stored copies from the events
(_refresh). Used by the job modules behind cases/services.py."""

from __future__ import annotations

import datetime as dt
import functools

from django.utils.translation import gettext as _

from zhengwu.cases import (
    history,
    notify,
    selectors,
    workflow,
)
from zhengwu.cases.models import (
    Case,
    CaseEvent,
    CaseStep,
)
from zhengwu.core import access, actors, audit, clock, inputs
from zhengwu.core.calendar import checked_once, current_calendar
from zhengwu.core.calendar import freshness_columns as calendar_freshness
from zhengwu.core.calendar import known_freshness as known_calendar_freshness
from zhengwu.core.calendar import pinned as pinned_calendar
from zhengwu.core.errors import AccessDenied, Conflict, DomainError, NotFound, ValidationFailed
from zhengwu.core.models import Role
from zhengwu.core.prepared import Prepared

INTAKE_ROLES = (Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD)
HANDLER_ROLES = (Role.APPROVER, Role.DEPARTMENT_HEAD)
HEAD_ROLES = (Role.DEPARTMENT_HEAD,)


def _updates_caller(service):
    """After the write, the Case the caller passed shows the new state too (services lock and work on a fresh copy).
    The calendar is checked against the database once for the whole write (calendar.pinned)."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with pinned_calendar():
            result = service(*args, **kwargs)
        original = kwargs.get("case")
        if isinstance(original, Case) and selectors.to_lock(original):  # known by number only (case_to_lock)
            if isinstance(result, Case) and result.number == original.number:
                _copy_written(result, original)
            elif original.pk is not None:
                _reload(original)
        elif isinstance(original, Case) and original.pk is not None and result is not original:
            if isinstance(result, Case) and result.pk == original.pk:
                _copy_written(result, original)  # what was just written, without reading it back (issue 20)
            else:
                _reload(original)
        return result

    return wrapper


_with_one_calendar = checked_once  # the calendar checked against the database once for the whole write


_RELATIONS = tuple(f for f in Case._meta.concrete_fields if f.is_relation)


def _reload(case: Case) -> None:
    """refresh_from_db in one query: the stored values again, related objects kept where the key did not change
    (the item, version, organisation, applicant and window a case points at are not changed by its writes)."""
    keep = {f.name: getattr(case, f.name) for f in _RELATIONS if f.is_cached(case)}
    before = {f.name: getattr(case, f.attname) for f in _RELATIONS}
    case.refresh_from_db()
    for name, obj in keep.items():
        field = Case._meta.get_field(name)
        if getattr(case, field.attname) == before[name]:
            field.set_cached_value(case, obj)


def _copy_written(fresh: Case, case: Case) -> None:
    """Give `case` the values of `fresh`, the copy a service locked, changed and saved (its related objects too)."""
    for field in Case._meta.concrete_fields:
        setattr(case, field.attname, getattr(fresh, field.attname))
    case._state.fields_cache = dict(fresh._state.fields_cache)
    case._state.adding, case._state.db = fresh._state.adding, fresh._state.db
    if "recorded_events" in fresh.__dict__:
        case.recorded_events = fresh.recorded_events


_actor = actors.acting_user


_label = functools.partial(actors.acting_label, system="系统", anonymous="申请人", applicant=True)


_text = inputs.text


def _days(value, *, field: str, label: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationFailed(
            _("%(label)s必须是不小于 %(minimum)s 的整数") % {"label": label, "minimum": minimum}, field=field
        )
    return value


# Facts other domains' hooks ask of the case in most writes, read with the locked case as one column each instead of
# one query per hook (issue 20): attribute name → (the expression on the case row, its value for a case just made).
# joint registers whether the case is no member of a joint case (joint.services.member_of).
LOCKED_FACTS: dict[str, tuple] = {}


UNKNOWN = object()  # a fact not known for a case just made: its hook asks the database as before


def add_locked_fact(name: str, expression, *, when_new=UNKNOWN) -> None:
    LOCKED_FACTS[name] = (expression, when_new)


def fact(case: Case, name: str, default=UNKNOWN):
    """A registered fact as read with the locked case (or known for a case just made), else `default`."""
    return case.__dict__.get(name, default)


def _notice_kinds():
    from django.db.models import OuterRef

    from zhengwu.cases.models import Notice
    from zhengwu.core.aggregates import comma_list_of

    return comma_list_of(Notice.objects.filter(case_id=OuterRef("pk")), "kind", "case_id")


def _has_steps():
    from django.db.models import Exists, OuterRef

    return Exists(CaseStep.objects.filter(case_id=OuterRef("pk")))


# the kinds of the notices issued so far, one per notice (notices.issue numbers a second one of a kind)
add_locked_fact("_zw_notice_kinds", _notice_kinds, when_new=None)
# whether the case has its steps yet (acceptance makes them; _refresh then has none to read)
add_locked_fact("_zw_has_steps", _has_steps, when_new=False)


def _new_case_facts(case: Case) -> None:
    """A case just made: the registered facts as they stand for it (nothing refers to it yet)."""
    for name, (_expression, when_new) in LOCKED_FACTS.items():
        if when_new is not UNKNOWN:
            case.__dict__[name] = when_new
    case.__dict__["_zw_no_events"] = True  # its first event is yet to be recorded (_record)


_EVENT_COLUMNS = ("seq", "action", "at", "data", "actor")
_STEP_COLUMNS = tuple(f.name for f in CaseStep._meta.concrete_fields if f.name != "case")


def _lock_statement(pk_or_number, reader_cases=None, *, steps=False, materials=False, facts=()):
    """The queryset of _locked: the case by its pk (or, given `reader_cases`, by its number among them)."""
    from zhengwu.cases.models import CaseMaterial
    from zhengwu.core.aggregates import JSONRows

    extra = {"_zw_events_json": JSONRows(CaseEvent, "case", _EVENT_COLUMNS)}
    if steps:
        extra["_zw_steps_json"] = JSONRows(CaseStep, "case", _STEP_COLUMNS)
    if materials:
        extra["_zw_materials_json"] = JSONRows(CaseMaterial, "case", ("position",))
    cases = Case.objects if reader_cases is None else reader_cases
    return (
        cases.select_for_update(of=("self",))
        .select_related("applicant", "organisation", "version", "item", "window")
        .annotate(**{name: LOCKED_FACTS[name][0]() for name in facts})
        .annotate(
            **calendar_freshness()
        )  # the calendar's check for this write, with the case (calendar.pinned)
        .annotate(**extra)
        .filter(**({"pk": pk_or_number} if reader_cases is None else {"number": pk_or_number}))[:1]
    )


# compiled once per connection for each combination of what is read with the case (core.prepared): building and
# compiling this statement was ~2 ms of the ~2.3 ms a write spent locking its case
_LOCK = Prepared(_lock_statement, int)
# the same by number in a reader's scope (the API's writes: selectors.case_to_lock), once per scope (selectors.scope_of)
# and connection: building and compiling it was about half the CPU of an accept, a decide or a complete (issue 20)
_LOCK_IN_SCOPE = Prepared(
    lambda number, *, scope=("all",), **what: _lock_statement(
        number, selectors.cases_in_scope(scope), **what
    ),
    str,
)


def _locked(case: Case, revision: int | None = None, *, steps: bool = False, materials: bool = False) -> Case:
    """The case locked for this write (select_for_update, the case row only), in one statement with what the write
    reads of it: the registered facts, the calendar's freshness, its events (events_so_far) and, asked for, its
    steps (as if prefetched; an assignee is read when asked for) and the positions of its uploaded materials
    (handling.missing)."""
    # a case the API knows only by its number (selectors.case_to_lock) is found here, in the reader's scope
    reader = case.__dict__.get("_zw_lock_in_scope_of")
    facts = tuple(LOCKED_FACTS)
    if reader is None:
        fresh = _LOCK.first(case.pk, steps=steps, materials=materials, facts=facts)
    else:
        scope = selectors.scope_of(reader)
        fresh = (
            None
            if scope == ("none",)  # no case at all: nothing to compile
            else _LOCK_IN_SCOPE.first(case.number, scope=scope, steps=steps, materials=materials, facts=facts)
        )
    if fresh is None:
        if reader is not None:  # as selectors.case_for says it: never reveals that the case exists
            raise NotFound(_("找不到编号为 %(number)s 的办件") % {"number": case.number}, field="number")
        raise NotFound(_("找不到该办件"), field="number")
    if reader is not None:
        fresh.__dict__["_zw_seen_by"] = reader.pk
    known_calendar_freshness(fresh)
    fresh.__dict__["_zw_locked"] = True  # what this write reads of it may be kept on it (events_so_far)
    if revision is not None and fresh.revision != revision:
        raise Conflict(
            _("该办件已被他人更新,您看到的不是最新状态。请刷新后再操作,您填写的内容不会丢失。"),
            code="stale",
            field="revision",
        )
    _keep_read_rows(fresh)
    return fresh


def _keep_read_rows(case: Case) -> None:
    """What _locked read with the case, kept where the write looks for it: the events in order (events_so_far),
    the steps in order as if prefetched, the uploaded materials' positions."""
    from zhengwu.cases.models import CaseMaterial
    from zhengwu.core.aggregates import rows_of

    events = rows_of(CaseEvent, case.__dict__.pop("_zw_events_json"))  # seq, action, at, data, actor_id
    case.__dict__["_zw_events"] = sorted(events, key=lambda e: e["seq"])
    if "_zw_steps_json" in case.__dict__:
        rows = sorted(rows_of(CaseStep, case.__dict__.pop("_zw_steps_json")), key=lambda r: r["position"])
        steps = []
        for row in rows:
            step = CaseStep(**row)
            step._state.adding, step._state.db = False, case._state.db
            CaseStep._meta.get_field("case").set_cached_value(step, case)
            steps.append(step)
        queryset = case.steps.all()
        queryset._result_cache, queryset._prefetch_done = steps, True
        case._prefetched_objects_cache = {**getattr(case, "_prefetched_objects_cache", {}), "steps": queryset}
    if "_zw_materials_json" in case.__dict__:
        rows = rows_of(CaseMaterial, case.__dict__.pop("_zw_materials_json"))
        case.__dict__["_zw_material_positions"] = {r["position"] for r in rows}


def _in_scope(by, case: Case):
    """The acting staff member, with the case in their scope (selectors.visible_cases, from core.access); None: the
    platform itself. What they may do on it is cases.permissions' rule, checked by each service on the locked case."""
    if by is None:
        return None
    staff = access.staff_of(by)
    if staff is None:
        raise AccessDenied(_("只有工作人员可以办理办件"))
    if selectors.seen_by(case) == by.pk:  # read in this request through the same rule (selectors.case_for)
        return staff
    if not selectors.visible_cases(by).filter(pk=case.pk).exists():
        raise AccessDenied(_("该办件不在您的职责范围内"))
    return staff


def scope_refusal(by, case: Case) -> DomainError | None:
    """Why `by` may not act on the case as staff (not staff; the case outside their scope), or None: the rule of
    _in_scope, for a page or another domain's rule that asks before acting (joint.permissions)."""
    try:
        _in_scope(by, case)
    except DomainError as err:
        return err
    return None


def _staff_side(by, case: Case) -> bool:
    """Is the write staff's (in scope: _in_scope) rather than the applicant's own (or the platform's)?"""
    if by is None or selectors.is_applicant_side(by, case):
        return False
    _in_scope(by, case)
    return True


def _refresh(
    case: Case, state: history.CaseState | None = None, *, also: tuple[str, ...] = (), written: bool = False
) -> history.CaseState:
    """Rebuild the stored copies (case fields and steps) from the events (`state`: derived already from them);
    `also`: other fields of the case the service set, saved in the same statement. `written`: the case's copies
    went into its INSERT already (a case made by this write, _record), only its steps are left."""
    if state is None:
        events = list(case.events.order_by("seq").values("action", "at", "data"))
        state = history.derive(events, current_calendar())
    if not written:
        snapshot = history.snapshot(state)
        for name, value in snapshot.items():
            setattr(case, name, value)
        case.save(update_fields=[*snapshot, "revision", *also])
    if not state.steps:  # steps come with acceptance; before it there are none to store
        return state
    # the steps as read in this write (_locked(steps=True)), else from the database (none to read when the locked
    # read found none: acceptance makes them); forgotten below once written
    rows = {} if fact(case, "_zw_has_steps") is False else {s.position: s for s in case.steps.all()}
    getattr(case, "_prefetched_objects_cache", {}).pop("steps", None)
    changed, new = [], []  # changed: (row, what of it differs)
    for position, values in history.step_snapshots(state).items():
        row = rows.get(position)
        if row is None:
            new.append(CaseStep(case=case, position=position, **values))
            continue
        differ = {k: v for k, v in values.items() if getattr(row, k) != v}
        if differ:
            for k, v in values.items():
                setattr(row, k, v)
            changed.append((row, differ))
    if new:
        CaseStep.objects.bulk_create(new)
        if fact(case, "_zw_has_steps") is False:
            case.__dict__["_zw_has_steps"] = True  # a later event of this write reads them
    # most writes move one step: a plain UPDATE of what changed (bulk_update's CASE WHEN per field took longer to
    # build and compile than the rest of a decide's rebuilding, issue 20)
    if len(changed) == 1:
        row, differ = changed[0]
        CaseStep.objects.filter(pk=row.pk).update(**differ)
    elif changed:
        CaseStep.objects.bulk_update(
            [row for row, _differ in changed], list(history.step_snapshots(state)[changed[0][0].position])
        )
    return state


def events_so_far(case: Case) -> list[dict]:
    """The case's events in order (seq, action, at, data, actor_id), read once per write: kept on the case object
    this write locked (_locked) or made, and brought up to date by _record; read afresh for any other."""
    kept = case.__dict__.get("_zw_events")
    if kept is not None:
        return list(kept)
    # a case just made has none until its first is recorded; the mark is dropped then (the pk is still None), so
    # the same object read after its submit is read afresh, its submit event with it
    no_events = case.__dict__.pop("_zw_no_events", False)
    if not case.pk or no_events:
        events = []
    else:
        events = list(case.events.order_by("seq").values("seq", "action", "at", "data", "actor_id"))
    if case.__dict__.get("_zw_locked"):
        case.__dict__["_zw_events"] = events
    return list(events)


def _record(
    case: Case,
    action: str,
    *,
    by,
    at: dt.datetime | None = None,
    note: str = "",
    data: dict | None = None,
    organisation=None,
    stamp: str = "",
    stamps: dict | None = None,
) -> CaseEvent:
    """Move the case by `action` (checked against the table): the event, the rebuilt copies, the audit record and
    the applicant's notifications, all in the caller's transaction. `stamp` names a moment field of the case
    (decided_at, finished_at) set to the event's time with the copies; `stamps`, other fields of the case the event
    sets (decided_onsite), saved in the same statement."""
    before = case.status
    after = workflow.next_status(before, action)
    written = clock.now()
    at = at or written
    # The events so far, read once: for the next number, for supervision's rules and for rebuilding the copies.
    earlier = events_so_far(case)
    seq = (earlier[-1]["seq"] if earlier else 0) + 1
    event = CaseEvent(
        case=case,
        seq=seq,
        at=at,
        action=action,
        from_status=before or "",
        to_status=after,
        actor=_actor(by),
        actor_label=_label(by)[:150],
        organisation=organisation or case.organisation,
        note=note,
        data=_jsonable(data or {}),
    )
    events = [
        *earlier,
        {"seq": seq, "action": action, "at": at, "data": event.data, "actor_id": event.actor_id},
    ]
    calendar = current_calendar()
    state = history.derive(events, calendar)
    # What supervision's rules (run on post_save, inside this transaction) would otherwise read again.
    event.prepared_context = {
        "events": events,
        "case": case,
        "calendar": calendar,
        "after": state,
        "entered_at": written,  # when it was written; `at` when it happened (supervision's backdating rule)
        "actor_staff": access.staff_of(by) if event.actor_id is not None else None,
    }
    made = case.pk is None
    if made:
        # a case made by this write (submit): its copies from its first event go into its INSERT, which comes
        # before the event's (the event refers to it), instead of an INSERT and then an UPDATE (issue 20)
        case.revision += 1
        if stamp:
            setattr(case, stamp, at)
        for name, value in (stamps or {}).items():
            setattr(case, name, value)
        for name, value in history.snapshot(state).items():
            setattr(case, name, value)
        case.save(force_insert=True)
    event.save(force_insert=True)
    if case.__dict__.get("_zw_locked"):
        case.__dict__["_zw_events"] = events
    if not made:
        case.revision += 1
        if stamp:
            setattr(case, stamp, at)
        for name, value in (stamps or {}).items():
            setattr(case, name, value)
    # the events as they now stand at this revision, and the case derived from them with this calendar, for a summary
    # right after the write (selectors.case_summary: not derived a second time)
    case.recorded_events = (
        case.revision,
        [{"action": e["action"], "at": e["at"], "data": e["data"]} for e in events],
        (calendar, state),
    )
    _refresh(case, state, also=((stamp,) if stamp else ()) + tuple(stamps or ()), written=made)
    notify.queue(case, event)
    case.__dict__["_zw_event_id"] = event.pk  # for the notice the service issues with it next (notices.issue)
    audit.record(
        f"cases.{action}",
        case,
        actor=_actor(by),
        summary={"number": case.number, "from": before, "to": after, "note": note[:200]},
        rows=[event],
    )
    return event


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _today(at: dt.datetime | None) -> dt.date:
    return clock.local_date(at or clock.now())
