"""History from an older system: one case written with its events as they happened (import_case); the file is read
and validated by cases/importer.py. Behind cases/services.py."""

from __future__ import annotations

from django.db import connection, transaction

from zhengwu.cases import (
    workflow,
)
from zhengwu.cases.models import (
    Applicant,
    Case,
    CaseEvent,
    Channel,
    Status,
)
from zhengwu.cases.records import _refresh, _with_one_calendar
from zhengwu.cases.submission import _agent, _next_number, _query_code
from zhengwu.core import audit, numbering


@_with_one_calendar
def import_case(*, parsed) -> Case:
    """Write one case validated by importer.parse_line, with its events as they happened (no notices, no
    notifications: they were given by the older system). One transaction: all of it or nothing."""
    with transaction.atomic():
        a = parsed.applicant
        applicant = Applicant.objects.filter(kind=a["kind"], id_number=a["id_number"]).first()
        if applicant is None:
            applicant = Applicant.objects.create(
                kind=a["kind"],
                # each checked against its column by importer.parse_line: refused there, never cut here
                name=str(a["name"]).strip(),
                id_number=a["id_number"],
                phone=str(a.get("phone") or "").strip(),
                email=str(a.get("email") or "").strip(),
                address=str(a.get("address") or "").strip(),
                legal_representative=str(a.get("legal_representative") or "").strip(),
                created_at=parsed.events[0]["at"],
            )
        case = Case(
            item=parsed.item,
            version=parsed.version,
            organisation=parsed.item.organisation,
            applicant=applicant,
            channel=Channel.IMPORT,
            form=parsed.form,
            created_at=parsed.events[0]["at"],
            received_at=parsed.events[0]["at"],
            query_code=parsed.query_code or _query_code(),
            **_agent(parsed.agent),
        )
        if parsed.number:
            case.number = parsed.number
            prefix, sequence = parsed.number.rsplit("-", 1)
            numbering.given(prefix, int(sequence))
            if connection.vendor == "postgresql":  # the numbers after it come from the prefix's sequence
                with connection.cursor() as cursor:
                    cursor.execute("SELECT zw_case_number_floor(%s, %s)", [prefix, int(sequence)])
        else:
            case.number = _next_number(case, parsed.events[0]["at"])
        case.save()
        rows, statuses = [], ""
        for seq, event in enumerate(parsed.events, start=1):
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
        events = CaseEvent.objects.bulk_create(rows)
        case.revision = len(parsed.events)
        _refresh(case)
        if case.status in (Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN, Status.TERMINATED):
            case.finished_at = parsed.events[-1]["at"]
        if case.decision:
            case.decided_at = next(e["at"] for e in parsed.events if e["action"] == "decide")
        case.save(update_fields=["finished_at", "decided_at"])
        audit.record(
            "cases.import", case, summary={"number": case.number, "events": len(parsed.events)}, rows=events
        )
    return case
