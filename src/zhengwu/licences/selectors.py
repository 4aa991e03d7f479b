"""Indicators of the library: licences issued and the 免提交 rate (applications whose licence material was taken
from the library, of those that had one to take), in a user's scope and a period."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.cases import selectors as case_selectors
from zhengwu.catalog.models import Material
from zhengwu.core import access, clock, personal
from zhengwu.core.masking import mask_name, mask_resident_id
from zhengwu.core.models import Role
from zhengwu.licences import services
from zhengwu.licences.models import ENDING_STATUSES, NOT_YET_VALID, Licence, LicenceType, LicenceUse, Status

# what a list may be filtered by: each stored status, and 尚未生效 (computed, never stored)
STATUS_FILTERS = (*Status.values, NOT_YET_VALID)


def indicators(user, start: dt.date, end: dt.date) -> dict:
    """From `start` to `end` (local days, both included)."""
    since, _ = clock.day_bounds(start)
    _, until = clock.day_bounds(end)
    issued = Licence.objects.filter(
        access.scope_q(user, "issuer"), source="issued", created_at__gte=since, created_at__lt=until
    )
    cases = case_selectors.visible_cases(user).filter(received_at__gte=since, received_at__lt=until)
    words = [w for t in LicenceType.objects.exclude(material_names=[]) for w in t.material_names if w]
    eligible = (
        cases.filter(
            version__materials__in=Material.objects.filter(reduce(or_, [Q(name__contains=w) for w in words]))
        )
        .distinct()
        .count()
        if words
        else 0
    )
    reused = (
        LicenceUse.objects.filter(purpose=LicenceUse.Purpose.REUSE, case__in=cases.values("pk"))
        .values("case")
        .distinct()
        .count()
    )
    return {
        "issued": issued.count(),
        "reused": reused,
        "eligible": eligible,
        "rate": round(100 * reused / eligible, 1) if eligible else None,
    }


def public_view(licence: Licence) -> dict:
    """What anyone may read of a licence: a person's name and ID number masked, a company's shown."""
    natural = licence.holder_kind == Licence.HolderKind.NATURAL
    current = services.current_version(licence)
    return {
        "identifier": licence.identifier,
        "type": licence.type.name,
        "number": licence.number,
        "version": licence.version,
        "holder": mask_name(licence.holder_name) if natural else licence.holder_name,
        "holder_id": mask_resident_id(licence.holder_id) if natural else licence.holder_id,
        "issuer": licence.issuer.name,
        "issued_on": licence.issued_on,
        "valid_from": licence.valid_from,
        "valid_until": licence.valid_until,
        "status": licence.effective_status,
        "status_label": licence.effective_status_label,
        "end_basis": licence.end_basis,
        "end_document": licence.end_document,
        "in_force_before": licence.in_force_before,
        "ended_at": licence.ended_at,
        "current": current if current.pk != licence.pk else None,
    }


def status_q(status: str) -> Q:
    """The licences whose status today (`Licence.effective_status`, what each list row and API result says) is
    `status` — not the stored one, which the nightly job (`services.mark_expired`) brings up to date only once a
    day: a renewal decided ahead of the old end is stored 有效 from its decision but is 尚未生效 until it starts,
    and the version it takes over from reads 已被替换 (or 已过期) from the day after its end."""
    today = clock.today()
    lapsed = Q(status=Status.VALID, valid_until__lt=today)  # stored valid, its last day passed
    taken_over = Q(next_version__isnull=False) & ~Q(next_version__status__in=ENDING_STATUSES)
    if status == Status.VALID:
        return Q(status=Status.VALID, valid_from__lte=today) & (
            Q(valid_until__isnull=True) | Q(valid_until__gte=today)
        )
    if status == NOT_YET_VALID:
        return Q(status=Status.VALID, valid_from__gt=today)
    if status == Status.REPLACED:
        return Q(status=Status.REPLACED) | (lapsed & taken_over)
    if status == Status.EXPIRED:
        return Q(status=Status.EXPIRED) | (lapsed & ~taken_over)
    return Q(status=status)


def visible(user):
    """Licences the user's organisations issued, and licences taken into cases the user may see (staff: the
    workbench's library and the API)."""
    used = LicenceUse.objects.filter(
        purpose=LicenceUse.Purpose.REUSE, case__in=case_selectors.visible_cases(user).values("pk")
    ).values("licence")
    return Licence.objects.select_related("type", "issuer", "case").filter(
        access.scope_q(user, "issuer") | Q(pk__in=used)
    )


def held_by_user(user):
    """The licences held under the user's applicant record (the holder's own wallet); none without one."""
    applicant = case_selectors.applicant_of(user)
    if applicant is None:
        return Licence.objects.none()
    return services.held_by(applicant.id_number)


def holder_shown(licence: Licence) -> tuple[str, str]:
    """The holder's name and number as staff are shown them (a person's masked)."""
    if licence.holder_kind == Licence.HolderKind.NATURAL:
        return mask_name(licence.holder_name), mask_resident_id(licence.holder_id)
    return licence.holder_name, licence.holder_id


# Data items personal by their key where neither the type's definition ("x-personal", as in an item's form schema) nor
# core.personal.field_kind's names and titles say: the 不动产权证书's 权利人 and 坐落 (licences.demo.ESTATE_ITEMS).
_ITEM_KINDS = {"obligee": "name", "location": "address"}
REVEAL_ROLES = (Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD)


def personal_fields(licence: Licence) -> list[personal.Field]:
    """What staff are shown of the holder and the licence's data items, each with its personal kind, by the case
    page's rule (cases.selectors.personal_fields): a natural person's name, ID number, address and phone are
    personal; a company's name, USCC and registered address are not; a person named on a company's licence (法定代表人)
    is. An item naming the holder is personal as the holder is."""
    natural = licence.holder_kind == Licence.HolderKind.NATURAL
    F = personal.Field
    fields = [
        F("holder", "name", _("持证主体"), "name" if natural else None, licence.holder_name),
        F("holder", "id_number", _("持证主体代码"), "id_number" if natural else None, licence.holder_id),
    ]
    entries = {entry.get("key", ""): entry for entry in licence.type.data_items}
    labels = services.item_labels(licence.type)
    data = licence.data or {}
    for key in data:  # in the order the licence (and its PDF) lists them
        entry = entries.get(key, {})
        label = labels.get(key, key)
        if "x-personal" in entry:
            kind = personal.field_kind(key, {"x-personal": entry["x-personal"]})
        else:
            kind = _ITEM_KINDS.get(key) or personal.field_kind(key, {"title": label})
        if not natural and (kind in ("address", "id_number") or data[key] == licence.holder_name):
            kind = None  # a company's registered address, its USCC, its own name
        fields.append(F("data", key, label, kind, data[key]))
    return fields


def may_reveal_personal(user, licence: Licence) -> bool:
    """May the user see the licence's personal data in full (with a reason)? As for a case (docs/masking.md): the
    issuer's window clerks, approvers and heads, the window that received the case it was issued on, supervisors of
    the issuer's region."""
    return access.may_reveal_personal(
        user,
        organisations=[licence.issuer],
        roles=REVEAL_ROLES,
        window=licence.case.window if licence.case_id else None,
        region=licence.issuer.region,
    )


REVEAL_REFUSAL = gettext_lazy("只有颁发机构承办的工作人员、收件窗口和监察人员可以查看持证人的完整个人信息")


def may_download(user, licence: Licence, *, fields: list[personal.Field] | None = None) -> bool:
    """May a staff member download the licence's signed file? The file is the signed official document: it carries
    the holder's personal data in full and cannot be masked, so only those who may reveal that data
    (may_reveal_personal) may, or anyone who sees a licence that has none. The holder's own download and a party's
    through its grant are decided by their scope (held_by_user, grants), not here. `fields`: the licence's
    personal_fields when the caller has them already (a page or answer reads them once)."""
    if fields is None:
        fields = personal_fields(licence)
    return not personal.personal_names(fields) or may_reveal_personal(user, licence)


DOWNLOAD_REFUSAL = gettext_lazy(
    "签名证照文件载有持证人的完整个人信息,只有颁发机构承办的工作人员、收件窗口和监察人员可以下载"
)


REUSED_FILE_REFUSAL = gettext_lazy(
    "该材料是从电子证照库调取的签名证照文件,载有持证人的完整个人信息,只有颁发机构承办的工作人员、收件窗口和"
    "监察人员可以下载;请在「电子证照」栏打开证照核验其状态和许可内容(个人信息已遮盖)"
)


def licence_types():
    """Every licence type with its issuing organisations and the items that issue it (the types page)."""
    return LicenceType.objects.prefetch_related("organisations", "items__current_version").all()
