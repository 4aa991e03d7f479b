"""Writes for evaluation: one keyword-only function per use case, one transaction each, with its audit record.

`by` is the acting user. Ratings come from applicants who are not signed in (they hold a signed link or the case's
query code, checked by the page) or from the counter tablet (the clerk's session); `by` None is the applicant or
the platform itself.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max, Q

from zhengwu.catalog.models import ServiceItem
from zhengwu.core import audit, clock
from zhengwu.core.calendar import current_calendar
from zhengwu.core.models import Organisation
from zhengwu.evaluation import rules
from zhengwu.evaluation.appeals import (
    decide_appeal,
    file_appeal,
)
from zhengwu.evaluation.ledger import (
    answer_inquiry,
    hand_over,
    record_inquiry,
)
from zhengwu.evaluation.models import (
    Rectification,
    ServiceCommitment,
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
    _require_in_scope,
    _text,
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


# ---- service commitments -------------------------------------------------------------------------------------


def publish_commitment(
    *,
    organisation: Organisation,
    by,
    provides: str,
    discipline: str,
    complaint_phone: str,
    supervision_phone: str,
    change_note: str = "",
) -> ServiceCommitment:
    """Publish a new version of the organisation's 优质服务承诺书; its time-limit promises are the organisation's
    items as currently published in the catalogue. Earlier versions are kept."""
    _require_in_scope(by, organisation, *COMMITMENT_EDITORS)
    provides = _text(provides, field="provides", label="服务内容与方式", max_length=4000)
    discipline = _text(discipline, field="discipline", label="服务纪律", max_length=4000)
    complaint_phone = _text(complaint_phone, field="complaint_phone", label="投诉电话", max_length=32)
    supervision_phone = _text(supervision_phone, field="supervision_phone", label="监督电话", max_length=32)
    change_note = _text(change_note, field="change_note", label="修订说明", max_length=200, required=False)
    versions = list(
        ServiceItem.objects.filter(
            organisation=organisation, status=ServiceItem.Status.ACTIVE, current_version__isnull=False
        ).values_list("current_version_id", flat=True)
    )
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # one publisher at a time
        last = ServiceCommitment.objects.filter(organisation=organisation).aggregate(m=Max("version"))["m"]
        commitment = ServiceCommitment.objects.create(
            organisation=organisation,
            version=(last or 0) + 1,
            provides=provides,
            discipline=discipline,
            complaint_phone=complaint_phone,
            supervision_phone=supervision_phone,
            published_at=clock.now(),
            published_by=by,
            change_note=change_note,
        )
        commitment.item_versions.set(versions)
        audit.record(
            "evaluation.commitment.publish",
            commitment,
            actor=by,
            summary={"organisation": organisation.pk, "version": commitment.version, "items": len(versions)},
        )
    return commitment


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
