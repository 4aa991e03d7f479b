"""Forms shared by the pages: labelled, with errors tied to their fields for screen readers (sign-in, second
factor), and the pieces of a form in front of a service (`ServiceForm`, dates, numbers, free text)."""

import datetime as dt

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from zhengwu.core import calendar
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.core.inputs import whole

FORM_ERRORS_ID = "form-errors"
CHOOSE = _("请选择")
# The blank first option of a select as Django writes it ("---------") or as our forms once did: shown as 请选择.
_BLANK_LABELS = ("---------", "—", "")


def choose_first(field: forms.Field) -> None:
    """A select's blank option reads 请选择: a model choice's empty label, a choice field's blank choice."""
    if isinstance(field, forms.ModelChoiceField):
        if (
            field.empty_label is not None
        ):  # None: a required field with an initial value, or a multiple choice
            field.empty_label = CHOOSE
    elif isinstance(field, forms.ChoiceField):
        field.choices = [
            ("", CHOOSE) if value == "" and str(label) in _BLANK_LABELS else (value, label)
            for value, label in field.choices
        ]


def _interpolate(message, keep, values) -> str:
    text = str(message)
    for name in keep:  # left for Django to fill: %(limit_value)d stays %(limit_value)d
        text = text.replace(f"%({name})", f"%%({name})")
    return text % values


def named(message, *, keep: tuple[str, ...] = (), **values) -> str:
    """`message % values`, made when it is read: `message` is a gettext_lazy text with named placeholders
    (%(label)s), so a form made at import still speaks the language of the request. The placeholders named in
    `keep` are left as they are, for Django to fill when it says the error (%(limit_value)d of a max_length)."""
    return lazy(_interpolate, str)(message, keep, values)


def name_the_limits(field: forms.Field) -> None:
    """A text too long and an e-mail address that is not one, said naming the field in our words, not Django's
    (确保该变量包含不超过 100 字符 (目前字符数 3000), 输入一个有效的 Email 地址); a message a form set itself is kept."""
    label = str(field.label or "").removesuffix("*").strip()
    if not label:
        return
    own = dict(field.error_messages)
    if isinstance(field, forms.CharField) and field.max_length is not None and "max_length" not in own:
        own["max_length"] = named(
            _("「%(label)s」最长 %(limit_value)d 个字,现有 %(show_value)d 个字"),
            keep=("limit_value", "show_value"),
            label=label,
        )
    if isinstance(field, forms.EmailField) and own.get("invalid") is None:
        own["invalid"] = named(_("「%(label)s」不是有效的电子邮箱地址"), label=label)
    field.error_messages = own


def name_the_field(field: forms.Field) -> None:
    """A required field left empty says which one (请填写「申请人姓名或名称」) rather than Django's 这个字段是必填项,
    which on a long form (the 统一登记 page has twenty inputs) leaves the clerk hunting; a message a form set
    itself is kept."""
    if (
        not field.label
        or field.error_messages.get("required") is not forms.Field.default_error_messages["required"]
    ):
        return  # the same lazy message object unless the field or its form set its own
    label = str(field.label).removesuffix("*").strip()  # a label marked required (申请事项说明 *) named bare
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)) or isinstance(
        field.widget, forms.Select
    ):
        message = named(_("请选择「%(label)s」"), label=label)
    elif isinstance(field, forms.FileField):
        message = named(_("请上传「%(label)s」"), label=label)
    else:
        message = named(_("请填写「%(label)s」"), label=label)
    field.error_messages = {**field.error_messages, "required": message}


class AccessibleForm(forms.Form):
    """Bootstrap classes on every input; a field with an error is marked invalid and described by it; a select
    starts with 请选择."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
            choose_first(field)
            name_the_field(field)
            name_the_limits(field)

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs["class"]:
                    widget.attrs["class"] += " is-invalid"

    def fail(self, message: str) -> None:
        """Report a whole-form failure (wrong password, wrong code) and point every input at the message."""
        self.add_error(None, message)
        for name, field in self.fields.items():
            own = f"{self[name].auto_id}_error" if name in self.errors else ""
            field.widget.attrs["aria-describedby"] = f"{FORM_ERRORS_ID} {own}".strip()
            field.widget.attrs["aria-invalid"] = "true"


# ---- forms in front of a service: they read and check what was typed; the rules stay in the service, whose
# refusals are put back on the field they name (`fail`).


class IsoDateField(forms.Field):
    """A date written YYYY-MM-DD (what a date input sends); empty is None. The error names the field."""

    widget = forms.DateInput(attrs={"type": "date"})

    def __init__(self, *, required: bool = False, **kwargs):
        super().__init__(required=required, **kwargs)

    def to_python(self, value) -> dt.date | None:
        if value in (None, ""):
            return None
        try:
            return calendar.parse_date(value, field="", label=str(self.label or _("日期")))
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message, code="invalid") from None


class TextList(forms.Field):
    """Every value of a repeated input (ticked checkboxes), as sent."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        return [str(v) for v in (value if isinstance(value, (list, tuple)) else [value])]


class WholeNumbers(TextList):
    """Several whole numbers under one name (checkboxes carrying a record's position or id): the list of ints; a
    value that is not one is an error at the field (a forged or damaged post — the page's boxes carry numbers)."""

    default_error_messages = {"invalid": _("应为序号")}

    def to_python(self, value) -> list[int]:
        numbers = [whole(v) for v in super().to_python(value)]
        if None in numbers:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return numbers


def free_text(label, **kwargs) -> forms.CharField:
    """Free text as typed (not stripped: the service decides what blank means)."""
    return forms.CharField(label=label, required=False, strip=False, **kwargs)


# 行政许可法 sets no condition on an applicant withdrawing an application: a reason is optional, recorded when given.
WITHDRAWAL_REASON_HELP = _("选填:撤回申请无须说明理由;填写的理由将记入办理记录")


def withdrawal_reason() -> forms.CharField:
    """The applicant's reason for withdrawing (撤回理由): optional, and said to be; up to 500 characters."""
    return free_text(_("撤回理由"), max_length=500, help_text=WITHDRAWAL_REASON_HELP)


class RevisionField(forms.CharField):
    """The revision of the page an action was taken on (a hidden input): blank is none (an API client may leave it
    out), a whole number goes to the service's stale-page check, anything else is refused — a forged `abc` was read
    as none and skipped the check."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(required=False, **kwargs)

    def clean(self, value) -> int | None:
        value = super().clean(value)
        if not value:
            return None
        number = whole(value)
        if number is None:
            raise forms.ValidationError(_("页面版本号无效,请刷新页面后重试"), code="invalid")
        return number


def whole_number(label, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        error_messages={"invalid": _("应填写整数")},
        **kwargs,
    )


class ServiceForm(forms.Form):
    """Errors as the pages show them: one message per field, and the form's own under "form"; a select starts with
    请选择."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            choose_first(field)
            name_the_limits(field)

    def fail(self, exc: DomainError) -> None:
        """Put a service's refusal on the field it names, or on the whole form."""
        self.add_error(exc.field if exc.field in self.fields else None, exc.message)

    def error_map(self) -> dict[str, str]:
        return {
            (name if name in self.fields else "form"): str(errors[0]) for name, errors in self.errors.items()
        }

    def message(self) -> str:
        """The first error as one line naming its field (for an action answered by a redirect and a message)."""
        for name, errors in self.errors.items():
            label, error = self.fields[name].label if name in self.fields else None, str(errors[0])
            if label and f"「{label}」" not in error:  # 「退付说明」最长 500 个字 names it already
                return _("%(label)s:%(error)s") % {"label": label, "error": error}
            return error
        return ""


class SignInForm(AccessibleForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}
        ),
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class OtpTokenForm(AccessibleForm):
    otp_token = forms.RegexField(
        label=_("动态验证码"),
        regex=r"^\s*\d{6,8}\s*$",
        error_messages={"invalid": _("请输入验证器应用中显示的6位数字")},
        help_text=_("打开手机上的验证器应用,输入当前显示的6位数字。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 8, "autofocus": True}
        ),
    )

    def clean_otp_token(self) -> str:
        return self.cleaned_data["otp_token"].strip()


class OtpRemoveForm(AccessibleForm):
    password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        help_text=_("为确认是您本人操作,请输入登录密码。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
