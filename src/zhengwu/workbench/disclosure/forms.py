"""Forms of the disclosure workbench: they read and check what was typed (numbers, dates, the records named); the
rules stay in zhengwu.disclosure.services, whose errors are put back on the field they name (`fail`).

Text goes to the services as typed (they strip and check it), so a field left empty is the service's to refuse,
with its own message."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core import clock
from zhengwu.core.forms import IsoDateField, ServiceForm, free_text, whole, whole_number
from zhengwu.core.inputs import is_whole
from zhengwu.disclosure.models import DESCRIPTION_LIMIT, Category, Publication

# ---- publications


class PublicationForm(ServiceForm):
    """A draft's fields; the category must be one of the organisation's (another is left out, as before), the
    interpreted policy is found by its index number."""

    title = free_text(_("标题"))
    document_number = forms.CharField(label=_("文号"), required=False)
    genre = forms.CharField(label=_("体裁"), required=False)
    category = forms.CharField(label=_("目录"), required=False)
    subject = forms.CharField(label=_("主题分类"), required=False)
    written_on = IsoDateField(label=_("成文日期"))
    interprets = forms.CharField(label=_("所解读政策的索引号"), required=False)
    important = forms.BooleanField(label=_("重要文件(需第二位领导审批)"), required=False)
    body = free_text(_("正文"))

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_genre(self) -> str:
        return self.cleaned_data["genre"] or "other"

    def clean_interprets(self) -> Publication | None:
        number = self.cleaned_data["interprets"]
        if not number:
            return None
        found = Publication.objects.filter(index_number=number).first()
        if found is None:
            raise forms.ValidationError(_("找不到所解读政策的索引号"))
        return found

    def clean(self):
        data = super().clean()
        organisation = data.get("organisation", self.organisation)
        value = data.get("category") or ""
        data["category"] = (
            Category.objects.filter(pk=int(value), organisation=organisation).first()
            if is_whole(value) and organisation is not None
            else None
        )
        return data

    def fields_for_service(self) -> dict:
        """The draft's fields as services.create_draft / update_draft take them."""
        names = (
            "document_number",
            "genre",
            "subject",
            "written_on",
            "important",
            "body",
            "category",
            "interprets",
        )
        return {name: self.cleaned_data[name] for name in names}


class NewPublicationForm(PublicationForm):
    organisation = forms.ModelChoiceField(
        label=_("发布机构"), queryset=None, error_messages={"invalid_choice": _("请选择您所在范围内的机构")}
    )
    field_order = ["organisation"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class EditPublicationForm(PublicationForm):
    version = forms.IntegerField(label=_("版本"), required=False, widget=forms.HiddenInput)


class AttachmentForm(ServiceForm):
    file = forms.FileField(
        label=_("文件"), allow_empty_file=True, error_messages={"required": _("请选择要上传的文件")}
    )
    name = forms.CharField(label=_("名称"), required=False, strip=False)


class ReviewForm(ServiceForm):
    """approve, reject and withdraw: an opinion (the reason, for a withdrawal)."""

    opinion = free_text(_("审查意见"), max_length=1000)


class SubmitForm(ServiceForm):
    pass


class PublishForm(ServiceForm):
    at = forms.CharField(label=_("定时发布"), required=False)

    def clean_at(self) -> dt.datetime | None:
        """The moment a datetime input sends (ISO 8601), in China time; empty publishes now."""
        value = self.cleaned_data["at"]
        if not value:
            return None
        try:
            return dt.datetime.fromisoformat(value).replace(tzinfo=clock.LOCAL)
        except ValueError:
            raise forms.ValidationError(_("时间格式不正确")) from None


class RepealForm(ServiceForm):
    opinion = free_text(_("理由"))
    replaced_by = forms.CharField(label=_("替代文件索引号"), required=False)

    def clean_replaced_by(self) -> Publication | None:
        number = self.cleaned_data["replaced_by"]
        return Publication.objects.filter(index_number=number).first() if number else None


PUBLICATION_ACTIONS = {
    "submit": SubmitForm,
    "approve": ReviewForm,
    "reject": ReviewForm,
    "publish": PublishForm,
    "withdraw": ReviewForm,
    "repeal": RepealForm,
}


# ---- requests


class RequestForm(ServiceForm):
    """A request registered by staff (letters, visits, faxes)."""

    organisation = forms.ModelChoiceField(
        label=_("受理机关"), queryset=None, error_messages={"invalid_choice": _("请选择您所在范围内的机构")}
    )
    channel = forms.CharField(label=_("申请方式"), required=False)
    requester_kind = forms.CharField(label=_("申请人类型"), required=False)
    requester_name = free_text(_("申请人"))
    requester_id_number = free_text(_("证件号码"))
    phone = free_text(_("联系电话"))
    address = free_text(_("通信地址"))
    description = free_text(_("所需政府信息"), max_length=DESCRIPTION_LIMIT)
    submitted_on = IsoDateField(label=_("提交(寄出)日期"))
    signed_on = IsoDateField(label=_("签收日期"))
    confirmed_on = IsoDateField(label=_("双方确认日期"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class RequestActionForm(ServiceForm):
    """What every step on a request may carry: the day it happened (today when empty)."""

    on = IsoDateField(label=_("日期"))


class SupplementForm(RequestActionForm):
    items = free_text(_("需补正的全部事项"), max_length=2000)
    workdays = whole_number(_("补正期限(工作日)"))


class NoteForm(RequestActionForm):
    note = free_text(_("说明"))


class ThirdPartyForm(RequestActionForm):
    third_party = free_text(_("第三方"))


class FeeForm(RequestActionForm):
    method = forms.CharField(label=_("计费方式"), required=False)
    pages = whole_number(_("页数"))


class ExtendForm(RequestActionForm):
    """The officer's ask to extend the reply period: the working days and the reason the requester will be told."""

    days = whole_number(_("工作日"))
    note = free_text(_("理由"))


class ExtensionDecisionForm(RequestActionForm):
    """The head's 同意 or 不同意 on an ask to extend, with their opinion (required to refuse: the service says)."""

    opinion = free_text(_("审批意见"))


class ReplyForm(RequestActionForm):
    outcome = forms.CharField(label=_("答复结果"), required=False)
    text = free_text(_("答复内容"))

    def clean_outcome(self) -> tuple[str, str]:
        """ "<outcome>.<reason>" as the select sends it → (outcome, reason)."""
        outcome, _sep, reason = self.cleaned_data["outcome"].partition(".")
        return outcome, reason


REQUEST_ACTIONS = {
    "request_supplement": SupplementForm,
    "receive_supplement": NoteForm,
    "consult_third_party": ThirdPartyForm,
    "third_party_answered": NoteForm,
    "notify_fee": FeeForm,
    "receive_payment": RequestActionForm,
    "ask_extension": ExtendForm,
    "extend": ExtensionDecisionForm,
    "refuse_extension": ExtensionDecisionForm,
    "reply": ReplyForm,
    "withdraw": NoteForm,
    "archive": RequestActionForm,
}


# ---- the annual report, remedies, catalogue and guide


class ReportForm(ServiceForm):
    """The report's typed parts; the figures typed by hand are checked by annual.save_texts."""

    action = forms.CharField(required=False)
    overview = free_text(_("总体情况"))
    problems = free_text(_("存在的主要问题及改进情况"))
    other_matters = free_text(_("其他需要报告的事项"))

    def __init__(self, *args, figures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.figure_names = tuple(figures)
        for name in self.figure_names:
            self.fields[name] = forms.CharField(required=False, strip=False)

    def figures(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.figure_names}


class RemedyForm(ServiceForm):
    """A reconsideration or lawsuit recorded; the request it concerns found by its number in the organisation."""

    kind = forms.CharField(label=_("类型"), required=False)
    filed_on = IsoDateField(
        label=_("提起日期"), required=True, error_messages={"required": _("请填写提起日期")}
    )
    result = forms.CharField(label=_("结果"), required=False)
    concluded_on = IsoDateField(label=_("审结日期"))
    request_number = forms.CharField(label=_("相关申请编号"), required=False)
    note = forms.CharField(label=_("说明"), required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_result(self) -> str:
        return self.cleaned_data["result"] or "pending"

    def clean_request_number(self):
        from zhengwu.disclosure.models import DisclosureRequest

        number = self.cleaned_data["request_number"]
        if not number:
            return None
        found = DisclosureRequest.objects.filter(organisation=self.organisation, number=number).first()
        if found is None:
            raise forms.ValidationError(_("本机关没有该编号的申请"))
        return found


class ConcludeRemedyForm(ServiceForm):
    """A pending remedy concluded from the list."""

    remedy = forms.IntegerField(label=_("案件"), widget=forms.HiddenInput)
    result = forms.CharField(label=_("结果"), required=False, strip=False)
    concluded_on = IsoDateField(label=_("审结日期"))
    note = free_text(_("说明"))


class CategoryForm(ServiceForm):
    """A category added to the organisation's catalogue; a parent not of the organisation is left out, as before."""

    action = forms.CharField(required=False)
    parent = forms.CharField(label=_("上级目录"), required=False)
    code = forms.CharField(label=_("编码"), required=False)
    name = free_text(_("名称"))
    statutory = forms.CharField(label=_("法定公开内容"), required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_parent(self) -> Category | None:
        value = self.cleaned_data["parent"]
        if not is_whole(value):
            return None
        return Category.objects.filter(pk=int(value), organisation=self.organisation).first()


class ProfileForm(ServiceForm):
    index_code = free_text(_("索引号前缀"))
    guide = free_text(_("政府信息公开指南"))
    second_leader_for_all = forms.BooleanField(label=_("所有公开文件均需第二位领导审批"), required=False)
    one_reviewer = forms.BooleanField(label=_("初审与保密审查可由同一人签署"), required=False)


# ---- the organisation and year a page is about (?org=&year=, or posted with the page's form)


class ChooserForm(ServiceForm):
    """The organisation (its id) and the year chosen; a value that is not a number (２０２５, ²) is as if none was
    chosen: the page then shows the user's own organisation, the current year."""

    org = forms.CharField(label=_("机构"), required=False)
    year = forms.CharField(label=_("年度"), required=False)

    def clean_org(self) -> int | None:
        return whole(self.cleaned_data["org"])

    def clean_year(self) -> int | None:
        return whole(self.cleaned_data["year"])


def chosen(request) -> dict[str, int | None]:
    """org and year as the address gives them, or else as the page's form posted them."""
    found: dict[str, int | None] = {"org": None, "year": None}
    for data in (request.GET, request.POST):
        form = ChooserForm(data)
        form.is_valid()  # always valid: a value that is not a number is None
        for name, value in form.cleaned_data.items():
            if found[name] is None:
                found[name] = value
    return found
