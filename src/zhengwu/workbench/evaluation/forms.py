"""Forms of the evaluation workbench: they parse input only; rules live in zhengwu.evaluation.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import AccessibleForm
from zhengwu.core.models import Organisation
from zhengwu.evaluation import selectors
from zhengwu.evaluation.models import InquiryResult, LedgerEntry, UnratedPolicy


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        org = obj.organisation.short_name or obj.organisation.name if obj.organisation else ""
        return f"{obj.current_version.name}({org})" if org else obj.current_version.name


class InquiryForm(AccessibleForm):
    """Built for a few seconds: the topic and the result; the rest is optional."""

    topic = forms.CharField(label=_("咨询事由"), max_length=200)
    item = ItemChoiceField(label=_("涉及事项"), queryset=selectors.guide_items(), required=False)
    result = forms.ChoiceField(
        label=_("处理结果"), choices=InquiryResult.choices, initial=InquiryResult.ANSWERED
    )
    answer = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    guided_to = forms.CharField(label=_("导办去向"), max_length=200, required=False)
    hand_to = forms.ModelChoiceField(
        label=_("转交机构"), queryset=Organisation.objects.none(), required=False
    )
    asker_name = forms.CharField(label=_("询问人(选填)"), max_length=40, required=False)
    asker_phone = forms.CharField(label=_("联系电话(选填)"), max_length=20, required=False)
    channel = forms.ChoiceField(label=_("方式"), choices=LedgerEntry.Channel.choices, initial="visit")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hand_to"].queryset = Organisation.objects.filter(is_active=True).order_by(
            "region__code", "name"
        )
        for name in ("item", "result", "hand_to", "channel"):
            self.fields[name].widget.attrs["class"] = "form-select"


class CommitmentForm(AccessibleForm):
    provides = forms.CharField(label=_("服务内容与方式"), widget=forms.Textarea(attrs={"rows": 5}))
    discipline = forms.CharField(label=_("服务纪律"), widget=forms.Textarea(attrs={"rows": 5}))
    complaint_phone = forms.CharField(label=_("投诉电话"), max_length=32)
    supervision_phone = forms.CharField(label=_("监督电话"), max_length=32)
    change_note = forms.CharField(label=_("修订说明"), max_length=200, required=False)


class NoticeSendForm(AccessibleForm):
    """发送告知书: a mobile, an e-mail address or both; the service checks them."""

    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False)


class SettingsForm(AccessibleForm):
    rectification_days = forms.IntegerField(label=_("差评整改时限(工作日)"), min_value=1, max_value=60)
    unrated_policy = forms.ChoiceField(label=_("逾期未评价的处理"), choices=UnratedPolicy.choices)
    unrated_after_days = forms.IntegerField(label=_("办结后多少个工作日未评价"), min_value=1, max_value=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unrated_policy"].widget.attrs["class"] = "form-select"
