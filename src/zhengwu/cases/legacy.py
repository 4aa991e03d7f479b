"""History from an older system: cases written with their events as they happened (import_cases, all of a file in
one transaction, in batches); the file is read and validated by cases/importer.py. Behind cases/services.py."""

from __future__ import annotations

from django.db import connection, transaction

from zhengwu.cases import history, workflow
from zhengwu.cases.models import (
    Applicant,
    Case,
    CaseEvent,
    CaseStep,
    Channel,
    Status,
)
from zhengwu.cases.records import _with_one_calendar
from zhengwu.cases.submission import _agent, _next_number, _query_code
from zhengwu.core import audit, numbering
from zhengwu.core.calendar import current_calendar

BATCH = (
    500  # rows per INSERT: a county's years of cases go in with a few statements per table, not one per row
)
FINISHED = (Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN, Status.TERMINATED)


@_with_one_calendar
def import_case(*, parsed) -> Case:
    """Write one case validated by importer.parse_line (import_cases with one)."""
    return import_cases([parsed])[0]


@_with_one_calendar
def import_cases(parsed: list) -> list[Case]:
    """Write the cases validated by importer.parse_line, each with its events as they happened (no notices, no
    notifications: they were given by the older system). One transaction: all of them or nothing. The applicants
    are found or made once each (the first line naming one gives its details), the numbers a file gives are
    reserved before any is made for a line without one, and cases, events and steps go in with one INSERT a batch;
    an audit record per case, written together."""
    calendar = current_calendar()
    with transaction.atomic(), audit.together():
        applicants = _applicants(parsed)
        _reserve([p.number for p in parsed if p.number])
        cases, states = [], []
        for p in parsed:
            state = p.state or history.derive(p.events, calendar)
            first, last = p.events[0]["at"], p.events[-1]["at"]
            case = Case(
                item=p.item,
                version=p.version,
                organisation=p.item.organisation,
                applicant=applicants[(p.applicant["kind"], p.applicant["id_number"])],
                channel=Channel.IMPORT,
                form=p.form,
                created_at=first,
                received_at=first,
                query_code=p.query_code or _query_code(),
                revision=len(p.events),
                finished_at=last if state.status in FINISHED else None,
                decided_at=next((e["at"] for e in p.events if e["action"] == "decide"), None),
                **_agent(p.agent),
                **history.snapshot(state),
            )
            case.number = p.number or _next_number(case, first)
            case.copy_scope()
            cases.append(case)
            states.append(state)
        Case.objects.bulk_create(cases, batch_size=BATCH)
        events, steps = [], []
        for case, p, state in zip(cases, parsed, states, strict=True):
            events.append(_events(case, p.events))
            steps += [
                CaseStep(case=case, position=position, **values)
                for position, values in history.step_snapshots(state).items()
            ]
        written = CaseEvent.objects.bulk_create([e for rows in events for e in rows], batch_size=BATCH)
        CaseStep.objects.bulk_create(steps, batch_size=BATCH)
        at = 0
        for case, rows in zip(cases, events, strict=True):
            audit.record(
                "cases.import",
                case,
                summary={"number": case.number, "events": len(rows)},
                rows=written[at : at + len(rows)],
            )
            at += len(rows)
    return cases


def _applicants(parsed: list) -> dict[tuple[str, str], Applicant]:
    """(kind, id_number) → the applicant: the one on record, else one made from the first line naming them."""
    wanted = {
        (p.applicant["kind"], p.applicant["id_number"]): p for p in reversed(parsed)
    }  # the first line's
    found: dict[tuple[str, str], Applicant] = {}
    numbers = sorted({number for _kind, number in wanted})
    for start in range(0, len(numbers), BATCH):
        for a in Applicant.objects.filter(id_number__in=numbers[start : start + BATCH]):
            if (a.kind, a.id_number) in wanted:
                found[(a.kind, a.id_number)] = a
    new = []
    for key, p in wanted.items():
        if key in found:
            continue
        a = p.applicant
        found[key] = Applicant(
            kind=a["kind"],
            # each checked against its column by importer.parse_line: refused there, never cut here
            name=str(a["name"]).strip(),
            id_number=a["id_number"],
            phone=str(a.get("phone") or "").strip(),
            email=str(a.get("email") or "").strip(),
            address=str(a.get("address") or "").strip(),
            legal_representative=str(a.get("legal_representative") or "").strip(),
            created_at=p.events[0]["at"],
        )
        new.append(found[key])
    Applicant.objects.bulk_create(new, batch_size=BATCH)
    return found


def _reserve(numbers: list[str]) -> None:
    """The numbers the file gives: never given again, nor any below them (the highest of each prefix, once), so a
    line without a number gets one above them wherever it stands in the file."""
    highest: dict[str, int] = {}
    for number in numbers:
        prefix, sequence = number.rsplit("-", 1)
        highest[prefix] = max(highest.get(prefix, 0), int(sequence))
    for prefix, sequence in highest.items():
        numbering.given(prefix, sequence)
        if connection.vendor == "postgresql":  # the numbers after it come from the prefix's sequence
            with connection.cursor() as cursor:
                cursor.execute("SELECT zw_case_number_floor(%s, %s)", [prefix, sequence])


def _events(case: Case, events: list[dict]) -> list[CaseEvent]:
    rows, statuses = [], ""
    for seq, event in enumerate(events, start=1):
        before, statuses = statuses, workflow.next_status(statuses, event["action"])
        rows.append(
            CaseEvent(
                case=case,
                seq=seq,
                at=event["at"],
                action=event["action"],
                from_status=before,
                to_status=statuses,
                actor_label=event["actor"] or "历史导入",
                organisation=case.organisation,
                note=event["note"],
                data=event["data"],
            )
        )
    return rows
