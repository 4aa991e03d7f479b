"""Issuing, changing, renewing and ending licences; the signed file; uses (免提交, 亮证, download); reminders.

Every write is one transaction with its audit record; a licence is issued inside the grant's own transaction
(`issue_for_case`, called by the cases' `case_decided` signal), so a grant never commits without its licence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.cases import notify
from zhengwu.cases import selectors as case_selectors
from zhengwu.cases.models import Applicant, Case
from zhengwu.catalog import selectors as catalog_selectors
from zhengwu.core import access, audit, clock, numbering, outbox, personal
from zhengwu.core.calendar import chinese_date
from zhengwu.core.documents import qr_svg, render_pdf
from zhengwu.core.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from zhengwu.licences import identifiers, permissions, signing
from zhengwu.licences.models import (
    Licence,
    LicenceType,
    LicenceUse,
    ShowToken,
    Status,
)

log = logging.getLogger(__name__)

VERIFY_PATH = "/verify/licence/{identifier}"
SHOW_MINUTES = 5
END_KINDS = {
    Status.CANCELLED: _("注销"),
    Status.REVOKED: _("撤销"),
    Status.WITHDRAWN: _("吊销"),
}


# ---------------------------------------------------------------- reading


def type_for_item(item) -> LicenceType | None:
    """The licence type a grant of the item issues: the type it is an item of, or whose renewal (延续) item it is."""
    return LicenceType.objects.filter(Q(items=item) | Q(renewal_item=item)).distinct().order_by("id").first()


def by_identifier(identifier: str) -> Licence:
    licence = (
        Licence.objects.select_related("type", "issuer", "case", "previous")
        .filter(identifier=str(identifier)[:80])
        .first()
    )
    if licence is None:
        raise NotFound(
            _("电子证照库中没有标识为 %(id)s 的证照") % {"id": str(identifier)[:80]}, field="identifier"
        )
    return licence


def verify_url(licence: Licence, *, base_url: str = "") -> str:
    base = base_url or getattr(settings, "ZHENGWU_PUBLIC_URL", "")
    return f"{base.rstrip('/')}{VERIFY_PATH.format(identifier=licence.identifier)}"


def metadata(licence: Licence) -> dict:
    """The GB/T 36903-2018 basic metadata of a licence (names as the standard's data elements)."""
    return {
        "证照名称": licence.type.name,
        "证照类型代码": licence.type.code,
        "证照编号": licence.number,
        "证照标识": licence.identifier,
        "证照颁发机构": licence.issuer.name,
        "证照颁发机构代码": licence.issuer.uscc,
        "证照颁发日期": licence.issued_on.isoformat(),
        "证照有效期起始日期": licence.valid_from.isoformat(),
        "证照有效期截止日期": licence.valid_until.isoformat() if licence.valid_until else "长期",
        "持证主体": licence.holder_name,
        "持证主体代码": licence.holder_id,
        "持证主体代码类型": "统一社会信用代码" if licence.holder_kind == "legal" else "公民身份号码",
    }


def metadata_shown(licence: Licence) -> dict:
    """The metadata as a page shows them: the days in the one Chinese form of the licence pages (2031年11月19日,
    `core.calendar.chinese_date`); `metadata` keeps the standard's ISO days for the API."""
    meta = metadata(licence)
    days = {"证照颁发日期": licence.issued_on, "证照有效期起始日期": licence.valid_from}
    if licence.valid_until:
        days["证照有效期截止日期"] = licence.valid_until
    return {**meta, **{key: chinese_date(day) for key, day in days.items()}}


def current_version(licence: Licence) -> Licence:
    while True:
        following = Licence.objects.filter(previous=licence).first()
        if following is None:
            return licence
        licence = following


def in_force_version(licence: Licence) -> Licence:
    """The licence's version in force today (what 授权用证 shows): its last version, or — while that is a renewal
    not yet in force — the version before it that still runs."""
    latest = current_version(licence)
    return latest.in_force_before or latest


def chain(licence: Licence) -> list[Licence]:
    """Every version of the licence, first to last."""
    first = licence
    while first.previous_id:
        first = first.previous
    out, node = [first], first
    while (
        node := Licence.objects.filter(previous=node).select_related("type", "issuer").first()
    ) is not None:
        out.append(node)
    return out


def held_by(holder_id: str):
    return Licence.objects.select_related("type", "issuer").filter(holder_id=holder_id)


def usable(holder_id: str, licence_type: LicenceType) -> tuple[Licence | None, str]:
    """The holder's valid licence of the type, or None and why not (expired, revoked …) for the form to say."""
    rows = list(
        held_by(holder_id).filter(type=licence_type).exclude(status=Status.REPLACED).order_by("-issued_on")
    )
    for licence in rows:
        if licence.is_usable:
            return licence, ""
    if rows:
        last = rows[0]
        return None, _("持有的%(type)s(编号 %(number)s)%(state)s,不能调取,请上传材料") % {
            "type": licence_type.name,
            "number": last.number,
            "state": last.effective_status_label,
        }
    return None, _("电子证照库中没有您的%(type)s") % {"type": licence_type.name}


def in_force(holder_id: str, licence_type: LicenceType) -> list[Licence]:
    """The holder's usable licences of the type (one per premises, say), the one nearest its end first and those
    without an end last: the order a form offers them in, the first taken when the applicant names none."""
    rows = [
        licence
        for licence in held_by(holder_id).filter(type=licence_type).exclude(status=Status.REPLACED)
        if licence.is_usable
    ]
    return sorted(
        rows, key=lambda one: (one.valid_until is None, one.valid_until or clock.today(), one.number)
    )


def renewal_path(licence: Licence) -> str:
    """Where the holder applies for the renewal (延续) item with this licence prefilled, or "" when the type names
    no renewal item (or the item is not open for applications)."""
    item = licence.type.renewal_item
    if item is None or item.status != item.Status.ACTIVE or item.current_version_id is None:
        return ""
    return f"/cases/apply/{item.code}/?licence={licence.identifier}"


# the word a licence item's version carries (its sub-item name, 子项名称, or its name) when it is the first application
NEW_APPLICATION = "新办"


def new_application_item(licence_type: LicenceType):
    """The item the holder applies with anew (新办) once a licence of the type has ended (行政许可法 第五十条): one
    the type is issued by, not its renewal item, open for applications, whose version is named 新办 — or None."""
    named = Q(current_version__sub_name__contains=NEW_APPLICATION) | Q(
        current_version__name__contains=NEW_APPLICATION
    )
    return (
        licence_type.items.filter(named, status="active", current_version__isnull=False)
        .exclude(pk=licence_type.renewal_item_id)
        .select_related("current_version")
        .order_by("pk")
        .first()
    )


def renewal_url(licence: Licence, *, base_url: str = "") -> str:
    path = renewal_path(licence)
    base = base_url or getattr(settings, "ZHENGWU_PUBLIC_URL", "")
    return f"{base.rstrip('/')}{path}" if path else ""


def renewal(licence: Licence) -> dict:
    """For the wallet and the licence pages: the pending renewal case, else the link to apply (when due)."""
    pending = pending_renewal(licence)
    renewed = licence.following() is not None  # renewed ahead of its end already
    path = "" if pending is not None or renewed or not licence.is_usable else renewal_path(licence)
    return {"pending": pending, "path": path, "due": renewal_due(licence)}


def pending_renewal(licence: Licence) -> Case | None:
    """The holder's renewal case not yet decided (a draft too) that took this licence from the library."""
    from zhengwu.cases.models import CLOSED_STATUSES

    item_id = licence.type.renewal_item_id
    if item_id is None:
        return None
    use = (
        licence.uses.filter(
            purpose=LicenceUse.Purpose.REUSE, case__item_id=item_id, case__decided_at__isnull=True
        )
        .exclude(case__status__in=CLOSED_STATUSES)
        .select_related("case")
        .order_by("-at")
        .first()
    )
    return use.case if use else None


def renewal_due(licence: Licence) -> bool:
    """Within the type's earliest reminder (90 days by default) of its end: the wallet offers the renewal."""
    if not licence.is_usable or licence.valid_until is None or licence.following() is not None:
        return False
    days = max(licence.type.reminder_days or [90])
    return (licence.valid_until - clock.today()).days <= days


def held_before_grant(case: Case) -> tuple[LicenceType | None, list[Licence]]:
    """For the deciding staff: the licence type a grant of this case issues and the applicant's licences of that type
    still in force — a type of one per holder is 换发 (the list is what will be replaced), any other gets a second
    licence, which the decision page says before it is issued."""
    licence_type = type_for_item(case.item)
    if licence_type is None or case.decided_at is not None:
        return licence_type, []
    rows = [
        licence
        for licence in held_by(case.applicant.id_number).filter(type=licence_type, status=Status.VALID)
        if licence.is_usable
    ]
    return licence_type, rows


def type_for_material(name: str) -> LicenceType | None:
    for licence_type in LicenceType.objects.exclude(material_names=[]):
        if any(word and word in name for word in licence_type.material_names):
            return licence_type
    return None


# ---------------------------------------------------------------- issuing


def _serial(licence_type: LicenceType, issuer, year: int) -> str:
    prefix = f"L{licence_type.pk}-{issuer.pk}-{year}"  # core.numbering: one counter per type, issuer, year
    return f"{year}{numbering.next_sequence(prefix):06d}"


def _valid_until(licence_type: LicenceType, start: dt.date) -> dt.date | None:
    if not licence_type.validity_years:
        return None
    try:
        end = start.replace(year=start.year + licence_type.validity_years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + licence_type.validity_years, day=28)
    return end - dt.timedelta(days=1)


# The data item that states the licensed matters (许可事项): the item's by default (grant_subject), the decision's
# where the approver stated them (行政许可法 第三十九条: the licence states the licensed matters).
SCOPE_KEY = "subject"
SCOPE_LABEL = gettext_lazy("许可事项")
# Form fields in the applicant's own words, never printed on a licence: the 申请事项说明 every form asks
# (cases.forms.DEFAULT_FORM), whose key happens to be the 许可事项 item's ("开一家修鞋铺" is no 许可事项).
APPLICANT_WORDS = frozenset({SCOPE_KEY})


def item_labels(licence_type: LicenceType) -> dict[str, str]:
    """Data item key → its label as the licence shows it; 许可事项 for the decision's stated scope, also on a type
    whose items do not list it."""
    labels = {
        entry["key"]: entry.get("label", entry["key"])
        for entry in licence_type.data_items
        if entry.get("key")
    }
    labels.setdefault(SCOPE_KEY, str(SCOPE_LABEL))
    return labels


def scope_default(case: Case) -> str | None:
    """What the licence a grant of this case issues states as its 许可事项 when the decision states none (the item's,
    grant_subject), or None when the item issues no licence (its decision has nothing to state)."""
    return grant_subject(case) if type_for_item(case.item) is not None else None


def grant_subject(case: Case) -> str:
    """许可事项 as the grant states it: the item (and its sub-item) with what the applicant chose from the item's
    lists (公共场所卫生许可(新办):餐饮场所 …), never empty — not the applicant's 申请事项说明 (APPLICANT_WORDS)."""
    form = case.form or {}
    version = case.version
    name = version.full_name
    fields = ((version.form_schema or {}).get("properties") or {}).items()
    chosen = [str(form[key]) for key, spec in fields if spec.get("enum") and form.get(key) not in (None, "")]
    return f"{name}:{'、'.join(chosen)}" if chosen else name


def _data_from_case(licence_type: LicenceType, case: Case) -> dict:
    """The licence's data items from the grant: what the form states (not the applicant's 申请事项说明), else the
    applicant's record (a person's own licence names the person as 负责人; the 权利人 is the applicant) and the item
    for 许可事项."""
    form, applicant = case.form or {}, case.applicant
    fallback = {
        "legal_representative": lambda: (
            applicant.legal_representative
            or (applicant.name if applicant.kind == applicant.Kind.NATURAL else "")
        ),
        "address": lambda: applicant.address,
        "subject": lambda: grant_subject(case),
        "obligee": lambda: applicant.name,
    }
    data = {}
    for entry in licence_type.data_items:
        key = entry.get("key", "")
        value = form.get(key) if key not in APPLICANT_WORDS else None
        if value in (None, "") and key in fallback:
            value = fallback[key]()
        data[key] = str(value or "")
    return data


def _use(licence: Licence, purpose: str, *, by=None, case: Case | None = None, note: str = "") -> LicenceUse:
    """One use, with who: a staff member as 姓名(机构), the holder's own account by its applicant's name; with no
    person (a grant decided by the system, an imported licence) the issuing organisation, whose act it is."""
    from zhengwu.core.actors import acting_label

    user = by if getattr(by, "is_authenticated", False) else None
    if user is not None:
        label = acting_label(user, anonymous="", with_organisation=True, applicant=True)
    elif purpose in (LicenceUse.Purpose.ISSUE, LicenceUse.Purpose.END):
        label = licence.issuer.name
    else:
        from zhengwu.core.context import current

        label = current().label or "system"  # shown through core.actors.actor_name (系统 …)
    return LicenceUse.objects.create(
        licence=licence,
        purpose=purpose,
        case=case,
        user=user,
        user_label=label[:100],
        at=clock.now(),
        note=note[:300],
    )


def _create(
    *,
    licence_type,
    issuer,
    holder_kind,
    holder_name,
    holder_id,
    data,
    case=None,
    previous=None,
    valid_from=None,
    valid_until=...,
    by=None,
) -> Licence:
    today = clock.today()
    start = valid_from or today
    if previous is not None:
        number, version = previous.number, previous.version + 1
        serial = previous.identifier.split(".")[-3]
    else:
        serial = _serial(licence_type, issuer, today.year)
        number, version = f"{issuer.uscc[2:8]}{licence_type.pk:04d}{serial}", 1  # region, type, 流水号
    licence = Licence.objects.create(
        identifier=identifiers.make(licence_type.code, issuer.uscc, serial, version),
        number=number,
        version=version,
        type=licence_type,
        issuer=issuer,
        holder_kind=holder_kind,
        holder_name=holder_name,
        holder_id=holder_id,
        issued_on=today,
        valid_from=start,
        valid_until=_valid_until(licence_type, start) if valid_until is ... else valid_until,
        data=data,
        case=case,
        previous=previous,
        created_at=clock.now(),
    )
    use = _use(licence, LicenceUse.Purpose.ISSUE, by=by, case=case)
    audit.record(
        "licence.issue",
        licence,
        summary={"identifier": licence.identifier, "case": case.number if case else "", "version": version},
        rows=[use],
    )
    return licence


def issue_for_case(case: Case, *, by=None) -> Licence | None:
    """Issue the licence a grant of this case's item yields (inside the caller's transaction), or None when the item
    yields no licence type."""
    from zhengwu.cases import records

    if records.fact(case, "_zw_licence_type_id") is None:  # read with the locked case: the item yields none
        return None
    licence_type = type_for_item(case.item)
    if licence_type is None:
        return None
    if Licence.objects.filter(case=case).exists():
        return None
    applicant = case.applicant
    previous = _replaced_by(case, licence_type)
    if previous is not None and Licence.objects.filter(previous=previous).exists():
        # renewed ahead of its end already (it stays valid until the new version starts): the case works on the
        # licence's last version
        previous = Licence.objects.select_for_update().get(pk=current_version(previous).pk)
    renewing = case.item_id == licence_type.renewal_item_id
    # 行政许可法 第五十条第二款: a renewal applied for in force and decided after the end is deemed granted
    deemed = renewing and previous is not None and _applied_in_force(case, previous)
    if (
        previous is not None
        and previous.holder_id == applicant.id_number
        and (refused := _ended_refusal(case, previous, renewing=renewing, decision=True, field="grant"))
    ):
        # the grant's own check (cases.extensions.grant_gates) says so first; this covers 补发 too
        raise refused
    if previous is not None and (
        previous.holder_id != applicant.id_number
        or previous.status not in ((Status.VALID, Status.EXPIRED) if deemed else (Status.VALID,))
    ):
        previous = None
    if previous is None and licence_type.one_per_holder:
        # one per holder (营业执照: a market entity holds one; its change of registration, 《市场主体登记管理条例》
        # 第二十四条, 换发 it): the holder's licence in force is replaced, never doubled
        previous = (
            # of=self: "has no next version" is an outer join, whose nullable side PostgreSQL will not lock
            Licence.objects.select_for_update(of=("self",))
            .filter(
                type=licence_type,
                holder_id=applicant.id_number,
                status=Status.VALID,
                next_version__isnull=True,
            )
            .order_by("-issued_on", "-id")
            .first()
        )
    start, until, data = None, ..., _data_from_case(licence_type, case)
    if previous is not None and case.item_id == licence_type.renewal_item_id:
        # 延续 keeps the licence as it is and runs on from the day after the old one ends (行政许可法 第五十条)
        data = previous.data
        if previous.valid_until:
            start = previous.valid_until + dt.timedelta(days=1)
            if not deemed:  # deemed granted (第五十条第二款): runs on without a gap from the old end
                start = max(clock.today(), start)
    elif previous is not None:  # 变更: what the form states anew, the rest as it was
        data = {**previous.data, **_changed(case)}
        if previous.valid_until is None or previous.valid_until >= clock.today():
            # 《食品经营许可管理办法》(2015) 第二十九条: 准予变更的换发新证, 编号不变, 有效期与原证书一致
            # (its successor of 2023 and 食品生产许可管理办法 say the same): the period of the version it replaces,
            # as the workbench's 变更 keeps it; only 延续 starts a new one (行政许可法 第五十条). On a renewal
            # waiting to start (moved there above) that is the renewal's period, the version in force keeping its
            # data until then (services._replace).
            start, until = previous.valid_from, previous.valid_until
    stated = case_selectors.decided_scope(case)
    if (
        stated
    ):  # the decision's 许可事项, on a new licence, a change and a renewal alike (行政许可法 第三十九条)
        data = {**data, SCOPE_KEY: stated}
    licence = _create(
        licence_type=licence_type,
        issuer=case.organisation,
        holder_kind=applicant.kind,
        holder_name=applicant.name,
        holder_id=applicant.id_number,
        data=data,
        case=case,
        previous=previous,
        valid_from=start,
        valid_until=until,
        by=by,
    )
    if previous is not None:
        _replace(previous, licence)
    return licence


def missing_for(case: Case) -> LicenceType | None:
    """The licence type a granted case should have issued and has not (the supervision rule
    `licence.grant_without_licence`: its item was linked to the type after the grant, or an import went around the
    services), else None."""
    if case.decision != "grant" or case.pk is None:
        return None
    licence_type = type_for_item(case.item)
    if licence_type is None or Licence.objects.filter(case=case).exists():
        return None
    return licence_type


def issue_missing(case: Case, *, by) -> Licence:
    """补发: the licence of a granted case that has none, by the implementing organisation's staff — the fix the
    alert `licence.grant_without_licence` calls for (the workbench case page's button, `POST /api/licences/issue`)."""
    if not permissions.may_issue(by, case):
        raise AccessDenied(_("只有实施机构的工作人员可以签发证照"))
    if case.decision != "grant":
        raise Conflict(_("该办件未准予许可,不能签发证照"), field="case")
    with transaction.atomic():
        licence = issue_for_case(case, by=by)
        if licence is None:
            raise Conflict(_("该办件已签发证照,或其事项不签发证照"), field="case")
    return licence


def _replaced_by(case: Case, licence_type: LicenceType, *, lock: bool = True) -> Licence | None:
    """The licence a change or renewal case replaces: the one its form names — by identifier (licence_identifier) or
    by the number printed on it (licence_number: 更正登记's 原不动产权证书编号), its version in force — else the one of
    the same type it took from the library as a material (原…证, prefilled from the renewal link)."""
    form = case.form or {}
    named = form.get("licence_identifier")
    rows = (Licence.objects.select_for_update() if lock else Licence.objects).filter(type=licence_type)
    if named:
        return rows.filter(identifier=str(named)[:80]).first()
    number = str(form.get("licence_number") or "").strip()
    if number:
        return rows.filter(number=number[:40]).exclude(status=Status.REPLACED).order_by("-version").first()
    if case.pk is None:  # a case being made has taken nothing yet
        return None
    taken = LicenceUse.objects.filter(
        case=case, purpose=LicenceUse.Purpose.REUSE, licence__type=licence_type
    ).order_by("-at", "-id")
    licence_id = taken.values_list("licence_id", flat=True).first()
    return rows.filter(pk=licence_id).first() if licence_id else None


def _change_field(case: Case, licence_type: LicenceType) -> str:
    """Where the application names the licence it changes: the form's field, else the material that takes it from the
    library (the item's 原…证, of the type it issues), else ""."""
    form = case.form or {}
    for key in ("licence_identifier", "licence_number"):
        if str(form.get(key) or "").strip():
            return f"form.{key}"
    words = [word for word in licence_type.material_names if word]
    if not words or case.version_id is None:
        return ""
    for material in catalog_selectors.published_materials(case.version):
        if any(word in material.name for word in words) and type_for_material(material.name) == licence_type:
            return f"material_{material.position}"
    return ""


def _type_of_case(case: Case) -> LicenceType | None:
    """The licence type a grant of the case issues — None known without a statement when the case was read locked
    (cases.records) or its item by item_by_code (catalog.selectors), as for most cases, whose item issues none."""
    from zhengwu.cases import records

    type_id = records.fact(case, "_zw_licence_type_id")
    if type_id is records.UNKNOWN and case.item_id is not None:
        type_id = catalog_selectors.item_fact(case.item, "_zw_licence_type_id")
    if type_id is None or case.item_id is None:
        return None
    return type_for_item(case.item)


def acted_on(case: Case, prefer: str = "") -> tuple[Licence | None, str, LicenceType | None]:
    """For a change (变更: an item of a licence type) or renewal (延续: the type's renewal item) application: the
    applicant's licence it acts on — the one its form names, else the one the renewal link named (`prefer`, an
    identifier: the link's licence even when the library could not take it, so another licence of the type in force
    does not stand in for it), else the one it took from the library (`_replaced_by`; each on its last version) —
    else, for an item that takes the type's licence as a material, the applicant's licence of the type in the library
    (the one in force, else the latest); the field that names it; and the type. (None, "", type) for any other
    application of an item issuing a licence."""
    licence_type = _type_of_case(case)
    if licence_type is None:
        return None, "", None
    field = _change_field(case, licence_type)
    if not field:
        return None, "", licence_type
    holder = case.applicant.id_number
    licence = None
    if prefer and field.startswith("material_"):  # the form names none: the licence the link named
        licence = held_by(holder).filter(type=licence_type, identifier=str(prefer)[:80]).first()
    if licence is None:
        licence = _replaced_by(case, licence_type, lock=False)
    if licence is not None:
        licence = current_version(licence)
    elif field.startswith("material_"):
        licence, _why = usable(holder, licence_type)
        if licence is None:  # none in force: the latest the library holds, which cannot be changed or renewed
            licence = (
                held_by(holder)
                .filter(type=licence_type)
                .exclude(status=Status.REPLACED)
                .order_by("-issued_on", "-id")
                .first()
            )
    if (
        licence is None or licence.holder_id != holder
    ):  # another holder's: the grant issues a licence of its own
        return None, "", licence_type
    return licence, field, licence_type


def _applied_in_force(case: Case, licence: Licence) -> bool:
    """The renewal was received while `licence` was in force (on or before its last day, local) and the licence has
    since only run out — not ended by 注销/撤销/吊销."""
    return (
        licence.effective_status == Status.EXPIRED
        and licence.valid_until is not None
        and case.received_at is not None
        and clock.local_date(case.received_at) <= licence.valid_until
    )


def change_refusal(
    case: Case, *, field: str | None = None, prefer: str = "", decision: bool = False
) -> Conflict | None:
    """A change or renewal application whose licence's validity has ended (expired, 注销/撤销/吊销): refused at the
    field that names it (or `field`), as its submission and as a grant — 行政许可法 第五十条: once the validity has
    ended the holder applies anew (新办), neither 变更 nor 延续. `prefer`: the licence the renewal link named."""
    licence, named_at, licence_type = acted_on(case, prefer)
    if licence is None:
        return None
    renewing = case.item_id == licence_type.renewal_item_id
    return _ended_refusal(case, licence, renewing=renewing, decision=decision, field=field or named_at)


def _ended_refusal(
    case: Case, licence: Licence, *, renewing: bool, decision: bool, field: str
) -> Conflict | None:
    """行政许可法 第五十条: a licence whose validity has ended is applied for anew, neither changed (变更) nor renewed
    (延续) — the refusal at `field`, or None."""
    if renewing:
        if decision and _applied_in_force(case, licence):
            # 第五十条第二款: applied for while in force, not decided before the end: deemed granted
            return None
        why, code = permissions.ended_for_renewal(licence), permissions.RENEWAL_ENDED
    else:
        why, code = permissions.ended_for_change(licence), permissions.CHANGE_ENDED
    return Conflict(why, code=code, field=field) if why else None


def grant_refusal(case: Case) -> Conflict | None:
    """change_refusal at the decision form's 决定 (a denial is still allowed). A renewal received while the licence
    was in force is granted even after its end (第五十条第二款: not decided in time, it is deemed granted)."""
    return change_refusal(case, field="grant", decision=True)


def _changed(case: Case) -> dict:
    """The data items a change or renewal form states anew (the rest carry over from the old version)."""
    licence_type = type_for_item(case.item)
    keys = {entry.get("key", "") for entry in (licence_type.data_items if licence_type else [])}
    keys -= APPLICANT_WORDS
    return {k: str(v) for k, v in (case.form or {}).items() if k in keys and v not in (None, "")}


def _replace(old: Licence, new: Licence) -> None:
    """Mark `old` replaced by `new` — unless `new` is a renewal running on after `old` that starts later (decided ahead
    of the old end, 行政许可法 第五十条): then `old` stays valid — the holder's licence in force, or the renewal that
    will be — until `new` starts; the nightly job stores 已被替换 that day (`mark_expired`) and `effective_status`
    says it on any day. A change (same period) replaces at once."""
    today = clock.today()
    if new.valid_from > today and old.status == Status.VALID and new.valid_from > old.valid_from:
        return
    old.status = Status.REPLACED
    old.ended_at = clock.now()
    old.save(update_fields=["status", "ended_at"])
    if new.valid_from <= today:
        # `old` was a renewal not yet in force (a change of it in force today): the version it was to take over
        # from is replaced now too, never two in force
        node = old.previous
        while node is not None:
            if node.status == Status.VALID:
                node.status, node.ended_at = Status.REPLACED, clock.now()
                node.save(update_fields=["status", "ended_at"])
            node = node.previous


def change(*, licence: Licence, by, data: dict, reason: str, case: Case | None = None) -> Licence:
    """变更: a new version with the changed data items; the old one is marked replaced."""
    permissions.require_issuer_staff(by, licence)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写变更事由"), field="reason")
    known = {entry["key"] for entry in licence.type.data_items}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValidationFailed(
            _("照面信息项 %(k)s 不属于该证照类型") % {"k": "、".join(unknown)}, field="data"
        )
    with transaction.atomic():
        old = Licence.objects.select_for_update().get(pk=licence.pk)
        if refused := permissions.state_refusal(old, "change"):
            raise refused
        data = {k: str(v) for k, v in data.items() if str(v) != str(old.data.get(k, ""))}
        if not data:  # a new version identical to the old would only replace a licence in force by itself
            raise ValidationFailed(_("未修改任何内容,无需变更"), field="data")
        new = _create(
            licence_type=old.type,
            issuer=old.issuer,
            holder_kind=old.holder_kind,
            holder_name=old.holder_name,
            holder_id=old.holder_id,
            data={**old.data, **{k: str(v) for k, v in data.items()}},
            case=case,
            previous=old,
            valid_from=old.valid_from,
            valid_until=old.valid_until,
            by=by,
        )
        _replace(old, new)
        audit.record("licence.change", new, summary={"replaces": old.identifier, "reason": reason})
    return new


def renew(*, licence: Licence, by, case: Case | None = None) -> Licence:
    """延续: a new version valid for the type's period from the day after the old one ends."""
    permissions.require_issuer_staff(by, licence)
    with transaction.atomic():
        old = Licence.objects.select_for_update().get(pk=licence.pk)
        # 行政许可法 第五十条: 延续 is decided before the licence's validity ends; once it has ended (已过期, stored
        # or not yet) the holder applies anew
        if refused := permissions.state_refusal(old, "renew"):
            raise refused
        start = max(
            clock.today(), (old.valid_until + dt.timedelta(days=1)) if old.valid_until else clock.today()
        )
        new = _create(
            licence_type=old.type,
            issuer=old.issuer,
            holder_kind=old.holder_kind,
            holder_name=old.holder_name,
            holder_id=old.holder_id,
            data=old.data,
            case=case,
            previous=old,
            valid_from=start,
            by=by,
        )
        _replace(old, new)
        audit.record("licence.renew", new, summary={"replaces": old.identifier})
    return new


def end(
    *, licence: Licence, by, kind: str, basis: str, case: Case | None = None, document: str = ""
) -> Licence:
    """注销 / 撤销 / 吊销, with the legal basis and (where there is one) the case that decided it. 撤销 and 吊销 are the
    issuing organisation's decisions (licences.permissions): its department head's, on a 决定文书 (its number in
    `document`) or a case."""
    permissions.require_issuer_staff(by, licence)
    if kind not in END_KINDS:
        raise ValidationFailed(_("请选择失效方式:注销、撤销或吊销"), field="kind")
    action = permissions.END_ACTIONS[kind]
    if action in permissions.DECISIONS:
        permissions.require_decider(by, licence, kind)
    basis = (basis or "").strip()
    if not basis:
        raise ValidationFailed(_("请填写法律依据"), field="basis")
    if len(basis) > 300:
        raise ValidationFailed(_("法律依据不能超过 300 字"), field="basis")
    document = (document or "").strip()
    if len(document) > 60:
        raise ValidationFailed(_("决定文书编号不能超过 60 字"), field="document")
    if action in permissions.DECISIONS and not document and case is None:
        raise ValidationFailed(
            _("%(k)s须依据颁发机构的决定:请填写决定文书编号或所依据的办件编号") % {"k": END_KINDS[kind]},
            field="document",
        )
    with transaction.atomic():
        row = Licence.objects.select_for_update().get(pk=licence.pk)
        if permissions.state_refusal(row, "end"):  # ended already, or replaced
            raise Conflict(
                _("证照%(s)s,不能再%(k)s") % {"s": row.get_status_display(), "k": END_KINDS[kind]},
                field="licence",
            )
        # a version renewed ahead of its end: the licence ends, so the new version that would take over ends too
        later, node = [], row
        while (node := Licence.objects.select_for_update().filter(previous=node).first()) is not None:
            if node.status == Status.VALID:
                later.append(node)
        note = f"{END_KINDS[kind]}:{basis}" + (f"({document})" if document else "")
        uses = []
        for ending in (row, *later):
            ending.status, ending.ended_at, ending.end_basis, ending.end_case = kind, clock.now(), basis, case
            ending.end_document = document
            ending.save(update_fields=["status", "ended_at", "end_basis", "end_case", "end_document"])
            uses.append(_use(ending, LicenceUse.Purpose.END, by=by, case=case, note=note))
        audit.record(
            f"licence.{kind}",
            row,
            summary={
                "basis": basis,
                "document": document,
                "case": case.number if case else "",
                "with_later_versions": [x.identifier for x in later],
            },
            rows=uses,
        )
    return row


# ---------------------------------------------------------------- the file


def pdf_context(licence: Licence) -> dict:
    # the file is made once and kept, so its QR code carries the public site's address (ZHENGWU_PUBLIC_URL), never
    # the address of whoever happened to ask for it first
    url = verify_url(licence)
    labels = item_labels(licence.type)
    return {
        "l": licence,
        "meta": metadata(licence),
        "items": [(labels.get(k, k), v) for k, v in licence.data.items()],
        "qr": qr_svg(url, scale=2),
        "verify": url,
        "keywords": licence.identifier,
    }


def unsigned_pdf(licence: Licence) -> bytes:
    return render_pdf("licences/documents/licence.html", pdf_context(licence))


def signed_pdf(licence: Licence) -> bytes:
    """A newly made electronic licence: the rendered PDF signed by its issuer (PAdES, time-stamped). Each call signs
    anew (other bytes, ~1-2 s of CPU); downloads take the kept file, `stored_pdf`."""
    return signing.signer().sign(
        unsigned_pdf(licence),
        organisation=licence.issuer,
        reason=_("%(issuer)s签发电子证照 %(identifier)s")
        % {"issuer": licence.issuer.name, "identifier": licence.identifier},
        location=licence.issuer.address or licence.issuer.name,
    )


def _read_stored(licence: Licence) -> bytes | None:
    """The kept file when it is there and still has its recorded digest; None when it must be made."""
    if not licence.file or not licence.file_sha256:
        return None
    try:
        with licence.file.open("rb") as handle:
            data = handle.read()
    except OSError:  # FileNotFoundError from the file system; S3 storages raise their own OSError subclasses
        log.error(
            "licence %s: its signed file %s is missing from storage; making it again",
            licence.pk,
            licence.file.name,
        )
        return None
    if hashlib.sha256(data).hexdigest() != licence.file_sha256:
        log.error(
            "licence %s: its signed file %s does not match its digest; making it again",
            licence.pk,
            licence.file.name,
        )
        return None
    return data


def stored_pdf(licence: Licence) -> bytes:
    """The electronic licence of this version: one signed file, made the first time it is asked for (licences issued
    before files were kept included), kept in the file storage with its SHA-256 on the row, and the same bytes for
    every download after that. A change or renewal is a new version with its own file; an ending does not touch it
    (the public check shows the status). The signing runs outside any lock; when two first downloads race, the first
    stored file wins and the other is thrown away."""
    data = _read_stored(licence)
    if data is not None:
        return data
    licence.refresh_from_db(fields=["file", "file_sha256"])  # another request may have made it meanwhile
    data = _read_stored(licence)
    if data is not None:
        return data
    seen = licence.file_sha256
    data = signed_pdf(licence)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        row = Licence.objects.select_for_update().get(pk=licence.pk)
        if row.file_sha256 != seen:
            theirs = _read_stored(row)
            if theirs is not None:
                licence.file, licence.file_sha256 = row.file, row.file_sha256
                return theirs
        row.file.save(f"{licence.number}-v{licence.version}-{digest[:16]}.pdf", ContentFile(data), save=False)
        row.file_sha256 = digest
        row.save(update_fields=["file", "file_sha256"])
        name = row.file.name
        audit.record(
            "licence.file",
            row,
            summary={"identifier": row.identifier, "sha256": digest, "replaces": seen},
        )
    licence.file, licence.file_sha256 = row.file, digest
    log.info("licence %s: signed file %s made and kept", licence.pk, name)
    return data


def filename(licence: Licence) -> str:
    return f"{licence.type.name}-{licence.number}-v{licence.version}.pdf"


def check_file(data: bytes) -> dict:
    """Check an uploaded licence file: the signature by our CA, and the licence's state in the library."""
    verdict = signing.verify(data)
    licence = None
    if verdict.identifier:
        licence = (
            Licence.objects.select_related("type", "issuer").filter(identifier=verdict.identifier).first()
        )
    return {"verdict": verdict, "licence": licence}


# ---------------------------------------------------------------- the holder's actions


def download(*, licence: Licence, by) -> bytes:
    """The signed file, for its holder (the caller has scoped the licence to them: selectors.held_by_user) or for
    staff who may read its personal data in full (selectors.may_download; the others are refused, AccessDenied). Each
    download is a use of the licence and an audit record licence.download, which for staff names the personal data
    the file carried in full (the field names, as a reveal's record does)."""
    from zhengwu.licences import selectors  # the selectors build on this module

    fields: list[str] = []
    if access.staff_of(by) is not None or access.is_administrator(by):
        read = selectors.personal_fields(licence)
        if not selectors.may_download(by, licence, fields=read):
            raise AccessDenied(str(selectors.DOWNLOAD_REFUSAL))
        fields = personal.personal_names(read)
    data = stored_pdf(licence)
    with transaction.atomic():
        use = _use(licence, LicenceUse.Purpose.DOWNLOAD, by=by)
        summary = {"personal_fields": fields} if fields else None
        audit.record("licence.download", licence, rows=[use], summary=summary, actor=by)
    return data


def show(*, licence: Licence, by) -> ShowToken:
    """亮证: a code that opens the licence's check page for SHOW_MINUTES minutes."""
    if not licence.is_usable:
        raise Conflict(_("证照%(s)s,不能亮证") % {"s": licence.effective_status_label}, field="licence")
    with transaction.atomic():
        now = clock.now()
        token = ShowToken.objects.create(
            token=secrets.token_urlsafe(18)[:24],
            licence=licence,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=SHOW_MINUTES),
        )
        use = _use(
            licence, LicenceUse.Purpose.SHOW, by=by, note=_("亮证码 %(m)s 分钟内有效") % {"m": SHOW_MINUTES}
        )
        audit.record("licence.show", licence, rows=[use])
    return token


def shown(token: str) -> Licence:
    row = (
        ShowToken.objects.select_related("licence", "licence__type", "licence__issuer")
        .filter(token=str(token)[:32])
        .first()
    )
    if row is None:
        raise NotFound(_("亮证码不存在"), field="token")
    if row.expires_at < clock.now():
        raise Conflict(_("亮证码已过期,请持证人重新亮证"), field="token")
    return row.licence


def reuse(*, licence: Licence, case: Case, by, material: str, via: str = "") -> LicenceUse:
    """Record that the case took the licence from the library instead of an upload (inside the caller's
    transaction, or its own); `via` says how when it was not the applicant's form (a joint member's result)."""
    with transaction.atomic():
        licence = Licence.objects.select_for_update().get(
            pk=licence.pk
        )  # as it stands now, not as it was read
        if not licence.is_usable:
            raise Conflict(_("证照%(s)s,不能调取") % {"s": licence.effective_status_label}, field="licence")
        note = f"{material}:{via}" if via else material
        use = _use(licence, LicenceUse.Purpose.REUSE, by=by, case=case, note=note)
        audit.record(
            "licence.reuse",
            licence,
            summary={"case": case.number or case.pk, "material": material, "via": via},
            rows=[use],
        )
    return use


# ---------------------------------------------------------------- reminders


def remind_expiring() -> int:
    """Before a licence expires: a message to the holder at each of its type's reminder days (90/30/7 by default),
    once each, through the one outbox (core.outbox: sent after the commit, retried when the SMS gateway fails)."""
    today = clock.today()
    horizon = today + dt.timedelta(
        days=max([max(t.reminder_days or [0]) for t in LicenceType.objects.all()] or [0])
    )
    sent = 0
    rows = Licence.objects.select_related("type").filter(
        status=Status.VALID, valid_until__gte=today, valid_until__lte=horizon, next_version__isnull=True
    )  # one renewed ahead of its end stays valid until then, with nothing left to remind of
    for licence in rows:
        left = (licence.valid_until - today).days
        due = [d for d in sorted(licence.type.reminder_days or []) if left <= d and d not in licence.reminded]
        if not due:
            continue
        phone = _holder_phone(licence)
        with transaction.atomic():
            row = Licence.objects.select_for_update().get(pk=licence.pk)
            row.reminded = sorted(set(row.reminded) | set(due))
            row.save(update_fields=["reminded"])
            if phone:
                values = {
                    "type": licence.type.name,
                    "number": licence.number,
                    "day": chinese_date(licence.valid_until),
                    "left": left,
                    "url": renewal_url(licence),
                }
                pending = pending_renewal(licence)
                if pending is not None and pending.number:
                    values["case"] = pending.number
                    body = _(
                        "【政务服务】您的%(type)s(编号 %(number)s)将于 %(day)s 到期,还有 %(left)s 天;"
                        "您的延续申请(办件编号 %(case)s)正在办理。"
                    )
                elif values["url"]:
                    body = _(
                        "【政务服务】您的%(type)s(编号 %(number)s)将于 %(day)s 到期,还有 %(left)s 天,"
                        "请及时申请延续(原证照已预填):%(url)s"
                    )
                else:
                    body = _(
                        "【政务服务】您的%(type)s(编号 %(number)s)将于 %(day)s 到期,还有 %(left)s 天,"
                        "请及时申请延续。"
                    )
                outbox.post("sms", phone, body % values)
            audit.record("licence.remind", row, summary={"days_left": left})
        sent += 1
    return sent


def _holder_phone(licence: Licence) -> str:
    """Where the holder's reminder goes, chosen as every SMS to an applicant is (cases.notify.sms_choice): for a
    licence issued by a case of ours, the first mobile of that case's contact phone, the holder's registered phone,
    their account's and the agent's; for an imported one, of the holder's registered phone and account. With no
    mobile, the first number known (the outbox keeps a message to a fixed line as not sent, with the reason); ""
    when the holder left none."""
    if licence.case_id:
        mobile, other, _why = notify.sms_choice(licence.case)
        return mobile or other
    applicant = Applicant.objects.filter(id_number=licence.holder_id).select_related("user").first()
    if applicant is None:
        return ""
    mobile, other, _why = notify.applicant_sms_choice(applicant)
    return mobile or other


def mark_expired() -> int:
    """Store 已过期 for licences whose validity ended, and 已被替换 for those renewed ahead of their end whose new
    version has now started (pages compute both on any day, `Licence.effective_status`; this keeps lists and the API
    filterable)."""
    with transaction.atomic():
        rows = list(
            Licence.objects.select_for_update().filter(status=Status.VALID, valid_until__lt=clock.today())
        )
        replaced = []
        for row in rows:
            status = row.effective_status  # 已被替换 when its renewal has taken over, else 已过期
            if status == Status.REPLACED:
                since, _until = clock.day_bounds(row.valid_until + dt.timedelta(days=1))
                row.status, row.ended_at = Status.REPLACED, since
                replaced.append(row.identifier)
            else:
                row.status, row.ended_at = Status.EXPIRED, clock.now()
            row.save(update_fields=["status", "ended_at"])
        if expired := [r.identifier for r in rows if r.status == Status.EXPIRED]:
            audit.record("licence.expire", summary={"identifiers": expired})
        if replaced:
            audit.record("licence.renewal_in_force", summary={"replaced": replaced})
    return len(rows)
