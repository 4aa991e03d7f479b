"""Service commitments published for an item (publish_commitment). Behind evaluation/services.py."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zhengwu.catalog.models import ServiceItem
from zhengwu.core import audit, clock
from zhengwu.core.models import Organisation
from zhengwu.evaluation.models import (
    ServiceCommitment,
)
from zhengwu.evaluation.shared import COMMITMENT_EDITORS, _require_in_scope, _text


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
    provides = _text(provides, field="provides", label=_("服务内容与方式"), max_length=4000)
    discipline = _text(discipline, field="discipline", label=_("服务纪律"), max_length=4000)
    complaint_phone = _text(complaint_phone, field="complaint_phone", label=_("投诉电话"), max_length=32)
    supervision_phone = _text(
        supervision_phone, field="supervision_phone", label=_("监督电话"), max_length=32
    )
    change_note = _text(change_note, field="change_note", label=_("修订说明"), max_length=200, required=False)
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
