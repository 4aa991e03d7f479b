"""Fees charged on a case (charge_fee) and the charge recorded with a fee notice (record_notice_charge). Behind
cases/services.py."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.cases import (
    permissions,
    workflow,
)
from zhengwu.cases.models import (
    Case,
    CaseEvent,
)
from zhengwu.cases.records import _in_scope, _locked, _record, _updates_caller, events_so_far
from zhengwu.cases.selectors import typed_charges
from zhengwu.catalog.models import ItemVersion
from zhengwu.core import clock
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.text import name_key

CENT = Decimal("0.01")


MAX_FEE_AMOUNT = Decimal("9999999999.99")  # what catalog.Fee.amount holds (12 digits, 2 places)


def _fee_amount(value, *, field: str, name: str) -> Decimal:
    """A positive amount in yuan with at most 2 decimal places, as Decimal quantized to fen."""
    text = "" if value is None or isinstance(value, bool) else str(value).strip()
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or amount > MAX_FEE_AMOUNT:
        raise ValidationFailed(
            _("「%(name)s」的收费金额应为大于 0 的金额(元),如 10.00") % {"name": name}, field=field
        )
    if amount != amount.quantize(CENT):
        raise ValidationFailed(
            _("「%(name)s」的收费金额最多保留两位小数(到分)") % {"name": name}, field=field
        )
    return amount.quantize(CENT)


def _fees_charged(version: ItemVersion, fees) -> list[dict]:
    """Each fee named as in the item version's fee list (收费目录), with the amount charged and the standard."""
    # a fee is found by its name as compared (core.text.name_key), so 不动产登记费(住宅类) typed by a client finds the list's
    # 不动产登记费（住宅类）; what is recorded is the list's own spelling
    catalogue = {name_key(f.name): f for f in version.fees.order_by("position")}
    if not catalogue:
        raise ValidationFailed(_("本事项不收费,不能登记收费"), code="fee.not_charged", field="fees")
    if not isinstance(fees, list | tuple) or not fees:
        raise ValidationFailed(_("请至少填写一项收费"), field="fees")
    charged, seen = [], set()
    for index, item in enumerate(fees):
        item = item if isinstance(item, dict) else {}
        name = str(item.get("name") or "").strip()
        if not name:
            raise ValidationFailed(_("请填写收费项目名称"), field=f"fees.{index}.name")
        fee = catalogue.get(name_key(name))
        if fee is None:
            raise ValidationFailed(
                _("「%(name)s」不在本事项的收费目录中,只能收取:%(names)s")
                % {"name": name, "names": "、".join(f.name for f in catalogue.values())},
                code="fee.unknown",
                field=f"fees.{index}.name",
            )
        if fee.position in seen:
            raise ValidationFailed(
                _("「%(name)s」重复填写,同一收费项目只登记一次") % {"name": name}, field=f"fees.{index}.name"
            )
        seen.add(fee.position)
        amount = _fee_amount(item.get("amount"), field=f"fees.{index}.amount", name=name)
        charged.append(
            {
                "position": fee.position,
                "name": fee.name,
                "amount": str(amount),
                "standard_amount": str(fee.amount.quantize(CENT)) if fee.amount is not None else None,
            }
        )
    return charged


def _charged_before(case: Case, charged: list[dict]) -> Conflict | None:
    """A fee of the item's list is charged once on a case: a second 登记收费 of it (a form sent twice, a page reloaded)
    appended a second charge of the same fee without a word (a stranger's pass charged the estate fees twice)."""
    earlier = {
        name_key(fee["name"]): event["at"]
        for event in events_so_far(case)
        if event["action"] == "charge_fee"
        for fee in (event["data"] or {}).get("fees", [])
    }
    for index, fee in enumerate(charged):
        if (key := name_key(fee["name"])) in earlier:
            return Conflict(
                _("「%(name)s」已于 %(on)s 登记收费,同一收费项目只登记一次")
                % {"name": fee["name"], "on": clock.local_date(earlier[key]).isoformat()},
                code="fee.charged_before",
                field=f"fees.{index}.name",
            )
    return None


@_updates_caller
def charge_fee(*, case: Case, by, fees: list[dict], revision: int | None = None) -> CaseEvent:
    """Record the fees charged (收费), each named as in the item's fee list, with the amount actually charged and
    the catalogue standard beside it. Staff of the case's organisation, while the case is handled or decided.
    Status and due dates do not change; supervision compares each amount with the standard (行政许可法 第五十九条)."""
    _in_scope(by, case)
    with transaction.atomic():
        case = _locked(case, revision)
        # who types fees, and only fees the item lists outside the fee catalogue (统一收费: those by a payment notice)
        permissions.require(by, case, "charge_fee")
        charged = _fees_charged(case.version, fees)
        if refused := _charged_before(case, charged):
            raise refused
        note = "；".join(
            _("%(name)s %(amount)s 元") % {"name": f["name"], "amount": f["amount"]} for f in charged
        )
        return _record(case, "charge_fee", by=by, note=note, data={"fees": charged})


def _told_of_fees(events) -> bool:
    """Was the applicant told what was collected: a decision or completion message after a typed charge says
    已收取费用 (cases.notify.FEE_LINE)."""
    charged = False
    for event in events:
        if event["action"] == "charge_fee" and any(
            not f.get("notice") for f in (event["data"] or {}).get("fees", [])
        ):
            charged = True
        elif charged and event["action"] in ("decide", "complete"):
            return True
    return False


@_updates_caller
def correct_fee(*, case: Case, by, fees: list[dict], reason: str, revision: int | None = None) -> CaseEvent:
    """更正收费: a fee typed by hand (登记收费) with a wrong amount is corrected — the reason required, recorded as a
    charge_fee event naming the amount it replaces (audited with it), and the applicant told the corrected amount
    when a message already told them what was collected. A fee charged by a payment notice is corrected on its
    notice (fees: 更正缴款通知书, or 退付 once paid)."""
    _in_scope(by, case)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请写明更正原因"), field="reason")
    if len(reason) > 300:
        raise ValidationFailed(
            _("「更正原因」最长 300 个字,现有 %(n)d 个字") % {"n": len(reason)}, field="reason"
        )
    with transaction.atomic():
        case = _locked(case, revision)
        permissions.require(by, case, "correct_fee")
        corrected = _fees_charged(case.version, fees)
        events = events_so_far(case)
        before = typed_charges(events)
        for index, fee in enumerate(corrected):
            earlier = before.get(name_key(fee["name"]))
            if earlier is None:
                raise ValidationFailed(
                    _("「%(name)s」尚未登记收费,无需更正;请登记收费") % {"name": fee["name"]},
                    field=f"fees.{index}.name",
                )
            if Decimal(earlier["amount"]) == Decimal(fee["amount"]):
                raise ValidationFailed(
                    _("「%(name)s」已登记 %(amount)s 元,与更正后的金额相同")
                    % {"name": fee["name"], "amount": earlier["amount"]},
                    field=f"fees.{index}.amount",
                )
            fee["corrects"] = earlier["amount"]
        changes = "；".join(
            _("%(name)s %(old)s 元更正为 %(new)s 元")
            % {"name": f["name"], "old": f["corrects"], "new": f["amount"]}
            for f in corrected
        )
        event = _record(
            case,
            "charge_fee",
            by=by,
            note=_("更正收费:%(changes)s(%(reason)s)") % {"changes": changes, "reason": reason},
            data={"fees": corrected, "correction": reason},
        )
        if _told_of_fees(events):
            _tell_corrected(case, changes, reason)
        return event


def _tell_corrected(case: Case, changes: str, reason: str) -> None:
    """The applicant (and the number they gave) told the corrected amounts, in the correction's transaction."""
    from zhengwu.cases.notify import tell_applicant

    text = _(
        "您的申请 %(number)s 登记的收费已更正:%(changes)s。更正原因:%(reason)s。如有疑问请联系%(organisation)s。"
    ) % {"number": case.number, "changes": changes, "reason": reason, "organisation": case.organisation.name}
    tell_applicant(case, text, subject=_("收费更正"))


def record_notice_charge(*, case: Case, by, fees: list[dict], note: str) -> CaseEvent:
    """The charge (收费) of a payment notice the fees domain computed from the fee catalogue, as the case's
    charge_fee event; runs inside the notice's transaction. Each fee: position, name, amount, standard_amount,
    notice (the payment code)."""
    case = _locked(case, None)
    workflow.next_status(case.status, "charge_fee")
    return _record(case, "charge_fee", by=by, note=note, data={"fees": fees})
