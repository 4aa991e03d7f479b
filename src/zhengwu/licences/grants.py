"""授权用证: the holder authorises a named party — a department, a company such as a bank (by its unified social credit
code), a person (by resident ID number, shown masked) — to use one licence for a purpose until a date. The party
views and verifies the licence only through the grant, while it is active; every look is logged in the licence's use
log, which the holder reads in the wallet; the holder sees the grants and revokes them at any time.

Staff of a department that did not issue the licence use it only this way or through 免提交 (a case in their scope
that took it from the library); `granted_to` is the one query both the workbench and the API ask.

The party is told through the one outbox (core.outbox), in the grant's or the revocation's transaction: a department
through its heads (部门负责人; every staff member when it has none), a company or a person through the portal
account registered with that USCC or resident ID number (nobody is told when there is none: the grant waits in the
list of licences granted to them once they register).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from zhengwu.cases import notify
from zhengwu.cases import selectors as case_selectors
from zhengwu.cases.models import Applicant
from zhengwu.core import access, audit, clock, ids, outbox, text
from zhengwu.core.calendar import chinese_date
from zhengwu.core.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from zhengwu.core.inputs import is_whole
from zhengwu.core.masking import mask_name, mask_resident_id
from zhengwu.core.models import Organisation, Role, Staff
from zhengwu.licences import services
from zhengwu.licences.models import Licence, LicenceGrant, LicenceUse

MAX_DAYS = 366  # a grant is for a purpose at hand; a longer need is a new grant the holder makes again
Kind = LicenceGrant.GranteeKind


def grantee_shown(grant: LicenceGrant) -> str:
    """The party as the holder and the log show it: a person's ID number masked."""
    if grant.grantee_kind == Kind.PERSON:
        return f"{grant.grantee_name}({mask_resident_id(grant.grantee_id)})"
    if grant.grantee_kind == Kind.COMPANY:
        return f"{grant.grantee_name}({grant.grantee_id})"
    return grant.grantee_name


def granted_path(grant: LicenceGrant) -> str:
    """Where the party opens the licence: the workbench for a department's staff, the portal for the others."""
    if grant.grantee_kind == Kind.ORGANISATION:
        return f"/workbench/licences/granted/{grant.pk}/"
    return f"/licences/granted/{grant.pk}/"


def grantee_contacts(grant: LicenceGrant) -> list[tuple[str, str]]:
    """(channel, address) of whoever speaks for the party: a department's heads (every staff member of it when it
    has no head), else the portal account registered with the party's USCC or resident ID number; each address once."""
    found: list[tuple[str, str]] = []
    if grant.grantee_kind == Kind.ORGANISATION:
        staff = list(
            Staff.objects.filter(organisation_id=grant.organisation_id, user__is_active=True)
            .select_related("user")
            .prefetch_related("roles")
            .order_by("pk")
        )
        heads = [s for s in staff if s.has_role(Role.DEPARTMENT_HEAD)]
        for person in heads or staff:
            found += [("email", person.user.email), ("sms", person.phone)]
    else:
        kind = Applicant.Kind.LEGAL if grant.grantee_kind == Kind.COMPANY else Applicant.Kind.NATURAL
        party = Applicant.objects.filter(kind=kind, id_number=grant.grantee_id).select_related("user")
        for applicant in party.order_by("pk"):
            # its mobile as every SMS to an applicant is chosen (the registered phone, else the account's)
            mobile, other, _why = notify.applicant_sms_choice(applicant)
            found += [("email", applicant.email), ("sms", mobile or other)]
    seen, contacts = set(), []
    for channel, address in found:
        address = (address or "").strip()
        if address and (channel, address.lower()) not in seen:
            seen.add((channel, address.lower()))
            contacts.append((channel, address))
    return contacts


def _tell_grantee(grant: LicenceGrant, body: str, subject: str) -> int:
    """The message to the party through the one outbox, in the caller's transaction (sent after it commits)."""
    contacts = grantee_contacts(grant)
    for channel, address in contacts:
        outbox.post(channel, address, body, subject=subject if channel == "email" else "")
    return len(contacts)


def _message_values(grant: LicenceGrant) -> dict:
    licence = grant.licence
    holder = licence.holder_name
    if licence.holder_kind == Licence.HolderKind.NATURAL:
        holder = mask_name(holder)  # a text message travels further than the page: a person's name masked
    return {
        "holder": holder,
        "grantee": _("您") if grant.grantee_kind == Kind.PERSON else grant.grantee_name,
        "type": licence.type.name,
        "number": licence.number,
        "purpose": grant.purpose,
        "start": chinese_date(grant.valid_from),
        "end": chinese_date(grant.valid_until),
        "url": f"{getattr(settings, 'ZHENGWU_PUBLIC_URL', '').rstrip('/')}{granted_path(grant)}",
    }


def _holder_of(by, licence: Licence):
    applicant = case_selectors.applicant_of(by)
    if applicant is None or applicant.id_number != licence.holder_id:
        raise AccessDenied(_("只有持证人本人(或企业经办人)可以授权他人使用证照"))
    return applicant


def _date(value, field: str, label: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationFailed(
            _("请按 年-月-日 填写%(label)s,例如 %(example)s")
            % {"label": label, "example": clock.today().isoformat()},
            field=field,
        ) from None


def _grantee(kind: str, organisation, grantee_id: str, grantee_name: str, holder_id: str):
    """(organisation, code, name) of the party, or ValidationFailed naming the field."""
    if kind == Kind.ORGANISATION:
        org = None
        if isinstance(organisation, Organisation):
            org = organisation
        elif is_whole(organisation or ""):
            org = Organisation.objects.filter(pk=int(organisation), is_active=True).first()
        elif organisation:
            org = Organisation.objects.filter(uscc=ids.normalise(organisation), is_active=True).first()
        if org is None:
            raise ValidationFailed(_("请选择被授权的部门"), field="organisation")
        return org, org.uscc or "", org.name
    name = str(grantee_name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写被授权方名称"), field="grantee_name")
    if len(name) > 100:
        raise ValidationFailed(_("被授权方名称不能超过 100 字"), field="grantee_name")
    check = ids.check_uscc(grantee_id) if kind == Kind.COMPANY else ids.check_resident_id(grantee_id)
    if not check.valid:
        what = _("统一社会信用代码") if kind == Kind.COMPANY else _("居民身份证号码")
        raise ValidationFailed(
            _("被授权方的%(what)s无效:%(reason)s") % {"what": what, "reason": check.reason},
            field="grantee_id",
        )
    if check.value == holder_id:
        raise ValidationFailed(_("不能授权给持证人自己"), field="grantee_id")
    return None, check.value, name


def authorise(
    *,
    licence: Licence,
    by,
    kind: str,
    purpose: str,
    valid_until,
    organisation=None,
    grantee_id: str = "",
    grantee_name: str = "",
    valid_from=None,
) -> LicenceGrant:
    """The holder grants a party the use of the licence for `purpose` from `valid_from` (today) to `valid_until`."""
    _holder_of(by, licence)
    if kind not in Kind.values:
        raise ValidationFailed(_("被授权方类型应为政府部门、单位或个人"), field="kind")
    org, code, name = _grantee(kind, organisation, grantee_id, grantee_name, licence.holder_id)
    purpose = str(purpose or "").strip()
    if not purpose:
        raise ValidationFailed(_("请填写用证用途"), field="purpose")
    if len(purpose) > 200:
        raise ValidationFailed(_("用证用途不能超过 200 字"), field="purpose")
    today = clock.today()
    start = _date(valid_from, "valid_from", _("授权起始日期")) if valid_from else today
    end = _date(valid_until, "valid_until", _("授权截止日期"))
    if start < today:
        raise ValidationFailed(_("授权起始日期不能早于今天"), field="valid_from")
    if end < start:  # without a start date (the wallet's form asks none) the grant starts today
        message = _("授权截止日期不能早于起始日期") if valid_from else _("授权截止日期不能早于今天")
        raise ValidationFailed(message, field="valid_until")
    if (end - start).days >= MAX_DAYS:
        raise ValidationFailed(
            _("一次授权最长 %(n)s 天,请把截止日期设在 %(d)s 之前")
            % {"n": MAX_DAYS, "d": chinese_date(start + dt.timedelta(days=MAX_DAYS))},
            field="valid_until",
        )
    if licence.valid_until and end > licence.valid_until:
        raise ValidationFailed(
            _("授权截止日期不能晚于证照有效期(%(d)s)") % {"d": chinese_date(licence.valid_until)},
            field="valid_until",
        )
    with transaction.atomic():
        row = Licence.objects.select_for_update().get(pk=licence.pk)
        if not row.is_usable:
            raise Conflict(_("证照%(s)s,不能授权使用") % {"s": row.effective_status_label}, field="licence")
        grant = LicenceGrant.objects.create(
            licence=row,
            grantee_kind=kind,
            organisation=org,
            grantee_id=code,
            grantee_name=name,
            purpose=purpose,
            valid_from=start,
            valid_until=end,
            created_at=clock.now(),
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        use = services._use(
            row,
            LicenceUse.Purpose.AUTHORISE,
            by=by,
            note=_("授权%(who)s用于%(purpose)s,%(start)s 至 %(end)s")
            % {
                "who": grantee_shown(grant),
                "purpose": purpose,
                "start": chinese_date(start),
                "end": chinese_date(end),
            },
        )
        told = _tell_grantee(
            grant,
            _(
                "【政务服务】%(holder)s授权%(grantee)s使用其%(type)s(编号 %(number)s),用途:%(purpose)s,"
                "授权期 %(start)s 至 %(end)s。查验:%(url)s"
            )
            % _message_values(grant),
            _("【政务服务】用证授权:%(type)s") % {"type": row.type.name},
        )
        audit.record(
            "licence.authorise",
            row,
            summary={
                "grant": grant.pk,
                "kind": kind,
                "grantee": grantee_shown(grant),
                "until": end.isoformat(),
                "told": told,
            },
            rows=[use],
        )
    return grant


def grants_of(licence: Licence) -> QuerySet[LicenceGrant]:
    """Every grant the holder made for this licence (all its versions: a grant follows the licence's number)."""
    return LicenceGrant.objects.select_related("organisation").filter(licence__number=licence.number)


def revoke(*, grant: LicenceGrant, by) -> LicenceGrant:
    """The holder withdraws a grant; the party can no longer open the licence through it."""
    _holder_of(by, grant.licence)
    with transaction.atomic():
        row = LicenceGrant.objects.select_for_update().select_related("licence__type").get(pk=grant.pk)
        if row.revoked_at is not None:
            raise Conflict(_("该授权已撤回"), field="grant")
        row.revoked_at = clock.now()
        row.save(update_fields=["revoked_at"])
        use = services._use(
            row.licence,
            LicenceUse.Purpose.UNAUTHORISE,
            by=by,
            note=_("撤回对%(who)s的授权(%(purpose)s)") % {"who": grantee_shown(row), "purpose": row.purpose},
        )
        told = _tell_grantee(
            row,
            _(
                "【政务服务】%(holder)s已撤回授权%(grantee)s使用其%(type)s(编号 %(number)s)(用途:%(purpose)s),"
                "自即日起不能再依该授权查验此证照。"
            )
            % _message_values(row),
            _("【政务服务】用证授权已撤回:%(type)s") % {"type": row.licence.type.name},
        )
        audit.record("licence.unauthorise", row.licence, summary={"grant": row.pk, "told": told}, rows=[use])
    return row


def holder_grant(*, by, grant_id) -> LicenceGrant:
    """A grant the signed-in holder made (for revoking), or NotFound."""
    applicant = case_selectors.applicant_of(by)
    grant = None
    if applicant is not None and is_whole(grant_id):
        grant = (
            LicenceGrant.objects.select_related("licence")
            .filter(pk=int(grant_id), licence__holder_id=applicant.id_number)
            .first()
        )
    if grant is None:
        raise NotFound(_("找不到该授权"), field="grant")
    return grant


def _grantee_q(user) -> Q | None:
    staff = access.staff_of(user)
    if staff is not None:
        # a department's staff: grants to their own organisation
        return Q(grantee_kind=Kind.ORGANISATION, organisation=staff.organisation)
    applicant = case_selectors.applicant_of(user)
    if applicant is None:
        return None
    kind = Kind.COMPANY if applicant.kind == "legal" else Kind.PERSON
    return Q(grantee_kind=kind, grantee_id=applicant.id_number)


def granted_to(user) -> QuerySet[LicenceGrant]:
    """Grants made to the user (their department, or the company or person they are), every state."""
    where = _grantee_q(user)
    if where is None:
        return LicenceGrant.objects.none()
    return LicenceGrant.objects.select_related(
        "licence", "licence__type", "licence__issuer", "organisation"
    ).filter(where)


def active_granted_to(user) -> QuerySet[LicenceGrant]:
    """The grants to the user that are in force today (not revoked, within their period)."""
    today = clock.today()
    return granted_to(user).filter(revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today)


def open_granted(*, by, grant_id, action: str = "view") -> LicenceGrant:
    """The party opens the licence through its grant: refused unless the grant is theirs and active; logged.
    `action` is view (the page or the API's record) or download (the signed file)."""
    grant = None
    if is_whole(grant_id):
        grant = granted_to(by).filter(pk=int(grant_id)).first()
    if grant is None:
        raise NotFound(_("找不到授权给您的该证照"), field="grant")
    if not grant.is_active:
        raise AccessDenied(
            _("授权%(state)s,不能使用该证照(授权期 %(start)s 至 %(end)s)")
            % {
                "state": grant.state_label,
                "start": chinese_date(grant.valid_from),
                "end": chinese_date(grant.valid_until),
            }
        )
    with transaction.atomic():
        what = _("下载") if action == "download" else _("查验")
        use = services._use(
            services.in_force_version(
                grant.licence
            ),  # the version the party sees, so its holder's log shows it
            LicenceUse.Purpose.GRANTED,
            by=by,
            note=_("%(who)s依授权%(what)s:%(purpose)s")
            % {"who": grantee_shown(grant), "what": what, "purpose": grant.purpose},
        )
        audit.record(
            "licence.granted_use", use.licence, summary={"grant": grant.pk, "action": action}, rows=[use]
        )
    return grant


PICKER_LIMIT = 50  # options the grant form's picker shows at once; a longer list asks for more characters


def organisations(query: str = "") -> list[Organisation]:
    """The departments a holder may name in a grant (the active ones, by name). With `query`: those whose name or
    short name contains it (Traditional or Simplified, any case), whose USCC contains it, or whose name's pinyin or
    initials contain it (水利局: "shuili", "slj")."""
    rows = list(
        Organisation.objects.filter(is_active=True).order_by("name").only("pk", "name", "short_name", "uscc")
    )
    wanted = text.normalise(query)[:40]
    if not wanted:
        return rows

    def matches(org: Organisation) -> bool:
        if wanted in text.normalise(org.name) or wanted in text.normalise(org.short_name):
            return True
        if wanted in (org.uscc or "").lower():
            return True
        if not wanted.isascii():
            return False
        full, initials = text.pinyin(org.name)
        return wanted in full or wanted in initials

    return [org for org in rows if matches(org)]


def granted_context(grant: LicenceGrant) -> dict:
    """What the authorised party sees: the licence as it stands now (its version in force today) in full, its state, the
    grant's purpose and period."""
    licence = services.in_force_version(grant.licence)
    return {
        "grant": grant,
        "l": licence,
        "meta": services.metadata_shown(licence),  # as the licence pages write days
        "items": services.pdf_context(licence)["items"],
    }
