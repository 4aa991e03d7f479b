"""The public forms of disclosure: search, request, tracking."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import AccessibleForm
from zhengwu.disclosure.models import DESCRIPTION_LIMIT, DisclosureRequest


class SearchForm(AccessibleForm):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    org = forms.IntegerField(label=_("发布机构"), required=False, widget=forms.Select)
    category = forms.IntegerField(label=_("目录"), required=False, widget=forms.HiddenInput)
    number = forms.CharField(label=_("文号"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("发布日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class RequestForm(AccessibleForm):
    organisation = forms.IntegerField(label=_("受理机关"), widget=forms.Select)
    requester_kind = forms.ChoiceField(label=_("申请人类型"), choices=DisclosureRequest.RequesterKind.choices)
    requester_name = forms.CharField(label=_("姓名或名称"), max_length=100)
    requester_id_number = forms.CharField(
        label=_("身份证号码或统一社会信用代码"), max_length=32, required=False
    )
    phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    address = forms.CharField(label=_("通信地址"), max_length=200, required=False)
    description = forms.CharField(
        label=_("所需政府信息的名称、文号或便于查询的其他特征性描述"),
        max_length=DESCRIPTION_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    delivery = forms.ChoiceField(
        label=_("获取信息的方式"),
        # 网上查看 asks for nothing more (the tracking page has the reply); 电子邮件 needs an address, 邮寄 a postal one
        initial="网上查看",
        choices=[
            ("电子邮件", _("电子邮件")),
            ("邮寄纸质件", _("邮寄纸质件")),
            ("当面领取", _("当面领取")),
            ("网上查看", _("网上查看")),
        ],
    )


class TrackForm(AccessibleForm):
    number = forms.CharField(label=_("申请编号"), max_length=32)
    code = forms.CharField(label=_("查询码"), max_length=16)


class RequesterForm(AccessibleForm):
    """What the requester's track page posts back (撤回): their request's number and query code, found (or not) by
    disclosure.services.request_by_code with its one message for both."""

    number = forms.CharField(label=_("申请编号"), required=False, strip=False)
    code = forms.CharField(label=_("查询码"), required=False, strip=False)


class SupplementForm(RequesterForm):
    """补正 sent online: the supplement's text."""

    content = forms.CharField(
        label=_("补正内容"), max_length=DESCRIPTION_LIMIT, error_messages={"required": _("请填写补正内容")}
    )
