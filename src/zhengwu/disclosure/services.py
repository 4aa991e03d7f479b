"""Disclosure writes: one keyword-only function per use case, one transaction each, audit record inside."""

from __future__ import annotations

import datetime as dt
import os
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core import access, audit, calendar, clock, files, ids, inputs, outbox
from zhengwu.core.errors import Conflict, NotFound, ValidationFailed
from zhengwu.core.models import Organisation
from zhengwu.disclosure import deadlines, fees, outcomes, permissions, search, text, versions, workflow
from zhengwu.disclosure.models import (
    DESCRIPTION_LIMIT,
    Attachment,
    Category,
    DisclosureProfile,
    DisclosureRequest,
    IndexSequence,
    Publication,
    Remedy,
    RequestEvent,
    ReviewEntry,
    SubmittedVersion,
)

# 政府信息公开条例 第二十条 (the areas every catalogue must hold) and the pages 第二十二条、第五十条 require.
STATUTORY_CATALOGUE = [
    ("guide", "政府信息公开指南", ""),
    ("system", "政府信息公开制度", ""),
    ("01", "法规文件", "第二十条第(一)项"),
    ("02", "机构职能", "第二十条第(二)项"),
    ("03", "规划计划", "第二十条第(三)项"),
    ("04", "统计信息", "第二十条第(四)项"),
    ("05", "行政许可和对外管理服务", "第二十条第(五)项"),
    ("06", "行政处罚和行政强制", "第二十条第(六)项"),
    ("07", "财政预决算", "第二十条第(七)项"),
    ("08", "行政事业性收费", "第二十条第(八)项"),
    ("09", "政府集中采购", "第二十条第(九)项"),
    ("10", "重大建设项目", "第二十条第(十)项"),
    ("11", "民生政策及实施情况", "第二十条第(十一)项"),
    ("12", "应急管理", "第二十条第(十二)项"),
    ("13", "监督检查", "第二十条第(十三)项"),
    ("14", "公务员招考", "第二十条第(十四)项"),
    ("15", "其他应主动公开的信息", "第二十条第(十五)项"),
    ("interpretation", "政策解读", ""),
    ("annual_report", "政府信息公开年度报告", "第四十九条"),
]

PUBLICATION_FIELDS = (
    "title",
    "document_number",
    "category",
    "genre",
    "subject",
    "written_on",
    "important",
    "body",
    "interprets",
)


def _refuse(found) -> None:
    """Raise what a rule of disclosure.permissions refused, if it did."""
    if found is not None:
        raise found


def _may(by, obj, action: str) -> None:
    """The person's part of a publication's rule (its state is checked under the lock)."""
    _refuse(permissions.publication_who_refusal(by, obj, action))


def _name(user) -> str:
    staff = access.staff_of(user)
    return (staff.name if staff else user.get_username())[:60]


def profile_of(organisation: Organisation) -> DisclosureProfile:
    """The organisation's disclosure settings (defaults when none were saved)."""
    try:
        return organisation.disclosure_profile
    except DisclosureProfile.DoesNotExist:
        return DisclosureProfile(organisation=organisation)


def _next_sequence(organisation: Organisation, kind: str, year: int) -> int:
    IndexSequence.objects.get_or_create(organisation=organisation, kind=kind, year=year)
    seq = IndexSequence.objects.select_for_update().get(organisation=organisation, kind=kind, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return seq.last


def _index_number(organisation: Organisation, year: int) -> str:
    code = profile_of(organisation).index_code or organisation.uscc
    while True:  # an imported number may already hold the next sequence: step past it
        candidate = f"{code}/{year}-{_next_sequence(organisation, 'publication', year):05d}"
        if not Publication.objects.filter(index_number=candidate).exists():
            return candidate


# ---- catalogue ----------------------------------------------------------------------------------------------


def save_profile(
    *,
    organisation: Organisation,
    by,
    index_code: str = "",
    guide: str = "",
    second_leader_for_all: bool = False,
    one_reviewer: bool = False,
) -> DisclosureProfile:
    """Set an organisation's index code, disclosure guide and approval rule."""
    _refuse(permissions.organisation_refusal(by, organisation, "profile"))
    index_code = index_code.strip()
    if index_code and (len(index_code) > 32 or "/" in index_code):
        raise ValidationFailed(_("索引号前缀最长32个字符,且不能含“/”"), field="index_code")
    with transaction.atomic():
        profile, _created = DisclosureProfile.objects.update_or_create(
            organisation=organisation,
            defaults={
                "index_code": index_code,
                "guide": guide,
                "second_leader_for_all": second_leader_for_all,
                "one_reviewer": one_reviewer,
            },
        )
        audit.record(
            "disclosure.profile.save",
            profile,
            actor=by,
            summary={
                "index_code": index_code,
                "second_leader_for_all": second_leader_for_all,
                "one_reviewer": one_reviewer,
            },
        )
    return profile


def ensure_catalogue(*, organisation: Organisation, by=None) -> list[Category]:
    """Create the areas the Regulations require in the organisation's catalogue (those missing). `by` None: the
    system (demo, imports)."""
    _refuse(permissions.organisation_refusal(by, organisation, "catalogue"))
    with transaction.atomic():
        created = []
        for position, (code, name, statutory) in enumerate(STATUTORY_CATALOGUE):
            category, made = Category.objects.get_or_create(
                organisation=organisation,
                code=code,
                defaults={"name": name, "statutory": statutory, "position": position * 10},
            )
            if made:
                created.append(category)
        if created:
            audit.record(
                "disclosure.catalogue.ensure",
                organisation,
                actor=by,
                summary={"created": [c.code for c in created]},
            )
    return created


def add_category(
    *,
    organisation: Organisation,
    code: str,
    name: str,
    by,
    parent: Category | None = None,
    statutory: str = "",
) -> Category:
    _refuse(permissions.organisation_refusal(by, organisation, "catalogue"))
    if not code.strip() or not name.strip():
        raise ValidationFailed(_("请填写目录编码和名称"), field="name")
    if parent is not None and parent.organisation_id != organisation.pk:
        raise ValidationFailed(_("上级目录属于其他机构"), field="parent")
    with transaction.atomic():
        if Category.objects.filter(organisation=organisation, code=code).exists():
            raise Conflict(_("目录编码已存在"), field="code")
        category = Category.objects.create(
            organisation=organisation,
            code=code.strip(),
            name=name.strip(),
            parent=parent,
            statutory=statutory,
        )
        audit.record("disclosure.catalogue.add", category, actor=by, summary={"code": code, "name": name})
    return category


# ---- publications and the review chain ---------------------------------------------------------------------


def _clean_fields(organisation: Organisation, fields: dict) -> dict:
    unknown = set(fields) - set(PUBLICATION_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("未知字段:%(unknown)s") % {"unknown": ", ".join(sorted(unknown))}, field=sorted(unknown)[0]
        )
    clean = dict(fields)
    if "title" in clean:
        clean["title"] = (clean["title"] or "").strip()
        if not clean["title"]:
            raise ValidationFailed(_("请填写标题"), field="title")
        if len(clean["title"]) > 300:
            raise ValidationFailed(_("标题最长300字"), field="title")
    if "body" in clean:
        clean["body"] = text.sanitise(clean["body"] or "")
    if "genre" in clean and clean["genre"] not in Publication.Genre.values:
        raise ValidationFailed(_("请选择体裁"), field="genre")
    category = clean.get("category")
    if category is not None and category.organisation_id != organisation.pk:
        raise ValidationFailed(_("所选目录不属于本机构"), field="category")
    interprets = clean.get("interprets")
    if interprets is not None and interprets.status != workflow.PUBLISHED:
        raise ValidationFailed(_("只能解读已发布的政策文件"), field="interprets")
    return clean


def _refresh_tokens(publication: Publication) -> None:
    publication.search_tokens = search.tokens_for(
        title=publication.title,
        document_number=publication.document_number,
        body=publication.body,
        subject=publication.subject,
    )


def _ledger(publication: Publication, *, action: str, before: str, by, opinion: str = "") -> ReviewEntry:
    return ReviewEntry.objects.create(
        publication=publication,
        action=action,
        from_status=before,
        to_status=publication.status,
        by=by,
        by_name=_name(by),
        opinion=opinion,
        at=clock.now(),
    )


def create_draft(*, organisation: Organisation, by, title: str, **fields) -> Publication:
    """A new draft publication with its index number."""
    _refuse(permissions.organisation_refusal(by, organisation, "draft"))
    clean = _clean_fields(organisation, {"title": title, **fields})
    if clean.get("interprets") is not None:
        clean.setdefault("genre", Publication.Genre.INTERPRETATION)
    with transaction.atomic():
        publication = Publication(
            organisation=organisation,
            created_by=by,
            created_at=clock.now(),
            index_number=_index_number(organisation, clock.today().year),
            **clean,
        )
        _refresh_tokens(publication)
        publication.save()
        entry = _ledger(publication, action="edit", before=workflow.DRAFT, by=by, opinion="起草")
        audit.record(
            "disclosure.publication.create",
            publication,
            actor=by,
            summary={"index_number": publication.index_number, "title": publication.title},
            rows=[entry],
        )
    return publication


def _locked(publication: Publication, version: int | None = None) -> Publication:
    current = Publication.objects.select_for_update().get(pk=publication.pk)
    if version is not None and current.version != version:
        raise Conflict(_("该信息已被他人修改,请刷新后重试"), code="stale", field="version")
    return current


def update_draft(*, publication: Publication, by, version: int | None = None, **fields) -> Publication:
    """Change a draft (only drafts may change; anything approved must go back through the chain)."""
    _may(by, publication, "edit")
    clean = _clean_fields(publication.organisation, fields)
    with transaction.atomic():
        current = _locked(publication, version)
        _refuse(permissions.publication_state_refusal(current, "edit"))
        for key, value in clean.items():
            setattr(current, key, value)
        current.version += 1
        _refresh_tokens(current)
        current.save()
        entry = _ledger(current, action="edit", before=workflow.DRAFT, by=by, opinion="修改")
        audit.record(
            "disclosure.publication.edit", current, actor=by, summary={"fields": sorted(clean)}, rows=[entry]
        )
    return current


def submit(*, publication: Publication, by) -> Publication:
    """Send a draft into review."""
    _may(by, publication, "submit")
    with transaction.atomic():
        current = _locked(publication)
        _refuse(permissions.publication_state_refusal(current, "submit"))
        before = current.status
        current.status = workflow.publication_next(before, "submit")
        current.save(update_fields=["status"])
        entry = _ledger(current, action="submit", before=before, by=by)
        SubmittedVersion.objects.create(
            publication=current,
            number=current.submissions.count() + 1,
            content=versions.content_of(current),
            at=clock.now(),
        )
        audit.record(
            "disclosure.publication.submit", current, actor=by, summary={"from": before}, rows=[entry]
        )
    return current


def _needs_second_leader(publication: Publication) -> bool:
    return publication.important or profile_of(publication.organisation).second_leader_for_all


def _check_reviewer(current: Publication, by) -> None:
    """A review step, signed by whom permissions.review_refusal allows."""
    _refuse(permissions.publication_refusal(by, current, "approve"))


def approve(*, publication: Publication, by, opinion: str = "") -> Publication:
    """Approve the current review step; the chain moves to the next step the organisation requires."""
    with transaction.atomic():
        current = _locked(publication)
        _check_reviewer(current, by)
        before = current.status
        action = "approve"
        if before == workflow.LEADER_APPROVAL and _needs_second_leader(current):
            action = "approve_important"
        opinion = opinion.strip() or "同意"
        if before == workflow.CONFIDENTIALITY_REVIEW and permissions.first_reviewer(current) == by.pk:
            opinion += _("(初审与保密审查由同一人签署,按本机构政务公开设置)")
        current.status = workflow.publication_next(before, action)
        current.save(update_fields=["status"])
        entry = _ledger(current, action=action, before=before, by=by, opinion=opinion)
        audit.record(
            "disclosure.publication.approve", current, actor=by, summary={"step": before}, rows=[entry]
        )
    return current


def reject(*, publication: Publication, by, opinion: str) -> Publication:
    """Return the publication to its drafter with the reason."""
    if not (opinion or "").strip():
        raise ValidationFailed(_("退回时须写明理由"), field="opinion")
    with transaction.atomic():
        current = _locked(publication)
        _check_reviewer(current, by)
        before = current.status
        current.status = workflow.publication_next(before, "reject")
        current.save(update_fields=["status"])
        entry = _ledger(current, action="reject", before=before, by=by, opinion=opinion.strip())
        audit.record(
            "disclosure.publication.reject",
            current,
            actor=by,
            summary={"step": before, "reason": opinion},
            rows=[entry],
        )
    return current


def publish(*, publication: Publication, by, at: dt.datetime | None = None) -> Publication:
    """Publish an approved publication now or at a set time (it shows on the portal from that moment)."""
    _may(by, publication, "publish")
    now = clock.now()
    if at is not None and at < now - dt.timedelta(minutes=1):
        raise ValidationFailed(_("定时发布时间不能早于现在"), field="at")
    with transaction.atomic():
        current = _locked(publication)
        _refuse(permissions.publication_state_refusal(current, "publish"))
        before = current.status
        current.status = workflow.publication_next(before, "publish")
        current.published_at = at or now
        current.save(update_fields=["status", "published_at"])
        note = (
            _("立即发布")
            if at is None
            else _("定时发布:%(day)s %(time)s")
            % {"day": clock.local_date(at).isoformat(), "time": f"{at.astimezone(clock.LOCAL):%H:%M}"}
        )
        entry = _ledger(current, action="publish", before=before, by=by, opinion=note)
        audit.record(
            "disclosure.publication.publish",
            current,
            actor=by,
            summary={"published_at": current.published_at.isoformat()},
            rows=[entry],
        )
    return current


def withdraw(*, publication: Publication, by, reason: str) -> Publication:
    """Take a publication off the portal, with the reason on record."""
    _may(by, publication, "withdraw")
    if not (reason or "").strip():
        raise ValidationFailed(_("撤回须写明理由"), field="reason")
    with transaction.atomic():
        current = _locked(publication)
        _refuse(permissions.publication_state_refusal(current, "withdraw"))
        before = current.status
        current.status = workflow.publication_next(before, "withdraw")
        current.save(update_fields=["status"])
        entry = _ledger(current, action="withdraw", before=before, by=by, opinion=reason.strip())
        audit.record(
            "disclosure.publication.withdraw", current, actor=by, summary={"reason": reason}, rows=[entry]
        )
    return current


def change_validity(
    *, publication: Publication, by, validity: str, reason: str = "", replaced_by: Publication | None = None
) -> Publication:
    """Mark a published document amended or repealed, linking what replaced it; shown on its page."""
    _may(by, publication, "repeal")  # 修订 and 废止 alike
    action = {Publication.Validity.REPEALED: "repeal", Publication.Validity.AMENDED: "amend"}.get(validity)
    if action is None:
        raise ValidationFailed(_("效力只能改为已修订或已废止"), field="validity")
    if replaced_by is not None and (
        replaced_by.pk == publication.pk or replaced_by.status != workflow.PUBLISHED
    ):
        raise ValidationFailed(_("替代文件须为另一份已发布的文件"), field="replaced_by")
    if validity == Publication.Validity.AMENDED and replaced_by is None:
        raise ValidationFailed(_("已修订的文件须指明修订后的文件"), field="replaced_by")
    with transaction.atomic():
        current = _locked(publication)
        before = current.status
        workflow.publication_next(before, action)
        current.validity = validity
        current.replaced_by = replaced_by
        current.save(update_fields=["validity", "replaced_by"])
        entry = _ledger(current, action=action, before=before, by=by, opinion=(reason or "").strip())
        audit.record(
            f"disclosure.publication.{action}",
            current,
            actor=by,
            summary={"replaced_by": replaced_by.index_number if replaced_by else None, "reason": reason},
            rows=[entry],
        )
    return current


def attachment_max_bytes() -> int:
    return files.limit("ZHENGWU_DISCLOSURE_ATTACHMENT_MAX_BYTES")


def add_attachment(*, publication: Publication, by, upload, name: str = "") -> Attachment:
    """Attach a file to a draft: PDF, OFD, Word, Excel, JPEG or PNG by its content, at most 20 MB."""
    # the state is checked again under the lock; here it only spares reading the file
    _refuse(permissions.publication_refusal(by, publication, "add_attachment"))
    data, kind = files.check(upload, accept=files.DOCUMENTS, max_bytes=attachment_max_bytes(), field="file")
    longest = Attachment._meta.get_field("name").max_length
    label = (name or "").strip()
    if len(label) > longest:  # a name typed is the staff's to shorten
        raise ValidationFailed(_("附件名称最长%(n)s字") % {"n": longest}, field="name")
    # else the file's own name, shortened in the middle to fit, its extension kept
    label = (
        label or files.fitting_name(os.path.basename(getattr(upload, "name", "") or ""), longest) or _("附件")
    )
    with transaction.atomic():
        current = _locked(publication)
        _refuse(permissions.publication_state_refusal(current, "add_attachment"))
        attachment = Attachment(
            publication=current, name=label, content_type=kind, size=len(data), uploaded_at=clock.now()
        )
        attachment.file.save(
            f"{current.pk}-{secrets.token_hex(8)}.{files.EXTENSIONS[kind]}", ContentFile(data), save=False
        )
        attachment.save()
        current.version += 1
        current.save(update_fields=["version"])
        audit.record(
            "disclosure.attachment.add",
            current,
            actor=by,
            summary={"attachment": attachment.pk, "name": label, "content_type": kind, "size": len(data)},
        )
    return attachment


def remove_attachment(*, attachment: Attachment, by) -> None:
    """Take an attachment off a draft."""
    publication = attachment.publication
    _may(by, publication, "remove_attachment")
    with transaction.atomic():
        current = _locked(publication)
        _refuse(permissions.publication_state_refusal(current, "remove_attachment"))
        audit.record(
            "disclosure.attachment.remove",
            current,
            actor=by,
            summary={"attachment": attachment.pk, "name": attachment.name},
        )
        stored = attachment.file.name
        attachment.delete()
        current.version += 1
        current.save(update_fields=["version"])
        transaction.on_commit(lambda: default_storage.delete(stored) if stored else None)


# ---- requests ----------------------------------------------------------------------------------------------


def _event(
    request: DisclosureRequest,
    *,
    action: str,
    before: str | None,
    on: dt.date,
    by=None,
    note: str = "",
    data: dict | None = None,
) -> RequestEvent:
    actor = by if getattr(by, "is_authenticated", False) else None
    return RequestEvent.objects.create(
        request=request,
        action=action,
        from_status=before or "",
        to_status=request.status,
        on=on,
        at=clock.now(),
        by=actor,
        by_name=_name(actor) if actor else "申请人",
        note=note,
        data=data or {},
    )


def _check_on(request: DisclosureRequest, on: dt.date | None, *, field: str = "on") -> dt.date:
    on = on or clock.today()
    if on > clock.today():
        raise ValidationFailed(_("日期不能晚于今天"), field=field)
    if on < request.received_on:
        raise ValidationFailed(_("日期不能早于收到申请之日"), field=field)
    return on


def pauses_of(events, *, until: dt.date | None = None) -> list[deadlines.Pause]:
    """The spans not counted toward the reply limit, from a request's events (open spans end today, or `until`)."""
    pauses, opened = [], {}
    for e in events:
        if e.action in ("consult_third_party", "notify_fee"):
            opened[e.action] = e.on
        elif e.action == "third_party_answered" and "consult_third_party" in opened:
            pauses.append(deadlines.Pause(opened.pop("consult_third_party"), e.on, "third_party"))
        elif e.action == "receive_payment" and "notify_fee" in opened:
            pauses.append(deadlines.Pause(opened.pop("notify_fee"), e.on, "fee"))
    for action, start in opened.items():
        pauses.append(
            deadlines.Pause(
                start,
                max(start, until or clock.today()),
                "third_party" if action.startswith("consult") else "fee",
            )
        )
    return pauses


def due_of(request: DisclosureRequest, events=None, *, extension: int | None = None) -> deadlines.ReplyDue:
    """The reply due date of a request, from its receipt, supplement, extension and paused spans (a concluded
    request's spans end the day it was concluded). `extension`: counted with these working days instead of the
    request's own (the date an ask to extend would give, shown to the head before they agree)."""
    events = list(events if events is not None else request.events.all())
    until = request.concluded_on if request.status in workflow.CONCLUDED_REQUEST_STATES else None
    return deadlines.reply_due(
        request.received_on,
        supplement_received=request.supplement_received_on,
        extension=request.extension_days if extension is None else extension,
        pauses=pauses_of(events, until=until),
    )


def recompute_for_year(year: int) -> int:
    """After a calendar year was loaded: the reply due date and its provisional flag of every request whose date
    touched the year — open, or replied (the date the reply is judged against) — counted again by `due_of`, in the
    loading transaction. Requests imported from before the platform keep theirs."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    replied = Q(pk__in=RequestEvent.objects.filter(action="reply").values("request_id"))
    touched = (
        DisclosureRequest.objects.filter(imported=False, received_on__lte=last, due_on__isnull=False)
        .filter(Q(status__in=workflow.OPEN_REQUEST_STATES) | replied)
        .filter(Q(due_provisional=True) | Q(due_on__gte=first))
    )
    changed = 0
    for request in touched.select_for_update().prefetch_related("events"):
        try:
            result = due_of(request)
        except (
            ValidationFailed
        ):  # events recorded around the rules (a repair) that no longer count: keep the date
            continue
        if (request.due_on, request.due_provisional) != (result.due, result.provisional):
            request.due_on, request.due_provisional = result.due, result.provisional
            request.save(update_fields=["due_on", "due_provisional"])
            changed += 1
    if changed:
        audit.record(
            "disclosure.request.recompute_dues",
            None,
            object_type="disclosure.disclosurerequest",
            summary={"year": year, "requests": changed},
        )
    return changed


def _refresh_due(request: DisclosureRequest) -> None:
    if request.status in workflow.CONCLUDED_REQUEST_STATES:
        return
    result = due_of(request)
    request.due_on, request.due_provisional = result.due, result.provisional


def _requester_key(organisation, kind: str, name: str, id_number: str) -> Q:
    cond = Q(organisation=organisation)
    return cond & (
        Q(requester_id_number=id_number) if id_number else Q(requester_name=name, requester_kind=kind)
    )


def _id_number(value: str) -> str:
    """The requester's 身份证号码 or 统一社会信用代码 checked (an 18-character one by its check character); another
    document's number (a passport's) taken as typed, if it can be one."""
    typed = ids.normalise(value)
    if not typed:
        return ""
    if len(typed) == 18:
        found = ids.check_any(typed)
        if not found.valid:
            raise ValidationFailed(
                _("证件号码无效:%(reason)s") % {"reason": found.reason}, field="requester_id_number"
            )
        return found.value
    if len(typed) < 6 or not typed.isalnum():
        raise ValidationFailed(
            _("证件号码应为18位身份证号码或统一社会信用代码,或其他证件的号码,现为「%(v)s」")
            % {"v": typed[:30]},
            field="requester_id_number",
        )
    return typed


def check_requester(
    *,
    requester_kind: str,
    requester_name: str,
    description: str,
    requester_id_number: str = "",
    phone: str = "",
    address: str = "",
    email: str = "",
    delivery: str = "",
) -> dict:
    """What the requester wrote, cleaned (description, phone, requester_id_number, delivery), or ValidationFailed
    naming every wrong field at once (`errors`): a requester with three fields wrong is told of the three together."""
    errors: list[tuple[str, str]] = []
    clean = {"description": "", "phone": "", "requester_id_number": "", "delivery": (delivery or "").strip()}

    def check(field: str, read) -> None:
        try:
            clean[field] = read()
        except ValidationFailed as exc:
            errors.append((exc.field or field, exc.message))

    if requester_kind not in DisclosureRequest.RequesterKind.values:
        errors.append(("requester_kind", _("请选择申请人类型")))
    if not (requester_name or "").strip():
        errors.append(("requester_name", _("请填写申请人姓名或名称")))
    if not (description or "").strip():
        errors.append(("description", _("请描述所需的政府信息")))
    else:
        check(
            "description",
            lambda: inputs.text(
                description, field="description", label=_("所需政府信息的描述"), max_length=DESCRIPTION_LIMIT
            ).strip(),
        )
    if not (phone or address or email):
        errors.append(("phone", _("请至少填写一种联系方式")))
    else:
        check("phone", lambda: inputs.phone(phone, field="phone", label=_("联系电话"), required=False))
    check("requester_id_number", lambda: _id_number(requester_id_number))
    if clean["delivery"] == "电子邮件" and not (email or "").strip():
        errors.append(("email", _("选择以电子邮件获取信息时,请填写电子邮箱")))
    if clean["delivery"] == "邮寄纸质件" and not (address or "").strip():
        errors.append(("address", _("选择邮寄纸质件时,请填写通信地址")))
    if errors:
        raise ValidationFailed(errors[0][1], field=errors[0][0], errors=errors)
    return clean


def file_request(
    *,
    organisation: Organisation,
    channel: str,
    requester_kind: str,
    requester_name: str,
    description: str,
    submitted_on: dt.date | None = None,
    signed_on: dt.date | None = None,
    confirmed_on: dt.date | None = None,
    requester_id_number: str = "",
    phone: str = "",
    address: str = "",
    email: str = "",
    delivery: str = "",
    by=None,
) -> DisclosureRequest:
    """Register a request from any channel; the receipt date follows 第三十一条."""
    _refuse(permissions.organisation_refusal(by, organisation, "file_request"))
    if channel not in DisclosureRequest.Channel.values:
        raise ValidationFailed(_("请选择申请方式"), field="channel")
    typed = check_requester(
        requester_kind=requester_kind,
        requester_name=requester_name,
        description=description,
        requester_id_number=requester_id_number,
        phone=phone,
        address=address,
        email=email,
        delivery=delivery,
    )
    description, phone, requester_id_number, delivery = (
        typed["description"],
        typed["phone"],
        typed["requester_id_number"],
        typed["delivery"],
    )
    today = clock.today()
    submitted_on = submitted_on or today
    if channel in ("online", "fax") and confirmed_on is None and by is None:
        confirmed_on = today  # the portal confirms receipt the moment it gives the requester a number
    received_on = deadlines.receipt_date(
        channel, submitted_on=submitted_on, signed_on=signed_on, confirmed_on=confirmed_on
    )
    if received_on > today:
        raise ValidationFailed(_("收到申请日期不能晚于今天"), field="submitted_on")
    with transaction.atomic():
        seq = _next_sequence(organisation, "request", received_on.year)
        request = DisclosureRequest(
            organisation=organisation,
            number=f"YSQ{received_on.year}{organisation.pk:04d}{seq:05d}",
            access_code=secrets.token_hex(4),
            channel=channel,
            requester_kind=requester_kind,
            requester_name=requester_name.strip(),
            requester_id_number=requester_id_number.strip(),
            phone=phone.strip(),
            address=address.strip(),
            email=email.strip(),
            description=description.strip(),
            delivery=delivery.strip(),
            submitted_on=submitted_on,
            received_on=received_on,
            status=workflow.request_next(None, "receive"),
            created_at=clock.now(),
        )
        request.due_on = deadlines.reply_due(received_on).due
        request.save()
        event = _event(
            request,
            action="receive",
            before=None,
            on=received_on,
            by=by,
            data={"channel": channel, "submitted_on": submitted_on.isoformat()},
        )
        _refresh_due(request)
        request.save(update_fields=["due_on", "due_provisional"])
        audit.record(
            "disclosure.request.file",
            request,
            actor=by if getattr(by, "is_authenticated", False) else None,
            summary={"number": request.number, "channel": channel, "received_on": received_on.isoformat()},
            rows=[event],
        )
    return request


def _officer(request: DisclosureRequest, by, action: str) -> None:
    """Who takes the step (permissions.request_who_refusal); the record's facts and state are checked after."""
    _refuse(permissions.request_who_refusal(by, request, action))


def _facts(request: DisclosureRequest, action: str, on: dt.date) -> None:
    _refuse(permissions.request_facts_refusal(request, action, on))


def _transition(
    request: DisclosureRequest, action: str, *, by, on: dt.date, note: str = "", data=None, change=None
) -> DisclosureRequest:
    with transaction.atomic():
        current = DisclosureRequest.objects.select_for_update().get(pk=request.pk)
        before = current.status
        current.status = workflow.request_next(before, action)
        if change:
            change(current)
        current.save()
        event = _event(current, action=action, before=before, on=on, by=by, note=note, data=data)
        _refresh_due(current)
        current.save(update_fields=["due_on", "due_provisional"])
        audit.record(
            f"disclosure.request.{action}",
            current,
            actor=by if getattr(by, "is_authenticated", False) else None,
            summary={"from": before, "to": current.status, "on": on.isoformat(), **(data or {})},
            rows=[event],
        )
    return current


def request_supplement(
    *, request: DisclosureRequest, by, items: str, workdays: int = 15, on: dt.date | None = None
) -> DisclosureRequest:
    """Ask once, within 7 working days of receipt, for everything unclear, giving a period to supplement."""
    _officer(request, by, "request_supplement")
    on = _check_on(request, on)
    if not (items or "").strip():
        raise ValidationFailed(_("请一次性写明需要补正的全部事项"), field="items")
    _facts(request, "request_supplement", on)
    until = deadlines.supplement_due(on, workdays).value

    def change(r):
        r.waiting_until = until

    return _transition(
        request,
        "request_supplement",
        by=by,
        on=on,
        note=items.strip(),
        data={"items": items.strip(), "until": until.isoformat(), "workdays": workdays},
        change=change,
    )


def receive_supplement(
    *, request: DisclosureRequest, by=None, on: dt.date | None = None, content: str = ""
) -> DisclosureRequest:
    """The supplement arrived: the reply period starts again from this day (第三十条)."""
    _officer(request, by, "receive_supplement")
    on = _check_on(request, on)
    _facts(request, "receive_supplement", on)

    def change(r):
        r.supplement_received_on, r.waiting_until = on, None

    return _transition(request, "receive_supplement", by=by, on=on, note=content.strip(), change=change)


def consult_third_party(
    *, request: DisclosureRequest, by, third_party: str, on: dt.date | None = None
) -> DisclosureRequest:
    """Ask a third party's opinion (第三十二条); the time it takes is not counted."""
    _officer(request, by, "consult_third_party")
    on = _check_on(request, on)
    if not (third_party or "").strip():
        raise ValidationFailed(_("请填写第三方名称"), field="third_party")
    _facts(request, "consult_third_party", on)
    until = deadlines.third_party_deadline(on).value

    def change(r):
        r.waiting_until = until

    return _transition(
        request,
        "consult_third_party",
        by=by,
        on=on,
        note=third_party.strip(),
        data={"third_party": third_party.strip(), "until": until.isoformat()},
        change=change,
    )


def record_third_party_answer(
    *, request: DisclosureRequest, by, opinion: str = "", on: dt.date | None = None
) -> DisclosureRequest:
    """The third party answered (or its 15 working days ran out): the clock runs again."""
    _officer(request, by, "third_party_answered")
    on = _check_on(request, on)

    def change(r):
        r.waiting_until = None

    return _transition(
        request, "third_party_answered", by=by, on=on, note=(opinion or "").strip(), change=change
    )


def fee_for(
    request: DisclosureRequest, *, method: str, pages: int | None = None
) -> tuple[int, int, fees.Fee]:
    """(quantity, amount, explanation): by item the requester's n-th request this month, by volume the pages."""
    if method == DisclosureRequest.FeeMethod.ITEMS:
        month_start = request.received_on.replace(day=1)
        n = DisclosureRequest.objects.filter(
            _requester_key(
                request.organisation,
                request.requester_kind,
                request.requester_name,
                request.requester_id_number,
            ),
            received_on__gte=month_start,
            received_on__lte=request.received_on,
            id__lte=request.id,
        ).count()
        total = fees.by_items(n)
        return n, fees.for_nth_item(n), total
    if method == DisclosureRequest.FeeMethod.PAGES:
        if pages is None:
            raise ValidationFailed(_("按量计收须填写页数"), field="pages")
        result = fees.by_pages(pages)
        return pages, result.amount, result
    raise ValidationFailed(_("请选择按件计收或按量计收(二者不得同时适用)"), field="method")


def notify_fee(
    *, request: DisclosureRequest, by, method: str, pages: int | None = None, on: dt.date | None = None
) -> DisclosureRequest:
    """Send the fee notice (one method only); unpaid after 20 working days means abandoned."""
    _officer(request, by, "notify_fee")
    on = _check_on(request, on)
    _facts(request, "notify_fee", on)
    quantity, amount, explanation = fee_for(request, method=method, pages=pages)
    if amount <= 0:
        raise Conflict(_("按所选方式计算无需收费,不能发出收费通知"), field="method")
    until = deadlines.fee_payment_deadline(on).value

    def change(r):
        r.fee_method, r.fee_quantity, r.fee_amount, r.waiting_until = method, quantity, amount, until

    return _transition(
        request,
        "notify_fee",
        by=by,
        on=on,
        note="\n".join(explanation.lines),
        data={"method": method, "quantity": quantity, "amount": amount, "until": until.isoformat()},
        change=change,
    )


def receive_payment(*, request: DisclosureRequest, by, on: dt.date | None = None) -> DisclosureRequest:
    _officer(request, by, "receive_payment")
    on = _check_on(request, on)
    _facts(request, "receive_payment", on)

    def change(r):
        r.fee_paid_on, r.waiting_until = on, None

    return _transition(
        request, "receive_payment", by=by, on=on, data={"amount": request.fee_amount}, change=change
    )


def ask_extension(
    *, request: DisclosureRequest, by, days: int, reason: str, on: dt.date | None = None
) -> DisclosureRequest:
    """The officer asks the person in charge to extend the reply period: before it is due, at most 20 working days,
    with the reason the requester will be told (第三十三条第一款); the due date moves only when the head agrees. One
    ask waits at a time; after a refusal the officer may ask again with a new reason, never after an agreement."""
    _officer(request, by, "ask_extension")
    on = _check_on(request, on)
    _facts(request, "ask_extension", on)
    _refuse(permissions.request_state_refusal(request, "ask_extension"))
    problems = []
    if not (reason or "").strip():
        problems.append(("reason", _("请写明延长理由(将告知申请人)")))
    elif reason.strip() in refused_extension_reasons(request):
        problems.append(("reason", _("负责人已不同意以该理由延长,再次申请请写明新的理由")))
    if (
        isinstance(days, bool)
        or not isinstance(days, int)
        or not 1 <= days <= deadlines.MAX_EXTENSION_WORKDAYS
    ):
        problems.append(("days", _("延长期限为1至20个工作日(第三十三条第一款)")))
    if problems:
        raise ValidationFailed(problems[0][1], field=problems[0][0], errors=problems)
    reason = reason.strip()

    def change(r):
        # read again under the row's lock: one ask waiting, one extension agreed, whoever clicks at once
        _refuse(permissions.request_facts_refusal(r, "ask_extension", on))
        r.extension_asked_days, r.extension_asked_reason = days, reason
        r.extension_asked_on, r.extension_asked_by = on, by

    return _transition(
        request,
        "ask_extension",
        by=by,
        on=on,
        note=reason,
        data={"days": days, "due_on": request.due_on.isoformat() if request.due_on else ""},
        change=change,
    )


def refused_extension_reasons(request: DisclosureRequest) -> set[str]:
    """The reasons of the asks to extend the head refused: asked again, the reason must be new."""
    return {
        (e.data or {}).get("reason", "").strip() for e in request.events.filter(action="refuse_extension")
    }


def _clear_ask(r: DisclosureRequest) -> None:
    r.extension_asked_days, r.extension_asked_reason = 0, ""
    r.extension_asked_on, r.extension_asked_by = None, None


def approve_extension(
    *, request: DisclosureRequest, by, opinion: str = "", on: dt.date | None = None
) -> DisclosureRequest:
    """The person in charge agrees to the officer's ask: the reply period is extended by the days asked, counted
    on the working-day calendar, and the requester is told why and until when (SMS, e-mail) — one transaction."""
    _officer(request, by, "extend")
    on = _check_on(request, on)
    _facts(request, "extend", on)
    days, reason = request.extension_asked_days, request.extension_asked_reason
    asked_by = request.extension_asked_by

    def change(r):
        # 条例 第三十三条第一款: 经负责人同意, 延长的期限最长不得超过20个工作日 (counted by deadlines.reply_due)
        if r.extension_days or r.extension_asked_days != days:  # decided, or asked anew, since it was read
            raise Conflict(_("该延长申请已处理或已变更,请刷新页面后再审批"), field="status")
        r.extension_days = days
        _clear_ask(r)

    with transaction.atomic():
        before = request.due_on
        current = _transition(
            request,
            "extend",
            by=by,
            on=on,
            note=reason,
            data={
                "days": days,
                "asked_by": _name(asked_by) if asked_by else "",
                "opinion": (opinion or "").strip(),
                "due_before": before.isoformat() if before else "",
            },
            change=change,
        )
        _tell_extension(current, days=days, reason=reason)
    return current


def refuse_extension(
    *, request: DisclosureRequest, by, opinion: str, on: dt.date | None = None
) -> DisclosureRequest:
    """The person in charge does not agree: the reply date stays, the officer is told why."""
    _officer(request, by, "refuse_extension")
    on = _check_on(request, on)
    _facts(request, "refuse_extension", on)
    if not (opinion or "").strip():
        raise ValidationFailed(_("请写明不同意延长的理由"), field="opinion")
    days = request.extension_asked_days
    return _transition(
        request,
        "refuse_extension",
        by=by,
        on=on,
        note=opinion.strip(),
        data={"days": days, "reason": request.extension_asked_reason},
        change=_clear_ask,
    )


def reachable(request: DisclosureRequest) -> bool:
    """Can the platform tell the requester itself (a mobile number or an e-mail address), or must the office write?"""
    return bool(inputs.mobile_or_none(request.phone) or request.email)


def _tell_extension(request: DisclosureRequest, *, days: int, reason: str) -> list:
    """The requester is told of the extension (第三十三条第一款: 并告知申请人) by SMS to their mobile and by e-mail where
    they gave one, in the approval's transaction (core.outbox); [] when they left neither (the officer writes)."""
    body = _(
        "您向%(organisation)s提出的政府信息公开申请(编号 %(number)s),经政府信息公开工作机构负责人同意,答复期限延长"
        "%(days)d个工作日,延长后的答复期限为%(due)s。延长理由:%(reason)s。可凭申请编号和查询码查询办理进度。"
    ) % {
        "organisation": request.organisation.name,
        "number": request.number,
        "days": days,
        "due": calendar.chinese_date(request.due_on),
        "reason": reason,
    }
    sent = []
    if not reachable(request):
        return sent
    if mobile := inputs.mobile_or_none(request.phone):
        sent.append(outbox.post("sms", mobile, body))
    if request.email:
        sent.append(outbox.post("email", request.email, body, subject=_("延长政府信息公开申请答复期限告知")))
    return sent


# The outcomes whose letter needs the officer's own words after its fixed sentence, with what to write.
TEXT_REQUIRED_OUTCOMES = {
    "partial": gettext_lazy("部分公开须在答复内容中写明不予公开的部分及其理由(第三十七条)"),
    "other": gettext_lazy("其他处理须在答复内容中写明如何处理"),
}


def reply(
    *,
    request: DisclosureRequest,
    by,
    outcome: str,
    reason: str = "",
    text_: str = "",
    on: dt.date | None = None,
) -> DisclosureRequest:
    """Reply with one of the legal outcomes; the reply letter is produced from this record."""
    _officer(request, by, "reply")
    on = _check_on(request, on)
    found, sub = outcomes.validate(outcome, reason)
    if outcome == "other" and reason in ("no_supplement", "unpaid_fee"):
        raise ValidationFailed(_("逾期不补正或不缴费由系统按期限自动处理"), field="reason")
    if outcome in TEXT_REQUIRED_OUTCOMES and not (text_ or "").strip():
        # the letter's own sentence says nothing of why: 部分公开 must give the reasons for the part withheld
        # (第三十七条), 其他处理 says only 「作如下处理」
        raise ValidationFailed(str(TEXT_REQUIRED_OUTCOMES[outcome]), field="text")

    def change(r):
        r.outcome, r.reason, r.reply_text, r.concluded_on = outcome, reason or "", (text_ or "").strip(), on

    return _transition(
        request,
        "reply",
        by=by,
        on=on,
        note=f"{found.label}{':' + sub.label if sub else ''}",
        data={"outcome": outcome, "reason": reason},
        change=change,
    )


def withdraw_request(
    *, request: DisclosureRequest, by=None, on: dt.date | None = None, note: str = ""
) -> DisclosureRequest:
    """The requester withdraws the request (counted under 其他处理 in the report); staff record a withdrawal the
    requester sent them."""
    _officer(request, by, "withdraw")
    on = _check_on(request, on)

    def change(r):
        r.outcome, r.reason, r.concluded_on, r.waiting_until = "other", "other", on, None

    return _transition(request, "withdraw", by=by, on=on, note=note or "申请人撤回申请", change=change)


def archive(*, request: DisclosureRequest, by) -> DisclosureRequest:
    _officer(request, by, "archive")
    return _transition(request, "archive", by=by, on=clock.today())


def expire_waiting(*, today: dt.date | None = None) -> list[DisclosureRequest]:
    """Requests whose supplement or fee period ran out are treated as abandoned (第三十条; 国办函〔2020〕109号)."""
    today = today or clock.today()
    done = []
    waiting = DisclosureRequest.objects.filter(
        status__in=[workflow.AWAITING_SUPPLEMENT, workflow.AWAITING_FEE], waiting_until__lt=today
    )
    for request in waiting:
        action, reason = (
            ("abandon_no_supplement", "no_supplement")
            if request.status == workflow.AWAITING_SUPPLEMENT
            else ("abandon_unpaid", "unpaid_fee")
        )
        ended = deadlines.calendar.add_workdays(request.waiting_until, 0).value

        def change(r, reason=reason, ended=ended):
            r.outcome, r.reason, r.concluded_on, r.waiting_until = "other", reason, ended, None

        done.append(
            _transition(
                request,
                action,
                by=None,
                on=ended,
                change=change,
                note=_("期限 %(day)s 届满") % {"day": request.waiting_until.isoformat()},
            )
        )
    return done


def record_remedy(
    *,
    organisation: Organisation,
    by,
    kind: str,
    filed_on: dt.date,
    result: str = "pending",
    concluded_on: dt.date | None = None,
    request: DisclosureRequest | None = None,
    note: str = "",
) -> Remedy:
    """Record a reconsideration or lawsuit about disclosure and its result."""
    _refuse(permissions.organisation_refusal(by, organisation, "remedies"))
    if kind not in Remedy.Kind.values:
        raise ValidationFailed(_("请选择类型"), field="kind")
    if result not in Remedy.Result.values:
        raise ValidationFailed(_("请选择结果"), field="result")
    if (result == "pending") != (concluded_on is None):
        raise ValidationFailed(_("已审结的须填写审结日期,尚未审结的不填"), field="concluded_on")
    if concluded_on and concluded_on < filed_on:
        raise ValidationFailed(_("审结日期不能早于提起日期"), field="concluded_on")
    with transaction.atomic():
        remedy = Remedy.objects.create(
            organisation=organisation,
            kind=kind,
            filed_on=filed_on,
            result=result,
            concluded_on=concluded_on,
            request=request,
            note=note,
        )
        audit.record("disclosure.remedy.record", remedy, actor=by, summary={"kind": kind, "result": result})
    return remedy


def conclude_remedy(*, remedy: Remedy, by, result: str, concluded_on: dt.date, note: str = "") -> Remedy:
    """Record the result of a pending reconsideration or lawsuit."""
    _refuse(permissions.organisation_refusal(by, remedy.organisation, "remedies"))
    if result not in Remedy.Result.values or result == Remedy.Result.PENDING:
        raise ValidationFailed(_("请选择审结结果"), field="result")
    if concluded_on is None:
        raise ValidationFailed(_("请填写审结日期"), field="concluded_on")
    with transaction.atomic():
        current = Remedy.objects.select_for_update().get(pk=remedy.pk)
        if current.result != Remedy.Result.PENDING:
            raise Conflict(_("该案件已审结"), field="result")
        if concluded_on < current.filed_on:
            raise ValidationFailed(_("审结日期不能早于提起日期"), field="concluded_on")
        current.result, current.concluded_on = result, concluded_on
        if note.strip():
            current.note = (current.note + "\n" + note.strip()).strip()
        current.save(update_fields=["result", "concluded_on", "note"])
        audit.record("disclosure.remedy.conclude", current, actor=by, summary={"result": result})
    return current


def request_by_code(number: str, code: str) -> DisclosureRequest:
    """A requester's own request, found by its number and query code."""
    request = (
        DisclosureRequest.objects.filter(number=(number or "").strip()).select_related("organisation").first()
    )
    given = (code or "").strip().lower().encode()  # bytes: compare_digest refuses non-ASCII text
    if request is None or not secrets.compare_digest(request.access_code.encode(), given):
        raise NotFound(_("申请编号或查询码不正确"))
    return request
