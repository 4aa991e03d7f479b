"""Forms of the evaluation workbench: they parse input only; rules live in zhengwu.evaluation.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.errors import ValidationFailed
from zhengwu.core.forms import AccessibleForm, ServiceForm, TextList, free_text
from zhengwu.core.inputs import is_whole
from zhengwu.core.models import Organisation
from zhengwu.evaluation import rules, selectors
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
    appeal_days = forms.IntegerField(
        label=_("差评申诉时限(评价后工作日,留空不设)"), min_value=1, max_value=60, required=False
    )
    appeal_review_days = forms.IntegerField(
        label=_("申诉复核时限(工作日,留空不设)"), min_value=1, max_value=60, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unrated_policy"].widget.attrs["class"] = "form-select"


# ---- the tablet, appeals, rectifications, the ledger's actions, notices: answered by a message (`refusal`)


def refusal(form: forms.Form) -> ValidationFailed:
    """The first error in its own words, at its field, for the page to show as it shows a service's refusal."""
    for name, errors in form.errors.items():
        return ValidationFailed(str(errors[0]), field=name if name in form.fields else None)
    return ValidationFailed("")


def yes_no(label, message) -> forms.TypedChoiceField:
    """A choice of two (yes / no) that must be made: left unticked is not "no"."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", _("是")), ("no", _("否"))],
        coerce=lambda value: value == "yes",
        error_messages={"required": message, "invalid_choice": message},
    )


class TabletForm(ServiceForm):
    """The counter tablet: the case it was shown for, then the level, tags and comment as evaluation.rules checks
    them (请选择评价等级, 评价等级应为 1 至 5, …)."""

    case = forms.CharField(label=_("办件"), required=False)
    level = forms.CharField(label=_("评价等级"), required=False)
    tags = TextList(label=_("标签"))
    comment = free_text(_("评价内容"))

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if self.case is None or str(self.case.pk) != data["case"]:
            self.add_error("level", _("窗口已办结新的办件,请重新评价"))
            return data
        try:
            data["level"], data["tags"], data["comment"] = rules.check_rating(
                data["level"], data["tags"], data["comment"]
            )
        except ValidationFailed as exc:
            self.fail(exc)
        return data

    def rating(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("level", "tags", "comment")}


class AppealForm(ServiceForm):
    reason = free_text(_("申诉理由"))


class DecideAppealForm(ServiceForm):
    upheld = yes_no(_("审核结论"), _("请选择申诉成立或不成立"))
    note = free_text(_("审核意见"))


class VerifyForm(ServiceForm):
    founded = yes_no(_("核实结论"), _("请选择核实结论"))
    finding = free_text(_("核实情况"))


class RectifyForm(ServiceForm):
    measures = free_text(_("整改措施"))


class ReplyForm(ServiceForm):
    reply = free_text(_("反馈评价人"))


class RectificationFollowUpForm(ServiceForm):
    satisfied = yes_no(_("回访结果"), _("请选择回访结果:满意或不满意"))
    note = free_text(_("回访记录"))


RECTIFICATION_FORMS = {
    "verify": VerifyForm,
    "rectify": RectifyForm,
    "reply": ReplyForm,
    "follow_up": RectificationFollowUpForm,
}


class HandOverForm(ServiceForm):
    hand_to = forms.ModelChoiceField(
        label=_("转交机构"),
        queryset=Organisation.objects.none(),
        error_messages={"required": _("请选择转交机构"), "invalid_choice": _("请选择转交机构")},
    )
    note = free_text(_("转交说明"))

    def __init__(self, *args, entry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hand_to"].queryset = selectors.handover_targets(entry)


class AnswerInquiryForm(ServiceForm):
    answer = free_text(_("答复内容"))


class NoticeForm(ServiceForm):
    """一次性告知书: the materials the person lacks (their positions in the guide) and whom it is addressed to."""

    lacking = TextList(label=_("尚缺材料"))
    person_name = free_text(_("告知对象"))

    def ticked(self) -> set[int]:
        """The positions ticked, to tick them again when the page is shown after a refusal."""
        return {int(p) for p in self.cleaned_data.get("lacking", []) if is_whole(p)}


class OrganisationChoiceForm(ServiceForm):
    """Which organisation's page: one of those the user sees; none chosen is the user's own."""

    organisation = forms.ModelChoiceField(
        label=_("机构"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
