"""Writes to the catalogue: one function per use case, one transaction each, each with its audit record.

`user=None` means the operator's own command (loader, import): trusted, recorded as "system" in the audit chain.
A published version row is never written again: every edit goes to a draft, and publishing a draft only moves
the item's `current_version` pointer.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zhengwu.catalog import rules, search, selectors, specs
from zhengwu.catalog.models import ChangeLogEntry, ItemVersion, ServiceItem
from zhengwu.core import access, actors, audit, clock, files, ids
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.models import Organisation, Role, Window

EDITOR_ROLES = (Role.APPROVER, Role.DEPARTMENT_HEAD, Role.CENTRE_MANAGER)


class ItemInvalid(ValidationFailed):
    """An item spec broke one or more rules; `errors` lists every (field, message), the first is the headline."""

    code = "item_invalid"

    def __init__(self, errors: rules.Errors):
        field, message = errors[0]
        if len(errors) > 1:
            message = _("%(m)s(另有%(n)d处错误)") % {"m": message, "n": len(errors) - 1}
        super().__init__(message, field=field)
        self.errors = list(errors)

    def as_dict(self) -> dict:
        return {**super().as_dict(), "errors": [{"field": f, "message": m} for f, m in self.errors]}


# ---- permissions: the catalogue's review (items here, bundles of items in joint.bundles), one rule for both ------


def require_editor(user, organisation: Organisation | None, *, centre_wide: bool = False) -> None:
    """Who drafts and submits a catalogue entry: an approver, department head or centre manager of its organisation;
    an entry of no organisation, a centre manager. `centre_wide`: an entry that spans organisations (a bundle), which
    a centre manager of its lead organisation's region edits whichever department leads it. `user` None: the
    platform itself (a command, the demo)."""
    if user is None:
        return
    if centre_wide and access.has_role(user, Role.CENTRE_MANAGER):
        if organisation is not None:
            access.require_organisation(
                user, organisation
            )  # their region's (a manager's scope is the region)
        return
    if organisation is None:
        access.require_role(user, Role.CENTRE_MANAGER)
        return
    access.require_role(user, *EDITOR_ROLES)
    access.require_organisation(user, organisation)


def require_reviewer(user, organisation: Organisation | None = None) -> None:
    """Who returns or publishes a catalogue entry: a centre manager — of the entry's organisation (for a bundle,
    which spans organisations, its lead organisation: a manager's scope is their region), where it has one."""
    if user is None:
        return
    access.require_role(user, Role.CENTRE_MANAGER)
    if organisation is not None:
        access.require_organisation(user, organisation)


_actor = actors.acting_user


# Who published, as the version history shows it: the staff member's name; a command's `actors.SYSTEM`.
_label = functools.partial(actors.acting_label, anonymous=actors.SYSTEM)


# ---- checks --------------------------------------------------------------------------------------------------


def _codes(spec: dict, organisation: Organisation | None) -> tuple[str, rules.Errors]:
    errors: rules.Errors = []
    if organisation is None:
        return spec["basic_code"], errors
    checked = ids.check_uscc(organisation.uscc)
    if not checked.valid:
        errors.append(
            (
                "organisation",
                _("实施机构「%(o)s」的统一社会信用代码无效:%(r)s,无法生成实施编码")
                % {"o": organisation.name, "r": checked.reason},
            )
        )
    return rules.implementation_code(organisation.uscc, spec["basic_code"]), errors


def _check(
    spec: dict,
    *,
    item: ServiceItem | None = None,
    basic: dict | None = None,
    organisation: Organisation | None = None,
) -> None:
    errors = _problems(spec, item=item, basic=basic, organisation=organisation)
    if errors:
        raise ItemInvalid(errors)


def check_draft(
    *, spec: dict, item: ServiceItem | None = None, organisation: Organisation | None = None
) -> rules.Errors:
    """Every error that saving this spec as the item's draft (or as a new item) would meet; nothing is written.
    For pages that check a form as it is filled in."""
    spec = specs.complete(spec)
    if item is not None:
        return _problems(spec, item=item, basic=_basic_spec_of(item.basic_item))
    basic_item = None
    if organisation is not None and spec["basic_code"]:
        basic_item = ServiceItem.objects.filter(code=spec["basic_code"], organisation=None).first()
    return _problems(spec, basic=_basic_spec_of(basic_item), organisation=organisation)


def window_problems(spec: dict, organisation: Organisation | None) -> rules.Errors:
    """What is wrong with the windows (办理窗口) a spec names for an item of this organisation (see
    rules.check_windows for the rule); the facts of each window are read here, the judgement is the rule's."""
    refs = spec.get("windows")
    if not refs:
        return []
    found = specs.find_windows(refs if isinstance(refs, list | tuple) else [])
    facts = {
        key: [
            rules.WindowFacts(
                label=f"{rules.window_label({'centre': w.centre.name, 'number': w.number})}({w.name})",
                general=w.kind == Window.Kind.GENERAL,
                active=w.is_active,
                in_scope=organisation is not None
                and access.region_covers(organisation.region, w.centre.region),
                serves=organisation is not None
                and any(o.pk == organisation.pk for o in w.organisations.all()),
                served=tuple(o.name for o in w.organisations.all()),
            )
            for w in windows
        ]
        for key, windows in found.items()
    }
    return rules.check_windows(refs, facts, organisation.name if organisation is not None else None)


def _problems(
    spec: dict,
    *,
    item: ServiceItem | None = None,
    basic: dict | None = None,
    organisation: Organisation | None = None,
) -> rules.Errors:
    errors = rules.check_item(spec) + specs.length_problems(spec)
    errors += window_problems(spec, item.organisation if item is not None else organisation)
    if item is not None:
        if spec["type"] != item.item_type:
            errors.append(
                (
                    "type",
                    _("事项类型不能修改(事项编码已按「%(t)s」生成)")
                    % {"t": rules.ITEM_TYPES[item.item_type]},
                )
            )
        if spec["basic_code"] != item.basic_code:
            errors.append(("basic_code", _("基本编码不能修改;编码变化的事项请取消后新增")))
    if basic is not None:
        errors += rules.loosenings(basic, spec)
    return errors


def next_local_basic_code(item_type: str) -> str:
    """The next free basic code for a locally added item of this type (main numbers from 90000)."""
    prefix_from = rules.local_basic_code(item_type, rules.LOCAL_MAIN_FROM)
    prefix_to = rules.local_basic_code(item_type, 99999, 999)
    last = ServiceItem.objects.filter(basic_code__gte=prefix_from, basic_code__lte=prefix_to).aggregate(
        m=Max("basic_code")
    )["m"]
    main = int(last[2:7]) + 1 if last else rules.LOCAL_MAIN_FROM + 1
    return rules.local_basic_code(item_type, main)


# ---- use cases -----------------------------------------------------------------------------------------------


def create_item(*, spec: dict, organisation: Organisation | None = None, user=None) -> ItemVersion:
    """A new item and its first draft. No organisation: a basic item. A basic code naming a published basic item
    links the implementation to it, and the draft may only tighten it. Without a basic code, a local code is given."""
    require_editor(user, organisation)
    spec = specs.complete(spec)
    with transaction.atomic():
        if not spec["basic_code"] and spec["type"] in rules.ITEM_TYPES:
            spec["basic_code"] = next_local_basic_code(spec["type"])
        if organisation is None and not spec["basic_code"]:
            raise ItemInvalid([("basic_code", _("基本目录事项必须填写基本编码"))])
        code, code_errors = _codes(spec, organisation)
        if code_errors:
            raise ItemInvalid(code_errors)
        basic_item = None
        if organisation is not None:
            basic_item = ServiceItem.objects.filter(code=spec["basic_code"], organisation=None).first()
        _check(spec, basic=_basic_spec_of(basic_item), organisation=organisation)
        existing = ServiceItem.objects.filter(code=code).first()
        if existing is not None:
            raise Conflict(
                _("事项编码%(c)s已被使用(事项「%(n)s」)") % {"c": code, "n": _name(existing)},
                field="basic_code",
                code="duplicate_code",
            )
        item = ServiceItem.objects.create(
            code=code,
            basic_code=spec["basic_code"],
            item_type=spec["type"],
            organisation=organisation,
            basic_item=basic_item,
            created_at=clock.now(),
        )
        version = ItemVersion(item=item, number=1, created_at=clock.now())
        specs.apply(version, spec)
        audit.record(
            "catalog.create_item", item, actor=_actor(user), summary={"code": code, "name": spec["name"]}
        )
    return version


def _basic_spec_of(basic_item: ServiceItem | None) -> dict | None:
    if basic_item is None or basic_item.current_version is None:
        return None
    return specs.from_version(basic_item.current_version)


def _name(item: ServiceItem) -> str:
    version = item.current_version or item.versions.order_by("-number").first()
    return version.name if version else item.code


def implement_basic_item(
    *, basic_item: ServiceItem, organisation: Organisation, changes: dict | None = None, user=None
) -> ItemVersion:
    """An organisation's implementation of a published basic item: its elements inherited, `changes` on top."""
    if basic_item.organisation_id is not None or basic_item.current_version is None:
        raise ValidationFailed(_("只能实施已发布的基本目录事项"), field="basic_item")
    spec = {**specs.from_version(basic_item.current_version), **(changes or {})}
    spec["basic_code"], spec["type"] = basic_item.basic_code, basic_item.item_type
    return create_item(spec=spec, organisation=organisation, user=user)


def _open_draft(item: ServiceItem) -> ItemVersion | None:
    return item.versions.filter(status__in=[ItemVersion.Status.DRAFT, ItemVersion.Status.SUBMITTED]).first()


def _locked(item: ServiceItem) -> ServiceItem:
    return (
        ServiceItem.objects.select_for_update(of=("self",))
        .select_related("organisation", "current_version")
        .get(pk=item.pk)
    )


def edit_item(*, item: ServiceItem, spec: dict, reason: str = "", user=None) -> ItemVersion:
    """Change what an item says. The open draft is updated; if there is none, a new draft is made (the published
    version stays as it is). A submitted draft must be returned before it can be edited."""
    require_editor(user, item.organisation)
    spec = specs.complete(spec)
    with transaction.atomic():
        item = _locked(item)
        if item.status == ServiceItem.Status.CANCELLED:
            raise cancelled_refusal(item)
        _check(spec, item=item, basic=_basic_spec_of(item.basic_item))
        draft = _open_draft(item)
        if refused := draft_refusal("edit", draft):
            raise refused
        if draft is None:
            number = (item.versions.aggregate(m=Max("number"))["m"] or 0) + 1
            draft = ItemVersion(item=item, number=number, created_at=clock.now())
            if item.current_version is not None:
                draft.result_sample = item.current_version.result_sample.name
        draft.change_reason = reason or draft.change_reason
        specs.apply(draft, spec)
        audit.record(
            "catalog.edit_item",
            draft,
            actor=_actor(user),
            summary={"code": item.code, "version": draft.number, "reason": reason},
        )
    return draft


def update_version(*, version: ItemVersion, spec: dict, user=None) -> ItemVersion:
    """Change one draft version in place; any other version (submitted, published) is refused."""
    if version.status != ItemVersion.Status.DRAFT:
        raise Conflict(
            _("第%(n)d版状态为「%(s)s」,只能修改草稿;修改已发布事项请新建草稿")
            % {"n": version.number, "s": version.get_status_display()},
            field="status",
        )
    return edit_item(item=version.item, spec=spec, user=user)


def submit(*, item: ServiceItem, user=None) -> ItemVersion:
    """Send the item's draft to the centre manager for review; whoever submits it may not also publish it."""
    require_editor(user, item.organisation)
    with transaction.atomic():
        item = _locked(item)
        draft = _open_draft(item)
        if refused := draft_refusal("submit", draft):
            raise refused
        spec = specs.from_version(draft)
        _check(spec, item=item, basic=_basic_spec_of(item.basic_item))
        if refused := _unchanged_refusal(item, draft, spec):
            raise refused
        draft.status, draft.submitted_at, draft.review_note = ItemVersion.Status.SUBMITTED, clock.now(), ""
        draft.submitted_by = _actor(user)
        draft.save(update_fields=["status", "submitted_at", "submitted_by", "review_note"])
        audit.record(
            "catalog.submit", draft, actor=_actor(user), summary={"code": item.code, "version": draft.number}
        )
    return draft


def _unchanged_refusal(item: ServiceItem, draft: ItemVersion, spec: dict) -> Conflict | None:
    """A draft that changes nothing in the latest published version has nothing to review: a stranger submitted an
    untouched draft and it went to review as version 2."""
    latest = (
        item.versions.filter(status=ItemVersion.Status.PUBLISHED)
        .exclude(pk=draft.pk)
        .order_by("-number")
        .first()
    )
    if latest is not None and specs.complete(specs.from_version(latest)) == specs.complete(spec):
        return Conflict(
            _("草稿与已发布的第%(n)d版相同,没有需要审核的修改:请先修改再提交") % {"n": latest.number},
            field="status",
        )
    return None


def return_to_draft(*, item: ServiceItem, note: str, user=None) -> ItemVersion:
    """The centre manager sends a submitted draft back with a note saying what to fix."""
    require_reviewer(user, item.organisation)
    if not (note or "").strip():
        raise ValidationFailed(_("退回时请写明需要修改的内容"), field="note")
    with transaction.atomic():
        item = _locked(item)
        draft = _open_draft(item)
        if refused := draft_refusal("return", draft):
            raise refused
        draft.status, draft.review_note = ItemVersion.Status.DRAFT, note.strip()
        draft.save(update_fields=["status", "review_note"])
        audit.record(
            "catalog.return",
            draft,
            actor=_actor(user),
            summary={"code": item.code, "note": draft.review_note},
        )
    return draft


def publish(
    *, item: ServiceItem, effective_on: dt.date | None = None, reason: str = "", user=None
) -> ItemVersion:
    """The centre manager publishes the submitted draft with its effective date. From that date it is the current
    version (today's date: at once; a later date: `activate_due_versions`, run by `zhengwu scheduled`, switches it);
    the change log announces it now. An adjustment must give its reason. The manager who submitted the draft may
    not publish it, unless ZHENGWU_CATALOG_SELF_PUBLISH allows it, and then the version and its audit say so."""
    require_reviewer(user, item.organisation)
    with transaction.atomic():
        item = _locked(item)
        if item.status == ServiceItem.Status.CANCELLED:
            raise cancelled_refusal(item)
        draft = _open_draft(item)
        if refused := draft_refusal("publish", draft):
            raise refused
        self_published = selectors.submitted_by(user, draft)
        if refused := selectors.self_publish_refusal(user, draft):
            raise refused
        _check(specs.from_version(draft), item=item, basic=_basic_spec_of(item.basic_item))
        first = (
            item.current_version_id is None
            and not item.versions.filter(status=ItemVersion.Status.PUBLISHED).exists()
        )
        reason = (reason or draft.change_reason or "").strip()
        if not reason:
            if not first:
                raise ValidationFailed(_("调整事项须写明调整理由"), field="reason")
            reason = _("新增事项")
        today = clock.today()
        effective_on = _effective_on(effective_on, today)
        draft.status, draft.effective_on, draft.change_reason = (
            ItemVersion.Status.PUBLISHED,
            effective_on,
            reason,
        )
        draft.published_at, draft.published_by = clock.now(), _label(user)
        draft.self_published = self_published
        draft.save(
            update_fields=[
                "status",
                "effective_on",
                "change_reason",
                "published_at",
                "published_by",
                "self_published",
            ]
        )
        if effective_on <= today:
            _make_current(item, draft)
        ChangeLogEntry.objects.create(
            item=item,
            version=draft,
            kind=ChangeLogEntry.Kind.ADDED if first else ChangeLogEntry.Kind.ADJUSTED,
            effective_on=effective_on,
            reason=reason,
            item_name=draft.name,
            recorded_at=clock.now(),
        )
        audit.record(
            "catalog.publish",
            draft,
            actor=_actor(user),
            summary={
                "code": item.code,
                "version": draft.number,
                "effective_on": effective_on,
                "reason": reason,
                "in_force": effective_on <= today,
                **({"separation": selectors.SELF_PUBLISH_NOTE} if self_published else {}),
            },
        )
    return draft


def _make_current(item: ServiceItem, version: ItemVersion) -> None:
    item.current_version, item.status = version, ServiceItem.Status.ACTIVE
    item.save(update_fields=["current_version", "status"])
    search.refresh(item)


def activate_due_versions(*, today: dt.date | None = None) -> list[ItemVersion]:
    """Versions published with a later effective date become current on that date (idempotent; run daily)."""
    today = today or clock.today()
    activated = []
    due = (
        ItemVersion.objects.filter(status=ItemVersion.Status.PUBLISHED, effective_on__lte=today)
        .exclude(item__status=ServiceItem.Status.CANCELLED)
        .values_list("item_id", flat=True)
        .distinct()
    )
    for item_id in due:
        with transaction.atomic():
            item = _locked(ServiceItem(pk=item_id))
            latest = (
                item.versions.filter(status=ItemVersion.Status.PUBLISHED, effective_on__lte=today)
                .order_by("-number")
                .first()
            )
            if latest is None or latest.pk == item.current_version_id:
                continue
            _make_current(item, latest)
            audit.record(
                "catalog.version_in_force",
                latest,
                summary={"code": item.code, "version": latest.number, "effective_on": latest.effective_on},
            )
            activated.append(latest)
    return activated


def draft_refusal(action: str, draft: ItemVersion | None) -> Conflict | None:
    """The open version's part of 修改, 提交审核, 退回 and 发布 (a draft or a submitted version, or None), for the
    services on the locked item and for the item page (catalog.permissions)."""
    status = draft.status if draft is not None else None
    if action == "edit" and status == ItemVersion.Status.SUBMITTED:
        return Conflict(_("第%(n)d版已提交审核,请先退回再修改") % {"n": draft.number}, field="status")
    if action == "submit" and status != ItemVersion.Status.DRAFT:
        return Conflict(_("没有可提交的草稿"), field="status")
    if action == "return" and status != ItemVersion.Status.SUBMITTED:
        return Conflict(_("没有待审核的版本"), field="status")
    if action == "publish" and status != ItemVersion.Status.SUBMITTED:
        return Conflict(_("没有待发布的版本:草稿须先提交审核"), field="status")
    return None


def _effective_on(effective_on: dt.date | None, today: dt.date) -> dt.date:
    """A change's effective date (today when none is given), refused at its field when it is before today."""
    effective_on = effective_on or today
    if problem := rules.effective_date_problem(effective_on, today):
        raise ValidationFailed(problem, field="effective_on")
    return effective_on


def cancelled_refusal(item: ServiceItem) -> Conflict:
    """The refusal of any change to a cancelled item, naming its 取消 (still pending, or in force since when)."""
    entry = selectors.cancellation(item)
    if entry is None:
        return Conflict(_("事项已取消"), field="item")
    values = {"d": entry.effective_on.isoformat(), "r": entry.reason}
    if entry.effective_on > clock.today():
        return Conflict(_("事项已记录取消(%(d)s 起生效,理由:%(r)s),不能再作其他变更") % values, field="item")
    return Conflict(_("事项已于 %(d)s 取消(理由:%(r)s)") % values, field="item")


def in_force_refusal(item: ServiceItem) -> Conflict | None:
    """取消, 下放 and 收回 are of an item in force: published, not cancelled."""
    if item.status == ServiceItem.Status.CANCELLED:
        return cancelled_refusal(item)
    if item.current_version_id is None:
        return Conflict(_("事项尚未发布"), field="item")
    return None


def transfer_refusal(item: ServiceItem) -> Conflict | None:
    """下放 and 收回 are of an item in force with no 下放 or 收回 pending (catalog.rules.pending_transfer_problem)."""
    if refused := in_force_refusal(item):
        return refused
    if problem := rules.pending_transfer_problem(selectors.transfers(item), clock.today()):
        return Conflict(problem, field="kind")
    return None


def cancel_item(
    *, item: ServiceItem, reason: str, effective_on: dt.date | None = None, user=None
) -> ChangeLogEntry:
    """Cancel an item (取消): it leaves the public catalogue; its versions stay for the cases that used them."""
    require_reviewer(user, item.organisation)
    if not (reason or "").strip():
        raise ValidationFailed(_("取消事项须写明理由"), field="reason")
    with transaction.atomic():
        item = _locked(item)
        if refused := in_force_refusal(item):
            raise refused
        effective_on = _effective_on(effective_on, clock.today())
        item.status = ServiceItem.Status.CANCELLED
        item.save(update_fields=["status"])
        item.versions.filter(status__in=[ItemVersion.Status.DRAFT, ItemVersion.Status.SUBMITTED]).delete()
        entry = ChangeLogEntry.objects.create(
            item=item,
            version=item.current_version,
            kind=ChangeLogEntry.Kind.CANCELLED,
            effective_on=effective_on,
            reason=reason.strip(),
            item_name=_name(item),
            recorded_at=clock.now(),
        )
        search.refresh(item)
        audit.record(
            "catalog.cancel", item, actor=_actor(user), summary={"code": item.code, "reason": entry.reason}
        )
    return entry


def record_transfer(
    *,
    item: ServiceItem,
    kind: str,
    counterpart: Organisation,
    reason: str,
    effective_on: dt.date | None = None,
    user=None,
) -> ChangeLogEntry:
    """Log that an item's power was delegated to a lower level (下放) or taken back (收回), and to/from whom: a 下放
    to an organisation that may implement items (rules.delegation_problem), a 收回 from one it is delegated to, and
    neither while another is pending (rules.transfer_problem, rules.pending_transfer_problem)."""
    if kind not in (ChangeLogEntry.Kind.DELEGATED, ChangeLogEntry.Kind.TAKEN_BACK):
        raise ValidationFailed(_("变更类型应为下放或收回"), field="kind")
    require_reviewer(user, item.organisation)
    if not (reason or "").strip():
        raise ValidationFailed(_("下放或收回须写明理由"), field="reason")
    with transaction.atomic():
        item = _locked(item)
        if refused := transfer_refusal(item):
            raise refused
        effective_on = _effective_on(effective_on, clock.today())
        if kind == ChangeLogEntry.Kind.DELEGATED and (
            problem := rules.delegation_problem(selectors.recipient(item, counterpart))
        ):
            raise ValidationFailed(problem, field="counterpart")
        if problem := rules.transfer_problem(
            selectors.transfers(item), kind, counterpart.pk, counterpart.name
        ):
            raise ValidationFailed(problem, field="counterpart")
        entry = ChangeLogEntry.objects.create(
            item=item,
            version=item.current_version,
            kind=kind,
            counterpart=counterpart,
            effective_on=effective_on,
            reason=reason.strip(),
            item_name=_name(item),
            recorded_at=clock.now(),
        )
        audit.record(
            f"catalog.{kind}",
            item,
            actor=_actor(user),
            summary={"code": item.code, "counterpart": counterpart.name, "reason": entry.reason},
        )
    return entry


def attach_file(*, version: ItemVersion, field: str, upload, material: int | None = None, user=None) -> None:
    """Attach a file to a draft: `result_sample`, or a material's (1-based position) `blank_form` or `sample`."""
    require_editor(user, version.item.organisation)
    if version.status != ItemVersion.Status.DRAFT:
        raise Conflict(_("只能给草稿添加附件"), field="status")
    with transaction.atomic():
        if field == "result_sample":
            target = version
        elif field in ("blank_form", "sample"):
            target = version.materials.filter(position=material).first()
            if target is None:
                raise ValidationFailed(_("第%(n)s项材料不存在") % {"n": material}, field="material")
        else:
            raise ValidationFailed(_("附件类型应为 result_sample、blank_form 或 sample"), field="field")
        check_attachment(upload)
        getattr(target, field).save(upload.name, upload, save=True)
        audit.record(
            "catalog.attach_file",
            version,
            actor=_actor(user),
            summary={"field": field, "material": material, "name": getattr(target, field).name},
        )


ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def check_attachment(upload, *, field: str = "file") -> str:
    """An attachment's real type read from its content (never its name) and opened as that type: PDF, Word, Excel,
    OFD, JPEG or PNG, at most 10 MB. Returns the type's label, or raises ValidationFailed at `field`."""
    _data, kind = files.check(upload, accept=files.DOCUMENTS, max_bytes=ATTACHMENT_MAX_BYTES, field=field)
    return files.KINDS[kind].label
