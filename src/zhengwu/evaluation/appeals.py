"""Appeals against a rating: filed (file_appeal) and decided (decide_appeal). Behind evaluation/services.py."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhengwu.core import access, audit, clock
from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import AccessDenied, Conflict
from zhengwu.evaluation import permissions, rules, selectors
from zhengwu.evaluation.models import (
    Appeal,
    Rating,
    Rectification,
)
from zhengwu.evaluation.ratings import _transition
from zhengwu.evaluation.shared import APPEAL_DECIDERS, _text


def file_appeal(*, rating: Rating, by, reason: str) -> Appeal:
    """Staff of the rated organisation ask the centre to set a bad rating aside as malicious or mistaken
    (evaluation.permissions: who may, against which ratings, and until when); where the region sets a limit for the
    review, the appeal carries its due day."""
    if refused := permissions.appeal_filing_refusal(by, rating):
        raise refused
    reason = _text(reason, field="reason", label=_("申诉理由"))
    review_days = selectors.settings_for(rating.organisation).appeal_review_days or None
    due = None
    if review_days:
        # 国办发〔2019〕51号 (差评申诉复核) with the region's limit: 复核 within N working days of the appeal
        due = rules.appeal_review_due(clock.today(), review_days, current_calendar())
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                rating=rating,
                reason=reason,
                filed_at=clock.now(),
                filed_by=by,
                review_days=review_days,
                review_due=due.date if due else None,
                review_due_provisional=bool(due and due.provisional),
            )
            audit.record(
                "evaluation.appeal.file",
                appeal,
                actor=by,
                summary={
                    "rating": rating.subject_number,
                    "review_due": due.date.isoformat() if due else "",
                },
            )
    except IntegrityError:
        raise Conflict(_("该评价已申诉过,不能重复申诉"), code="already_appealed", field="reason") from None
    return appeal


def decide_appeal(*, appeal: Appeal, by, upheld: bool, note: str) -> Appeal:
    """The centre decides. Upheld: the rating stays on record but leaves the figures, and its rectification ends."""
    access.require_role(by, *APPEAL_DECIDERS)
    access.require_organisation(by, appeal.rating.organisation)
    note = _text(note, field="note", label=_("审核意见"))
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().select_related("rating").get(pk=appeal.pk)
        if appeal.state != Appeal.State.PENDING:
            raise Conflict(_("该申诉已审核"), code="already_decided", field="state")
        if appeal.filed_by_id == by.pk:
            raise AccessDenied(_("不能审核自己提出的申诉"))
        appeal.state = Appeal.State.UPHELD if upheld else Appeal.State.REJECTED
        appeal.decided_at, appeal.decided_by, appeal.decision_note = clock.now(), by, note
        appeal.save()
        if upheld:
            Rating.objects.filter(pk=appeal.rating_id).update(excluded=True)
            appeal.rating.excluded = True
            rect = Rectification.objects.select_for_update().filter(rating_id=appeal.rating_id).first()
            if rect is not None and rect.state in rules.ACTIVE:
                _transition(rect, "void", by=by, note=note, closed_at=clock.now())
        audit.record(
            "evaluation.appeal.decide",
            appeal,
            actor=by,
            summary={"rating": appeal.rating.subject_number, "upheld": bool(upheld)},
        )
    return appeal
