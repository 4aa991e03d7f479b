"""Services of the bundle catalogue: create and edit a draft, submit it, return it, publish it.

The same review as items, by the same rule (catalog.services.require_editor and require_reviewer): an editor of the
lead organisation (or a centre manager) drafts and submits; a centre manager who did not submit it publishes
(ZHENGWU_CATALOG_SELF_PUBLISH lifts that, as for items).
Every write is one transaction with its audit record. Publishing snapshots the merged form and material list from
the members' versions in force, and checks the joint time limit against 行政许可法 第四十二条第二款; which material a
department obtains by data sharing (部门共享获取) is read again from the members' versions when the list is shown or
used (`materials_now`), so a member item republished with it needs no republishing of the bundle.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.cases import forms as case_forms
from zhengwu.catalog import selectors as catalog_selectors
from zhengwu.catalog import services as catalog_services
from zhengwu.catalog.models import Material, ServiceItem
from zhengwu.core import actors, audit, clock, inputs
from zhengwu.core.errors import AccessDenied, Conflict, DomainError, NotFound, ValidationFailed
from zhengwu.core.inputs import is_whole
from zhengwu.core.models import Organisation
from zhengwu.joint import rules
from zhengwu.joint.models import Bundle, BundleMember, BundleVersion, Category

# who drafts a bundle: as for items (catalog.services.require_editor)
EDITOR_ROLES = catalog_services.EDITOR_ROLES


class BundleInvalid(ValidationFailed):
    """A bundle spec broke one or more rules; `errors` lists every (field, message), the first is the headline."""

    code = "bundle_invalid"

    def __init__(self, errors: rules.Errors):
        field, message = errors[0]
        if len(errors) > 1:
            message = _("%(m)s(另有%(n)d处错误)") % {"m": message, "n": len(errors) - 1}
        super().__init__(message, field=field)
        self.errors = list(errors)

    def as_dict(self) -> dict:
        return {**super().as_dict(), "errors": [{"field": f, "message": m} for f, m in self.errors]}


_actor = actors.acting_user


def _label(user) -> str:
    return actors.acting_label(user, anonymous=actors.SYSTEM)


def _require_editor(user, organisation: Organisation) -> None:
    catalog_services.require_editor(user, organisation, centre_wide=True)


def _require_reviewer(user, bundle: Bundle) -> None:
    catalog_services.require_reviewer(user, bundle.lead_organisation)


# What the bundle pages offer (revise or edit the draft, submit, publish, return), each the services' own rule:
# who (the editor's and the reviewer's, above) and the state of the open draft.
BUNDLE_ACTIONS = ("edit", "submit", "publish", "return")


def refusal(user, bundle: Bundle, action: str, draft: BundleVersion | None = None) -> DomainError | None:
    """Why the user may not take `action` on the bundle now, or None; `draft`: its open draft (open_draft)."""
    try:
        if action in ("edit", "submit"):
            _require_editor(user, bundle.lead_organisation)
        else:
            _require_reviewer(user, bundle)
    except DomainError as refused:
        return refused
    if refused := _draft_refusal(action, draft):
        return refused
    return _self_publish_refusal(user, draft) if action == "publish" else None


def _draft_refusal(action: str, draft: BundleVersion | None) -> Conflict | None:
    """The open draft's part of each action (open_draft: a draft or a submitted version, or None), for the pages
    and, on the locked bundle, the services."""
    status = draft.status if draft is not None else None
    if action == "edit" and status == BundleVersion.Status.SUBMITTED:
        return Conflict(_("版本已提交审核,须退回后才能修改"), field="status")
    if action == "submit" and status != BundleVersion.Status.DRAFT:
        return Conflict(_("没有可提交的草稿"), field="status")
    if action == "return" and status != BundleVersion.Status.SUBMITTED:
        return Conflict(_("没有待审核的版本"), field="status")
    if action == "publish" and status != BundleVersion.Status.SUBMITTED:
        return Conflict(_("没有待发布的版本:草稿须先提交审核"), field="status")
    return None


def _self_publish_refusal(user, draft: BundleVersion) -> AccessDenied | None:
    """A manager does not publish what they submitted, unless ZHENGWU_CATALOG_SELF_PUBLISH allows it."""
    if draft.submitted_by_id is not None and getattr(user, "pk", None) == draft.submitted_by_id:
        if not catalog_selectors.self_publish_allowed():
            return AccessDenied(
                _("不能发布自己提交的版本:须由另一位中心管理人员审核发布"), code="joint.self_publish"
            )
    return None


def allowed_actions(user, bundle: Bundle, draft: BundleVersion | None = None) -> dict[str, bool]:
    return {action: refusal(user, bundle, action, draft) is None for action in BUNDLE_ACTIONS}


# ---- the spec ------------------------------------------------------------------------------------------------


def _organisation(value) -> Organisation:
    if isinstance(value, Organisation):
        return value
    org = None
    if isinstance(value, int) or (isinstance(value, str) and is_whole(value)):
        org = Organisation.objects.filter(pk=int(value)).first()
    elif isinstance(value, str) and value.strip():
        org = (
            Organisation.objects.filter(name=value.strip()).first()
            or Organisation.objects.filter(short_name=value.strip()).first()
        )
    if org is None:
        raise ValidationFailed(_("请选择牵头(主办)部门"), field="lead_organisation")
    return org


def _item(value, where: str) -> ServiceItem:
    item = (
        value
        if isinstance(value, ServiceItem)
        else ServiceItem.objects.filter(code=str(value or "").strip()).first()
    )
    if item is None:
        raise ValidationFailed(_("找不到编码为「%(c)s」的事项") % {"c": value}, field=where)
    if item.current_version_id is None or item.status != ServiceItem.Status.ACTIVE:
        raise ValidationFailed(
            _("事项「%(c)s」没有现行有效的版本,不能纳入一件事") % {"c": item.code}, field=where
        )
    return item


def parse(spec: dict) -> dict:
    """A spec in plain values → the checked values to store, or BundleInvalid with every problem."""
    if not isinstance(spec, dict):
        raise ValidationFailed(_("一件事内容应为对象"), field="spec")
    errors: rules.Errors = []
    name = str(spec.get("name") or "").strip()
    if not name:
        errors.append(("name", _("请填写一件事名称")))
    elif len(name) > 100:
        errors.append(("name", _("一件事名称最长100个字")))
    category = spec.get("category") or ""
    if category not in Category.values:
        errors.append(
            ("category", _("请选择类别:%(c)s") % {"c": "、".join(str(label) for label in Category.labels)})
        )
    try:
        lead = _organisation(spec.get("lead_organisation"))
    except ValidationFailed as err:  # said with the others, not alone
        lead = None
        errors.append((err.field, err.message))
    stages = [str(s).strip() for s in (spec.get("stages") or [])]
    if any(not s for s in stages):
        errors.append(("stages", _("阶段名称不能为空")))
    raw_members = spec.get("members") or []
    if not isinstance(raw_members, list):
        raise ValidationFailed(_("成员事项应为列表"), field="members")
    items: list[ServiceItem] = []
    members: list[dict] = []
    unreadable = False  # a member whose item or stage cannot be read: the shape is not checked without it
    for i, raw in enumerate(raw_members, start=1):
        if not isinstance(raw, dict):
            raise ValidationFailed(_("第%(i)d个成员事项格式不正确") % {"i": i}, field=f"members.{i}")
        try:
            item = _item(raw.get("item"), f"members.{i}.item")
        except ValidationFailed as err:
            errors.append((err.field, err.message))
            unreadable = True
            continue
        if item in items:
            errors.append(
                (f"members.{i}.item", _("事项「%(n)s」重复列入") % {"n": item.current_version.name})
            )
        try:
            stage = int(raw.get("stage") or 1)
        except (TypeError, ValueError):
            errors.append((f"members.{i}.stage", _("第%(i)d个成员事项的阶段应为数字") % {"i": i}))
            unreadable = True
            continue
        if stage < 1:
            errors.append((f"members.{i}.stage", _("阶段从1开始编号")))
            unreadable = True
            continue
        items.append(item)
        members.append(
            {"position": i, "item": item, "stage": stage, "needs_codes": list(raw.get("needs") or [])}
        )
    positions = {m["item"].code: m["position"] for m in members}
    for m in members:
        needs = []
        for code in m["needs_codes"]:
            if code not in positions:
                if unreadable:  # perhaps the member that could not be read: said once that one is fixed
                    continue
                errors.append(
                    (f"members.{m['position']}.needs", _("前置事项「%(c)s」不是本一件事的成员") % {"c": code})
                )
            else:
                needs.append(positions[code])
        m["needs"] = needs
    plan = [
        rules.Member(
            key=m["position"],
            stage=m["stage"],
            legal=m["item"].current_version.legal_limit,
            promised=m["item"].current_version.promised_limit,
            needs=m["needs"],
            name=m["item"].current_version.name,
        )
        for m in members
    ]
    if not unreadable:
        errors += rules.check_shape(plan, len(stages))
    if members and lead is not None and lead.pk not in {m["item"].organisation_id for m in members}:
        errors.append(("lead_organisation", _("牵头(主办)部门应当实施其中至少一个成员事项")))
    # too long is said with the others, not cut short without a word (the columns hold 200 and 500)
    extension_approval = _typed(spec, "extension_approval", _("延期批准"), 200, errors)
    change_reason = _typed(spec, "reason", _("调整理由"), 500, errors)
    if not errors:
        errors += rules.check_cap(plan, extension_approval=extension_approval)
    if errors:
        raise BundleInvalid(errors)
    if not stages:
        stages = [_("第%(n)d阶段") % {"n": n} for n in range(1, max(m["stage"] for m in members) + 1)]
    return {
        "name": name,
        "category": category,
        "description": str(spec.get("description") or "").strip(),
        "lead_organisation": lead,
        "stages": stages,
        "members": members,
        "extension_approval": extension_approval,
        "legal_limit": rules.joint_limit(plan),
        "promised_limit": rules.joint_limit(plan, promised=True),
        "change_reason": change_reason,
    }


def _typed(spec: dict, key: str, label, limit: int, errors: list) -> str:
    """The text typed at `key`, trimmed; longer than `limit`, its refusal joins `errors` (and "" is read)."""
    try:
        return inputs.text(spec.get(key), field=key, label=label, max_length=limit, required=False)
    except ValidationFailed as err:
        errors.append((err.field, err.message))
        return ""


def spec_of(version: BundleVersion) -> dict:
    """A version back in plain values (what `create_bundle`/`edit_bundle` take)."""
    members = list(version.members.select_related("item"))
    by_position = {m.position: m.item.code for m in members}
    return {
        "name": version.name,
        "category": version.category,
        "description": version.description,
        "lead_organisation": version.bundle.lead_organisation_id,
        "stages": list(version.stage_names),
        "extension_approval": version.extension_approval,
        "members": [
            {
                "item": m.item.code,
                "stage": m.stage,
                "needs": [by_position[n] for n in m.needs if n in by_position],
            }
            for m in members
        ],
    }


def _merge(version: BundleVersion) -> None:
    members = list(version.members.select_related("item__current_version", "item__organisation"))
    described = []
    for m in members:
        current = m.item.current_version
        described.append(
            {
                "key": m.position,
                "name": current.name,
                "organisation": m.item.organisation.name if m.item.organisation else "",
                "result_name": current.result_name,
                "needs": m.needs,
                "schema": case_forms.schema_of(current),
                # every material of the member's list, whoever issued it (a 居民身份证 issued by 公安 is still
                # brought by the applicant; a 营业执照 a prerequisite member issues is marked as obtained from it;
                # one the department obtains by data sharing, source 部门共享获取, is marked by_sharing)
                "materials": [
                    {
                        "position": mat.position,
                        "name": mat.name,
                        "required": mat.required,
                        "source": mat.source,
                    }
                    for mat in current.materials.all()
                ],
            }
        )
    version.merged_materials = rules.merged_materials(described)
    version.merged_form = rules.merged_form(described)


def materials_now(version: BundleVersion, *, joint=None) -> list[dict]:
    """The version's merged material list as the members' material lists say now (rules.sharing_now): for a joint
    case, the item versions its member cases are handled under; else the items' versions in force."""
    if joint is not None:
        versions = joint.members.values_list("position", "case__version_id")
    else:
        versions = version.members.values_list("position", "item__current_version_id")
    keys: dict[int, list[int]] = {}
    for key, version_id in versions:
        keys.setdefault(version_id, []).append(key)
    rows = Material.objects.filter(version_id__in=keys).values_list(
        "version_id", "position", "source", "medium"
    )
    sources, media = {}, {}
    for version_id, position, source, medium in rows:
        for key in keys[version_id]:
            sources[(key, position)], media[(key, position)] = source, medium
    return [
        {**entry, "paper_only": _paper_only(entry, media)}
        for entry in rules.sharing_now(version.merged_materials, sources)
    ]


def _paper_only(entry: dict, media: dict) -> bool:
    """Every member that uses the material takes it on paper only (载体 纸质): the applicant brings the original to
    the window, no file stands for it (as on a single item's application, cases.handling.at_window_only)."""
    found = [media.get((use["key"], use["position"])) for use in entry["members"]]
    return bool(found) and all(medium == Material.Medium.PAPER for medium in found)


def _store(version: BundleVersion, values: dict) -> None:
    version.name, version.category, version.description = (
        values["name"],
        values["category"],
        values["description"],
    )
    version.stage_names, version.extension_approval = values["stages"], values["extension_approval"]
    version.legal_limit, version.promised_limit = values["legal_limit"], values["promised_limit"]
    version.change_reason = values["change_reason"] or version.change_reason
    version.save()
    version.members.all().delete()
    BundleMember.objects.bulk_create(
        BundleMember(
            version=version, position=m["position"], stage=m["stage"], item=m["item"], needs=m["needs"]
        )
        for m in values["members"]
    )
    _merge(version)
    version.save(update_fields=["merged_materials", "merged_form"])


def _next_code() -> str:
    last = (
        Bundle.objects.filter(code__startswith="YJS").order_by("-code").values_list("code", flat=True).first()
    )
    number = int(last[3:]) + 1 if last and is_whole(last[3:]) else 1
    return f"YJS{number:04d}"


def create_bundle(*, spec: dict, user=None) -> BundleVersion:
    """A new bundle with its first draft (version 1)."""
    values = parse(spec)
    _require_editor(user, values["lead_organisation"])
    with transaction.atomic():
        code = str(spec.get("code") or "").strip() or _next_code()
        if Bundle.objects.filter(code=code).exists():
            raise Conflict(_("编码「%(c)s」已被使用") % {"c": code}, field="code")
        bundle = Bundle.objects.create(
            code=code, lead_organisation=values["lead_organisation"], created_at=clock.now()
        )
        version = BundleVersion(bundle=bundle, number=1, created_at=clock.now())
        _store(version, values)
        audit.record(
            "joint.bundle_create", version, actor=_actor(user), summary={"code": code, "name": version.name}
        )
    return version


def _locked(bundle: Bundle) -> Bundle:
    return Bundle.objects.select_for_update().get(pk=bundle.pk)


def open_draft(bundle: Bundle) -> BundleVersion | None:
    return (
        bundle.versions.filter(status__in=[BundleVersion.Status.DRAFT, BundleVersion.Status.SUBMITTED])
        .order_by("-number")
        .first()
    )


def edit_bundle(*, bundle: Bundle, spec: dict, user=None) -> BundleVersion:
    """Change the open draft, or open a new draft from the new spec (the version in force stays until published)."""
    values = parse(spec)
    _require_editor(user, bundle.lead_organisation)
    with transaction.atomic():
        bundle = _locked(bundle)
        draft = open_draft(bundle)
        if refused := _draft_refusal("edit", draft):
            raise refused
        if draft is None:
            number = (bundle.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
            draft = BundleVersion(bundle=bundle, number=number, created_at=clock.now())
        if values["lead_organisation"] != bundle.lead_organisation:
            bundle.lead_organisation = values["lead_organisation"]
            bundle.save(update_fields=["lead_organisation"])
        _store(draft, values)
        audit.record(
            "joint.bundle_edit",
            draft,
            actor=_actor(user),
            summary={"code": bundle.code, "version": draft.number},
        )
    return draft


def submit(*, bundle: Bundle, user=None) -> BundleVersion:
    _require_editor(user, bundle.lead_organisation)
    with transaction.atomic():
        bundle = _locked(bundle)
        draft = open_draft(bundle)
        if refused := _draft_refusal("submit", draft):
            raise refused
        parse(spec_of(draft))  # the members must still be in force and the limits within the cap
        draft.status, draft.submitted_at, draft.submitted_by = (
            BundleVersion.Status.SUBMITTED,
            clock.now(),
            _actor(user),
        )
        draft.review_note = ""
        draft.save(update_fields=["status", "submitted_at", "submitted_by", "review_note"])
        audit.record(
            "joint.bundle_submit",
            draft,
            actor=_actor(user),
            summary={"code": bundle.code, "version": draft.number},
        )
    return draft


def return_to_draft(*, bundle: Bundle, note: str, user=None) -> BundleVersion:
    _require_reviewer(user, bundle)
    if not (note or "").strip():
        raise ValidationFailed(_("退回时请写明需要修改的内容"), field="note")
    note = inputs.text(note, field="note", label=_("退回意见"), max_length=500)
    with transaction.atomic():
        bundle = _locked(bundle)
        draft = open_draft(bundle)
        if refused := _draft_refusal("return", draft):
            raise refused
        draft.status, draft.review_note = BundleVersion.Status.DRAFT, note
        draft.save(update_fields=["status", "review_note"])
        audit.record(
            "joint.bundle_return",
            draft,
            actor=_actor(user),
            summary={"code": bundle.code, "note": draft.review_note},
        )
    return draft


def publish(*, bundle: Bundle, reason: str = "", user=None) -> BundleVersion:
    """Publish the submitted draft: it becomes the version in force at once, the previous one is kept as history."""
    _require_reviewer(user, bundle)
    reason = inputs.text(reason, field="reason", label=_("调整理由"), max_length=500, required=False)
    with transaction.atomic():
        bundle = _locked(bundle)
        draft = open_draft(bundle)
        if refused := _draft_refusal("publish", draft):
            raise refused
        if refused := _self_publish_refusal(user, draft):
            raise refused
        values = parse(spec_of(draft))
        first = bundle.current_version_id is None
        reason = (reason or draft.change_reason or "").strip()
        if not reason:
            if not first:
                raise ValidationFailed(_("调整一件事须写明调整理由"), field="reason")
            reason = _("新增一件事")
        _store(draft, {**values, "change_reason": reason})  # the members' current versions, merged afresh
        if bundle.current_version_id:
            BundleVersion.objects.filter(pk=bundle.current_version_id).update(
                status=BundleVersion.Status.SUPERSEDED
            )
        draft.status, draft.published_at, draft.published_by = (
            BundleVersion.Status.PUBLISHED,
            clock.now(),
            _label(user),
        )
        draft.save(update_fields=["status", "published_at", "published_by"])
        bundle.current_version = draft
        bundle.save(update_fields=["current_version"])
        audit.record(
            "joint.bundle_publish",
            draft,
            actor=_actor(user),
            summary={
                "code": bundle.code,
                "version": draft.number,
                "reason": reason,
                "legal_limit": draft.legal_limit,
                "promised_limit": draft.promised_limit,
            },
        )
    return draft


def published(code: str) -> BundleVersion:
    bundle = Bundle.objects.filter(code=code).select_related("current_version").first()
    if bundle is None or bundle.current_version is None:
        raise NotFound(_("找不到该一件事"))
    return bundle.current_version
