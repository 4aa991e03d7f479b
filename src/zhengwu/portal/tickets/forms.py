"""Public forms of 政民互动: file a matter, follow it with the number and query code, rate the outcome."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import AccessibleForm
from zhengwu.tickets.models import Category, Kind, Mailbox


class PublicTicketForm(AccessibleForm):
    kind = forms.ChoiceField(label=_("诉求类型"), choices=[c for c in Kind.choices])
    category = forms.ModelChoiceField(label=_("分类"), queryset=Category.objects.filter(is_active=True))
    mailbox = forms.ModelChoiceField(
        label=_("领导信箱(可选)"), queryset=Mailbox.objects.filter(is_active=True), required=False
    )
    title = forms.CharField(label=_("标题"), max_length=120)
    content = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 6}))
    address = forms.CharField(label=_("事发地点"), max_length=200, required=False)
    caller_name = forms.CharField(label=_("姓名"), max_length=40, required=False)
    caller_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    anonymous = forms.BooleanField(label=_("匿名举报(凭查询码跟踪办理进度)"), required=False)
    public_allowed = forms.BooleanField(label=_("同意公开答复(个人信息将自动隐去)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("anonymous", "public_allowed"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        for name in ("kind", "category", "mailbox"):
            self.fields[name].widget.attrs["class"] = "form-select"


class TrackForm(AccessibleForm):
    number = forms.CharField(label=_("工单编号"), max_length=20)
    code = forms.CharField(label=_("查询码"), max_length=8)
