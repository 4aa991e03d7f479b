"""Personal data on staff pages and in the staff API: which fields are personal, how each is masked, and the reveal.

Everything a staff member is shown of an applicant, agent, requester, caller, rater or asker — the record's own
fields and the personal fields of an item's application form — is masked by default (`core.masking`'s staff forms:
张*, 138****5678, 110105********002X, 江西省鹰潭市贵溪市雄石街道****, z***@example.com). The full values are shown
for one response only, after `reveal()`: the viewer's post carries a reason; the reveal is refused unless
`core.access.may_reveal_personal` allows it, counted against a per-person rate, and written to the audit chain
(who, which record, which fields, the reason — never the values). docs/masking.md, "Reveal with a reason".

A form field says it is personal with `"x-personal": "name" | "phone" | "id_number" | "address" | "email"` in the
item's JSON Schema (`false`: not personal, whatever its name); without it, `field_kind` reads the common names and
titles (contact_phone, 联系电话, 身份证号, 住址 …) — docs/data-formats.md, "form_schema".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core import masking
from zhengwu.core.errors import AccessDenied, ValidationFailed

# The kinds of personal field and their staff masks.
MASKS = {
    "name": masking.mask_name,
    "phone": masking.mask_phone,
    "id_number": masking.mask_resident_id,
    "address": masking.mask_address,
    "email": masking.mask_email,
}
KINDS = tuple(MASKS)
KIND_LABELS = {
    "name": gettext_lazy("姓名"),
    "phone": gettext_lazy("电话"),
    "id_number": gettext_lazy("证件号码"),
    "address": gettext_lazy("地址"),
    "email": gettext_lazy("电子邮箱"),
}

# Form fields personal by their name when the schema does not say (the default form's contact_name/contact_phone,
# and the names items commonly use). A name ending in one of the suffixes counts too (owner_phone, home_address).
_KEYS = {
    "contact_name": "name",
    "contact_person": "name",
    "applicant_name": "name",
    "agent_name": "name",
    "guardian_name": "name",
    "legal_representative": "name",
    "person_name": "name",
    "full_name": "name",
    "phone": "phone",
    "mobile": "phone",
    "telephone": "phone",
    "tel": "phone",
    "id_number": "id_number",
    "id_card": "id_number",
    "id_no": "id_number",
    "resident_id": "id_number",
    "address": "address",
    "residence": "address",
    "domicile": "address",
    "email": "email",
}
_SUFFIXES = (
    ("_phone", "phone"),
    ("_mobile", "phone"),
    ("_tel", "phone"),
    ("_id_number", "id_number"),
    ("_id_card", "id_number"),
    ("_address", "address"),
    ("_email", "email"),
)
# ... and by their Chinese title (the first that matches): 联系电话, 身份证号码, 家庭住址, 电子邮箱, 联系人 …
_TITLES = (
    (re.compile(r"身份证|证件号"), "id_number"),
    (re.compile(r"电话|手机|联系方式"), "phone"),
    (re.compile(r"邮箱|电子邮件|e-?mail", re.IGNORECASE), "email"),
    (re.compile(r"住址|地址|住所|居住地"), "address"),
    (re.compile(r"联系人|姓名|法定代表人|监护人|代理人|经办人"), "name"),
)


def field_kind(key: str, rule: dict | None = None) -> str | None:
    """The kind of personal data a form field holds (a key of MASKS), or None when it is not personal."""
    rule = rule or {}
    if "x-personal" in rule:
        declared = rule["x-personal"]
        return declared if declared in MASKS else None
    key = str(key).lower()
    if key in _KEYS:
        return _KEYS[key]
    for suffix, kind in _SUFFIXES:
        if key.endswith(suffix):
            return kind
    title = str(rule.get("title", ""))
    return next((kind for pattern, kind in _TITLES if pattern.search(title)), None)


def declared_kind_problem(value) -> str | None:
    """What is wrong with a form field's `x-personal` value, or None (catalog.rules checks item schemas with it)."""
    if value is False or value in MASKS:
        return None
    return _("x-personal 只能是 %(kinds)s 或 false") % {"kinds": "、".join(KINDS)}


def mask(kind: str | None, value) -> str:
    """A value as staff see it by default: masked when it is personal, as it is otherwise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = _("是") if value else _("否")
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))  # a whole number kept as 120.0 (older forms) reads 120
    else:
        text = str(value)
    return MASKS[kind](text) if kind in MASKS and text.strip() else text


@dataclass(frozen=True)
class Field:
    """One field shown to staff: the group it belongs to (applicant, agent, form …), its key and label, the kind of
    personal data it holds (None: not personal) and its value."""

    group: str
    key: str
    label: str
    kind: str | None
    value: object

    @property
    def name(self) -> str:
        return f"{self.group}.{self.key}"

    @property
    def filled(self) -> bool:
        return self.value not in (None, "")

    def shown(self, revealed: bool) -> str:
        """The value as this response shows it: in full once revealed, masked otherwise."""
        return mask(None if revealed else self.kind, self.value)


def form_fields(schema: dict, data: dict | None) -> list[Field]:
    """The filled fields of an application form in the schema's order, each with its personal kind."""
    data = data or {}
    return [
        Field("form", key, str(rule.get("title", key)), field_kind(key, rule), data[key])
        for key, rule in (schema.get("properties") or {}).items()
        if key in data
    ]


def shown(fields: Iterable[Field], *, revealed: bool) -> dict[str, dict[str, str]]:
    """{group: {key: value as shown}} for templates and API answers."""
    out: dict[str, dict[str, str]] = {}
    for f in fields:
        out.setdefault(f.group, {})[f.key] = f.shown(revealed)
    return out


def rows(fields: Iterable[Field], group: str, *, revealed: bool) -> list[dict]:
    """One group's fields as rows (label, value as shown, whether it is personal), in order."""
    return [
        {"key": f.key, "label": f.label, "value": f.shown(revealed), "personal": f.kind is not None}
        for f in fields
        if f.group == group
    ]


def personal_names(fields: Iterable[Field]) -> list[str]:
    """The names ("applicant.phone", "form.contact_phone") of the filled personal fields: what a reveal shows."""
    return [f.name for f in fields if f.kind is not None and f.filled]


# ---- the reveal ------------------------------------------------------------------------------------------------

REASON_MIN = 2
REASON_MAX = 200
# How many reveals one person may make in an hour: enough for a window serving a queue, a brake on browsing.
REVEAL_RATE = "30/h"
SUGGESTED_REASONS = (
    gettext_lazy("联系申请人补正材料"),
    gettext_lazy("核对申请人身份"),
    gettext_lazy("电话告知办理进度"),
    gettext_lazy("送达文书"),
    gettext_lazy("回访"),
    gettext_lazy("监察核查"),
)


def clean_reason(reason) -> str:
    """The reason given for a reveal, or ValidationFailed at the field `reason`."""
    text = " ".join(str(reason or "").split())
    if not text:
        raise ValidationFailed(_("请填写查看完整信息的理由(将记入审计日志)"), field="reason")
    if len(text) < REASON_MIN:
        raise ValidationFailed(
            _("查看理由至少 %(n)d 个字,请写明用途,如「联系申请人补正材料」") % {"n": REASON_MIN},
            field="reason",
        )
    if len(text) > REASON_MAX:
        raise ValidationFailed(_("查看理由不能超过 %(n)d 个字") % {"n": REASON_MAX}, field="reason")
    return text


def reveal(
    request,
    *,
    obj: Model,
    fields: Iterable[str],
    reason,
    allowed: bool,
    refusal: str = "",
    label: str = "",
) -> str:
    """Allow one response to show `fields` of `obj` in full: refused (AccessDenied, 403) unless `allowed`, refused
    without a reason (ValidationFailed at `reason`) or beyond REVEAL_RATE (429); otherwise one audit record
    `personal_data.view` {fields, reason, record} by the acting user. Returns the cleaned reason."""
    from zhengwu.core import audit, ratelimit  # audit imports the models: keep this module importable early

    if not allowed:
        raise AccessDenied(
            refusal
            or _("您的岗位不能查看完整个人信息:只有承办该业务的工作人员和监察人员可以查看,并须写明理由")
        )
    text = clean_reason(reason)
    ratelimit.limit(
        request,
        group="personal.reveal",
        rate=REVEAL_RATE,
        key="user",
        message=_("查看完整个人信息过于频繁(每小时最多 %(rate)s 次),请稍后再试")
        % {"rate": REVEAL_RATE.split("/")[0]},
    )
    with transaction.atomic():
        audit.record(
            "personal_data.view",
            obj,
            summary={"fields": sorted(set(fields)), "reason": text, "record": label or str(obj)},
            actor=request.user,
        )
    return text


@dataclass
class Reveal:
    """What a page needs to offer and show a reveal: whether the viewer may, whether this response reveals, the
    reason shown back, the error at the reason field."""

    may: bool
    revealed: bool = False
    reason: str = ""
    error: str = ""

    @property
    def suggestions(self):
        return SUGGESTED_REASONS


def mask_filename(filename: str, *, names: Iterable[str] = ()) -> str:
    """A file name as staff see it by default: the personal data found in it (`core.personal_data`, with the
    applicant's and agent's own names given) in its published form — 张三身份证.pdf → 张*身份证.pdf."""
    from zhengwu.core.personal_data import mask_text  # loads jieba's dictionary on first use

    return mask_text(str(filename or ""), names=[n for n in names if n])
