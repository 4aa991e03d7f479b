"""Public forms of 好差评: find one's case or ticket, rate it, answer the follow-up of a bad rating. They read and
check what was sent; the rules (levels, the tags each level offers) are the domain's (evaluation.rules), whose
refusals keep their own words."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.core.errors import ValidationFailed
from zhengwu.core.forms import ServiceForm, TextList, free_text
from zhengwu.evaluation import rules


class FindForm(ServiceForm):
    """办件 (the default) or 工单, by its number and query code; the lookup says when they do not match."""

    kind = forms.CharField(label=_("类型"), required=False)
    number = forms.CharField(label=_("编号"), required=False, strip=False)
    query_code = forms.CharField(label=_("查询码"), required=False, strip=False)

    def clean_kind(self) -> str:
        return "ticket" if self.cleaned_data["kind"] == "ticket" else "case"


class RateForm(ServiceForm):
    """The level (1–5), the tags offered for it, a comment: checked by evaluation.rules.check_rating, with its
    messages (请选择评价等级, 评价等级应为 1 至 5, 标签「…」不适用于「…」)."""

    level = forms.CharField(label=_("评价等级"), required=False)
    tags = TextList(label=_("标签"))
    comment = free_text(_("评价内容"))

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["level"], data["tags"], data["comment"] = rules.check_rating(
                    data["level"], data["tags"], data["comment"]
                )
            except ValidationFailed as exc:
                self.fail(exc)
        return data


class FollowUpForm(ServiceForm):
    """回访: is the rater now satisfied? Not ticking either is not 不满意 (which sends the case back to rectify)."""

    satisfied = forms.TypedChoiceField(
        label=_("是否满意"),
        choices=[("yes", _("满意")), ("no", _("仍不满意"))],
        coerce=lambda value: value == "yes",
        error_messages={
            "required": _("请选择您现在是否满意"),
            "invalid_choice": _("请选择您现在是否满意"),
        },
    )
    note = free_text(_("补充说明"))


def rating_page_form(data) -> RateForm | FollowUpForm:
    """The rating page posts one of two forms, told apart by their hidden action."""
    return FollowUpForm(data) if data.get("action") == "follow_up" else RateForm(data)


def refusal(form: ServiceForm) -> ValidationFailed:
    """The first error as the page shows it (in its own words), at the field it belongs to."""
    for name, errors in form.errors.items():
        return ValidationFailed(str(errors[0]), field=name if name in form.fields else None)
    return ValidationFailed("")
