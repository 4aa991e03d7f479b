"""What a fee comes to: the catalogue's standard applied to a quantity, a band charged at its lower bound unless a
recorded decision says otherwise, and a waiver by law with its basis. Pure: no database writes, Decimal yuan."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from zhengwu.core.errors import ValidationFailed
from zhengwu.core.inputs import text
from zhengwu.fees.models import CatalogueFee, StandardKind, Waiver

CENT = Decimal("0.01")
LARGEST = Decimal("9999999999.99")  # every amount is kept in a column of 12 digits, 2 after the point


@dataclass(frozen=True)
class Decision:
    """A recorded decision to charge a band fee above its lower bound (e.g. 行政处罚决定书), with its document."""

    amount: Decimal
    document: str


@dataclass(frozen=True)
class Line:
    name: str
    standard: str
    quantity: int
    standard_amount: Decimal  # what the standard gives before any waiver
    amount: Decimal  # what is charged
    basis: str
    waiver: str = ""
    decision: str = ""


def yuan(value: Decimal) -> str:
    return f"{value.quantize(CENT)}"


def standard_text(fee: CatalogueFee) -> str:
    """The standard as the public list says it: 80.00元/件; 幅度 50000.00—100000.00元(按下限 50000.00元执行)."""
    if fee.standard_kind == StandardKind.BAND:
        upper = yuan(fee.upper) if fee.upper is not None else "—"
        return _("%(low)s—%(up)s元(按下限%(low)s元执行)") % {"low": yuan(fee.amount), "up": upper}
    return _("%(amount)s元/%(unit)s") % {"amount": yuan(fee.amount), "unit": fee.unit}


def _quantity(value, field: str) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        number = 0
    if number < 1 or number > 10000:
        raise ValidationFailed(_("数量须为 1 至 10000 的整数"), field=field)
    return number


DOCUMENT_LENGTH = 200  # a decision's 文书及文号: 贵溪市自然资源局行政处罚决定书 贵自然罚〔2026〕12号 is 30


def _decided(fee: CatalogueFee, decision: Decision, field: str) -> Decimal:
    if fee.standard_kind != StandardKind.BAND:
        raise ValidationFailed(
            _("「%(name)s」不是幅度标准,不能另行决定金额") % {"name": fee.name}, field=field
        )
    if not (decision.document or "").strip():
        raise ValidationFailed(_("按决定执行须写明决定文书及文号"), field=f"{field}.document")
    # the notice line holds it with the amount (300 characters): too long is refused, not cut short on the notice
    text(decision.document, field=f"{field}.document", label=_("决定文书及文号"), max_length=DOCUMENT_LENGTH)
    try:
        amount = Decimal(str(decision.amount)).quantize(CENT)
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite():  # NaN rounds to NaN, which no band can hold (was a 500)
        raise ValidationFailed(_("决定金额须为数字"), field=f"{field}.amount")
    if amount < fee.amount or (fee.upper is not None and amount > fee.upper):
        raise ValidationFailed(
            _("决定金额须在收费标准幅度内(%(std)s)") % {"std": standard_text(fee)}, field=f"{field}.amount"
        )
    return amount


def line(
    fee: CatalogueFee,
    quantity=1,
    *,
    waiver: Waiver | None = None,
    decision: Decision | None = None,
    field: str = "fee",
) -> Line:
    """One fee computed: fixed = the amount; per unit = price × quantity; band = its lower bound × quantity, or the
    decided amount; then the waiver (免收: nothing; 按比例: that share, rounded to the fen)."""
    count = _quantity(quantity, f"{field}.quantity")
    if fee.standard_kind == StandardKind.FIXED:
        count = 1
    unit = _decided(fee, decision, f"{field}.decision") if decision is not None else fee.amount
    standard_amount = (unit * count).quantize(CENT)
    amount, waived = standard_amount, ""
    if waiver is not None:
        if waiver.fee_id != fee.pk:
            raise ValidationFailed(
                _("该减免不适用于「%(name)s」") % {"name": fee.name}, field=f"{field}.waiver"
            )
        if waiver.kind == Waiver.Kind.EXEMPT:
            amount = Decimal("0.00")
        else:
            amount = (standard_amount * Decimal(waiver.percent) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        waived = f"{waiver.name}({waiver.get_kind_display()}),{waiver.basis}"
    return Line(
        name=fee.name,
        standard=standard_text(fee),
        quantity=count,
        standard_amount=standard_amount,
        amount=amount,
        basis=f"{fee.basis};{fee.approval}" if fee.approval else fee.basis,
        waiver=waived,
        decision=_("%(document)s(%(amount)s元)")
        % {"document": decision.document.strip(), "amount": yuan(unit)}
        if decision is not None
        else "",
    )
