"""Forms of the hotline workbench: they parse input only; rules live in zhengwu.tickets.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import AccessibleForm
from zhengwu.core.models import Organisation, Region
from zhengwu.tickets.models import Category, Channel, Kind

# What staff register themselves: calls, letters and visits; the portal, mailbox and Open311 file their own.
STAFF_CHANNELS = [(c.value, c.label) for c in (Channel.HOTLINE, Channel.LETTER)]


def townships():
    return Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("code")


class CallForm(AccessibleForm):
    """The operator's screen: built for speed, the caller's number first."""

    channel = forms.ChoiceField(label=_("来源"), choices=STAFF_CHANNELS, initial=Channel.HOTLINE)
    caller_phone = forms.CharField(label=_("来电号码"), max_length=20, required=False)
    caller_name = forms.CharField(label=_("来电人"), max_length=40, required=False)
    anonymous = forms.BooleanField(label=_("匿名(仅举报)"), required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    category = forms.ModelChoiceField(label=_("分类"), queryset=Category.objects.filter(is_active=True))
    content = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(label=_("地点"), max_length=200, required=False)
    region = forms.ModelChoiceField(label=_("所属乡镇"), queryset=Region.objects.none(), required=False)
    urgent = forms.BooleanField(label=_("紧急"), required=False)
    public_allowed = forms.BooleanField(label=_("同意公开答复"), required=False)
    answer = forms.CharField(
        label=_("直接答复内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = townships()
        for name in ("anonymous", "urgent", "public_allowed"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        self.fields["kind"].widget.attrs["class"] = self.fields["category"].widget.attrs["class"] = (
            "form-select"
        )
        self.fields["region"].widget.attrs["class"] = self.fields["channel"].widget.attrs["class"] = (
            "form-select"
        )


class DispatchForm(AccessibleForm):
    lead = forms.ModelChoiceField(label=_("主办单位"), queryset=Organisation.objects.filter(is_active=True))
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("协办单位"), queryset=Organisation.objects.filter(is_active=True), required=False
    )
    note = forms.CharField(label=_("派单意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class KnowledgeForm(AccessibleForm):
    title = forms.CharField(label=_("问题"), max_length=200)
    answer = forms.CharField(label=_("答案"), widget=forms.Textarea(attrs={"rows": 5}))
    keywords = forms.CharField(label=_("关键词"), max_length=200, required=False)
    owner = forms.ModelChoiceField(label=_("负责单位"), queryset=Organisation.objects.filter(is_active=True))
    category = forms.ModelChoiceField(
        label=_("分类"), queryset=Category.objects.filter(is_active=True), required=False
    )
    review_due = forms.DateField(
        label=_("复核日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("失效日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
