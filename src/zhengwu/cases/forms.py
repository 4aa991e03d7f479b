"""The application form of an item version: fields described in JSON Schema, validated on the server.

Items whose version carries no schema (`form_schema`) get DEFAULT_FORM. The subset understood: an object with
`properties` (type string, integer, number, boolean; title, maxLength, minLength, enum, pattern, format "date" or
"phone", minimum, maximum; our own "x-not-before": "today" on a date, e.g. 拟开业日期), `required`, and no additional
properties. catalog.rules.check_form_schema refuses anything else. Every bad field is named at once.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core import clock, inputs
from zhengwu.core.errors import ValidationFailed

DEFAULT_FORM = {
    "type": "object",
    "properties": {
        "subject": {"type": "string", "title": "申请事项说明", "maxLength": 500},
        "contact_name": {"type": "string", "title": "联系人", "maxLength": 40},
        "contact_phone": {"type": "string", "title": "联系电话", "maxLength": 20, "format": "phone"},
        "remarks": {"type": "string", "title": "备注", "maxLength": 1000},
    },
    "required": ["subject"],
}

_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool}
_TYPE_LABELS = {
    "string": gettext_lazy("文字"),
    "integer": gettext_lazy("整数"),
    "number": gettext_lazy("数字"),
    "boolean": gettext_lazy("是或否"),
}


def schema_of(version) -> dict:
    """The form schema of an item version (its own, or the default form)."""
    return getattr(version, "form_schema", None) or DEFAULT_FORM


class Checked(dict):
    """Form data `validate` has already cleaned against `schema` (`checked`): handed back as it is when validated
    again against that same schema, so a caller that checks several forms at once before writing (a joint
    application checks every member's part of the merged form, then submits each member case) does not check them
    twice. Stored as the plain dict it is."""

    def __init__(self, data: dict, schema: dict):
        super().__init__(data)
        self.schema = schema


def checked(schema: dict, data) -> Checked:
    """`validate`, its answer marked as checked against `schema`."""
    return Checked(validate(schema, data), schema)


def validate(schema: dict, data) -> dict:
    """The form data with surrounding blanks trimmed (phone numbers normalised), or ValidationFailed naming every bad
    field at once (`errors`; the first is its `field` and `message`). Data already `checked` against this schema is
    returned as it is."""
    if isinstance(data, Checked) and data.schema == schema:
        return dict(data)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationFailed(_("申请表应为字段和取值的对象"), field="form")
    properties = schema.get("properties", {})
    unknown = [key for key in data if key not in properties]
    if unknown:
        raise ValidationFailed(
            _("申请表中没有字段「%(unknown)s」") % {"unknown": unknown[0]}, field=f"form.{unknown[0]}"
        )
    clean, errors = {}, []
    for key, rule in properties.items():
        value = data.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if key in schema.get("required", []):
                # a field picked from choices (a select, yes/no) is chosen, not typed
                chosen = "enum" in rule or rule.get("type") == "boolean"
                message = _("请选择「%(label)s」") if chosen else _("请填写「%(label)s」")
                errors.append((f"form.{key}", message % {"label": rule.get("title", key)}))
            continue
        try:
            clean[key] = _checked(key, rule, value)
        except ValidationFailed as err:
            errors.append((err.field, err.message))
    if errors:
        raise ValidationFailed(errors[0][1], field=errors[0][0], errors=errors)
    return clean


def _checked(key: str, rule: dict, value):
    """One filled field's value as kept, or ValidationFailed at form.<key>."""
    label = rule.get("title", key)
    field = f"form.{key}"
    kind = rule.get("type", "string")
    expected = _TYPES.get(kind, str)
    if not isinstance(value, expected) or (kind in ("integer", "number") and isinstance(value, bool)):
        raise ValidationFailed(
            _("「%(label)s」应为%(type)s") % {"label": label, "type": _TYPE_LABELS.get(kind, kind)},
            field=field,
        )
    if "enum" in rule and value not in rule["enum"]:
        raise ValidationFailed(
            _("「%(label)s」只能是:%(choices)s")
            % {"label": label, "choices": "、".join(map(str, rule["enum"]))},
            field=field,
        )
    if kind in ("integer", "number"):
        if "minimum" in rule and value < rule["minimum"]:
            raise ValidationFailed(
                _("「%(label)s」不能小于 %(minimum)s") % {"label": label, "minimum": rule["minimum"]},
                field=field,
            )
        if "maximum" in rule and value > rule["maximum"]:
            raise ValidationFailed(
                _("「%(label)s」不能大于 %(maximum)s") % {"label": label, "maximum": rule["maximum"]},
                field=field,
            )
    if kind != "string":
        return value
    if "maxLength" in rule and len(value) > rule["maxLength"]:
        raise ValidationFailed(
            _("「%(label)s」最长 %(maxlength)s 个字") % {"label": label, "maxlength": rule["maxLength"]},
            field=field,
        )
    if "minLength" in rule and len(value) < rule["minLength"]:
        raise ValidationFailed(
            _("「%(label)s」至少 %(minlength)s 个字") % {"label": label, "minlength": rule["minLength"]},
            field=field,
        )
    if "pattern" in rule and not re.search(rule["pattern"], value):
        raise ValidationFailed(_("「%(label)s」格式不正确") % {"label": label}, field=field)
    if rule.get("format") == "phone":
        return inputs.phone(value, field=field, label=f"「{label}」")
    if rule.get("format") == "date":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationFailed(
                _("「%(label)s」应为日期 YYYY-MM-DD") % {"label": label}, field=field
            ) from None
        if rule.get("x-not-before") == "today" and day < (today := clock.today()):
            raise ValidationFailed(
                _("「%(label)s」不能早于今天(%(today)s)") % {"label": label, "today": today.isoformat()},
                field=field,
            )
    return value
