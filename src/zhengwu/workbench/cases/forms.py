"""Workbench forms for cases: counter registration of a walk-in applicant (and their agent), and every action on
the case page."""

import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from zhengwu.cases import selectors, services
from zhengwu.cases.models import Applicant, ServeWay
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.forms import (
    AccessibleForm,
    RevisionField,
    ServiceForm,
    WholeNumbers,
    free_text,
    named,
    whole,
    withdrawal_reason,
)


class WalkInForm(AccessibleForm):
    """Who is applying at the window (no account needed) and, if someone applies for them, the agent (代办人)."""

    kind = forms.ChoiceField(label=_("申请人类型"), choices=Applicant.Kind.choices, initial="natural")
    name = forms.CharField(label=_("申请人姓名或名称"), max_length=100)
    id_number = forms.CharField(
        label=_("申请人证件号码"), max_length=18, help_text=_("居民身份证号码或统一社会信用代码")
    )
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=40, required=False)
    phone = forms.CharField(
        label=_("申请人手机号码"), max_length=20, required=False, help_text=_("用于短信通知办理进度")
    )
    email = forms.EmailField(label=_("申请人电子邮箱"), required=False)
    address = forms.CharField(label=_("申请人地址"), max_length=200, required=False)
    agent_name = forms.CharField(label=_("代办人姓名"), max_length=40, required=False)
    agent_id_number = forms.CharField(label=_("代办人身份证号码"), max_length=18, required=False)
    agent_phone = forms.CharField(label=_("代办人电话"), max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-select"

    def applicant(self) -> dict:
        d = self.cleaned_data
        keys = ("kind", "name", "id_number", "legal_representative", "phone", "email", "address")
        return {k: d[k] for k in keys}

    def agent(self) -> dict | None:
        d = self.cleaned_data
        if not (d["agent_name"] or d["agent_id_number"]):
            return None
        return {"name": d["agent_name"], "id_number": d["agent_id_number"], "phone": d["agent_phone"]}


# ---- the case page's actions (views.act): one form per action, what it posts read and checked here; the rules stay
# in cases.services, whose refusals are shown on the page the same way as a form's (`refusal`).

KEY_LENGTH = 80  # Case.idempotency_key


class CounterKeyForm(forms.Form):
    """The idempotency key the counter page was given: a fresh one when none came or one too long to store."""

    idempotency_key = forms.CharField(required=False)

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data["idempotency_key"]
        return key if key and len(key) <= KEY_LENGTH else uuid.uuid4().hex

    @classmethod
    def key(cls, data) -> str:
        form = cls(data)
        form.is_valid()  # always valid
        return form.cleaned_data["idempotency_key"]


class Positions(WholeNumbers):
    """Ticked materials (checkboxes carrying a material's position): a list of whole numbers."""

    def __init__(self, *, label, **kwargs):
        invalid = named(_("「%(label)s」应为材料序号"), label=label)
        super().__init__(label=label, error_messages={"invalid": invalid}, **kwargs)


class CounterPaperForm(forms.Form):
    """已收纸质件 on the counter's 收件 form: the materials the applicant handed over on paper (checkboxes carrying
    their positions); whether each is one of the item's is the service's check (cases.submission.paper_positions)."""

    paper = Positions(label=_("已收纸质件"))

    def ticked(self) -> set[str]:
        """The boxes as posted, ticked again when the page is shown after a refusal."""
        return set(self.data.getlist("paper")) if self.is_bound and hasattr(self.data, "getlist") else set()


class CounterLicenceForm(forms.Form):
    """所用证照编号 on the counter's 收件 form, for an item taking a licence from the library: which of the
    applicant's licences of the type (one per premises, say) the application uses; checked by the service
    (cases.library.chosen_at_counter), which names them when the applicant holds several and none is given."""

    licence = forms.CharField(
        label=_("所用证照编号"),
        required=False,
        max_length=80,
        help_text=_("申请人持有多张同类证照(如多个经营场所)时填写本次申请所用证照的编号;只有一张时不填"),
        error_messages={"max_length": _("「所用证照编号」不超过 80 个字符")},
    )


def case_number(label, **kwargs) -> forms.Field:
    """A whole number the action needs; missing or not a number: 请填写<label>(整数) (as the page said before)."""
    message = named(_("请填写%(label)s(整数)"), label=label)
    return forms.IntegerField(label=label, error_messages={"required": message, "invalid": message}, **kwargs)


class CaseActionForm(ServiceForm):
    """Every action carries the revision of the page it was taken on (a stale page is told so by the service)."""

    revision = RevisionField()

    def __init__(self, data=None, files=None, *, user=None, case=None, **kwargs):
        super().__init__(data, files, **kwargs)
        self.user, self.case = user, case

    def refusal(self) -> ValidationFailed:
        """The first error, as the service's refusals are shown: at the field it names, its message naming it."""
        for name, errors in self.errors.items():
            return ValidationFailed(str(errors[0]), field=self.error_field(name))
        return ValidationFailed(_("提交的内容有误"))

    def error_field(self, name: str) -> str:
        return name if name in self.fields else ""

    # what the page shows again after a refusal: the fields as posted
    def posted(self, name: str, default: str = "") -> str:
        return self.data.get(name, default)

    def posted_list(self, name: str) -> list[str]:
        return self.data.getlist(name) if hasattr(self.data, "getlist") else []

    # posted but not worth echoing: the page's own bookkeeping and the ticks the forms show ticked again
    NOT_ECHOED = ("csrfmiddlewaretoken", "revision", "extension", "sup_position", "fee")

    def typed(self) -> list[tuple[str, str]]:
        """What the user typed, as (the field's label, the value), for the page to show after a refusal: a choice
        by its label, several values of one field together."""
        rows = []
        for name in self.data:
            if name in self.NOT_ECHOED or name.startswith("fee_name_") or not self.echoes(name):
                continue
            values = [str(v) for v in self.posted_list(name) or [self.posted(name)] if str(v).strip()]
            if values:
                choices = dict(getattr(self.fields.get(name), "choices", None) or [])
                shown = [str(choices.get(v, v)) for v in values]
                rows.append((self.label_of(name), "、".join(shown)))
        return rows

    def echoes(self, name: str) -> bool:
        """Whether a posted field is worth echoing (a form leaves out what the user did not choose)."""
        return True

    def label_of(self, name: str) -> str:
        """The label of a posted field: the form's, or for the rows a page adds (a material's problem, a fee's
        amount) what the page calls them."""
        field = self.fields.get(name)
        if field is not None and field.label:
            return str(field.label)
        prefix, _sep, key = name.rpartition("_")
        if prefix == "sup_problem":
            return str(_("第 %(n)s 项材料存在的问题") % {"n": key})
        if prefix == "fee_amount":
            return str(_("「%(fee)s」金额") % {"fee": self.posted(f"fee_name_{key}") or key})
        return name


class NoteForm(CaseActionForm):
    note = free_text(_("备注"))


def handed_over_field():
    """申请人在窗口,当场领取: the intake notice handed over at the counter is served (cases.intake.HANDED_OVER)."""
    return forms.BooleanField(label=_("申请人(或代办人)在窗口,已当场领取通知书"), required=False)


class AcceptForm(NoteForm):
    paper = Positions(label=_("纸质材料"))
    handed_over = handed_over_field()


class SupplementForm(CaseActionForm):
    """一次性告知补正: each ticked material (sup_position) with its problem (sup_problem_<position>), and one more
    outside the list (sup_other_name, sup_other_problem); on a later round, the written reason."""

    sup_position = Positions(label=_("需补正的材料"))
    handed_over = handed_over_field()
    sup_other_name = forms.CharField(label=_("其他材料(清单外)"), required=False)
    sup_other_problem = free_text(_("其他材料存在的问题"), max_length=500)
    reason = free_text(_("再次补正的书面理由"), max_length=2000)

    def clean(self):
        data = super().clean()
        items = [
            {"position": p, "problem": self.posted(f"sup_problem_{p}")} for p in data.get("sup_position", [])
        ]
        if data.get("sup_other_name"):
            items.append({"name": data["sup_other_name"], "problem": data.get("sup_other_problem", "")})
        data["items"] = items
        return data

    def echoes(self, name: str) -> bool:
        # the page fills in 未提供该材料 for each missing material: an unticked one's problem was not asked for
        prefix, _sep, position = name.rpartition("_")
        return prefix != "sup_problem" or position in self.posted_list("sup_position")


class ReasonForm(CaseActionForm):
    reason = free_text(_("理由"))


class WithdrawForm(CaseActionForm):
    reason = withdrawal_reason()


class RefuseForm(ReasonForm):
    legal_basis = free_text(_("法律依据"))
    handed_over = handed_over_field()


class SupplyForm(CaseActionForm):
    paper = Positions(label=_("纸质材料"))


class UploadForm(CaseActionForm):
    file = forms.FileField(
        label=_("文件"), allow_empty_file=True, error_messages={"required": _("请选择要上传的文件")}
    )
    position = case_number(_("材料"))


class AttachForm(CaseActionForm):
    file = forms.FileField(
        label=_("文件"), allow_empty_file=True, error_messages={"required": _("请选择要上传的文件")}
    )
    purpose = forms.CharField(label=_("附件用途"), required=False)

    def clean_purpose(self) -> str:
        return self.cleaned_data["purpose"] or "opinion"


# the decision's two radio buttons; their labels are what the page echoes of what was chosen (typed())
DECISION_CHOICES = [("grant", _("准予许可")), ("deny", _("不予许可"))]


class InstantForm(CaseActionForm):
    grant = forms.ChoiceField(label=_("决定"), choices=DECISION_CHOICES, required=False)
    reasons = free_text(_("决定意见"))
    method = forms.CharField(label=_("送达方式"), required=False)
    paper = Positions(label=_("纸质材料"))

    def clean_method(self) -> str:
        return self.cleaned_data["method"] or "window"


class CorrectFeeForm(CaseActionForm):
    """更正收费: the fee typed by hand (its name, as charged), the corrected amount and the reason; the rules (a fee
    charged before, an amount above zero to the fen, a reason) are cases.services.correct_fee's."""

    fee_name = forms.CharField(label=_("收费项目"), required=False)
    amount = forms.CharField(label=_("更正后的金额(元)"), required=False)
    reason = free_text(_("更正原因"))

    def clean(self):
        data = super().clean()
        data["fees"] = [{"name": data.get("fee_name", ""), "amount": data.get("amount", "")}]
        return data


class AssignForm(CaseActionForm):
    """The person the open step goes to: one of those the step may be given to, found by username."""

    username = forms.CharField(label=_("承办人"), required=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        target = next(
            (
                s.user
                for s in selectors.assignable_for_step(self.user, self.case)
                if s.user.username == username
            ),
            None,
        )
        if target is None:
            raise forms.ValidationError(_("请选择承办人"))
        return target


class OpinionForm(CaseActionForm):
    opinion = free_text(_("办理意见"))


class ReturnStepForm(ReasonForm):
    to_position = case_number(_("退回到的环节"))


class SuspendForm(ReasonForm):
    kind = forms.CharField(label=_("特别程序"), required=False)
    expected_days = case_number(_("预计时长"))


class ExtensionForm(ReasonForm):
    days = case_number(_("延期天数"))


class DecideExtensionForm(NoteForm):
    """A department head's answer to a pending extension: 批准 (approve=yes) or 不批准, with a note."""

    extension = case_number(_("延期申请"))
    approve = forms.CharField(required=False)

    def clean_approve(self) -> bool:
        return self.cleaned_data["approve"] == "yes"


class DecideForm(CaseActionForm):
    grant = forms.ChoiceField(label=_("决定"), choices=DECISION_CHOICES, required=False)
    reasons = free_text(_("决定意见"))
    legal_basis = free_text(_("不予许可的法律依据"))
    result_name = free_text(_("结果名称"))
    licensed_scope = free_text(_("许可事项"))


class DeliverForm(NoteForm):
    method = forms.CharField(label=_("送达方式"), required=False, strip=False)


class ChargeFeeForm(CaseActionForm):
    """登记收费: each ticked row of the item's fee list (fee=<row>) with its name (fee_name_<row>) and the amount
    charged (fee_amount_<row>, yuan, read as a Decimal). The fee list's own rules (names in the catalogue, amounts
    above zero to the fen) are cases.services.charge_fee's, which names the n-th fee posted (fees.<n>.amount)."""

    fee = forms.MultipleChoiceField(label=_("收费项目"), required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = [value for value in self.posted_list("fee")]
        self.fields["fee"].choices = [(row, row) for row in self.rows]

    def clean_fee(self) -> list[str]:
        rows = self.cleaned_data["fee"]
        if any(whole(row) is None for row in rows):
            raise forms.ValidationError(_("请勾选收费目录中的项目"))
        return rows

    def clean(self):
        data = super().clean()
        fees = []
        for row in data.get("fee", []):
            name = self.posted(f"fee_name_{row}")
            text = self.posted(f"fee_amount_{row}").strip()
            try:
                amount = Decimal(text)
            except InvalidOperation:
                amount = None
            if amount is None or not amount.is_finite():
                self.amount_error = row
                raise forms.ValidationError(
                    _("「%(name)s」的收费金额应为大于 0 的金额(元),如 10.00") % {"name": name.strip() or row},
                    code="amount",
                )
            fees.append({"name": name, "amount": amount})
        data["fees"] = fees
        return data

    def refusal(self) -> ValidationFailed:
        row = getattr(self, "amount_error", None)
        if row is not None and "fee" not in self.errors:
            n = self.cleaned_data["fee"].index(row)
            return ValidationFailed(str(self.errors[NON_FIELD_ERRORS][0]), field=f"fees.{n}.amount")
        return super().refusal()


ACTION_FORMS = {
    "accept": AcceptForm,
    "supplement": SupplementForm,
    "refuse": RefuseForm,
    "supply": SupplyForm,
    "upload": UploadForm,
    "attach": AttachForm,
    "instant": InstantForm,
    "claim": CaseActionForm,
    "assign": AssignForm,
    "complete_step": OpinionForm,
    "return_step": ReturnStepForm,
    "suspend": SuspendForm,
    "resume": NoteForm,
    "extension": ExtensionForm,
    "decide_extension": DecideExtensionForm,
    "decide": DecideForm,
    "deliver": DeliverForm,
    "complete": CaseActionForm,
    "charge_fee": ChargeFeeForm,
    "correct_fee": CorrectFeeForm,
    "terminate": ReasonForm,
    "withdraw": WithdrawForm,
}


class ServeNoticeForm(ServiceForm):
    """登记书面送达 of a notice in the 待送达书面通知 queue; the rules (邮寄 needs its tracking number, the day neither
    before the notice nor after today) are cases.services.serve_notice's."""

    way = forms.ChoiceField(
        label=_("送达方式"), choices=[(w, ServeWay(w).label) for w in services.PAPER_WAYS]
    )
    on = forms.DateField(label=_("送达日期"), required=False)
    tracking_number = forms.CharField(label=_("邮件单号"), max_length=40, required=False)
    note = forms.CharField(label=_("备注"), max_length=500, required=False)
