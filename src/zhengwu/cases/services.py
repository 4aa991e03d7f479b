"""Writes for cases: one keyword-only function per use case, one transaction each. Inside it: the checked transition,
the immutable CaseEvent, the stored copies rebuilt from the events (history.derive), the audit record, the notice
and the outbox messages. `by` is the acting user; None means the platform itself (commands, tasks, imports).

Concurrency: every write locks the case row (select_for_update) and re-checks the status against the table, so of two
people acting at once one wins and the other gets a Conflict saying what happened. Pass `revision` (the number the
page showed) to also refuse a write based on a stale page.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

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
from zhengwu.cases.legacy import (
    import_case,
)
from zhengwu.cases.models import (
    Case,
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
from zhengwu.core import audit

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
