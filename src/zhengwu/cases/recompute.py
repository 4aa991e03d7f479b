"""Calendar changes: the stored due dates rebuilt from the events of every case a newly loaded calendar year
touches (recompute_for_year). Behind cases/services.py."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from zhengwu.cases.models import (
    Case,
    Status,
)
from zhengwu.cases.records import _locked, _refresh, _with_one_calendar
from zhengwu.core import audit

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
