"""Writes for evaluation: one keyword-only function per use case, one transaction each, with its audit record.

`by` is the acting user. Ratings come from applicants who are not signed in (they hold a signed link or the case's
query code, checked by the page) or from the counter tablet (the clerk's session); `by` None is the applicant or
the platform itself.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max, Q

from zhengwu.cases.models import Case
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import access, audit, clock, outbox
from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import AccessDenied, NotFound, ValidationFailed
from zhengwu.core.masking import mask_email, mask_phone
from zhengwu.core.models import Organisation
from zhengwu.evaluation import rules, selectors
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
    LedgerEntry,
    OneTimeNotice,
    Rectification,
    ServiceCommitment,
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


# ---- one-time notice -----------------------------------------------------------------------------------------


def notice_essentials(item: ServiceItem, lacking: list[int]) -> dict:
    """What a one-time notice says, from the item's current published guide: every material, those lacking marked,
    the conditions, the limits and where to go."""
    version = item.current_version
    if version is None:
        raise ValidationFailed("该事项没有已发布的办事指南", field="item")
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
        raise ValidationFailed(f"材料序号 {unknown[0]} 不在该事项的材料清单中", field="lacking")
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
        raise AccessDenied("需要工作人员账号")
    try:
        lacking = sorted({int(p) for p in (lacking or [])})
    except (TypeError, ValueError):
        raise ValidationFailed("尚缺材料应为材料序号", field="lacking") from None
    if not lacking:
        raise ValidationFailed("请勾选申请人尚缺的材料", field="lacking")
    if entry is not None and not selectors.visible_ledger(by).filter(pk=entry.pk).exists():
        raise AccessDenied("该台账记录不在您的职责范围内")
    if case is not None:
        from zhengwu.cases.selectors import visible_cases

        if not visible_cases(by).filter(pk=case.pk).exists():
            raise AccessDenied("该办件不在您的职责范围内")
    person_name = _text(person_name, field="person_name", label="告知对象", max_length=100, required=False)
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
_MOBILE = re.compile(r"1\d{10}")


def notice_token(notice: OneTimeNotice) -> str:
    """The signed token of a notice's public link /rate/notice/<token>/: whoever holds it may read the notice."""
    return signing.dumps(notice.pk, salt=NOTICE_SALT)


def notice_from_token(token: str) -> OneTimeNotice:
    """The notice a token names, or NotFound when the token was altered or names nothing."""
    try:
        pk = int(signing.loads(str(token), salt=NOTICE_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        raise NotFound("告知书链接无效或已被改动", field="token") from None
    notice = OneTimeNotice.objects.filter(pk=pk).first()
    if notice is None:
        raise NotFound("找不到该告知书", field="token")
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
    return (
        f"【一次性告知】您办理“{e.get('item_name', '')}”尚缺:{lacking}。"
        f"告知书 {notice.number} 详见:{notice_url(notice)}"
    )


def _post_notice(notice: OneTimeNotice, phone: str, email: str) -> None:
    """The notice to the one outbox (core.outbox), in the caller's transaction: tried at once after commit, then
    retried by the worker if the SMS gateway or the mail server fails."""
    text = notice_text(notice)
    if phone:
        outbox.post("sms", phone, text, now=True)
    if email:
        outbox.post("email", email, text, subject=f"一次性告知书 {notice.number}", now=True)


def send_notice(*, notice: OneTimeNotice, by, phone: str = "", email: str = "") -> OneTimeNotice:
    """Send an issued notice to a mobile, an e-mail address or both: recorded on the notice and audited now, sent
    once the transaction commits."""
    if access.staff_of(by) is None:
        raise AccessDenied("需要工作人员账号")
    try:
        selectors.notice_for(by, notice.pk)
    except NotFound:
        raise AccessDenied("该告知书不在您的职责范围内") from None
    phone = re.sub(r"[\s-]", "", str(phone or ""))
    email = str(email or "").strip()
    if not phone and not email:
        raise ValidationFailed("请填写手机号码或电子邮箱", field="phone")
    if phone and not _MOBILE.fullmatch(phone):
        raise ValidationFailed("手机号码应为以 1 开头的 11 位数字", field="phone")
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise ValidationFailed("请输入有效的电子邮箱地址", field="email") from None
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
