"""Writes for cases: one keyword-only function per use case, one transaction each. Inside it: the checked transition,
the immutable CaseEvent, the stored copies rebuilt from the events (history.derive), the audit record, the notice
and the outbox messages. `by` is the acting user; None means the platform itself (commands, tasks, imports).

Concurrency: every write locks the case row (select_for_update) and re-checks the status against the table, so of two
people acting at once one wins and the other gets a Conflict saying what happened. Pass `revision` (the number the
page showed) to also refuse a write based on a stale page.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Q

from zhengwu.cases import (
    workflow,
)
from zhengwu.cases.applicants import (
    register_applicant,
    verify_real_name,
)
from zhengwu.cases.charges import (
    CENT,
    MAX_FEE_AMOUNT,
    charge_fee,
    record_notice_charge,
)
from zhengwu.cases.endings import (
    complete_case,
    decide_case,
    deliver_result,
    handle_instantly,
    terminate_case,
    withdraw_case,
)
from zhengwu.cases.intake import (
    _steps_payload,
    _supplement_items,
    accept_case,
    deem_accepted,
    refuse_case,
    request_supplement,
    supply_supplement,
)
from zhengwu.cases.models import (
    Applicant,
    Case,
    CaseEvent,
    Channel,
    Status,
)
from zhengwu.cases.records import (
    HANDLER_ROLES,
    HEAD_ROLES,
    INTAKE_ROLES,
    _jsonable,
    _locked,
    _refresh,
    _with_one_calendar,
)
from zhengwu.cases.steps import (
    assign_step,
    attach_file,
    claim_step,
    complete_step,
    return_step,
)
from zhengwu.cases.submission import (
    QUERY_CODE_ALPHABET,
    _agent,
    _limits,
    _next_number,
    _query_code,
    check_upload,
    missing_materials,
    save_draft,
    submit_case,
    upload_material,
)
from zhengwu.cases.suspensions import (
    decide_extension,
    request_extension,
    resume_case,
    suspend_case,
)
from zhengwu.core import audit, numbering

__all__ = [
    "CENT",
    "FINISHED",
    "HANDLER_ROLES",
    "HEAD_ROLES",
    "INTAKE_ROLES",
    "MAX_FEE_AMOUNT",
    "QUERY_CODE_ALPHABET",
    "_agent",
    "_jsonable",
    "_limits",
    "_steps_payload",
    "_supplement_items",
    "accept_case",
    "assign_step",
    "attach_file",
    "charge_fee",
    "check_upload",
    "claim_step",
    "complete_case",
    "complete_step",
    "decide_case",
    "decide_extension",
    "deem_accepted",
    "deliver_result",
    "handle_instantly",
    "import_case",
    "missing_materials",
    "recompute_for_year",
    "record_notice_charge",
    "refuse_case",
    "register_applicant",
    "request_extension",
    "request_supplement",
    "resume_case",
    "return_step",
    "save_draft",
    "submit_case",
    "supply_supplement",
    "suspend_case",
    "terminate_case",
    "upload_material",
    "verify_real_name",
    "withdraw_case",
]


# ---------------------------------------------------------------- history from an older system


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
                name=str(a["name"]).strip()[:100],
                id_number=a["id_number"],
                phone=str(a.get("phone") or "")[:20],
                email=str(a.get("email") or "")[:254],
                address=str(a.get("address") or "")[:200],
                legal_representative=str(a.get("legal_representative") or "")[:40],
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
            query_code=(parsed.query_code or _query_code())[:8],
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


# ---------------------------------------------------------------- calendar changes


FINISHED = (Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN, Status.TERMINATED)


@_with_one_calendar
def recompute_for_year(year: int) -> int:
    """Rebuild the stored due dates (intake, promised, legal, each step's, the provisional flag) of every case whose
    dates touched `year`, finished cases included, from its events (after a calendar year was loaded): the stored
    dates, the explanations derived from the events, the pages and the API then all say the same."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    touched = (
        Case.objects.exclude(status=Status.DRAFT)
        .filter(intake_start__lte=last)
        .filter(
            Q(due_provisional=True)
            | Q(legal_due__gte=first)
            | Q(promised_due__gte=first)
            | Q(intake_due__gte=first)
            | Q(legal_due__isnull=True, status__in=[s for s in Status.values if s not in FINISHED])
            | Q(steps__due_on__gte=first, steps__due_on__lte=last)
        )
        .distinct()
    )
    count = 0
    for pk in list(touched.values_list("pk", flat=True)):
        case = _locked(Case(pk=pk))
        _refresh(case)
        count += 1
    if count:
        audit.record(
            "cases.recompute_dues", None, object_type="cases.case", summary={"year": year, "cases": count}
        )
    return count
