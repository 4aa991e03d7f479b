"""The one-time notice (一次性告知): what it says (notice_essentials, notice_text), issuing it (issue_notice), its
signed link and PDF (notice_token, notice_from_token, notice_url, render_notice_pdf) and sending it (send_notice).
Behind evaluation/services.py."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.cases.models import Case
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import access, audit, clock, inputs, outbox
from zhengwu.core.errors import AccessDenied, NotFound, ValidationFailed
from zhengwu.core.masking import mask_email, mask_phone
from zhengwu.evaluation import selectors
from zhengwu.evaluation.models import (
    LedgerEntry,
    OneTimeNotice,
)
from zhengwu.evaluation.shared import _text


def notice_essentials(item: ServiceItem, lacking: list[int]) -> dict:
    """What a one-time notice says, from the item's current published guide: every material, those lacking marked,
    the conditions, the limits and where to go."""
    version = item.current_version
    if version is None:
        raise ValidationFailed(_("该事项没有已发布的办事指南"), field="item")
    materials = [
        {
            "position": m.position,
            "name": m.name,
            "required": m.required,
            "condition": m.condition,
            "form": m.get_form_display(),
            "copies": m.copies,
            "medium": m.get_medium_display(),
            "lacking": m.position in lacking,
        }
        for m in version.materials.order_by("position")
    ]
    known = {m["position"] for m in materials}
    unknown = [p for p in lacking if p not in known]
    if unknown:
        raise ValidationFailed(
            _("材料序号 %(position)s 不在该事项的材料清单中") % {"position": unknown[0]}, field="lacking"
        )
    organisation = item.organisation
    return {
        "item_code": item.code,
        "item_name": version.name,
        "version": version.number,
        "organisation": organisation.name if organisation else "",
        "conditions": version.conditions,
        "legal_limit": version.legal_limit,
        "promised_limit": version.promised_limit,
        "instant": version.instant,
        "address": version.address,
        "opening_hours": version.opening_hours,
        "windows": [str(w) for w in version.windows.select_related("centre").all()],
        "consultation_phone": version.consultation_phone or (organisation.phone if organisation else ""),
        "supervision_phone": version.supervision_phone
        or (organisation.supervision_phone if organisation else ""),
        "materials": materials,
    }


def issue_notice(
    *,
    item: ServiceItem,
    by,
    lacking,
    person_name: str = "",
    entry: LedgerEntry | None = None,
    case: Case | None = None,
) -> OneTimeNotice:
    """Issue a one-time notice (一次性告知书) for a person who came without everything, recorded against the ledger
    entry or the case."""
    staff = access.staff_of(by)
    if staff is None:
        raise AccessDenied(_("需要工作人员账号"))
    try:
        lacking = sorted({int(p) for p in (lacking or [])})
    except (TypeError, ValueError):
        raise ValidationFailed(_("尚缺材料应为材料序号"), field="lacking") from None
    if not lacking:
        raise ValidationFailed(_("请勾选申请人尚缺的材料"), field="lacking")
    if entry is not None and not selectors.visible_ledger(by).filter(pk=entry.pk).exists():
        raise AccessDenied(_("该台账记录不在您的职责范围内"))
    if case is not None:
        from zhengwu.cases.selectors import visible_cases

        if not visible_cases(by).filter(pk=case.pk).exists():
            raise AccessDenied(_("该办件不在您的职责范围内"))
    person_name = _text(person_name, field="person_name", label=_("告知对象"), max_length=100, required=False)
    essentials = notice_essentials(item, lacking)
    now = clock.now()
    essentials.update(
        {
            "issued_on": clock.local_date(now).isoformat(),
            "issued_by": staff.name,
            "issuer_organisation": staff.organisation.name,
            "person_name": person_name,
            "entry": entry.pk if entry else None,
            "case_number": case.number if case else "",
        }
    )
    with transaction.atomic():
        notice = OneTimeNotice.objects.create(
            number=f"pending-{secrets.token_hex(8)}",
            item=item,
            version=item.current_version,
            organisation=staff.organisation,
            entry=entry,
            case=case,
            person_name=person_name,
            lacking=lacking,
            essentials=essentials,
            issued_at=now,
            issued_by=by,
        )
        # The row id makes the number: unique without a counter to lock, and it reads as the order issued.
        notice.number = f"一次告〔{clock.local_date(now).year}〕{notice.pk:06d}号"
        notice.save(update_fields=["number"])
        audit.record(
            "evaluation.notice.issue",
            notice,
            actor=by,
            summary={
                "item": item.code,
                "lacking": lacking,
                "entry": essentials["entry"],
                "case": essentials["case_number"],
            },
        )
    return notice


NOTICE_SALT = "zhengwu.evaluation.notice"


def notice_token(notice: OneTimeNotice) -> str:
    """The signed token of a notice's public link /rate/notice/<token>/: whoever holds it may read the notice."""
    return signing.dumps(notice.pk, salt=NOTICE_SALT)


def notice_from_token(token: str) -> OneTimeNotice:
    """The notice a token names, or NotFound when the token was altered or names nothing."""
    try:
        pk = int(signing.loads(str(token), salt=NOTICE_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        raise NotFound(_("告知书链接无效或已被改动"), field="token") from None
    notice = OneTimeNotice.objects.filter(pk=pk).first()
    if notice is None:
        raise NotFound(_("找不到该告知书"), field="token")
    return notice


def notice_url(notice: OneTimeNotice) -> str:
    base = getattr(settings, "ZHENGWU_PUBLIC_URL", "")
    return f"{base.rstrip('/')}/rate/notice/{notice_token(notice)}/"


def render_notice_pdf(notice: OneTimeNotice) -> bytes:
    """The notice as PDF: the one rendering the workbench prints and the public link serves."""
    from zhengwu.core.documents import render_pdf

    return render_pdf("evaluation/documents/one_time_notice.html", {"notice": notice, "e": notice.essentials})


def notice_text(notice: OneTimeNotice) -> str:
    """The message sent: the item, what is still lacking (short) and the public link to the notice."""
    e = notice.essentials
    lacking = "、".join(m["name"] for m in e.get("materials", []) if m.get("lacking"))
    if len(lacking) > 60:
        lacking = lacking[:59] + "…"
    return _("【一次性告知】您办理“%(item)s”尚缺:%(lacking)s。告知书 %(number)s 详见:%(url)s") % {
        "item": e.get("item_name", ""),
        "lacking": lacking,
        "number": notice.number,
        "url": notice_url(notice),
    }


def _post_notice(notice: OneTimeNotice, phone: str, email: str) -> None:
    """The notice to the one outbox (core.outbox), in the caller's transaction: tried at once after commit, then
    retried by the worker if the SMS gateway or the mail server fails."""
    text = notice_text(notice)
    if phone:
        outbox.post("sms", phone, text, now=True)
    if email:
        outbox.post(
            "email",
            email,
            text,
            subject=_("一次性告知书 %(number)s") % {"number": notice.number},
            now=True,
        )


def send_notice(*, notice: OneTimeNotice, by, phone: str = "", email: str = "") -> OneTimeNotice:
    """Send an issued notice to a mobile, an e-mail address or both: recorded on the notice and audited now, sent
    once the transaction commits."""
    if access.staff_of(by) is None:
        raise AccessDenied(_("需要工作人员账号"))
    try:
        selectors.notice_for(by, notice.pk)
    except NotFound:
        raise AccessDenied(_("该告知书不在您的职责范围内")) from None
    phone = inputs.mobile(phone, field="phone", required=False)
    email = str(email or "").strip()
    if not phone and not email:
        raise ValidationFailed(_("请填写手机号码或电子邮箱"), field="phone")
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise ValidationFailed(_("请输入有效的电子邮箱地址"), field="email") from None
    with transaction.atomic():
        notice.sent_to_phone, notice.sent_to_email, notice.sent_at = phone, email, clock.now()
        notice.save(update_fields=["sent_to_phone", "sent_to_email", "sent_at"])
        audit.record(
            "evaluation.notice.send",
            notice,
            actor=by,
            summary={"phone": mask_phone(phone), "email": mask_email(email)},
        )
        _post_notice(notice, phone, email)
    return notice
