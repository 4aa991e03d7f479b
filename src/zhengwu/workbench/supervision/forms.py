"""Forms of the supervision workbench: they read and check what was typed (the response days as a whole number);
the rules stay in zhengwu.supervision.services, which decide, and supervision.permissions, which decides what the
pages offer (the order forms, the alert review's buttons).

Text goes to the services as typed (they strip and check it), so a field left empty is the service's to refuse,
with its own message."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import ServiceForm, free_text, whole_number

RESPONSE_DAYS = _("反馈时限(工作日)")


class IssueForm(ServiceForm):
    """下达督办 on a case's page: an empty time limit is the service's to refuse (反馈时限应为 1 至 60 个工作日)."""

    instruction = free_text(_("督办要求"))
    response_days = whole_number(RESPONSE_DAYS)

    def clean_response_days(self) -> int:
        return self.cleaned_data["response_days"] or 0


class NewOrderForm(IssueForm):
    """督办工单, 督办依申请公开: the subject by the number typed (looked up by services.order_subject)."""

    number = forms.CharField(label=_("编号"), required=False)
    instruction = forms.CharField(label=_("督办要求"), required=False)
    field_order = ["number", "instruction", "response_days"]


DEFAULT_RESPONSE_DAYS = 5  # 转督办 and 退回重新整改 without a time limit typed


class ReviewAlertForm(ServiceForm):
    """记录说明, 排除 or 转督办 (the buttons the page offers: supervision.permissions.alert_forms)."""

    action = forms.CharField(label=_("操作"), required=False)
    note = free_text(_("说明、排除理由或督办要求"))
    response_days = whole_number(RESPONSE_DAYS)

    def clean_response_days(self) -> int:
        days = self.cleaned_data["response_days"]
        return DEFAULT_RESPONSE_DAYS if days is None else days


class OrderActionForm(ServiceForm):
    """整改反馈, 办结, 退回重新整改 and 问责 on an order (the forms the page offers: permissions.allowed_actions)."""

    action = forms.CharField(label=_("操作"), required=False)
    text = free_text(_("内容"))
    response_days = whole_number(RESPONSE_DAYS)
    person = free_text(_("责任人"))
    kind = forms.CharField(label=_("问责方式"), required=False)
    response_kind = forms.CharField(label=_("反馈类型"), required=False)

    def clean_response_days(self) -> int:
        days = self.cleaned_data["response_days"]
        return DEFAULT_RESPONSE_DAYS if days is None else days
