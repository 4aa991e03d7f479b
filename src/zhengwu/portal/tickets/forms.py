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


class FollowUpForm(AccessibleForm):
    """The citizen's follow-up once answered (the radios and the note under the reply): solved or not, satisfied
    or not, and why."""

    solved = forms.TypedChoiceField(
        label=_("是否解决"),
        choices=[("yes", _("已解决")), ("no", _("未解决"))],
        coerce=lambda value: value == "yes",
        error_messages={"required": _("请选择是否解决"), "invalid_choice": _("请选择是否解决")},
    )
    satisfied = forms.TypedChoiceField(
        label=_("是否满意"),
        choices=[("yes", _("满意")), ("no", _("不满意"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("请选择是否满意")},
    )
    note = forms.CharField(label=_("意见"), required=False, strip=False)

    @staticmethod
    def posted(data) -> bool:
        """Whether the follow-up was sent (its note always is), not only the number and code to look it up."""
        return any(name in data for name in ("solved", "satisfied", "note"))
