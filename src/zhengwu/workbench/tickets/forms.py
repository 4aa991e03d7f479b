"""Forms of the hotline workbench: they parse input only; rules live in zhengwu.tickets.services."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core import clock
from zhengwu.core.forms import AccessibleForm, ServiceForm, free_text, whole_number
from zhengwu.core.models import Organisation, Region
from zhengwu.tickets import permissions, selectors
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
    # 直接办结: "answer" (the typed answer) or a knowledge-base entry's id (its answer unless one is typed).
    close_with = forms.CharField(required=False, widget=forms.HiddenInput)

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

    def clean_close_with(self):
        """None (register only), "answer", or the knowledge-base entry chosen. An entry that is not there is
        refused here, before anything is filed: the ticket would otherwise be registered and left open."""
        value = self.cleaned_data["close_with"].strip()
        if not value or value == "answer":
            return value or None
        entry = selectors.knowledge_entry(value)
        if entry is None:  # said above the form: the choice is a button of the knowledge list, not an input
            self.add_error(None, _("所选的知识库答复不存在,请重新选择"))
        return entry

    def clean(self):
        data = super().clean()
        close_with = data.get("close_with")
        if close_with is not None and not self.errors:
            entry = None if close_with == "answer" else close_with
            if not (data.get("answer") or (entry.answer if entry else "")).strip():
                self.add_error("answer", _("直接办结须填写答复内容"))
        return data

    def knowledge_entry(self):
        close_with = self.cleaned_data["close_with"]
        return None if close_with in (None, "answer") else close_with


class DispatchForm(AccessibleForm):
    """The organisations offered are those the service accepts (tickets.permissions.handling_organisations)."""

    lead = forms.ModelChoiceField(label=_("主办单位"), queryset=Organisation.objects.none())
    co_handlers = forms.ModelMultipleChoiceField(
        label=_("协办单位"), queryset=Organisation.objects.none(), required=False
    )
    note = forms.CharField(label=_("派单意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = self.fields["co_handlers"].queryset = (
            permissions.handling_organisations()
        )


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


# ---- the actions on the ticket page (workbench_tickets:act): one form each, answered by a redirect and a message


def yes_no(label) -> forms.TypedChoiceField:
    """A yes/no radio: True, False, or None when left unticked (the service says whether it must be)."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", _("是")), ("no", _("否"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("请选择是或否")},
    )


class TextActionForm(ServiceForm):
    """interim_reply, reply and publish: the text as typed."""

    text = free_text(_("答复内容"))


class ReturnForm(ServiceForm):
    reason = free_text(_("退单理由"))


class CloseForm(ServiceForm):
    answer = free_text(_("答复内容"))


class FollowUpForm(ServiceForm):
    solved = yes_no(_("是否解决"))
    satisfied = yes_no(_("是否满意"))
    note = free_text(_("回访意见"))


class UrgeForm(ServiceForm):
    caller = free_text(_("来电人"))
    note = free_text(_("催办内容"))


class UnreachedForm(ServiceForm):
    note = free_text(_("回访情况"))


class MergeForm(ServiceForm):
    into = forms.CharField(label=_("并入的工单"), required=False)


class ExtensionForm(ServiceForm):
    workdays = whole_number(_("延期工作日"))
    reason = free_text(_("延期理由"))

    def clean_workdays(self) -> int:
        return self.cleaned_data["workdays"] or 0  # empty: the service says how many may be asked


class DecideExtensionForm(ServiceForm):
    extension = whole_number(_("延期申请"))
    approve = forms.CharField(label=_("审批结论"), required=False)
    note = free_text(_("审批意见"))

    def clean_approve(self) -> bool:
        return self.cleaned_data["approve"] == "yes"


class SuperviseForm(ServiceForm):
    due = forms.CharField(label=_("督办期限"), required=False)
    note = free_text(_("督办意见"))

    def clean_due(self) -> dt.datetime:
        """What a datetime-local input sends, in China time unless it names its own zone."""
        try:
            moment = dt.datetime.fromisoformat(self.cleaned_data["due"])
        except ValueError:
            raise forms.ValidationError(_("请填写督办期限")) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=clock.LOCAL)


class PublishForm(ServiceForm):
    text = free_text(_("公开的答复"))

    def clean_text(self) -> str | None:
        """None when the page sent no text: the service then publishes the reply masked."""
        return self.cleaned_data["text"] if "text" in self.data else None


def refusal(form: forms.Form) -> str:
    """The first error as one line naming its field, unless the message already names it (请填写督办期限)."""
    for name, errors in form.errors.items():
        label = str(form.fields[name].label or "") if name in form.fields else ""
        if not label or label in str(errors[0]):
            return str(errors[0])
        return _("%(label)s:%(error)s") % {"label": label, "error": errors[0]}
    return ""


ACTION_FORMS = {
    "dispatch": DispatchForm,
    "acknowledge": ServiceForm,
    "return": ReturnForm,
    "reply": TextActionForm,
    "follow_up": FollowUpForm,
    "unreached": UnreachedForm,
    "interim_reply": TextActionForm,
    "close": CloseForm,
    "merge": MergeForm,
    "extension": ExtensionForm,
    "decide_extension": DecideExtensionForm,
    "supervise": SuperviseForm,
    "publish": PublishForm,
    "urge": UrgeForm,
}
