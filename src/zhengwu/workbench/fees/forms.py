"""Forms of the fee pages: they read and check what was typed (amounts in yuan as Decimal to the fen, quantities,
dates, the records named); the rules stay in zhengwu.fees.services and zhengwu.fees.reconcile, whose refusals the
pages show as before.

Text goes to the services as typed (they strip and check it), so a field left empty is the service's to refuse,
with its own message. Every refusal a form makes names its field (实收金额须为数字, 退付金额最多两位小数(到分)),
because the actions answered by a redirect show it as one line at the top of the notice."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import ServiceForm, free_text, named
from zhengwu.core.inputs import is_whole
from zhengwu.core.models import Organisation
from zhengwu.fees import compute, selectors
from zhengwu.fees.models import Waiver

CENT = compute.CENT
LARGEST = compute.LARGEST


class MoneyField(forms.CharField):
    """An amount in yuan as typed (100, 100.5, 100.50): a Decimal to the fen, never a float. Refusals name the
    field in the services' words (「%(label)s须为数字」, 「%(label)s最多两位小数(到分)」); whether it may be 0 or
    what it must equal is the service's rule."""

    def __init__(self, label, *, required: bool = True, **kwargs):
        messages = {"required": named(_("请填写%(label)s"), label=label)} if required else {}
        super().__init__(label=label, required=required, error_messages=messages, **kwargs)

    def to_python(self, value) -> Decimal | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        said = {"label": str(self.label)}
        try:
            amount = Decimal(value)
        except (InvalidOperation, ValueError):
            amount = None
        if amount is None or not amount.is_finite():
            raise forms.ValidationError(gettext("%(label)s须为数字") % said, code="invalid")
        if abs(amount) > LARGEST:
            raise forms.ValidationError(
                gettext("%(label)s不能超过 %(most)s 元") % {**said, "most": LARGEST}, code="max_value"
            )
        if amount != amount.quantize(CENT):
            raise forms.ValidationError(gettext("%(label)s最多两位小数(到分)") % said, code="decimal_places")
        return amount


class DayField(forms.CharField):
    """A date written YYYY-MM-DD (what a date input sends); empty is None, for the service to ask for. The refusal
    is the services' (日期格式应为 年-月-日,如 2026-11-18)."""

    widget = forms.DateInput(attrs={"type": "date"})

    def __init__(self, label, **kwargs):
        super().__init__(label=label, required=False, **kwargs)

    def to_python(self, value) -> dt.date | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(
                gettext("日期格式应为 年-月-日,如 2026-11-18"), code="invalid"
            ) from None


class FeeForm(ServiceForm):
    def said(self) -> str:
        """The first refusal as one line (its messages name their field), for an action answered by a redirect."""
        for errors in self.errors.values():
            return str(errors[0])
        return ""


# ---- a case's payment notice: issue and correct


class NoticeLinesForm(FeeForm):
    """The issue form's rows, one per catalogue fee of the item in force: charged in this case or not (c_), the
    quantity (q_), the waiver's code (w_) and a band fee's decided amount with its document (d_, doc_). A row left
    unticked is not read further, as before."""

    select = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for entry in selectors.item_fees_in_force(case.version):
            code = entry["code"]
            if not code:
                continue
            name = entry["fee"].name
            self.rows.append(code)
            count = gettext("「%(name)s」数量须为 1 至 10000 的整数") % {"name": name}
            self.fields[f"c_{code}"] = forms.BooleanField(label=name, required=False)
            self.fields[f"q_{code}"] = forms.IntegerField(
                label=gettext("「%(name)s」数量") % {"name": name},
                required=False,
                min_value=1,
                max_value=10000,
                error_messages={"invalid": count, "min_value": count, "max_value": count},
            )
            self.fields[f"w_{code}"] = forms.CharField(
                label=gettext("「%(name)s」减免") % {"name": name}, required=False
            )
            self.fields[f"d_{code}"] = MoneyField(
                gettext("「%(name)s」决定金额") % {"name": name}, required=False
            )
            self.fields[f"doc_{code}"] = free_text(
                gettext("「%(name)s」决定文书及文号") % {"name": name},
                max_length=compute.DOCUMENT_LENGTH,
                error_messages={
                    "max_length": named(
                        _("「%(name)s」决定文书及文号最长 %(limit_value)d 个字,现有 %(show_value)d 个字"),
                        keep=("limit_value", "show_value"),
                        name=name,
                    )
                },
            )

    def _charged(self, data: dict, code: str) -> bool:
        return not data.get("select") or bool(data.get(f"c_{code}"))

    def clean(self):
        data = super().clean()
        for code in self.rows:
            if not self._charged(data, code):  # not charged in this case: what its row says is not read
                for name in (f"q_{code}", f"w_{code}", f"d_{code}", f"doc_{code}"):
                    self.errors.pop(name, None)
                    data.pop(name, None)
            elif (
                f"d_{code}" not in self.errors
                and data.get(f"d_{code}") is None
                and (data.get(f"doc_{code}") or "").strip()
            ):  # a decision named without its amount was dropped without a word: charged at the lower bound
                self.add_error(
                    f"d_{code}",
                    gettext("「%(name)s」写明了决定文书,请填写决定金额;按下限收取请清空决定文书")
                    % {"name": self.fields[f"c_{code}"].label},
                )
        return data

    def input_for(self, field: str) -> str:
        """The input a refusal is about: the form's own field, or the one a service names (fees.<code>.quantity,
        waivers.<code>, fees.<code>.decision.amount …); "" for the form as a whole."""
        if field in self.fields:
            return field
        parts = field.split(".")
        if len(parts) < 2 or parts[1] not in self.rows:
            return ""
        code, what = parts[1], parts[2:] or [parts[0]]
        prefix = {
            "only": "c",
            "quantity": "q",
            "quantities": "q",
            "waiver": "w",
            "waivers": "w",
            "decision": "doc" if what[-1] == "document" else "d",
            "decisions": "d",
        }.get(what[0], "")
        return f"{prefix}_{code}" if prefix else ""

    def choices(self) -> dict:
        """As services.issue_notice and correct_notice take them: which fees this case pays (only), quantities,
        waivers and band decisions, keyed by the catalogue fee's code."""
        data = self.cleaned_data
        only = [] if data.get("select") else None
        quantities, waivers, decisions = {}, {}, {}
        for code in self.rows:
            if not self._charged(data, code):
                continue
            if only is not None:
                only.append(code)
            if data.get(f"q_{code}") is not None:
                quantities[code] = data[f"q_{code}"]
            if data.get(f"w_{code}"):
                waivers[code] = data[f"w_{code}"]
            if data.get(f"d_{code}") is not None:
                decisions[code] = {"amount": data[f"d_{code}"], "document": data.get(f"doc_{code}", "")}
        return {"quantities": quantities, "waivers": waivers, "decisions": decisions, "only": only}


class CorrectionForm(NoticeLinesForm):
    reason = free_text(_("更正原因"))


# ---- the fee window, receipts and refunds


class WindowPaymentForm(FeeForm):
    """收费窗口: the payment code, cash or card (and the card's voucher), and the amount received."""

    code = forms.CharField(label=_("缴款码"), required=False)
    channel = forms.CharField(label=_("缴款方式"), required=False)
    voucher = free_text(_("刷卡凭证号"), max_length=40)
    received = MoneyField(_("实收金额"))


class VoidForm(FeeForm):
    reason = free_text(_("作废原因"), max_length=300)
    payer = free_text(_("交款人"), max_length=100)


class RefundForm(FeeForm):
    amount = MoneyField(_("退付金额"))
    reason = forms.CharField(label=_("退付原因"), required=False)
    explanation = free_text(_("退付说明"), max_length=500)


class DecideForm(FeeForm):
    approve = forms.ChoiceField(
        label=_("审批结果"),
        choices=[("1", _("批准退付")), ("0", _("不予退付"))],
        error_messages={
            "required": _("请选择批准退付或不予退付"),
            "invalid_choice": _("请选择批准退付或不予退付"),
        },
    )
    opinion = free_text(_("审批意见"), max_length=500)

    def clean_approve(self) -> bool:
        return self.cleaned_data["approve"] == "1"


class CardRefundForm(FeeForm):
    voucher = free_text(_("POS 退货凭证号"), max_length=40)


# ---- the daily reconciliation


class ReconciliationForm(FeeForm):
    """One of: import a statement (file), reconcile the day (run), clear a difference (clear, with its note)."""

    MAX_BYTES = 5 * 1024 * 1024

    date = forms.CharField(label=_("对账日期"), required=False)
    file = forms.FileField(label=_("银行对账单"), required=False, allow_empty_file=True)
    run = forms.BooleanField(required=False)
    clear = forms.CharField(label=_("对账差异"), required=False)
    note = free_text(_("处理情况"), max_length=500)

    def clean_date(self) -> dt.date | None:
        """Empty: the page's own day (the view's); a day that is not a date is refused, not replaced."""
        value = self.cleaned_data["date"]
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(
                gettext("对账日期「%(value)s」不是有效日期,应写作 YYYY-MM-DD") % {"value": value}
            ) from None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is not None and upload.size > self.MAX_BYTES:
            raise forms.ValidationError(gettext("对账单文件不能超过 5 MB"))
        return upload

    def clean_clear(self):
        value = self.cleaned_data["clear"]
        if not value:
            return None
        row = selectors.discrepancy(int(value)) if is_whole(value) and len(value) < 19 else None
        if row is None:
            raise forms.ValidationError(gettext("找不到该差异"))
        return row


# ---- the fee catalogue


class StandardForm(FeeForm):
    """A version's fields (services._standard checks them in form order)."""

    name = free_text(_("收费项目"))
    revenue_kind = forms.CharField(label=_("收入类别"), required=False)
    basis = free_text(_("设立依据"))
    approval = free_text(_("批准文件"))
    standard_kind = forms.CharField(label=_("标准类型"), required=False)
    amount = MoneyField(_("金额"))
    upper = MoneyField(_("幅度上限"), required=False)
    unit = free_text(_("计费单位"))
    note = free_text(_("备注"))
    choose_one = free_text(_("择一收取"))
    valid_from = DayField(_("执行日期"))

    STANDARD = (
        "name",
        "revenue_kind",
        "basis",
        "approval",
        "standard_kind",
        "amount",
        "upper",
        "unit",
        "note",
        "choose_one",
    )

    def standard(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.STANDARD}


class NewFeeForm(StandardForm):
    code = free_text(_("收费编码"))
    organisation = forms.ModelChoiceField(
        label=_("执收单位"),
        queryset=Organisation.objects.all(),  # whose keeper may add it is the service's to say (403)
        error_messages={"required": _("请选择执收单位"), "invalid_choice": _("请选择执收单位")},
    )
    removed_on = DayField(_("取消日期"))

    def data_for_service(self) -> dict:
        return {
            **self.standard(),
            **{
                name: self.cleaned_data[name] for name in ("code", "organisation", "valid_from", "removed_on")
            },
        }


class RevisionForm(StandardForm):
    reason = free_text(_("修订依据"))

    def data_for_service(self) -> dict:
        return {**self.standard(), "reason": self.cleaned_data["reason"]}


class FeeActionForm(forms.Form):
    """Which of the fee page's forms was sent."""

    form = forms.CharField(required=False)


class RetireForm(FeeForm):
    removed_on = DayField(_("取消日期"))
    reason = free_text(_("取消依据"))


class WaiverForm(FeeForm):
    code = free_text(_("减免编码"))
    name = free_text(_("减免情形"))
    kind = forms.CharField(label=_("减免方式"), required=False)
    percent = forms.IntegerField(
        label=_("收取比例"), required=False, error_messages={"invalid": _("减收比例须为整数")}
    )
    basis = free_text(_("减免依据"))

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("code", "name", "kind", "percent", "basis")}


class DropWaiverForm(FeeForm):
    waiver = forms.ModelChoiceField(
        label=_("减免情形"),
        queryset=Waiver.objects.none(),
        error_messages={"required": _("找不到该减免情形"), "invalid_choice": _("找不到该减免情形")},
    )
    reason = free_text(_("删除依据"))

    def __init__(self, *args, fee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["waiver"].queryset = fee.waivers.all()


FEE_ACTIONS = {"retire": RetireForm, "waiver": WaiverForm, "drop_waiver": DropWaiverForm}
