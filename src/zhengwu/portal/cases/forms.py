"""Portal forms for cases: applicant registration and sign-in, the application form built from the item version's
schema (cases.forms), status lookup and the due-date calculator. Fields only parse; the rules live in the domain."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from zhengwu.cases.application import ACCEPTED_TYPES, ApplicationForm
from zhengwu.cases.models import Applicant
from zhengwu.core import ids
from zhengwu.core.forms import AccessibleForm, RevisionField, ServiceForm, whole, withdrawal_reason
from zhengwu.core.inputs import is_whole


class RegisterForm(AccessibleForm):
    kind = forms.ChoiceField(label=_("申请人类型"), choices=Applicant.Kind.choices, initial="natural")
    name = forms.CharField(
        label=_("姓名或单位名称"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    id_number = forms.CharField(
        label=_("证件号码"),
        max_length=18,
        help_text=_("自然人填写18位居民身份证号码;法人或其他组织填写统一社会信用代码。"),
    )
    legal_representative = forms.CharField(label=_("法定代表人(法人填写)"), max_length=40, required=False)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("电子邮箱"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("设置密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少8位,不能全是数字,不要与姓名、手机号相近。"),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email"):
            self.add_error("phone", _("请填写手机号码或电子邮箱(作为登录账号)"))
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        elif data.get("password"):
            try:
                password_validation.validate_password(data["password"])
            except forms.ValidationError as err:
                self.add_error("password", err)
        return data


class ApplicantSignInForm(AccessibleForm):
    """个人登录 / 法人登录: the account (phone, e-mail, or the number the account was registered with) and password."""

    account = forms.CharField(
        label=_("手机号码或电子邮箱(或身份证号码)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, kind: str = Applicant.Kind.NATURAL, **kwargs):
        super().__init__(*args, **kwargs)
        self.other_entrance = None  # (url, label) of the sign-in page for the account's own kind
        if kind == Applicant.Kind.LEGAL:
            self.fields["account"].label = _("统一社会信用代码(或手机号码、电子邮箱)")
            self.fields["account"].widget.attrs["autocapitalize"] = "characters"


class LookupForm(AccessibleForm):
    number = forms.CharField(label=_("办件编号"), max_length=24, help_text=_("如 360681-2026-000123"))
    query_code = forms.CharField(label=_("查询码"), max_length=8, help_text=_("受理回执或短信中的6位查询码"))


class DueForm(AccessibleForm):
    accepted = forms.DateField(
        label=_("受理日期"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("受理当日不计入")
    )
    limit = forms.IntegerField(label=_("时限(工作日)"), min_value=0, max_value=3650)
    extensions = forms.CharField(
        label=_("批准的延期(工作日)"),
        required=False,
        help_text=_("可填多个,用逗号分隔,如 10 或 5,5"),
    )
    suspensions = forms.CharField(
        label=_("中止期间"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一段:中止日期:恢复日期,如 2026-10-09:2026-10-16;尚未恢复写作 2026-10-09:"),
    )

    def clean_extensions(self) -> list[int]:
        text = self.cleaned_data.get("extensions") or ""
        values = []
        for part in text.replace(",", ",").replace(" ", ",").split(","):
            if not part.strip():
                continue
            if not is_whole(part.strip()):
                raise forms.ValidationError(_("延期天数应为整数,多个用逗号分隔"))
            values.append(int(part))
        return values

    def clean_suspensions(self) -> list[str]:
        text = (self.cleaned_data.get("suspensions") or "").replace(":", ":")
        return [line.strip() for line in text.splitlines() if line.strip()]


# ---- applying: the page's own fields (beside the application, the applying-as part and the delivery choice)

KEY_LENGTH = 80  # Case.idempotency_key


class ApplyPageForm(forms.Form):
    """The draft continued, the licence a renewal link named (?draft=, ?licence=, or posted back by the page), the
    idempotency key the page was given (a fresh one when none or not one we could store) and the button pressed."""

    draft = forms.CharField(required=False)
    licence = forms.CharField(required=False)
    idempotency_key = forms.CharField(required=False)
    action = forms.CharField(required=False)

    def clean_draft(self) -> int | None:
        return whole(self.cleaned_data["draft"])

    def clean_licence(self) -> str:
        return self.cleaned_data["licence"][:80]

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data["idempotency_key"]
        return key if key and len(key) <= KEY_LENGTH else uuid.uuid4().hex


def apply_page(request) -> dict:
    """ApplyPageForm's values: the draft and licence posted, or else the address's; submitting when 提交 was
    pressed."""
    posted = ApplyPageForm(request.POST)
    address = ApplyPageForm(request.GET)
    posted.is_valid(), address.is_valid()  # always valid: what is not a draft's id is no draft
    mine, given = posted.cleaned_data, address.cleaned_data
    return {
        "draft": mine["draft"] if mine["draft"] is not None else given["draft"],
        "licence": mine["licence"] or given["licence"],
        "key": mine["idempotency_key"],
        "submitting": mine["action"] == "submit",
    }


class WithdrawForm(ServiceForm):
    """撤回申请: the reason and the revision of the page it was asked on (a stale page is told so)."""

    reason = withdrawal_reason()
    revision = RevisionField()


class UploadMaterialForm(ServiceForm):
    """上传 one required material still missing from a received application: its number in the item's list and
    the file (its type and size are checked by the service, cases.services.check_upload)."""

    position = forms.IntegerField(
        label=_("材料"),
        min_value=0,
        error_messages={"required": _("请选择要上传的材料"), "invalid": _("请选择要上传的材料")},
    )
    file = forms.FileField(
        label=_("文件"),
        allow_empty_file=True,  # an empty file is named by the service's check, as at the other uploads
        error_messages={"required": _("请选择要上传的文件"), "invalid": _("请选择要上传的文件")},
    )


# ---- applying for someone else ----------------------------------------------------------------------------------

SELF, FOR_PERSON, FOR_COMPANY = "self", "person", "company"
POWER_OF_ATTORNEY_MISSING = _("代他人申请须上传申请人签署的授权委托书")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,18}[0-9]$")


class ApplyingAsForm(AccessibleForm):
    """Who applies: the account holder for themselves (本人申请), or as agent (代理人) for another person
    (代他人申请) or for a company whose business they handle (法人经办人办理). For someone else: the principal's
    name, number (resident ID or USCC, checked by GB 11643 / GB 32100) and phone, and the power of attorney
    (授权委托书) they signed. The agent is the signed-in account holder; their details come from the account.
    The same checks run again in the domain (register_applicant, submit_case, upload_material)."""

    applying_as = forms.ChoiceField(
        label=_("申请方式"),
        choices=[
            (SELF, _("本人申请")),
            (FOR_PERSON, _("代他人申请(申请人为自然人,凭居民身份证)")),
            (FOR_COMPANY, _("法人经办人办理(申请人为法人或其他组织,凭统一社会信用代码)")),
        ],
        initial=SELF,
        required=False,  # not sent (an older page, a script): applying for oneself
        widget=forms.RadioSelect,
    )
    principal_name = forms.CharField(
        label=_("申请人姓名或单位名称"), max_length=100, required=False, help_text=_("与证件上的完全一致")
    )
    principal_id_number = forms.CharField(
        label=_("申请人证件号码"),
        max_length=30,
        required=False,
        help_text=_("代他人申请填写18位居民身份证号码;法人经办人办理填写18位统一社会信用代码"),
    )
    principal_legal_representative = forms.CharField(
        label=_("法定代表人(法人经办人办理时填写)"), max_length=40, required=False
    )
    principal_phone = forms.CharField(
        label=_("申请人手机号码"),
        max_length=20,
        required=False,
        help_text=_("用于短信通知申请人办理进度;不填时通知发送到您(代办人)的手机"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    power_of_attorney = forms.FileField(
        label=_("授权委托书 *"),
        required=False,
        help_text=_(
            "申请人签名(单位加盖公章)的授权委托书,写明委托事项和权限;PDF、JPEG、PNG 或 OFD,按文件内容识别"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES}),
    )

    def __init__(
        self,
        *args,
        account: Applicant,
        has_power_of_attorney: bool = False,
        submitting=False,
        own_power_of_attorney=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.account = account
        self.has_power_of_attorney = has_power_of_attorney
        self.submitting = submitting
        # The item lists its own 委托书 material: that upload (material_<position> of the application form) is the
        # power of attorney, so it is not asked for a second time here.
        self.own_power_of_attorney = own_power_of_attorney
        if own_power_of_attorney is not None:
            del self.fields["power_of_attorney"]
        self.fields["applying_as"].widget.attrs["class"] = "form-check-input"
        self.fields["principal_id_number"].widget.attrs.update(
            autocomplete="off", autocapitalize="characters"
        )

    def principal_fields(self):
        return [
            self[name]
            for name in (
                "principal_name",
                "principal_id_number",
                "principal_legal_representative",
                "principal_phone",
                "power_of_attorney",
            )
            if name in self.fields
        ]

    def clean(self):
        data = super().clean()
        mode = data["applying_as"] = data.get("applying_as") or SELF
        if mode == SELF:
            return data
        if self.account.kind != Applicant.Kind.NATURAL:
            self.add_error(
                "applying_as",
                _("单位账号不能代他人申请;经办人请使用本人的实名账号登录,选择「法人经办人办理」。"),
            )
            return data
        if self.account.verified_at is None:
            self.add_error("applying_as", _("您的账号尚未通过实名核验,不能代他人申请。"))
        company = mode == FOR_COMPANY
        if not (data.get("principal_name") or "").strip():
            self.add_error("principal_name", _("请填写单位名称") if company else _("请填写申请人姓名"))
        raw = data.get("principal_id_number") or ""
        checked = ids.check_uscc(raw) if company else ids.check_resident_id(raw)
        if not checked.valid:
            label = _("统一社会信用代码") if company else _("居民身份证号码")
            self.add_error(
                "principal_id_number",
                _("%(label)s无效:%(reason)s") % {"label": label, "reason": checked.reason},
            )
        elif not company and checked.value == self.account.id_number:
            self.add_error(
                "principal_id_number",
                _("代他人申请时,申请人不能是您本人;为自己申请请选择「本人申请」。"),
            )
        else:
            data["principal_id_number"] = checked.value
        phone = (data.get("principal_phone") or "").strip()
        if phone and not _PHONE.match(phone):
            self.add_error("principal_phone", _("请填写正确的手机号码或固定电话"))
        if (
            self.submitting
            and self.own_power_of_attorney is None
            and not self.has_power_of_attorney
            and not data.get("power_of_attorney")
        ):
            self.add_error("power_of_attorney", POWER_OF_ATTORNEY_MISSING)
        return data

    def power_of_attorney_missing(self, application: ApplicationForm) -> bool:
        """Submitting for someone else on an item that lists its own 委托书 material, with no file for it chosen
        or uploaded before: said at that material's input of the application form (call after both forms'
        is_valid, so it shows with every other error)."""
        own = self.own_power_of_attorney
        applying_as = getattr(self, "cleaned_data", {}).get("applying_as") or SELF
        if own is None or not self.submitting or self.has_power_of_attorney or applying_as == SELF:
            return False
        name = f"material_{own.position}"
        if getattr(application, "cleaned_data", {}).get(name):
            return False
        application.add_error(name, POWER_OF_ATTORNEY_MISSING)
        return True

    def principal(self) -> dict | None:
        """The principal as register_applicant takes them (None: applying for oneself)."""
        d = self.cleaned_data
        if d["applying_as"] == SELF:
            return None
        return {
            "kind": Applicant.Kind.LEGAL if d["applying_as"] == FOR_COMPANY else Applicant.Kind.NATURAL,
            "name": d["principal_name"].strip(),
            "id_number": d["principal_id_number"],
            "phone": d["principal_phone"].strip(),
            "legal_representative": d["principal_legal_representative"].strip()
            if d["applying_as"] == FOR_COMPANY
            else "",
        }

    def agent(self) -> dict | None:
        """The agent as submit_case takes them: the signed-in account holder (None: applying for oneself)."""
        if self.cleaned_data["applying_as"] == SELF:
            return None
        a = self.account
        return {"name": a.name, "id_number": a.id_number, "phone": a.phone}

    def show_error(self, err) -> bool:
        """Show a domain error about the principal, the agent or the power of attorney at its field; False when
        the error is about something else (the application form, a material)."""
        field = err.field or ""
        if field.startswith("agent"):
            self.add_error("applying_as", err.message)
            return True
        name = field if field == "power_of_attorney" else f"principal_{field}"
        if field == "power_of_attorney" and self.own_power_of_attorney is not None:
            return False  # shown at the item's own 委托书 material
        if name in self.fields:
            self.add_error(name, err.message)
            return True
        return False


def applying_as_initial(draft, account: Applicant) -> dict:
    """The choice a draft was saved with (the principal's name and number as the agent typed them)."""
    if draft is None or not draft.agent_name or draft.applicant_id == account.pk:
        return {"applying_as": SELF}
    principal = draft.applicant
    return {
        "applying_as": FOR_COMPANY if principal.kind == Applicant.Kind.LEGAL else FOR_PERSON,
        "principal_name": principal.name,
        "principal_id_number": principal.id_number,
    }
