"""The item form of the workbench: the posted fields turned into an item spec, and the spec's errors put back at
the inputs they concern. No rule lives here: services.check_draft / edit_item / create_item judge the spec."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengwu.catalog import rules, selectors
from zhengwu.catalog.models import ChangeLogEntry
from zhengwu.core.forms import ServiceForm, free_text
from zhengwu.core.inputs import is_whole
from zhengwu.workbench.catalog import form_fields

# Repeated rows: group → its fields, and how many blank rows the form offers for adding.
ROWS = {
    "legal_basis": ("law", "article", "text"),
    "materials": ("name", "required", "condition", "form", "copies", "medium", "source", "issuer", "rules"),
    "steps": ("name", "role", "days", "kind"),
    "fees": ("name", "standard", "amount", "basis"),
    "faq": ("q", "a"),
    "fields": form_fields.COLUMNS,  # the application form's fields: made into form_schema, not a spec list
}
BLANK_ROWS = {"legal_basis": 1, "materials": 2, "steps": 2, "fees": 1, "faq": 1, "fields": 2}
# The fields a person types in a row; a row with none of them filled is left out.
_TYPED = {
    "legal_basis": ("law", "article", "text"),
    "materials": ("name", "condition", "issuer", "rules"),
    "steps": ("name", "days"),
    "fees": ("name", "standard", "amount", "basis"),
    "faq": ("q", "a"),
    "fields": form_fields.TYPED,
}
TEXTS = (
    "name",
    "sub_name",
    "conditions",
    "address",
    "opening_hours",
    "consultation_phone",
    "supervision_phone",
)
NUMBERS = ("legal_limit", "promised_limit", "extension_days", "onsite_visits")
FLAGS = ("instant", "window_authorised", "joint")
SCALAR_IDS = (
    *TEXTS,
    *NUMBERS,
    *FLAGS,
    "type",
    "basic_code",
    "organisation",
    "target",
    "life_events",
    "themes",
    "online_depth",
    "result_name",
    "result_kind",
    "result_delivery",
    "reason",
    "form_schema",
    "windows",
    *ROWS,
)
NEW_ITEM_IDS = ("type", "basic_code", "organisation")  # on a new item's page only
_PATH = re.compile(r"^(?P<group>\w+)\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")
_GROUP = re.compile(r"^(?P<group>\w+)\[")
_LIST = re.compile(r"[、,,;;\s]+")
MAX_ROWS = 60


def _number(value: str):
    value = (value or "").strip()
    if not value:
        return None
    return int(value) if is_whole(value) else value  # not a number: the rules say so at the field


@dataclass
class ItemForm:
    """A posted (or loaded) item form: the spec, and for each row group which input row each spec row came from."""

    spec: dict
    origins: dict[str, list[int]] = field(default_factory=dict)
    reason: str = ""
    organisation: str = ""
    schema_text: str | None = None  # the application form schema as posted (kept as typed, even if not JSON)
    schema_mode: str = (
        "fields"  # the form's fields from the table ("fields") or the JSON typed in 高级 ("json")
    )
    schema_top: str = ""  # the schema's own top-level words, carried through the page (form_fields)
    field_rows: list[dict] | None = None  # the table's rows as posted (None: made from the spec's schema)
    input_errors: dict[str, str] = field(default_factory=dict)  # the table's own mistakes, by input id
    posted_rows: dict[str, int] = field(
        default_factory=dict
    )  # how many input rows of each group the page has

    @property
    def form_schema_text(self) -> str:
        """The application form schema as the 高级 textarea shows it: as typed there when that was used, else the
        one the table makes (or the saved one) pretty-printed."""
        if self.schema_text is not None and self.schema_mode == "json":
            return self.schema_text
        schema = self.spec.get("form_schema")
        return json.dumps(schema, ensure_ascii=False, indent=2) if isinstance(schema, dict) and schema else ""

    @property
    def uses_default_form(self) -> bool:
        """The item has no form of its own: the table shows the default form's fields."""
        return not self.spec.get("form_schema") and self.field_rows is None

    def schema_top_text(self) -> str:
        if self.field_rows is not None:
            return self.schema_top
        return form_fields.top_text(form_fields.rows_of(self.spec.get("form_schema"))[1])

    @classmethod
    def from_post(cls, post, *, item_type: str = "", basic_code: str = "") -> ItemForm:
        spec: dict = {key: post.get(key, "").strip() for key in TEXTS}
        for key in NUMBERS:
            spec[key] = _number(post.get(key, ""))
        for key in FLAGS:
            spec[key] = post.get(key) == "on"
        spec["type"] = item_type or post.get("type", "")
        spec["basic_code"] = basic_code or post.get("basic_code", "").strip()
        spec["target"] = post.getlist("target")
        spec["online_depth"] = post.getlist("online_depth")
        # Each checked window posts its id; the spec names it by centre and number.
        spec["windows"] = selectors.window_refs(post.getlist("windows"))
        spec["life_events"] = [v for v in _LIST.split(post.get("life_events", "")) if v]
        spec["themes"] = [v for v in _LIST.split(post.get("themes", "")) if v]
        spec["result"] = {
            "name": post.get("result_name", "").strip(),
            "kind": post.get("result_kind", "none"),
            "delivery": post.getlist("result_delivery"),
        }
        schema_text = post.get("form_schema", "")
        shown = post.get("form_schema_shown")  # the JSON the 高级 part showed when the page was made
        # the JSON when it was edited in 高级 (or posted by a client that sends no table); else the table
        edited = "fields-0-key" not in post or (shown is not None and not _same_json(schema_text, shown))
        schema_mode = "json" if edited else "fields"
        origins: dict[str, list[int]] = {}
        posted_rows: dict[str, int] = {}
        for group, fields in ROWS.items():
            rows, origins[group] = [], []
            posted_rows[group] = 0
            for i in range(MAX_ROWS):
                values = {f: post.get(f"{group}-{i}-{f}", "").strip() for f in fields}
                if not any(f"{group}-{i}-{f}" in post for f in fields):
                    break
                posted_rows[group] = i + 1
                if not any(values[f] for f in _TYPED[group]):
                    continue
                rows.append(values)
                origins[group].append(i)
            spec[group] = [_row(group, values) for values in rows]
        field_rows = spec.pop("fields")
        schema_top = post.get("form_schema_top", "")
        input_errors: dict[str, str] = {}
        from_table, table_errors = form_fields.schema_of(
            list(zip(origins["fields"], field_rows, strict=True)), schema_top
        )
        if schema_mode == "json":
            spec["form_schema"] = _schema(schema_text)
            if "fields-0-key" in post and from_table != _schema(shown or ""):
                input_errors["form_schema"] = str(
                    _("字段表和 JSON 都作了修改,无法确定以哪个为准:请只在一处修改(或刷新页面放弃修改)后保存")
                )
        else:
            spec["form_schema"], input_errors = from_table, table_errors
        return cls(
            spec=spec,
            origins=origins,
            reason=post.get("reason", "").strip(),
            organisation=post.get("organisation", ""),
            schema_text=schema_text,
            schema_mode=schema_mode,
            schema_top=schema_top,
            field_rows=field_rows,
            input_errors=input_errors,
            posted_rows=posted_rows,
        )

    def rows(self, errors: dict[str, str]) -> dict[str, list[dict]]:
        """Each group's rows for the form (with blank rows to add more), values and errors by field."""
        out = {}
        for group, fields in ROWS.items():
            rows = []
            origins = self.origins.get(group) or []
            kept = self.spec.get(group) or []
            if group == "fields":
                kept = self.field_rows
                if kept is None:  # the table made from the saved schema (or the default form)
                    kept = form_fields.rows_of(self.spec.get("form_schema"))[0]
                    origins = list(range(len(kept)))
            for i, row in enumerate(kept):
                at = origins[i] if i < len(origins) else i
                row_errors = {f: errors.get(f"{group}-{at}-{f}", "") for f in fields}
                rows.append({"index": i, "values": _values(group, row), "errors": row_errors})
            for _blank in range(BLANK_ROWS[group]):
                rows.append({"index": len(rows), "values": _values(group, {}), "errors": {}, "blank": True})
            out[group] = rows
        return out

    def errors_at_inputs(self, errors: rules.Errors) -> dict[str, str]:
        """The (field path, message) errors of the rules as {input id: message}; unplaced ones under "__all__"."""
        placed: dict[str, str] = dict(self.input_errors)
        for path, message in errors:
            at = self._input_of(path or "")
            placed[at] = f"{placed[at]} {message}" if at in placed else message
        return placed

    def _input_of(self, path: str) -> str:
        if path.startswith("result."):
            return "result_" + path.split(".", 1)[1]
        match = _PATH.match(path)
        if match and match["group"] in ROWS:
            group, index = match["group"], int(match["index"])
            origins = self.origins.get(group)
            row = origins[index] if origins and index < len(origins) else index
            return f"{group}-{row}-{match['field'] or ROWS[group][0]}"
        group = _GROUP.match(path)
        if group and group["group"] in ROWS:
            return group["group"]
        return path if path in SCALAR_IDS else "__all__"

    def input_ids(self, *, new: bool) -> list[str]:
        """Every error place of the page this form was posted from, so a check can clear the ones now right and
        swaps nothing into a place the page does not have: the organisation, type and basic code are chosen only
        on a new item's page, and the repeated rows are those the page posted."""
        ids = [at for at in SCALAR_IDS if new or at not in NEW_ITEM_IDS] + ["__all__"]
        for group, fields in ROWS.items():
            count = self.posted_rows.get(group)
            if count is None:
                count = max(self.origins.get(group) or [-1]) + 1 + BLANK_ROWS[group]
            # a field's hidden `extra` has no place of its own (its mistake is said at the field's name)
            ids += [f"{group}-{i}-{f}" for i in range(count) for f in fields if f != "extra"]
        return ids


def _schema(text: str):
    """The posted form schema: {} when blank (the default form), the parsed JSON, or the text itself when it is
    not JSON (the rules then say where it breaks, at the field)."""
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return text


def _same_json(typed: str, shown: str) -> bool:
    """Whether the JSON typed in 高级 is the JSON the page showed (the same object, however spaced)."""
    try:
        return json.loads(typed or "{}") == json.loads(shown or "{}")
    except ValueError:
        return typed.replace("\r\n", "\n").strip() == shown.replace("\r\n", "\n").strip()


def _row(group: str, values: dict) -> dict:
    if group == "materials":
        return {
            **values,
            "required": values["required"] != "no",
            "copies": _number(values["copies"]) if values["copies"] else 1,
        }
    if group == "steps":
        return {**values, "days": _number(values["days"])}
    if group == "fees":
        return {**values, "amount": values["amount"] or None}
    return values


def _values(group: str, row: dict) -> dict:
    """A spec row as the strings the inputs show."""
    values = {f: row.get(f, "") for f in ROWS[group]}
    if group == "materials":
        values["required"] = "no" if row and not row.get("required", True) else "yes"
        values["copies"] = row.get("copies", 1) if row else 1
        values["form"] = row.get("form") or "original"
        values["medium"] = row.get("medium") or "paper"
        values["source"] = row.get("source") or "applicant"
    if group == "fields":
        values["kind"] = row.get("kind") or "text"
        values["required"] = row.get("required") or "no"
    for key, value in values.items():
        values[key] = "" if value is None else str(value)
    return values


def form_of_spec(spec: dict, reason: str = "") -> ItemForm:
    """The form showing a saved spec (rows in order, each its own origin)."""
    return ItemForm(
        spec=spec, origins={group: list(range(len(spec.get(group) or []))) for group in ROWS}, reason=reason
    )


# ---- the Django forms of the item page's actions (review, publication, cancellation, delegation), the upload of
# an attachment, the Excel import and the organisation of a new item: they read and check what was posted; the
# services judge it.

ATTACHMENTS = ("result_sample", "blank_form", "sample")  # 结果样本, a material's 空白表格 and 示例样表
BAD_DATE = _("日期格式不正确,请按 年-月-日 填写")


class DayField(forms.Field):
    """A date as a date input sends it (YYYY-MM-DD, spaces around it ignored); empty is None."""

    def __init__(self, **kwargs):
        super().__init__(required=False, error_messages={"invalid": BAD_DATE}, **kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])-\d{2}", value):  # a real month without that day (02-30)
                raise forms.ValidationError(
                    _("「%(value)s」不是有效日期:该月没有这一天") % {"value": value}, code="invalid"
                ) from None
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class OrganisationForm(ServiceForm):
    """The organisation chosen on the new-item form, among those the user sees (None when none is chosen)."""

    organisation = forms.ModelChoiceField(label=_("实施机构"), queryset=None, required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class AttachForm(ServiceForm):
    """Which slot the file goes to (结果样本, or a material's form or sample by its number) and the file."""

    field = forms.ChoiceField(label=_("附件"), choices=[(name, name) for name in ATTACHMENTS])
    material = forms.IntegerField(label=_("材料"), required=False, min_value=0)
    file = forms.FileField(
        label=_("文件"),
        required=False,
        allow_empty_file=True,
        error_messages={"invalid": _("请选择要上传的文件")},
    )

    def clean(self):
        data = super().clean()
        if data.get("field") not in (None, "result_sample") and data.get("material") is None:
            self.add_error("material", _("请指明材料"))
        if data.get("field") == "result_sample":
            data["material"] = None
        return data


class PublishForm(ServiceForm):
    effective_on = DayField(label=_("生效日期"))
    reason = free_text(_("变更理由"))
    back = forms.CharField(
        required=False
    )  # "review": posted from the review queue, answered there if refused


class ReturnForm(ServiceForm):
    note = free_text(_("退回理由"))
    back = forms.CharField(required=False)


class CancelForm(ServiceForm):
    """取消: the published reason, when it takes effect, and the box that says one means it."""

    reason = forms.CharField(
        label=_("取消理由"),
        strip=False,
        required=False,
    )
    effective_on = DayField(label=_("生效日期"))
    confirm = forms.BooleanField(
        label=_("确认取消"),
        error_messages={"required": _("请勾选确认:取消后事项将从公开目录中移除")},
    )
    blank_reason = _("取消事项须写明理由")

    def clean_reason(self) -> str:
        if not self.cleaned_data["reason"].strip():
            raise forms.ValidationError(self.blank_reason, code="required")
        return self.cleaned_data["reason"]


class TransferForm(CancelForm):
    """下放 or 收回: to or from which organisation (not the item's own), why, from when."""

    kind = forms.ChoiceField(
        label=_("变更类型"),
        choices=[
            (k, label)
            for k, label in ChangeLogEntry.Kind.choices
            if k in (ChangeLogEntry.Kind.DELEGATED, ChangeLogEntry.Kind.TAKEN_BACK)
        ],
        error_messages={"required": _("请选择下放或收回"), "invalid_choice": _("请选择下放或收回")},
    )
    counterpart = forms.ModelChoiceField(
        label=_("承接或收回的机构"),
        queryset=None,
        error_messages={
            "required": _("请选择承接或收回的机构(不能是本事项的实施机构)"),
            "invalid_choice": _("请选择承接或收回的机构(不能是本事项的实施机构)"),
        },
    )
    blank_reason = _("下放或收回须写明理由")
    field_order = ["kind", "counterpart", "reason", "effective_on", "confirm"]

    def __init__(self, *args, counterparts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterpart"].queryset = counterparts
        self.fields["confirm"].error_messages = {"required": _("请勾选确认:该记录将公布于事项变更公告")}


class ImportForm(ServiceForm):
    file = forms.FileField(label=_("Excel文件"), required=False, allow_empty_file=True)
    publish = forms.BooleanField(label=_("导入后直接发布"), required=False)
    submit = forms.BooleanField(label=_("导入后提交审核"), required=False)
    reason = free_text(_("变更理由"))
