"""The delivery choice (送达方式) as a form, shown in the online apply form, at the counter and on the case page:
the method, the address (post and home delivery only) and the home-delivery reason, each error on its field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.cases.models import Delivery
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.forms import AccessibleForm
from zhengwu.hall import delivery

REASONS = [("", _("请选择")), ("elderly", _("老年人(60周岁以上)")), ("disabled", _("残疾人"))]


class DeliveryForm(AccessibleForm):
    method = forms.ChoiceField(
        label=_("结果送达方式"), widget=forms.RadioSelect, choices=(), required=False
    )  # not sent (an older client): the result waits at the window, and nothing is recorded
    address = forms.CharField(
        label=_("送达地址"),
        max_length=200,
        required=False,
        help_text=_("邮寄、上门送达填写:写明县(市、区)、街道或乡镇(路、村)和门牌号"),
    )
    reason = forms.ChoiceField(label=_("上门送达情形"), choices=REASONS, required=False)

    def __init__(self, *args, version, **kwargs):
        kwargs.setdefault("prefix", "delivery")
        kwargs["initial"] = {"method": Delivery.WINDOW, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["method"].choices = [(m, Delivery(m).label) for m in delivery.offered_for(version)]
        self.fields["method"].widget.attrs["class"] = "form-check-input"
        self.fields["reason"].widget.attrs["class"] = "form-select"
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"

    def check(self, *, id_number: str) -> bool:
        """The domain's checks (address form, offered methods, age for home delivery), each error on its field."""
        if not self.is_valid():
            return False
        d = self.cleaned_data
        if not d["method"]:
            return True
        try:
            delivery.check_choice(
                version=self.version,
                method=d["method"],
                address=d["address"],
                reason=d["reason"],
                id_number=id_number,
            )
        except ValidationFailed as err:
            self.add_error(err.field if err.field in self.fields else None, err.message)
            return False
        return True

    @property
    def chosen(self) -> bool:
        return bool(self.is_bound and self.is_valid() and self.cleaned_data["method"])

    def choice(self) -> dict:
        d = self.cleaned_data
        return {"method": d["method"], "address": d["address"], "reason": d["reason"]}
