"""Writes for evaluation: one keyword-only function per use case, one transaction each, with its audit record.

`by` is the acting user. Ratings come from applicants who are not signed in (they hold a signed link or the case's
query code, checked by the page) or from the counter tablet (the clerk's session); `by` None is the applicant or
the platform itself.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from zhengwu.core import audit
from zhengwu.core.calendar import current_calendar
from zhengwu.evaluation import rules
from zhengwu.evaluation.appeals import (
    decide_appeal,
    file_appeal,
)
from zhengwu.evaluation.commitments import (
    publish_commitment,
)
from zhengwu.evaluation.ledger import (
    answer_inquiry,
    hand_over,
    record_inquiry,
)
from zhengwu.evaluation.models import (
    Rectification,
)
from zhengwu.evaluation.notices import (
    NOTICE_SALT,
    issue_notice,
    notice_essentials,
    notice_from_token,
    notice_text,
    notice_token,
    notice_url,
    render_notice_pdf,
    send_notice,
)
from zhengwu.evaluation.ratings import (
    follow_up,
    rate,
    rectify,
    reply,
    verify,
)
from zhengwu.evaluation.region_settings import (
    apply_unrated_policy,
    save_settings,
)
from zhengwu.evaluation.shared import (
    APPEAL_DECIDERS,
    COMMITMENT_EDITORS,
    FOLLOW_UP_ROLES,
    RECTIFY_ROLES,
    log,
)

__all__ = [
    "APPEAL_DECIDERS",
    "COMMITMENT_EDITORS",
    "FOLLOW_UP_ROLES",
    "NOTICE_SALT",
    "RECTIFY_ROLES",
    "answer_inquiry",
    "apply_unrated_policy",
    "decide_appeal",
    "file_appeal",
    "follow_up",
    "hand_over",
    "issue_notice",
    "log",
    "notice_essentials",
    "notice_from_token",
    "notice_text",
    "notice_token",
    "notice_url",
    "publish_commitment",
    "rate",
    "recompute_for_year",
    "record_inquiry",
    "rectify",
    "render_notice_pdf",
    "reply",
    "save_settings",
    "send_notice",
    "verify",
]


# ---- calendar changes ------------------------------------------------------------------------------------------


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
    return changed
