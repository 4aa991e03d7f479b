"""The first-inquiry ledger (首问负责): an inquiry recorded, handed over and answered (record_inquiry, hand_over,
answer_inquiry). Behind evaluation/services.py."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zhengwu.catalog.models import ServiceItem
from zhengwu.core import access, audit, clock, inputs
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import Organisation
from zhengwu.evaluation.models import (
    Handover,
    InquiryResult,
    LedgerEntry,
)
from zhengwu.evaluation.shared import _text


def record_inquiry(
    *,
    by,
    topic: str,
    result: str,
    answer: str = "",
    guided_to: str = "",
    asker_name: str = "",
    asker_phone: str = "",
    item: ServiceItem | None = None,
    channel: str = LedgerEntry.Channel.VISIT,
    hand_to: Organisation | None = None,
    at: dt.datetime | None = None,
) -> LedgerEntry:
    """The first person asked records it (首问负责): answered, guided elsewhere, handed to another organisation
    (followed until answered) or still to be answered."""
    staff = access.staff_of(by)
    if staff is None:
        raise AccessDenied(_("需要工作人员账号"))
    topic = _text(topic, field="topic", label=_("咨询事由"), max_length=200)
    answer = _text(answer, field="answer", label=_("答复内容"), required=result == InquiryResult.ANSWERED)
    guided_to = _text(
        guided_to,
        field="guided_to",
        label=_("导办去向"),
        max_length=200,
        required=result == InquiryResult.GUIDED,
    )
    asker_name = _text(asker_name, field="asker_name", label=_("询问人"), max_length=40, required=False)
    asker_phone = inputs.phone(asker_phone, field="asker_phone", label=_("联系电话"), required=False)
    if result not in InquiryResult.values:
        raise ValidationFailed(_("请选择处理结果"), field="result")
    if channel not in LedgerEntry.Channel.values:
        raise ValidationFailed(_("询问方式无效"), field="channel")
    if result == InquiryResult.HANDED_OVER and hand_to is None:
        raise ValidationFailed(_("转交时请选择转交机构"), field="hand_to")
    if hand_to is not None and hand_to.pk == staff.organisation_id:
        raise ValidationFailed(_("不能转交给本机构"), field="hand_to")
    at = at or clock.now()
    open_ = result in (InquiryResult.HANDED_OVER, InquiryResult.PENDING)
    with transaction.atomic():
        entry = LedgerEntry.objects.create(
            asked_at=at,
            staff=staff,
            organisation=staff.organisation,
            window=staff.window,
            channel=channel,
            asker_name=asker_name,
            asker_phone=asker_phone,
            topic=topic,
            item=item,
            answer=answer,
            guided_to=guided_to,
            result=result,
            state=LedgerEntry.State.OPEN if open_ else LedgerEntry.State.ANSWERED,
            holder=staff.organisation,
            answered_at=None if open_ else at,
        )
        audit.record("evaluation.ledger.record", entry, actor=by, summary={"topic": topic, "result": result})
        if result == InquiryResult.HANDED_OVER:
            _hand_over(entry, hand_to, by=by, note=answer)
    return entry


def _hand_over(entry: LedgerEntry, to: Organisation, *, by, note: str) -> Handover:
    seq = (entry.handovers.aggregate(m=Max("seq"))["m"] or 0) + 1
    handover = Handover.objects.create(
        entry=entry,
        seq=seq,
        from_organisation=entry.holder,
        to_organisation=to,
        note=note,
        handed_at=clock.now(),
        handed_by=by,
    )
    entry.holder, entry.state = to, LedgerEntry.State.OPEN
    entry.save(update_fields=["holder", "state"])
    audit.record(
        "evaluation.ledger.hand_over",
        entry,
        actor=by,
        summary={"from": handover.from_organisation_id, "to": to.pk},
    )
    return handover


def _locked_entry(entry: LedgerEntry) -> LedgerEntry:
    return LedgerEntry.objects.select_for_update(of=("self",)).select_related("holder").get(pk=entry.pk)


def hand_over(*, entry: LedgerEntry, to: Organisation, by, note: str = "") -> Handover:
    """The organisation now holding the inquiry passes it on to the one whose matter it is."""
    note = _text(note, field="note", label=_("转交说明"), required=False)
    with transaction.atomic():
        entry = _locked_entry(entry)
        if entry.state != LedgerEntry.State.OPEN:
            raise Conflict(_("该咨询已答复,无需转交"), code="already_answered", field="hand_to")
        access.require_organisation(by, entry.holder)
        if to.pk == entry.holder_id:
            raise ValidationFailed(_("不能转交给当前负责机构自己"), field="hand_to")
        return _hand_over(entry, to, by=by, note=note)


def answer_inquiry(*, entry: LedgerEntry, by, answer: str) -> LedgerEntry:
    """The holder (or the first-asked organisation, which stays responsible) gives the answer; the entry is done."""
    answer = _text(answer, field="answer", label=_("答复内容"))
    with transaction.atomic():
        entry = _locked_entry(entry)
        if entry.state != LedgerEntry.State.OPEN:
            raise Conflict(_("该咨询已答复"), code="already_answered", field="answer")
        if not (
            access.can_see_organisation(by, entry.holder)
            or access.can_see_organisation(by, entry.organisation)
        ):
            raise AccessDenied(_("只有当前负责机构或首问机构可以答复"))
        now = clock.now()
        last = entry.handovers.order_by("-seq").first()
        if last is not None and last.answered_at is None:
            last.answer, last.answered_at, last.answered_by = answer, now, by
            last.save(update_fields=["answer", "answered_at", "answered_by"])
        if not entry.answer:
            entry.answer = answer
        entry.state, entry.answered_at = LedgerEntry.State.ANSWERED, now
        entry.save(update_fields=["state", "answered_at", "answer"])
        audit.record("evaluation.ledger.answer", entry, actor=by, summary={"holder": entry.holder_id})
    return entry
