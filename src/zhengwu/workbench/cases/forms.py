"""Workbench forms for cases: counter registration of a walk-in applicant (and their agent)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.cases.models import Applicant
from zhengwu.core.forms import AccessibleForm


class WalkInForm(AccessibleForm):
    """Who is applying at the window (no account needed) and, if someone applies for them, the agent (代办人)."""

    kind = forms.ChoiceField(label=_("申请人类型"), choices=Applicant.Kind.choices, initial="natural")
    name = forms.CharField(label=_("申请人姓名或名称"), max_length=100)
    id_number = forms.CharField(
        label=_("申请人证件号码"), max_length=18, help_text=_("居民身份证号码或统一社会信用代码")
    )
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=40, required=False)
    phone = forms.CharField(
        label=_("申请人手机号码"), max_length=20, required=False, help_text=_("用于短信通知办理进度")
    )
    email = forms.EmailField(label=_("申请人电子邮箱"), required=False)
    address = forms.CharField(label=_("申请人地址"), max_length=200, required=False)
    agent_name = forms.CharField(label=_("代办人姓名"), max_length=40, required=False)
    agent_id_number = forms.CharField(label=_("代办人身份证号码"), max_length=18, required=False)
    agent_phone = forms.CharField(label=_("代办人电话"), max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-select"

    def applicant(self) -> dict:
        d = self.cleaned_data
        keys = ("kind", "name", "id_number", "legal_representative", "phone", "email", "address")
        return {k: d[k] for k in keys}

    def agent(self) -> dict | None:
        d = self.cleaned_data
        if not (d["agent_name"] or d["agent_id_number"]):
            return None
        return {"name": d["agent_name"], "id_number": d["agent_id_number"], "phone": d["agent_phone"]}
