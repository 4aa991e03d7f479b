"""Applicants: registering a person or organisation that applies (register_applicant), checking a person's real
name (verify_real_name), and both in one write (register_verified). Behind cases/services.py."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.cases import (
    identity,
)
from zhengwu.cases.models import (
    Applicant,
)
from zhengwu.cases.records import _actor, _text
from zhengwu.core import access, audit, clock, ids, inputs
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.prepared import Prepared

# read and locked by every registration (every submit with the applicant's details): compiled once per connection
_KNOWN = Prepared(
    lambda kind, id_number: (
        Applicant.objects.select_for_update().filter(kind=kind, id_number=id_number).order_by()[:1]
    ),
    str,
    str,
)


def register_applicant(
    *,
    kind: str,
    name: str,
    id_number: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    legal_representative: str = "",
    password: str | None = None,
    by=None,
    in_callers_transaction: bool = False,
) -> Applicant:
    """Register an applicant (natural person by resident ID, legal person by USCC). With a password, a portal
    account is made whose user name is the phone number (or the e-mail address). A known applicant (same kind and
    number) without an account is reused, with the contact details given.

    Registered online by someone else (an agent signed in to the portal, `by` neither staff nor the applicant's own
    account), a known applicant is left exactly as on record — an agent cannot change where another person's
    notifications go — and the name given must be the one on record for that number.

    `in_callers_transaction`: written in the caller's transaction without a savepoint of its own (a submit with
    the applicant's details registers them with the case: a failure fails the whole submit)."""
    if kind not in Applicant.Kind.values:
        raise ValidationFailed(_("申请人类型应为 natural(自然人)或 legal(法人或其他组织)"), field="kind")
    name = _text(name, field="name", label=_("申请人姓名或名称"), max_length=100)
    checked = (
        ids.check_resident_id(id_number) if kind == Applicant.Kind.NATURAL else ids.check_uscc(id_number)
    )
    if not checked.valid:
        label = _("居民身份证号码") if kind == Applicant.Kind.NATURAL else _("统一社会信用代码")
        raise ValidationFailed(
            _("%(label)s无效:%(reason)s") % {"label": label, "reason": checked.reason}, field="id_number"
        )
    phone = inputs.phone(phone, field="phone", label=_("手机号码"), required=False)
    email = (email or "").strip()
    if password is not None and not (phone or email):
        raise ValidationFailed(_("注册账号须填写手机号码或电子邮箱"), field="phone")
    registration = dict(
        kind=kind, name=name, id_number=checked.value, phone=phone, email=email, address=address,
        legal_representative=legal_representative, password=password, by=by,
    )  # fmt: skip
    if in_callers_transaction:
        return _register(**registration)
    with transaction.atomic():
        return _register(**registration)


def _register(
    *, kind, name, id_number, phone, email, address, legal_representative, password, by
) -> Applicant:
    """register_applicant's write, its details checked, inside a transaction."""
    applicant = _KNOWN.first(kind, id_number)  # one at most: (kind, id_number) is unique
    if applicant is not None and password is not None and applicant.user_id is not None:
        raise Conflict(_("该证件号码已注册账号,请直接登录"), field="id_number")
    if applicant is None:
        applicant = Applicant(kind=kind, id_number=id_number, created_at=clock.now())
    before = _contact(applicant)
    if applicant.pk is not None and _registers_someone_else(by, applicant):
        if _names_differ(applicant.name, name):
            raise ValidationFailed(
                _("姓名或名称与该证件号码登记的不一致,请核对"),
                code="applicant.name_differs",
                field="name",
            )
    else:
        applicant.name = name
        applicant.phone = phone or applicant.phone
        applicant.email = email or applicant.email
        applicant.address = address or applicant.address
        applicant.legal_representative = legal_representative or applicant.legal_representative
    if password is not None:
        username = phone or email
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise Conflict(
                _("账号「%(username)s」已被使用") % {"username": username},
                field="phone" if phone else "email",
            )
        applicant.user = User.objects.create_user(username=username, password=password, email=email)
    if applicant.pk is None or password is not None or _contact(applicant) != before:
        applicant.save()  # nothing to write for a returning applicant whose details are as recorded
    audit.record(
        "cases.register_applicant",
        applicant,
        actor=_actor(by),
        summary={"kind": kind, "account": password is not None},
    )
    return applicant


def _contact(applicant: Applicant) -> tuple:
    return (
        applicant.name, applicant.phone, applicant.email, applicant.address, applicant.legal_representative,
        applicant.user_id,
    )  # fmt: skip


def _registers_someone_else(by, applicant: Applicant) -> bool:
    """A portal user (not staff) registering an applicant who is not themselves — an agent applying online."""
    if _actor(by) is None or access.staff_of(by) is not None or access.is_administrator(by):
        return False
    return applicant.user_id != by.pk


def _names_differ(recorded: str, given: str) -> bool:
    """True when the names differ (blanks and full- or half-width brackets aside)."""

    def plain(text: str) -> str:
        return "".join(str(text or "").split()).replace("（", "(").replace("）", ")")

    return plain(recorded) != plain(given)


def verify_real_name(*, applicant: Applicant, by=None) -> Applicant:
    """Check the applicant's name and number with the real-name provider; mark them verified or say why not."""
    verdict = identity.verifier().verify(applicant.kind, applicant.name, applicant.id_number)
    if not verdict.ok:
        raise ValidationFailed(
            _("实名核验未通过:%(reason)s") % {"reason": verdict.reason},
            field="id_number",
            code="real_name_failed",
        )
    with transaction.atomic():
        # what was checked, in words (shown to people); the provider's name goes only to the audit record
        applicant.verified_at, applicant.verified_by = clock.now(), (verdict.checked or _("已核验"))[:60]
        applicant.save(update_fields=["verified_at", "verified_by"])
        audit.record(
            "cases.verify_real_name",
            applicant,
            actor=_actor(by),
            summary={"channel": verdict.channel, "checked": verdict.checked},
        )
    return applicant


def register_verified(*, by=None, **details) -> Applicant:
    """Register an applicant and check their real name, both or neither (one transaction): an account is made only
    for a name and number that pass the check. `details`: register_applicant's. Signing up (`by` None) always checks,
    as the account's own; an applicant registered by someone else (an agent online) is checked once."""
    with transaction.atomic():
        applicant = register_applicant(**details, by=by)
        if by is None or applicant.verified_at is None:
            verify_real_name(applicant=applicant, by=by or applicant.user)
    return applicant
