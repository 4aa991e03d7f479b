"""A region's evaluation settings (save_settings) and what happens to cases left unrated (apply_unrated_policy).
Behind evaluation/services.py."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.cases.models import Case
from zhengwu.cases.models import Status as CaseStatus
from zhengwu.core import access, audit, clock
from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import Region, Role
from zhengwu.evaluation import rules, selectors
from zhengwu.evaluation.models import (
    EvaluationSettings,
    Rating,
    RatingChannel,
    UnratedPolicy,
)
from zhengwu.evaluation.ratings import rate


def save_settings(
    *,
    region: Region,
    by,
    rectification_days: int,
    unrated_policy: str,
    unrated_after_days: int,
    appeal_days: int | None = None,
    appeal_review_days: int | None = None,
) -> EvaluationSettings:
    """A centre manager sets the region's rectification limit, what becomes of unrated cases, and the limits for an
    appeal against a bad rating and for its review (国办发〔2019〕51号 names none: blank means none)."""
    access.require_role(by, Role.CENTRE_MANAGER)
    if not access.visible_regions(by).filter(pk=region.pk).exists():
        raise AccessDenied(_("该行政区划不在您的管理范围内"))
    try:
        days, after = int(rectification_days), int(unrated_after_days)
    except (TypeError, ValueError):
        raise ValidationFailed(_("时限应为整数个工作日"), field="rectification_days") from None
    if not 1 <= days <= 60:
        raise ValidationFailed(_("差评整改时限应在 1 至 60 个工作日之间"), field="rectification_days")
    if not 1 <= after <= 60:
        raise ValidationFailed(_("未评价处理时限应在 1 至 60 个工作日之间"), field="unrated_after_days")
    if unrated_policy not in UnratedPolicy.values:
        raise ValidationFailed(_("未评价的处理方式无效"), field="unrated_policy")
    appeal_days = _optional_days(appeal_days, "appeal_days", _("差评申诉时限"))
    appeal_review_days = _optional_days(appeal_review_days, "appeal_review_days", _("申诉复核时限"))
    with transaction.atomic():
        row, _created = EvaluationSettings.objects.update_or_create(
            region=region,
            defaults={
                "rectification_days": days,
                "unrated_policy": unrated_policy,
                "unrated_after_days": after,
                "appeal_days": appeal_days,
                "appeal_review_days": appeal_review_days,
                "updated_at": clock.now(),
            },
        )
        audit.record(
            "evaluation.settings",
            row,
            actor=by,
            summary={
                "region": region.code,
                "days": days,
                "policy": unrated_policy,
                "after": after,
                "appeal_days": appeal_days,
                "appeal_review_days": appeal_review_days,
            },
        )
    return row


def _optional_days(value, field: str, label: str) -> int | None:
    """A limit in working days, 1 to 60, or None when left blank (no limit)."""
    if value in (None, ""):
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("%(label)s应为整数个工作日,或留空表示不设时限") % {"label": label}, field=field
        ) from None
    if not 1 <= days <= 60:
        raise ValidationFailed(
            _("%(label)s应在 1 至 60 个工作日之间,或留空表示不设时限") % {"label": label}, field=field
        )
    return days


def apply_unrated_policy(*, today: dt.date | None = None) -> int:
    """Where a region counts unrated cases as satisfied, rate (满意, channel 逾期未评默认) every case completed more
    than its working days ago and never rated. Returns how many were rated. Idempotent."""
    today = today or clock.today()
    calendar = current_calendar()
    rated = 0
    candidates = (
        Case.objects.filter(status=CaseStatus.COMPLETED, finished_at__isnull=False)
        .exclude(pk__in=Rating.objects.filter(case__isnull=False).values("case_id"))
        .select_related("organisation__region")
    )
    cache: dict[int, EvaluationSettings] = {}
    for case in candidates.iterator():
        region_id = case.organisation.region_id
        if region_id not in cache:
            cache[region_id] = selectors.settings_for(case.organisation)
        setting = cache[region_id]
        if setting.unrated_policy != UnratedPolicy.SATISFIED:
            continue
        if today <= rules.unrated_deadline(
            clock.local_date(case.finished_at), setting.unrated_after_days, calendar
        ):
            continue
        try:
            rate(
                kind="case",
                pk=case.pk,
                level=4,
                channel=RatingChannel.DEFAULT,
                comment="逾期未评价,按本地规定视为满意",
            )
            rated += 1
        except Conflict:
            continue
    return rated
