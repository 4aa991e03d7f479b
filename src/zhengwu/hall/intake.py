"""Applications received with the applicant's delivery choice (送达方式), each in one write: at the counter
(窗口收件: the applicant registered, the case, the materials handed over, what the licence library holds, the choice)
and online (the case submitted with the choice). The interfaces call one of these per request; it owns the
transaction, so a refusal anywhere leaves nothing behind."""

from __future__ import annotations

from django.db import transaction

from zhengwu.cases import library, services
from zhengwu.cases.models import Case
from zhengwu.catalog.models import ServiceItem
from zhengwu.core.errors import ValidationFailed
from zhengwu.hall import delivery as hall_delivery


def receive_at_counter(
    *,
    item: ServiceItem,
    applicant: dict,
    by,
    form: dict,
    agent: dict | None,
    window,
    idempotency_key: str,
    files: dict,
    delivery: dict | None,
) -> Case:
    """窗口收件: register the applicant (`applicant`: register_applicant's details; no account needed), submit their
    case with the materials handed over (`files`: position → upload; a refused file names its field
    material_<position>), fill what the licence library holds (免提交) and record the delivery choice (`delivery`:
    hall.delivery.choose's method, address, reason; None when not chosen) — all of it or none."""
    with transaction.atomic():
        registered = services.register_applicant(**applicant, by=by)
        case = services.submit_case(
            item=item,
            applicant=registered,
            by=by,
            form=form,
            agent=agent,
            channel="counter",
            window=window,
            idempotency_key=idempotency_key,
        )
        for position, upload in files.items():
            try:
                services.upload_material(case=case, by=by, position=position, upload=upload)
            except ValidationFailed as err:
                raise ValidationFailed(err.message, field=f"material_{position}") from None
        library.fill(case, by)
        if delivery is not None:
            hall_delivery.choose(case=case, **delivery, by=by)
    return case


def submit_online(
    *,
    item: ServiceItem,
    draft: Case,
    by,
    form: dict,
    agent: dict | None,
    idempotency_key: str,
    delivery: dict | None,
) -> Case:
    """Submit an online draft (for whom it was saved) with the applicant's delivery choice: the case and its
    choice, or neither."""
    with transaction.atomic():
        case = services.submit_case(
            item=item,
            applicant=draft.applicant,
            by=by,
            form=form,
            agent=agent,
            idempotency_key=idempotency_key,
            draft=draft,
        )
        if delivery is not None:
            hall_delivery.choose(case=case, **delivery, by=by)
    return case
