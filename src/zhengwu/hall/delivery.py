"""Delivery of results (送达): the applicant's choice (window, post, electronic, or home delivery for the elderly and
disabled) with the address checked for form; the clerk posts the result with its tracking number; delivered or
returned; a 帮办代办 helper recorded on the case."""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.cases.models import Case, Delivery, OutboxMessage, Status
from zhengwu.cases.notify import sms_to_applicant
from zhengwu.core import access, audit, clock, ids, inputs
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.hall import permissions
from zhengwu.hall.models import Dispatch

HOME_REASONS = {"elderly": gettext_lazy("老年人(60周岁以上)"), "disabled": gettext_lazy("残疾人")}
ELDERLY_AGE = 60
# An address a courier can find: a county-level place (市/县/区/旗), then a street, road, town or village, then a
# number (号/栋/室/组…). 邮政法 第二十四条 / 快递市场管理办法: the sender gives the recipient's full address.
_ADDRESS = re.compile(
    r"^.{0,20}?(市|县|区|旗).{0,30}?(街道|镇|乡|路|街|大道|巷|村|社区).{0,40}?\d+.{0,10}?(号|栋|幢|室|组|楼|单元|户)"
)
# 中国邮政 / EMS: a domestic item number of 13 digits, or an international one in the UPU S10 form (two letters,
# eight digits and a check digit, the country's two letters, e.g. EA123456785CN). UPU 技术标准 S10.
_POSTAL_DOMESTIC = re.compile(r"^\d{13}$")
_POSTAL_S10 = re.compile(r"^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_COURIER = re.compile(
    r"^[A-Z]{0,4}\d{10,20}$"
)  # other couriers: digits with a short letter prefix (SF…, JD…)
POSTAL_CARRIERS = ("EMS", "中国邮政")
CARRIERS = ("EMS", "中国邮政", "顺丰速运", "京东物流")


def s10_check_digit(serial: str) -> int:
    """The S10 check digit of an item's eight-digit serial number."""
    rest = 11 - sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(rest, rest)


def check_tracking(*, carrier: str, number: str) -> str:
    """The tracking number normalised and checked for the carrier's form; the error names both postal forms."""
    number = ids.normalise(number)
    if carrier in POSTAL_CARRIERS:
        s10 = _POSTAL_S10.fullmatch(number)
        if _POSTAL_DOMESTIC.fullmatch(number) or (s10 and s10_check_digit(s10[1]) == int(s10[2])):
            return number
        if s10:
            raise ValidationFailed(
                _("邮件单号 %(number)s 的校验位不对(国际邮件 S10 格式第11位为校验位),请核对")
                % {"number": number},
                field="tracking_number",
            )
        raise ValidationFailed(
            _(
                "%(carrier)s邮件单号格式不对:国内邮件为13位数字(如 1190012345678),"
                "国际邮件为两个字母、九位数字、两个字母(UPU S10,如 EA123456785CN)"
            )
            % {"carrier": carrier},
            field="tracking_number",
        )
    if not _COURIER.fullmatch(number):
        raise ValidationFailed(
            _("%(carrier)s快递单号格式不对:应为10至20位数字,可带不超过4个字母的前缀") % {"carrier": carrier},
            field="tracking_number",
        )
    return number


def check_address(address: str) -> str:
    address = re.sub(r"\s+", "", str(address or ""))
    if not address:
        raise ValidationFailed(_("请填写送达地址"), field="address")
    if len(address) > 200:
        raise ValidationFailed(_("送达地址不能超过200个字"), field="address")
    if not _ADDRESS.search(address):
        raise ValidationFailed(
            _("送达地址不完整:应写明县(市、区)、街道或乡镇(路、村)和门牌号,如「贵溪市雄石街道建设路12号」"),
            field="address",
        )
    return address


def _age(id_number: str, on: dt.date) -> int | None:
    check = ids.check_resident_id(id_number)
    if not check.valid:
        return None
    born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def offered_for(version) -> list[str]:
    """The methods an item version's guide offers for its result (window always), plus home delivery."""
    methods = [m for m in (version.result_delivery or []) if m in Delivery.values]
    return list(dict.fromkeys([Delivery.WINDOW, *methods, Delivery.HOME]))


def offered(case: Case) -> list[str]:
    return offered_for(case.version)


def check_choice(*, version, method: str, address: str = "", reason: str = "", id_number: str = "") -> tuple:
    """The choice checked before anything is written (the apply and counter forms check it with the other fields):
    (method, address), the address kept only for post and home delivery. Home delivery (上门送达) is for the
    elderly (60 and over, read from the applicant's ID number) and the disabled (declared, checked at the window).
    Each error names its field: method, address or reason."""
    method = str(method or "")
    if method not in Delivery.values:
        raise ValidationFailed(_("请选择结果送达方式"), field="method")
    if method not in offered_for(version):
        raise ValidationFailed(
            _("该事项不提供「%(method)s」") % {"method": Delivery(method).label}, field="method"
        )
    if method in (Delivery.POST, Delivery.HOME):
        address = check_address(address)
    else:
        address = ""
    if method == Delivery.HOME:
        if reason not in HOME_REASONS:
            raise ValidationFailed(_("上门送达请说明情形:老年人或残疾人"), field="reason")
        age = _age(id_number, clock.today())
        if reason == "elderly" and (age is None or age < ELDERLY_AGE):
            raise ValidationFailed(_("上门送达(老年人)限60周岁以上的申请人"), field="reason")
    return method, address


def choose(*, case: Case, method: str, address: str = "", reason: str = "", by) -> Case:
    """The applicant's choice (when applying online, at the counter, or later on their case page), checked by
    `check_choice`; refused once the result is delivered or posted."""
    method, address = check_choice(
        version=case.version,
        method=method,
        address=address,
        reason=reason,
        id_number=case.applicant.id_number,
    )
    if case.status in (Status.DELIVERED, Status.COMPLETED) or case.hall_dispatches.exists():
        raise Conflict(_("结果已送达或已寄出,不能再改送达方式"))
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(requested_delivery=method, delivery_address=address)
        case.requested_delivery, case.delivery_address = method, address
        audit.record(
            "hall.delivery_chosen",
            case,
            actor=by if getattr(by, "is_authenticated", False) else None,
            summary={"method": method, "reason": reason},
        )
    return case


def _clerk(by, case: Case) -> None:
    """Window clerks and the centre's managers who can reach the case (permissions.case_delivery_refusal)."""
    if refused := permissions.case_delivery_refusal(by, case):
        raise refused


def _result_ready(case: Case) -> None:
    """The result exists before it can leave (permissions.result_refusal)."""
    if refused := permissions.result_refusal(case):
        raise refused


def post(*, case: Case, tracking_number: str, carrier: str = "EMS", by) -> Dispatch:
    """The result leaves the centre by post (or with the home-delivery staff): tracking number recorded, the
    applicant told by SMS."""
    _clerk(by, case)
    if refused := permissions.chosen_refusal(case):
        raise refused
    _result_ready(case)
    tracking = ids.normalise(tracking_number)
    if case.requested_delivery == Delivery.POST:
        if carrier not in CARRIERS:
            raise ValidationFailed(
                _("寄递企业应为%(carriers)s之一") % {"carriers": "、".join(CARRIERS)}, field="carrier"
            )
        tracking = check_tracking(carrier=carrier, number=tracking)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        _result_ready(locked)
        if refused := permissions.on_its_way_refusal(locked):
            raise refused
        dispatch = Dispatch.objects.create(
            case=locked,
            method=locked.requested_delivery,
            carrier=carrier if tracking else "",
            tracking_number=tracking,
            posted_at=clock.now(),
            posted_by=by,
        )
        audit.record(
            "hall.result_posted", dispatch, actor=by, summary={"case": locked.number, "tracking": tracking}
        )
        text = (
            _("您的办件 %(number)s 结果已由%(carrier)s寄出,邮件单号 %(tracking)s。")
            if tracking
            else _("您的办件 %(number)s 结果将由工作人员上门送达,请保持电话畅通。")
        ) % {"number": locked.number, "carrier": carrier, "tracking": tracking}
        # at the applicant's mobile (cases.notify.sms_choice); none known: kept as not sent, with the reason
        message = sms_to_applicant(locked, text)
        message.created_at = clock.now()
        message.next_attempt_at = message.created_at if message.state == OutboxMessage.State.PENDING else None
        message.save(force_insert=True)
        return dispatch


def confirm(*, dispatch: Dispatch, by) -> Dispatch:
    """签收: the result reached the applicant; the case records the delivery (cases.services.deliver_result)."""
    from zhengwu.cases import services as cases

    _clerk(by, dispatch.case)
    with transaction.atomic():
        current = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if refused := permissions.dispatch_refusal(current):
            raise refused
        note = (
            _("%(carrier)s 邮件单号 %(number)s")
            % {"carrier": current.carrier, "number": current.tracking_number}
            if current.tracking_number
            else _("上门送达")
        )
        cases.deliver_result(case=current.case, by=by, method=current.method, note=note)
        current.state, current.closed_at = Dispatch.State.DELIVERED, clock.now()
        current.save(update_fields=["state", "closed_at"])
        audit.record("hall.result_delivered", current, actor=by)
        return current


def returned(*, dispatch: Dispatch, reason: str, by) -> Dispatch:
    """退回: the post came back (wrong address, refused); the case stays decided so it can be sent again."""
    _clerk(by, dispatch.case)
    # too long is refused at the field, not cut short without a word (the note's column holds 200)
    reason = inputs.text(reason, field="reason", label=_("退回原因"), max_length=200)
    with transaction.atomic():
        current = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if refused := permissions.dispatch_refusal(current):
            raise refused
        current.state, current.closed_at, current.note = Dispatch.State.RETURNED, clock.now(), reason
        current.save(update_fields=["state", "closed_at", "note"])
        audit.record("hall.result_returned", current, actor=by, summary={"reason": reason})
        return current


def assign_helper(*, case: Case, helper, by) -> Case:
    """帮办代办: a staff member assigned to help the applicant through the case, recorded on the case."""
    _clerk(by, case)
    if access.staff_of(helper) is None:
        raise ValidationFailed(_("帮办代办人应为工作人员"), field="helper")
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(helper=helper)
        case.helper = helper
        audit.record("hall.helper_assigned", case, actor=by, summary={"helper": access.staff_of(helper).name})
    return case
