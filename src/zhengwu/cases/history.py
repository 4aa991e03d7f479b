"""Rebuilding a case from its events: status, dates, steps and every due date. Pure: plain values in, plain out.

Services call `derive` after writing each event and store what it returns, so the stored copies are, by
construction, what a replay of the events gives; a test replays the stored events and compares.

An event is a mapping with `action`, `at` (a datetime) and `data`; dates inside `data` are ISO strings:
  submit {received_on, limits: {legal, promised, extension, instant}, channel, paper?}   supply_supplement {received_on}
    (paper: positions received on paper — at the counter's 收件, at acceptance, with a supplement; read by
    cases.handling.paper_received, not here)
  accept / deem_accept {accepted_on, steps: [{position, name, role, days, kind}], first_step_done, assignee?}
    (assignee: who accepted, the 承办人 of the 受理 step acceptance completes; a deemed acceptance has none)
    (events written before steps had kinds carry none: the kinds are read from the names, catalog.rules)
  claim_step / assign_step {position, assignee, assignee_label}   complete_step {position, on, opinion}
  return_step {from, to, on, reason}   suspend {since, kind, expected_days}   resume {until}
  approve_extension {days, approved_on}   decide {decision}   deliver {method}
The decision completes the open step (the decision step); after a grant the 制证 / 送达 steps open in turn, after a
denial the 制证 steps are not needed (skipped) and a 送达 step opens. Delivery completes an open 送达 step.
  restart_intake {received_on} — the intake period starts again (a joint member, after the joint 补正 is supplied)
  charge_fee {fees: [{position, name, amount, standard_amount}]} — recorded for supervision; changes no status or date
  accept {…, clock_waits_for: "企业登记"} — a joint member waiting on a prerequisite member's result: no due dates
    until start_clock {since, reason, label} (the day that result is made); the limits count from it, as from
    acceptance, and the explanation's 起算 line names `label` (what happened that day) instead of 受理
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from zhengwu.cases import deadlines, workflow
from zhengwu.catalog.rules import with_step_kinds
from zhengwu.core.calendar import Calendar
from zhengwu.core.clock import local_date


@dataclass
class StepState:
    position: int
    name: str
    role: str
    days: int
    kind: str = "review"
    state: str = "pending"
    started_on: dt.date | None = None
    completed_on: dt.date | None = None
    assignee: int | None = None
    opinion: str = ""
    due: deadlines.Due | None = None


@dataclass
class CaseState:
    status: str = ""
    received_on: dt.date | None = None
    intake_start: dt.date | None = None
    intake: deadlines.Due | None = None
    accepted_on: dt.date | None = None
    clock_start: dt.date | None = None  # the day the limits count from: acceptance, or start_clock
    clock_waits_for: str = ""
    # what happened on clock_start when it is not acceptance (start_clock's label)
    clock_start_label: str = ""
    deemed: bool = False
    limits: dict = field(default_factory=dict)
    extensions: list[deadlines.Extension] = field(default_factory=list)
    suspensions: list[deadlines.Suspension] = field(default_factory=list)
    steps: list[StepState] = field(default_factory=list)
    promised: deadlines.Due | None = None
    legal: deadlines.Due | None = None
    decision: str = ""
    delivery: str = ""
    supplement_rounds: int = 0

    @property
    def current_step(self) -> StepState | None:
        return next((s for s in self.steps if s.state == "open"), None)

    @property
    def decision_step(self) -> StepState | None:
        """The step where the decision is made (kind 决定), if the case has one."""
        return next((s for s in self.steps if s.kind == "decide"), None)

    @property
    def extension_days(self) -> int:
        return sum(e.days for e in self.extensions)


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _start_step(state: CaseState, position: int, on: dt.date) -> None:
    for step in state.steps:
        if step.position == position:
            step.state, step.started_on, step.completed_on, step.assignee = "open", on, None, None
        elif step.position > position:
            step.state, step.started_on, step.completed_on, step.assignee = "pending", None, None, None


def _next_step_after(state: CaseState, position: int) -> StepState | None:
    return next((s for s in state.steps if s.position > position and s.state != "skipped"), None)


def derive(events: Iterable[Mapping], calendar: Calendar, *, dues: bool = True) -> CaseState:
    """The case as its events say it is, with every due date computed on `calendar` (`dues` False: without them —
    the statuses, steps, suspensions and extensions only, for a check that reads no date due)."""
    state = CaseState()
    for event in events:
        action, data = event["action"], event.get("data") or {}
        state.status = workflow.next_status(state.status, action)
        on = local_date(event["at"])
        if action == "submit":
            state.received_on = state.intake_start = _date(data.get("received_on", on))
            state.limits = dict(data.get("limits") or {})
        elif action == "request_supplement":
            state.supplement_rounds += 1
        elif action in ("supply_supplement", "restart_intake"):
            state.intake_start = _date(data.get("received_on", on))
        elif action in ("accept", "deem_accept"):
            state.accepted_on = _date(data.get("accepted_on", on))
            state.deemed = action == "deem_accept"
            state.clock_waits_for = data.get("clock_waits_for") or ""
            state.clock_start = None if state.clock_waits_for else state.accepted_on
            state.steps = [
                StepState(int(s["position"]), s["name"], s["role"], int(s["days"]), s["kind"])
                for s in with_step_kinds(data.get("steps", []))
            ]
            if state.steps:
                first = state.steps[0]
                if data.get("first_step_done"):
                    first.state, first.started_on, first.completed_on = (
                        "done",
                        state.accepted_on,
                        state.accepted_on,
                    )
                    first.assignee = data.get("assignee")  # who accepted (none recorded before, or deemed)
                    following = _next_step_after(state, first.position)
                    if following is not None:
                        _start_step(state, following.position, state.accepted_on)
                else:
                    _start_step(state, first.position, state.accepted_on)
        elif action in ("claim_step", "assign_step"):
            for step in state.steps:
                if step.position == int(data["position"]):
                    step.assignee = data.get("assignee")
        elif action == "complete_step":
            done_on = _date(data.get("on", on))
            for step in state.steps:
                if step.position == int(data["position"]):
                    step.state, step.completed_on, step.opinion = "done", done_on, data.get("opinion", "")
                    step.assignee = data.get("assignee", step.assignee)
            following = _next_step_after(state, int(data["position"]))
            if following is not None:
                _start_step(state, following.position, done_on)
        elif action == "return_step":
            _start_step(state, int(data["to"]), _date(data.get("on", on)))
        elif action == "start_clock":
            state.clock_start, state.clock_waits_for = _date(data.get("since", on)), ""
            state.clock_start_label = data.get("label") or _("前置审批结果作出")
        elif action == "suspend":
            state.suspensions.append(
                deadlines.Suspension(_date(data.get("since", on)), None, data.get("kind", ""))
            )
        elif action == "resume":
            last = state.suspensions[-1]
            state.suspensions[-1] = deadlines.Suspension(last.start, _date(data.get("until", on)), last.kind)
        elif action == "approve_extension":
            state.extensions.append(
                deadlines.Extension(int(data["days"]), _date(data.get("approved_on", on)))
            )
        elif action == "decide":
            state.decision = data.get("decision", "")
            step = state.current_step
            if step is not None:
                step.state, step.completed_on, step.opinion = "done", on, data.get("reasons", "")
                step.assignee = data.get("assignee", step.assignee)
                _after_decision(state, step.position, on)
        elif action == "deliver":
            state.delivery = data.get("method", "")
            step = state.current_step
            if step is not None and step.kind == "deliver":
                step.state, step.completed_on = "done", on
    if dues:
        _compute_dues(state, calendar)
    return state


def _after_decision(state: CaseState, position: int, on: dt.date) -> None:
    """After the decision: a denial needs no certificate (制证 skipped); the next step left (制证 or 送达) opens."""
    for step in state.steps:
        if step.position > position and state.decision == "deny" and step.kind == "produce":
            step.state = "skipped"
    following = _next_step_after(state, position)
    if following is not None:
        _start_step(state, following.position, on)


def _compute_dues(state: CaseState, calendar: Calendar) -> None:
    if state.status == "received" and state.intake_start is not None:
        state.intake = deadlines.intake_due(calendar, state.intake_start)
    if state.accepted_on is None or state.clock_start is None:
        return
    limits = state.limits
    instant = bool(limits.get("instant"))
    # 即办件: accepted and completed the same day, so both limits are the day of acceptance.
    promised = 0 if instant else int(limits.get("promised", limits.get("legal", 0)))
    legal = 0 if instant else int(limits.get("legal", 0))
    common = {"start": state.clock_start, "extensions": state.extensions, "suspensions": state.suspensions}
    if state.clock_start_label:
        common["start_label"] = state.clock_start_label
    state.promised = deadlines.due_date(calendar, limit=promised, **common)
    state.legal = deadlines.due_date(calendar, limit=legal, **common)
    for step in state.steps:
        if step.started_on is None:
            continue
        until = step.completed_on or dt.date.max
        overlapping = [s for s in state.suspensions if step.started_on <= s.start <= until]
        if step.completed_on is not None:
            overlapping = [s for s in overlapping if s.end is not None]
        step.due = deadlines.due_date(
            calendar,
            start=step.started_on,
            limit=step.days,
            suspensions=overlapping,
            start_label=_("环节开始"),
        )


CASE_FIELDS = (
    "status",
    "intake_start",
    "intake_due",
    "accepted_on",
    "deemed_accepted",
    "promised_due",
    "legal_due",
    "due_provisional",
    "remaining_days",
    "extension_days",
    "current_step",
    "decision",
    "delivery",
)
STEP_FIELDS = ("state", "started_on", "due_on", "due_provisional", "assignee_id", "opinion", "completed_on")


def snapshot(state: CaseState) -> dict:
    """The stored copies on a Case row, as the events give them."""
    dues = [d for d in (state.intake, state.promised, state.legal) if d is not None]
    current = state.current_step
    return {
        "status": state.status,
        "intake_start": state.intake_start,
        "intake_due": state.intake.due if state.intake else None,
        "accepted_on": state.accepted_on,
        "deemed_accepted": state.deemed,
        "promised_due": state.promised.due if state.promised else None,
        "legal_due": state.legal.due if state.legal else None,
        "due_provisional": any(d.provisional for d in dues),
        "remaining_days": state.legal.remaining if state.legal and state.legal.due is None else None,
        "extension_days": state.extension_days,
        "current_step": current.position if current else None,
        "decision": state.decision,
        "delivery": state.delivery,
    }


def step_snapshots(state: CaseState) -> dict[int, dict]:
    """The stored copies on each CaseStep row, by position."""
    return {
        step.position: {
            "name": step.name,
            "role": step.role,
            "days": step.days,
            "kind": step.kind,
            "state": step.state,
            "started_on": step.started_on,
            "due_on": step.due.due if step.due else None,
            "due_provisional": bool(step.due and step.due.provisional),
            "assignee_id": step.assignee,
            "opinion": step.opinion,
            "completed_on": step.completed_on,
        }
        for step in state.steps
    }
