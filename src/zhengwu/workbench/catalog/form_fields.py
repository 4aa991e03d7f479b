"""The item's application form as the editor shows it: one row per field (字段名, 标题, 类型, 必填, 最多字数, 可选值,
最小值/最大值, 填写说明, 个人信息), turned into the JSON Schema the platform stores (cases.forms reads it, catalog.rules
judges it) and back. A manager fills in a table; only who wants to may edit the JSON itself (the page's 高级 part).

Lossless both ways: what a row has no column for (minLength, pattern) rides along in the row's hidden `extra`, and the
schema's own top-level words (type, title, $schema …) in the form's hidden `form_schema_top`, so opening an item and
saving it unchanged stores the schema it had. A row's own mistakes are refused here, at its input, in words of the
table (not of JSON Schema); what only the whole schema shows is catalog.rules' to say."""

from __future__ import annotations

import json
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.cases.forms import DEFAULT_FORM
from zhengwu.core import personal
from zhengwu.core.inputs import whole

COLUMNS = (
    "key",
    "title",
    "kind",
    "required",
    "max_length",
    "options",
    "minimum",
    "maximum",
    "description",
    "personal",
    "extra",
)
TYPED = ("key", "title", "options", "description", "max_length", "minimum", "maximum")
KINDS = {
    "text": gettext_lazy("文字"),
    "date": gettext_lazy("日期"),
    "date_from_today": gettext_lazy("日期(不早于当天)"),
    "phone": gettext_lazy("电话号码"),
    "choice": gettext_lazy("选项(下拉选择)"),
    "integer": gettext_lazy("整数"),
    "number": gettext_lazy("数字(可带小数)"),
    "boolean": gettext_lazy("是或否"),
}
PERSONAL = {
    "": gettext_lazy("按字段名和标题判断"),
    **personal.KIND_LABELS,
    "none": gettext_lazy("不是个人信息"),
}
REQUIRED = {"yes": gettext_lazy("必填"), "no": gettext_lazy("选填")}
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_OPTIONS = re.compile(r"[、,,;;\n]+")
_STRING_KINDS = ("text", "date", "date_from_today", "phone", "choice")
_EXTRA_WORDS = ("minLength", "pattern")  # kept as they were: no column of their own


def rows_of(schema: dict | None) -> tuple[list[dict], dict]:
    """The rows the table shows for a stored schema, and the schema's top-level words besides its fields (an item
    without a schema of its own shows the default form's)."""
    schema = schema or DEFAULT_FORM
    required = set(schema.get("required") or [])
    rows = [_row_of(key, rule, key in required) for key, rule in (schema.get("properties") or {}).items()]
    top = {k: v for k, v in schema.items() if k not in ("properties", "required")}
    return rows, top


def _row_of(key: str, rule: dict, required: bool) -> dict:
    rule = rule if isinstance(rule, dict) else {}
    kind = {"integer": "integer", "number": "number", "boolean": "boolean"}.get(rule.get("type"), "text")
    if kind == "text":
        if rule.get("format") == "date":
            kind = "date_from_today" if rule.get("x-not-before") == "today" else "date"
        elif rule.get("format") == "phone":
            kind = "phone"
        elif "enum" in rule:
            kind = "choice"
    declared = rule.get("x-personal")
    extra = {word: rule[word] for word in _EXTRA_WORDS if word in rule}
    return {
        "key": str(key),
        "title": str(rule.get("title", "")),
        "kind": kind,
        "required": "yes" if required else "no",
        "max_length": _text(rule.get("maxLength")),
        "options": "、".join(str(v) for v in rule.get("enum") or []),
        "minimum": _text(rule.get("minimum")),
        "maximum": _text(rule.get("maximum")),
        "description": str(rule.get("description", "")),
        "personal": "none" if declared is False else (declared if declared in personal.MASKS else ""),
        "extra": json.dumps(extra, ensure_ascii=False) if extra else "",
    }


def _text(value) -> str:
    return "" if value is None else str(value)


def top_text(top: dict) -> str:
    return json.dumps(top, ensure_ascii=False) if top else ""


def schema_of(rows: list[tuple[int, dict]], top_text: str = "") -> tuple[dict, dict[str, str]]:
    """The schema the typed rows (each with the index of its input row) make, and each row mistake at its input
    ({"fields-3-max_length": message}). No typed row: {} (the default form); rows that make exactly the default form:
    {} too, so an item that never had a form of its own does not get a copy of the default one."""
    errors: dict[str, str] = {}
    properties: dict[str, dict] = {}
    required: list[str] = []
    for index, values in rows:

        def refuse(column: str, message: str, _at=index) -> None:
            errors.setdefault(f"fields-{_at}-{column}", message)

        key = values.get("key", "").strip()
        if not key:
            refuse("key", _("请填写字段名(英文字母开头,可含字母、数字和下划线,如 shop_area)"))
        elif not _KEY.match(key):
            refuse("key", _("字段名只能由英文字母、数字和下划线组成,且以字母开头(如 shop_area)"))
        elif key in properties:
            refuse("key", _("字段名「%(key)s」与上面的字段重复") % {"key": key})
        title = values.get("title", "").strip()
        if not title:
            refuse("title", _("请填写标题(申请人看到的字段名称,如 经营场所面积)"))
        elif not _CHINESE.search(title):
            refuse("title", _("标题须含中文"))
        kind = values.get("kind", "text")
        if kind not in KINDS:
            refuse("kind", _("请选择字段类型"))
            kind = "text"
        rule: dict = {"type": _json_type(kind), "title": title}
        description = values.get("description", "").strip()
        if description:
            rule["description"] = description
        max_length = values.get("max_length", "").strip()
        if max_length:
            if kind not in ("text", "phone"):
                refuse("max_length", _("只有文字和电话号码字段可设最多字数"))
            elif (length := whole(max_length)) is None or length < 1:
                refuse("max_length", _("最多字数应为正整数"))
            else:
                rule["maxLength"] = length
        options = [v.strip() for v in _OPTIONS.split(values.get("options", "")) if v.strip()]
        if kind == "choice":
            if not options:
                refuse("options", _("选项字段须列出可选值,用顿号分隔(如 个人、企业)"))
            elif len(set(options)) != len(options):
                refuse("options", _("可选值有重复"))
            else:
                rule["enum"] = options
        elif options:
            refuse("options", _("只有选项字段可列可选值"))
        if kind in ("date", "date_from_today"):
            rule["format"] = "date"
            if kind == "date_from_today":
                rule["x-not-before"] = "today"
        elif kind == "phone":
            rule["format"] = "phone"
        bounds = {}
        for column, word in (("minimum", "minimum"), ("maximum", "maximum")):
            typed = values.get(column, "").strip()
            if not typed:
                continue
            if kind not in ("integer", "number"):
                refuse(column, _("只有整数和数字字段可设最小值、最大值"))
                continue
            number = _number(typed, whole=kind == "integer")
            if number is None:
                refuse(column, _("应为整数") if kind == "integer" else _("应为数字"))
            else:
                bounds[word] = rule[word] = number
        if len(bounds) == 2 and bounds["minimum"] > bounds["maximum"]:
            refuse("maximum", _("最大值不能小于最小值"))
        chosen = values.get("personal", "")
        if chosen == "none":
            rule["x-personal"] = False
        elif chosen in personal.MASKS:
            rule["x-personal"] = chosen
        elif chosen:
            refuse("personal", _("请选择个人信息类别"))
        extra = _extra(values.get("extra", ""))
        if extra is None:
            refuse("key", _("这一字段的高级设置已损坏,请在“以 JSON 编辑”中修改"))
        elif kind in _STRING_KINDS:
            rule.update(extra)
        if key and key not in properties:
            properties[key] = rule
            if values.get("required") == "yes":
                required.append(key)
    if not properties:
        return {}, errors
    try:
        top = json.loads(top_text) if top_text.strip() else {}
    except ValueError:
        top = {}
    top = top if isinstance(top, dict) else {}
    schema = {"type": "object", **top, "properties": properties}
    if required:
        schema["required"] = required
    return ({} if schema == DEFAULT_FORM else schema), errors


def _json_type(kind: str) -> str:
    return kind if kind in ("integer", "number", "boolean") else "string"


def _number(text: str, *, whole: bool):
    try:
        value = float(text)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    if value.is_integer():
        return int(value)
    return None if whole else value


def _extra(text: str) -> dict | None:
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict) or set(value) - set(_EXTRA_WORDS):
        return None
    return value
