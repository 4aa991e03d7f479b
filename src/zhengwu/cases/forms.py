"""The application form of an item version: fields described in JSON Schema, validated on the server.

Items whose version carries no schema (`form_schema`) get DEFAULT_FORM. The subset understood: an object with
`properties` (type string, integer, number, boolean; title, maxLength, minLength, enum, pattern, format "date",
minimum, maximum), `required`, and no additional properties. catalog.rules.check_form_schema refuses anything else.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core.errors import ValidationFailed

DEFAULT_FORM = {
    "type": "object",
    "properties": {
        "subject": {"type": "string", "title": "申请事项说明", "maxLength": 500},
        "contact_name": {"type": "string", "title": "联系人", "maxLength": 40},
        "contact_phone": {"type": "string", "title": "联系电话", "maxLength": 20},
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


def validate(schema: dict, data) -> dict:
    """The form data with surrounding blanks trimmed, or ValidationFailed naming the first bad field."""
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
    clean = {}
    for key, rule in properties.items():
        label = rule.get("title", key)
        value = data.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if key in schema.get("required", []):
                raise ValidationFailed(_("请填写「%(label)s」") % {"label": label}, field=f"form.{key}")
            continue
        kind = rule.get("type", "string")
        expected = _TYPES.get(kind, str)
        if not isinstance(value, expected) or (kind in ("integer", "number") and isinstance(value, bool)):
            raise ValidationFailed(
                _("「%(label)s」应为%(type)s") % {"label": label, "type": _TYPE_LABELS.get(kind, kind)},
                field=f"form.{key}",
            )
        if "enum" in rule and value not in rule["enum"]:
            raise ValidationFailed(
                _("「%(label)s」只能是:%(choices)s")
                % {"label": label, "choices": "、".join(map(str, rule["enum"]))},
                field=f"form.{key}",
            )
        if kind in ("integer", "number"):
            if "minimum" in rule and value < rule["minimum"]:
                raise ValidationFailed(
                    _("「%(label)s」不能小于 %(minimum)s") % {"label": label, "minimum": rule["minimum"]},
                    field=f"form.{key}",
                )
            if "maximum" in rule and value > rule["maximum"]:
                raise ValidationFailed(
                    _("「%(label)s」不能大于 %(maximum)s") % {"label": label, "maximum": rule["maximum"]},
                    field=f"form.{key}",
                )
        if kind == "string":
            if "maxLength" in rule and len(value) > rule["maxLength"]:
                raise ValidationFailed(
                    _("「%(label)s」最长 %(maxlength)s 个字")
                    % {"label": label, "maxlength": rule["maxLength"]},
                    field=f"form.{key}",
                )
            if "minLength" in rule and len(value) < rule["minLength"]:
                raise ValidationFailed(
                    _("「%(label)s」至少 %(minlength)s 个字")
                    % {"label": label, "minlength": rule["minLength"]},
                    field=f"form.{key}",
                )
            if "pattern" in rule and not re.search(rule["pattern"], value):
                raise ValidationFailed(_("「%(label)s」格式不正确") % {"label": label}, field=f"form.{key}")
            if rule.get("format") == "date":
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    raise ValidationFailed(
                        _("「%(label)s」应为日期 YYYY-MM-DD") % {"label": label}, field=f"form.{key}"
                    ) from None
        clean[key] = value
    return clean
