"""Application and receipt: a draft (save_draft), the submitted application with its number and query code
(submit_case), the uploaded materials (check_upload, upload_material) and what is still missing
(missing_materials). Behind cases/services.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, IntegerField
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from zhengwu.cases import (
    extensions,
    forms,
    permissions,
    selectors,
    workflow,
)
from zhengwu.cases.applicants import register_applicant, register_verified
from zhengwu.cases.models import (
    POWER_OF_ATTORNEY,
    POWER_OF_ATTORNEY_NAME,
    Applicant,
    Case,
    CaseMaterial,
    Channel,
)
from zhengwu.cases.records import (
    _actor,
    _locked,
    _new_case_facts,
    _record,
    _staff_side,
    _text,
    _updates_caller,
    _with_one_calendar,
)
from zhengwu.catalog import selectors as catalog_selectors
from zhengwu.catalog.models import ItemVersion, ServiceItem
from zhengwu.core import access, audit, clock, files, ids, numbering
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import Role, Window
from zhengwu.core.prepared import Prepared

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _published_version(item: ServiceItem) -> ItemVersion:
    if item.status != ServiceItem.Status.ACTIVE or item.current_version_id is None:
        raise ValidationFailed(_("事项 %(code)s 未发布或已取消,不能申请") % {"code": item.code}, field="item")
    if item.organisation_id is None:
        raise ValidationFailed(_("基本目录事项不能直接申请,请选择实施机构的事项"), field="item")
    if ServiceItem.current_version.is_cached(item):  # read with the item (catalog.selectors.item_by_code)
        version = item.current_version
        version.item = item
        return version
    return ItemVersion.objects.select_related("item").get(pk=item.current_version_id)


def _agent(agent: dict | None) -> dict:
    if not agent:
        return {"agent_name": "", "agent_id_number": "", "agent_phone": ""}
    name = _text(agent.get("name"), field="agent.name", label=_("代办人姓名"), max_length=40)
    checked = ids.check_resident_id(agent.get("id_number"))
    if not checked.valid:
        raise ValidationFailed(
            _("代办人居民身份证号码无效:%(reason)s") % {"reason": checked.reason}, field="agent.id_number"
        )
    phone = _text(
        agent.get("phone"), field="agent.phone", label=_("代办人电话"), max_length=20, required=False
    )
    return {"agent_name": name, "agent_id_number": checked.value, "agent_phone": phone}


def _check_submitter(*, by, applicant: Applicant, channel: str, agent: dict, window: Window | None) -> None:
    if by is None:
        return
    if channel == Channel.COUNTER:
        access.require_role(by, Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD)
        return
    if channel != Channel.ONLINE:
        raise ValidationFailed(_("收件渠道应为 online 或 counter"), field="channel")
    if not _actor(by):
        raise AccessDenied(_("请先登录后再申请"))
    if access.staff_of(by) is not None:
        raise ValidationFailed(_("工作人员代为收件请使用窗口收件(channel=counter)"), field="channel")
    if applicant.user_id != by.pk and not agent["agent_name"]:
        raise ValidationFailed(_("为他人申请时须登记代办人信息"), field="agent")


def _next_number(case: Case, at: dt.datetime) -> str:
    """Region code, year, sequence: 360681-2026-000123 (read aloud digit group by digit group)."""
    prefix = f"{case.organisation.region.code}-{clock.local_date(at).year}"
    if connection.vendor == "postgresql":  # a sequence per prefix: no row held locked to commit (issue 20)
        with connection.cursor() as cursor:
            cursor.execute("SELECT zw_case_number(%s)", [prefix])
            return f"{prefix}-{cursor.fetchone()[0]:06d}"
    return numbering.next_number(prefix, sep="-", width=6)


def _query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _i in range(6))


def _limits(version: ItemVersion) -> dict:
    return {
        "legal": version.legal_limit,
        "promised": version.promised_limit,
        "extension": version.extension_days,
        "instant": version.instant,
    }


@_with_one_calendar
def save_draft_for(
    *,
    item: ServiceItem,
    applicant: Applicant,
    principal: dict | None,
    by,
    form: dict | None = None,
    agent: dict | None = None,
    draft: Case | None = None,
) -> Case:
    """save_draft for the account holder (`applicant`) or, when they apply as agent, for the `principal` they name
    (register_applicant's details): the principal registered and real-name checked as at the counter, only with the
    draft made for them (one transaction). The draft's applicant is whom it is for."""
    with transaction.atomic():
        if principal is not None:
            applicant = register_verified(**principal, by=by)
        return save_draft(item=item, applicant=applicant, by=by, form=form, agent=agent, draft=draft)


def save_draft(
    *,
    item: ServiceItem,
    applicant: Applicant | dict,
    by,
    form: dict | None = None,
    agent: dict | None = None,
    draft: Case | None = None,
) -> Case:
    """Save an online application unfinished (the form need not be complete yet); returns the draft."""
    version = _published_version(item)
    agent_fields = _agent(agent)
    _check_submitter(by=by, applicant=applicant, channel=Channel.ONLINE, agent=agent_fields, window=None)
    schema = {**forms.schema_of(version), "required": []}
    clean = forms.validate(schema, form)
    with transaction.atomic():
        if draft is not None:
            case = _locked(draft)
            if case.created_by_id != getattr(by, "pk", None):
                raise AccessDenied(_("只能修改自己的草稿"))
            case.applicant = applicant  # an agent may correct whom the draft is for before submitting
        else:
            case = Case(
                item=item,
                version=version,
                organisation=item.organisation,
                applicant=applicant,
                channel=Channel.ONLINE,
                created_by=_actor(by),
                created_at=clock.now(),
            )
        case.form = clean
        for name, value in agent_fields.items():
            setattr(case, name, value)
        case.save()
        _record(case, "save_draft", by=by)
    return case


@_with_one_calendar
def submit_case(
    *,
    item: ServiceItem,
    applicant: Applicant,
    by,
    form: dict | None = None,
    agent: dict | None = None,
    channel: str = Channel.ONLINE,
    window: Window | None = None,
    idempotency_key: str = "",
    draft: Case | None = None,
    at: dt.datetime | None = None,
    paper: list[int] | tuple = (),
    prefer: str = "",
) -> Case:
    """Submit an application (online, or registered at the window by a clerk): the case gets its number and query
    code and the 5 working days for the intake decision start. A retried submit with the same idempotency key
    returns the case already made. `applicant`: the Applicant, or register_applicant's details (without `by`),
    registered in the submit's transaction. `paper`: at the counter, the positions of the materials the applicant
    handed over on paper (recorded with the submit; acceptance's paper checklist takes over from it). `prefer`: the
    record the applicant came to use (the licence a renewal link names), for extensions.application_checks."""
    key = (idempotency_key or "").strip()
    if len(key) > 80:
        raise ValidationFailed(_("幂等键最长 80 个字符"), field="idempotency_key")
    if paper and channel != Channel.COUNTER:
        raise ValidationFailed(_("纸质材料只能在窗口收件时由工作人员登记;网上申请请上传材料"), field="paper")
    if key and not _none_under_key(item, key):
        existing = _by_key(key, by)
        if existing is not None:
            return existing
    version = _published_version(item) if draft is None else draft.version
    agent_fields = _agent(agent)
    registration = applicant if isinstance(applicant, dict) else None
    if registration is None:
        _check_submitter(by=by, applicant=applicant, channel=channel, agent=agent_fields, window=window)
    if channel == Channel.ONLINE and agent_fields["agent_name"]:
        _require_power_of_attorney(draft)
    clean = forms.validate(
        forms.schema_of(version), form if form is not None else (draft.form if draft else None)
    )
    at = at or clock.now()
    try:
        # one transaction, its audit records (the applicant's and the case's) written with one INSERT
        with transaction.atomic(), audit.together():
            if registration is not None:
                # the applicant's details registered with the case, in its transaction (issue 20)
                applicant = register_applicant(**registration, by=by, in_callers_transaction=True)
                _check_submitter(
                    by=by, applicant=applicant, channel=channel, agent=agent_fields, window=window
                )
            if draft is not None:
                case = _locked(draft)
                if by is not None and case.created_by_id != getattr(by, "pk", None):
                    raise AccessDenied(_("只能提交自己的草稿"))
                case.applicant = applicant
            else:
                case = Case(
                    item=item,
                    version=version,
                    organisation=item.organisation,
                    applicant=applicant,
                    channel=channel,
                    window=window,
                    created_by=_actor(by),
                    created_at=at,
                )
            case.form = clean
            for name, value in agent_fields.items():
                setattr(case, name, value)
            if (refused := extensions.application_refusal(case, prefer=prefer)) is not None:
                raise refused  # e.g. a change (变更) or renewal (延续) of a licence whose validity has ended (licences)
            paper = paper_positions(
                case, paper
            )  # of the item (or the agent's power of attorney), before a number
            case.idempotency_key = key
            case.number = _next_number(case, at)
            case.query_code = _query_code()
            case.received_at = at
            if case.pk is None:
                _new_case_facts(case)  # _record inserts it, with the copies from its first event
            else:
                case.save()
            _record(
                case,
                "submit",
                by=by,
                at=at,
                data={
                    "received_on": clock.local_date(at),
                    "limits": _limits(version),
                    "channel": channel,
                    **({"paper": paper} if paper else {}),
                },
            )
    except IntegrityError:
        existing = _by_key(key, by) if key else None
        if existing is None:
            raise
        return existing
    return case


def paper_positions(case: Case, paper) -> list[int]:
    """The materials ticked on the window's paper checklist (at the counter's 收件, at acceptance, with a supplement),
    each one of the case's (the item's, or the power of attorney of an agent's application); ValidationFailed naming
    one that is not (a forged 99 was recorded)."""
    positions = {int(p) for p in paper}
    own = selectors.own_power_of_attorney(case.version) if case.agent_name else None
    if (
        own is not None and POWER_OF_ATTORNEY in positions
    ):  # the item's own 委托书 material is the power of attorney
        positions = (positions - {POWER_OF_ATTORNEY}) | {own.position}
    positions = sorted(positions)
    if not positions:
        return positions
    known = {m.position for m in catalog_selectors.published_materials(case.version)}
    known |= {POWER_OF_ATTORNEY} if case.agent_name else set()
    for position in positions:
        if position == POWER_OF_ATTORNEY and not case.agent_name:
            raise ValidationFailed(
                _("没有填写代办人,无需勾选授权委托书;由代办人办理的,请填写代办人信息"), field="paper"
            )
        if position not in known:
            raise ValidationFailed(
                _("纸质材料收件清单中没有第 %(position)s 项材料,请刷新页面后重新勾选")
                % {"position": position},
                field="paper",
            )
    return positions


def _require_power_of_attorney(draft: Case | None) -> None:
    """An online application by an agent goes in with the principal's power of attorney (授权委托书) uploaded to
    its draft (material 0, or the item's own 委托书 material where it lists one), checked by content like every
    upload."""
    if (
        draft is None
        or not draft.materials.filter(
            position__in=selectors.power_of_attorney_positions(draft.version)
        ).exists()
    ):
        raise ValidationFailed(
            _("代他人申请须上传申请人签署的授权委托书(PDF、JPEG、PNG 或 OFD)"),
            code="agent.power_of_attorney_missing",
            field="power_of_attorney",
        )


# asked by every submit that carries an idempotency key: compiled once per connection (core.prepared). The key's
# unique index is partial (keys that are not empty), and PostgreSQL plans a prepared statement once for any value
# after five calls: unless the SQL itself says the key is not empty, that plan cannot use the index and reads every
# case (50 ms at 10^5 cases; submit's p50 doubled from 10^4 to 10^5 cases) — so it says so, as a literal.
_KEY_NOT_EMPTY = RawSQL(f'"{Case._meta.db_table}"."idempotency_key" <> \'\'', (), output_field=BooleanField())
_BY_KEY = Prepared(
    lambda key: (
        Case.objects.select_related("applicant", "organisation")
        .filter(_KEY_NOT_EMPTY, idempotency_key=key)
        .order_by()[:1]  # at most one: the key is unique
    ),
    str,
)


# the item of a submit read with the case its idempotency key made already, if any: one statement for both (issue 20)
_UNDER_KEY = "_zw_case_under_key"
_ITEM_AND_KEY = Prepared(
    lambda code, key: catalog_selectors.item_query(code).annotate(
        case_under_key=RawSQL(
            f'(SELECT "k"."id" FROM "{Case._meta.db_table}" "k"'
            f' WHERE "k"."idempotency_key" = %s AND "k"."idempotency_key" <> \'\' LIMIT 1)',
            (key,),
            output_field=IntegerField(),
        )  # the key not empty as a literal, for the partial index (_BY_KEY)
    ),
    str,
    str,
)


def item_for_submit(code: str, key: str = "") -> ServiceItem:
    """catalog.selectors.item_by_code for a submit with an idempotency key: the item read with the id of the case
    made under the key already, in one statement, so that submit_case asks again only when there is one."""
    key = (key or "").strip()
    if not key:
        return catalog_selectors.item_by_code(code)
    item = catalog_selectors.item_by_code(code, read=lambda c: _ITEM_AND_KEY.first(c, key))
    item.__dict__[_UNDER_KEY] = (key, item.__dict__.pop("case_under_key"))
    return item


def _none_under_key(item: ServiceItem, key: str) -> bool:
    """Did the item's read (item_for_submit) find no case made under this key?"""
    return item.__dict__.get(_UNDER_KEY, (None, 0)) == (key, None)


def _by_key(key: str, by) -> Case | None:
    case = _BY_KEY.first(key)
    if case is not None and by is not None and case.created_by_id != getattr(by, "pk", None):
        raise Conflict(_("该幂等键已被另一次提交使用,请换一个"), field="idempotency_key")
    if case is not None:
        case.replayed = True  # the case a retried submit made before (the API answers 200, not 201)
    return case


@_updates_caller
def check_upload(upload, *, field: str = "file") -> tuple[bytes, str]:
    """A case material or attachment: PDF, JPEG, PNG or OFD by its content, at most ZHENGWU_CASE_UPLOAD_MAX_BYTES."""
    return files.check(
        upload, accept=files.MATERIALS, max_bytes=files.limit("ZHENGWU_CASE_UPLOAD_MAX_BYTES"), field=field
    )


def upload_material(*, case: Case, by, position: int, upload, field: str = "file") -> CaseMaterial:
    """Attach a file to one material of the item's list (position as in the guide); its type is read from its
    content (PDF, JPEG, PNG, OFD) and its size checked (a refusal names `field`, the input the file came from)."""
    staff_side = _staff_side(by, case)
    if position == POWER_OF_ATTORNEY:
        if not case.agent_name:
            raise ValidationFailed(
                _("授权委托书只在代他人申请时提交,本办件没有登记代理人"), field="power_of_attorney"
            )
        own = selectors.own_power_of_attorney(case.version)
        # an item that lists its own 委托书 material: that material is the power of attorney
        position, material_name = (own.position, own.name) if own else (position, str(POWER_OF_ATTORNEY_NAME))
    else:
        material = case.version.materials.filter(position=position).first()
        if material is None:
            names = "、".join(f"{m.position}.{m.name}" for m in case.version.materials.all())
            raise ValidationFailed(
                _("本事项没有第 %(position)s 项材料(材料清单:%(names)s)")
                % {"position": position, "names": names},
                field="position",
            )
        material_name = material.name
    data, content_type = check_upload(upload, field=field)
    # the name the person gave the file, shortened in the middle to fit, its extension kept
    filename = files.fitting_name(
        (getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1],
        CaseMaterial._meta.get_field("filename").max_length,
    )
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        case = _locked(case)
        if staff_side:
            permissions.require(by, case, "upload")
        workflow.next_status(case.status, "upload_material")
        row = CaseMaterial(
            case=case,
            position=position,
            name=material_name,
            filename=filename,
            content_type=content_type,
            size=len(data),
            sha256=digest,
            uploaded_at=clock.now(),
            uploaded_by=_actor(by),
        )
        row.file.save(f"{digest[:16]}-{position}{_extension(content_type)}", ContentFile(data), save=False)
        row.save()
        _record(
            case,
            "upload_material",
            by=by,
            data={"position": position, "name": material_name, "sha256": digest},
        )
    return row


def _extension(content_type: str) -> str:
    return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "application/ofd": ".ofd"}[
        content_type
    ]


def required_materials(case: Case) -> list[dict]:
    """Every material the case must have: the item's required ones and, for an agent's application, the power of
    attorney (the item's own 委托书 material, else material 0). A material the catalogue asks for only in some
    situations (its 提交条件, e.g. 选择告知承诺制办理的提供) is not among them: whether the situation applies is the
    clerk's to judge at the window, and the material tables show it 视情形提交, never 未提供."""
    materials = catalog_selectors.published_materials(case.version)
    own = selectors.own_power_of_attorney(case.version, materials) if case.agent_name else None
    out = [
        {"position": m.position, "name": m.name, "medium": m.medium}
        for m in materials
        if (m.required and not m.condition) or (own is not None and m.position == own.position)
    ]
    if case.agent_name and own is None:
        out.insert(
            0, {"position": POWER_OF_ATTORNEY, "name": str(POWER_OF_ATTORNEY_NAME), "medium": "either"}
        )
    return out


def missing_materials(case: Case) -> list[dict]:
    """The required materials of the case provided in no way yet (handling.missing, the rule acceptance and the
    grant apply: no file, not received on paper at the window as recorded so far, not taken from the licence library
    or a prerequisite's result, not obtained by the department itself)."""
    from zhengwu.cases import handling

    return handling.missing(case)
