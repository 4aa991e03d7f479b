"""Calendar changes: the stored dates of evaluation rebuilt after a calendar year was loaded (recompute_for_year).
Behind evaluation/services.py."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from zhengwu.core import audit, clock
from zhengwu.core.calendar import current_calendar
from zhengwu.evaluation import rules
from zhengwu.evaluation.models import (
    Appeal,
    Rectification,
)


def recompute_for_year(year: int) -> int:
    """After a calendar year was loaded: the feedback due date and its provisional flag of every rectification
    whose date touched the year, counted again by `rules.rectification_due` from the rating day and its limit, in
    the loading transaction."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    calendar = current_calendar()
    touched = Rectification.objects.filter(opened_on__lte=last).filter(
        Q(due_provisional=True) | Q(due__gte=first)
    )
    changed = 0
    for rect in touched.select_for_update():
        due = rules.rectification_due(rect.opened_on, rect.limit_days, calendar)
        if (rect.due, rect.due_provisional) != (due.date, due.provisional):
            rect.due, rect.due_provisional = due.date, due.provisional
            rect.save(update_fields=["due", "due_provisional"])
            changed += 1
    if changed:
        audit.record(
            "evaluation.rectification.recompute_dues",
            None,
            object_type="evaluation.rectification",
            summary={"year": year, "rectifications": changed},
        )
    return changed + _recompute_appeals(first, last, calendar, year)


def _recompute_appeals(first: dt.date, last: dt.date, calendar, year: int) -> int:
    """The review due day of every appeal with one that touched the year, counted again from the day it was filed."""
    touched = Appeal.objects.filter(review_due__isnull=False, review_days__isnull=False).filter(
        Q(review_due_provisional=True) | Q(review_due__gte=first)
    )
    changed = 0
    for appeal in touched.select_for_update():
        filed_on = clock.local_date(appeal.filed_at)
        if filed_on > last:
            continue
        due = rules.appeal_review_due(filed_on, appeal.review_days, calendar)
        if (appeal.review_due, appeal.review_due_provisional) != (due.date, due.provisional):
            appeal.review_due, appeal.review_due_provisional = due.date, due.provisional
            appeal.save(update_fields=["review_due", "review_due_provisional"])
            changed += 1
    if changed:
        audit.record(
            "evaluation.appeal.recompute_dues",
            None,
            object_type="evaluation.appeal",
            summary={"year": year, "appeals": changed},
        )
    return changed
