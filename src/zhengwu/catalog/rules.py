"""The catalogue's rules over plain values: codes, an item's elements, and what an implementation may change.

An item is checked as a *spec*: a plain dict in the demo/JSON format (docs/data-formats.md, 「事项规格」). Every check
returns a list of (field, message) pairs, the field named as a path ("steps[2].days"), so a page, the API and the
Excel import can all show each error where it is. No ORM, no clock, no I/O here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core import personal

# 政务服务事项类型及国家代码 (the national item-type codes, GB/T 39554.1 exchange schema).
ITEM_TYPES = {
    "01": gettext_lazy("行政许可"),
    "02": gettext_lazy("行政处罚"),
    "03": gettext_lazy("行政强制"),
    "04": gettext_lazy("行政征收"),
    "05": gettext_lazy("行政给付"),
    "06": gettext_lazy("行政检查"),
    "07": gettext_lazy("行政确认"),
    "08": gettext_lazy("行政奖励"),
    "09": gettext_lazy("行政裁决"),
    "10": gettext_lazy("其他行政权力"),
    "20": gettext_lazy("公共服务"),
}
PUBLIC_SERVICE = "20"
TARGETS = {"person": gettext_lazy("个人"), "legal_person": gettext_lazy("法人")}
# 网上办理深度, in the order an item goes deeper online.
ONLINE_DEPTHS = {
    "consult": gettext_lazy("互联网咨询"),
    "receive": gettext_lazy("收件"),
    "pre_review": gettext_lazy("预审"),
    "accept": gettext_lazy("受理"),
    "handle": gettext_lazy("办理"),
    "result_feedback": gettext_lazy("结果信息反馈"),
    "licence_feedback": gettext_lazy("电子证照反馈"),
}
MATERIAL_FORMS = {
    "original": gettext_lazy("原件"),
    "copy": gettext_lazy("复印件"),
    "original_and_copy": gettext_lazy("原件和复印件"),
}
MATERIAL_MEDIA = {
    "paper": gettext_lazy("纸质"),
    "electronic": gettext_lazy("电子"),
    "either": gettext_lazy("纸质或电子"),
}
# shared: the department obtains the material itself by data sharing (免提交); a case never waits for it
MATERIAL_SOURCES = {
    "applicant": gettext_lazy("申请人自备"),
    "government": gettext_lazy("政府部门核发"),
    "shared": gettext_lazy("部门共享获取"),
}
RESULT_KINDS = {
    "licence": gettext_lazy("证照"),
    "approval_document": gettext_lazy("批文"),
    "certificate": gettext_lazy("证明"),
    "other": gettext_lazy("其他"),
    "none": gettext_lazy("无"),
}
DELIVERIES = {
    "window": gettext_lazy("窗口领取"),
    "post": gettext_lazy("邮寄送达"),
    "electronic": gettext_lazy("电子送达"),
}
STEP_ROLES = {
    "window_clerk": gettext_lazy("窗口工作人员"),
    "approver": gettext_lazy("审批人员"),
    "department_head": gettext_lazy("部门负责人"),
    "centre_manager": gettext_lazy("中心管理人员"),
}
# What a handling step (办理环节) is for. The decision (决定) is made at one step (行政许可法 第三十四条、第三十八条);
# after it come only making the result (制证) and delivering it (送达).
STEP_KINDS = {
    "accept": gettext_lazy("受理"),
    "review": gettext_lazy("审查"),
    "decide": gettext_lazy("决定"),
    "produce": gettext_lazy("制证"),
    "deliver": gettext_lazy("送达"),
}
POST_DECISION_KINDS = ("produce", "deliver")
_PRODUCE_NAMES = re.compile(r"制证|缮证|制卡|颁证|发证|补发|换证|打证|出证")
_DELIVER_NAMES = re.compile(r"送达|出件|寄递")

# Basic code (基本编码), 12 digits: item type (2) + main item (5) + sub-item (3) + extension (2).
# GB/T 39554.1 is not freely published; this is our reading of it, documented in docs/data-formats.md.
BASIC_CODE = re.compile(r"^(?P<type>\d{2})(?P<main>\d{5})(?P<sub>\d{3})(?P<ext>\d{2})$")
BASIC_CODE_LENGTH = 12
USCC_LENGTH = 18
# Main-item numbers from 90000 are kept for items a county adds without a national code.
LOCAL_MAIN_FROM = 90000

Errors = list[tuple[str, str]]


def check_basic_code(code: str, item_type: str) -> str | None:
    """What is wrong with a basic code for an item of this type, or None if it is valid."""
    code = code or ""
    if len(code) != BASIC_CODE_LENGTH:
        return _("基本编码应为12位数字,实际为%(n)d位") % {"n": len(code)}
    match = BASIC_CODE.match(code)
    if match is None:
        return _("基本编码只能由数字组成")
    if match["type"] not in ITEM_TYPES:
        return _("基本编码前2位「%(t)s」不是有效的事项类型代码") % {"t": match["type"]}
    if item_type and match["type"] != item_type:
        return _("基本编码前2位「%(t)s」与事项类型「%(label)s」(%(code)s)不符") % {
            "t": match["type"],
            "label": ITEM_TYPES.get(item_type, item_type),
            "code": item_type,
        }
    if match["main"] == "00000":
        return _("基本编码第3至7位主项编码不能为00000")
    return None


def implementation_code(uscc: str, basic_code: str) -> str:
    """The implementation code (实施编码): the implementing organisation's USCC followed by the basic code."""
    return f"{uscc}{basic_code}"


def split_implementation_code(code: str) -> tuple[str, str]:
    """(USCC, basic code) of an implementation code."""
    return code[:USCC_LENGTH], code[USCC_LENGTH:]


def local_basic_code(item_type: str, main: int, sub: int = 0) -> str:
    """A basic code for an item the county adds without a national code (main numbers from 90000)."""
    return f"{item_type}{main:05d}{sub:03d}00"


def _non_negative_int(value, field: str, label: str, errors: Errors) -> int | None:
    if value is None or value == "":
        errors.append((field, _("请填写%(label)s") % {"label": label}))
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append((field, _("%(label)s应为整数(工作日)") % {"label": label}))
        return None
    if value < 0:
        errors.append((field, _("%(label)s不能为负数") % {"label": label}))
        return None
    return value


def _choices(values, allowed: dict, field: str, label: str, errors: Errors, *, required: bool) -> list:
    if values is None:
        values = []
    if not isinstance(values, list | tuple):
        errors.append((field, _("%(label)s应为列表") % {"label": label}))
        return []
    if required and not values:
        errors.append((field, _("请至少选择一项%(label)s") % {"label": label}))
    bad = [str(v) for v in values if v not in allowed]
    if bad:
        errors.append(
            (
                field,
                _("%(label)s含有无效的值「%(bad)s」,可选:%(ok)s")
                % {"label": label, "bad": "、".join(bad), "ok": "、".join(allowed)},
            )
        )
    return list(values)


def check_item(spec: dict) -> Errors:
    """Every error in one item spec, as (field, message) pairs; empty when the item may be published."""
    errors: Errors = []
    item_type = spec.get("type") or ""
    if not (spec.get("name") or "").strip():
        errors.append(("name", _("请填写事项名称")))
    if item_type not in ITEM_TYPES:
        errors.append(
            (
                "type",
                _("事项类型「%(t)s」无效,应为国家代码之一:%(ok)s")
                % {"t": item_type, "ok": "、".join(ITEM_TYPES)},
            )
        )
        item_type = ""
    if spec.get("basic_code"):
        problem = check_basic_code(spec["basic_code"], item_type)
        if problem:
            errors.append(("basic_code", problem))

    _choices(spec.get("target"), TARGETS, "target", _("服务对象"), errors, required=True)
    _choices(
        spec.get("online_depth"), ONLINE_DEPTHS, "online_depth", _("网上办理深度"), errors, required=False
    )
    _check_legal_basis(spec.get("legal_basis") or [], item_type, errors)
    _check_limits(spec, errors)
    _check_step_kinds(spec, errors)
    _check_materials(spec.get("materials") or [], errors)
    _check_fees(spec.get("fees") or [], errors)
    _check_result(spec.get("result") or {}, errors)
    for i, qa in enumerate(spec.get("faq") or []):
        if not (qa.get("q") or "").strip() or not (qa.get("a") or "").strip():
            errors.append((f"faq[{i}]", _("常见问题第%(n)d条需同时填写问题和解答") % {"n": i + 1}))
    errors += check_form_schema(spec.get("form_schema"))
    return errors


# The application form (申请表) as the subset of JSON Schema that cases.forms validates and the portal renders.
FORM_FIELD_TYPES = {
    "string": gettext_lazy("文字"),
    "integer": gettext_lazy("整数"),
    "number": gettext_lazy("数字"),
    "boolean": gettext_lazy("是或否"),
}
_FORM_KEYWORDS = {"type", "title", "description"}
_FORM_TYPE_KEYWORDS = {
    "string": {"maxLength", "minLength", "enum", "format", "pattern", "x-personal", "x-not-before"},
    "integer": {"minimum", "maximum"},
    "number": {"minimum", "maximum"},
    "boolean": set(),
}
_FORM_TOP_KEYWORDS = {
    "$schema",
    "type",
    "title",
    "description",
    "properties",
    "required",
    "additionalProperties",
}
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_FORM_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_form_schema(schema) -> Errors:
    """What is wrong with an item's application form schema (empty: the default form), each at "form_schema"."""
    if schema in (None, {}):
        return []
    at = "form_schema"
    if isinstance(schema, str):
        try:
            schema = json.loads(schema)
        except json.JSONDecodeError as exc:
            return [
                (
                    at,
                    _("申请表不是有效的 JSON:第%(line)d行第%(col)d列(%(msg)s)")
                    % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg},
                )
            ]
    if not isinstance(schema, dict):
        return [(at, _("申请表应为 JSON 对象"))]
    errors: Errors = []
    if schema.get("type") != "object":
        errors.append((at, _('申请表的 type 应为 "object"')))
    unknown = sorted(set(schema) - _FORM_TOP_KEYWORDS)
    if unknown:
        errors.append((at, _("申请表含有不支持的关键字:%(k)s") % {"k": "、".join(unknown)}))
    if schema.get("additionalProperties", False) is not False:
        errors.append((at, _("申请表不允许额外字段,additionalProperties 只能为 false")))
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        errors.append((at, _("申请表应在 properties 中列出至少一个字段")))
        properties = {}
    for key, rule in properties.items():
        errors += [(at, message) for message in _form_property_problems(key, rule)]
    required = schema.get("required", [])
    if not isinstance(required, list) or not all(isinstance(k, str) for k in required):
        errors.append((at, _("申请表的 required 应为字段名的列表")))
    else:
        for key in required:
            if key not in properties:
                errors.append((at, _("必填字段「%(key)s」不在 properties 中") % {"key": key}))
    return errors


def _form_property_problems(key, rule) -> list[str]:
    if not _FORM_KEY.match(str(key)):
        return [_("字段名「%(key)s」只能由字母、数字和下划线组成,且以字母开头") % {"key": key}]
    if not isinstance(rule, dict):
        return [_("字段「%(key)s」应为 JSON 对象") % {"key": key}]
    out = []
    title = rule.get("title")
    if not isinstance(title, str) or not _CHINESE.search(title):
        out.append(_("字段「%(key)s」需有中文标题(title)") % {"key": key})
    kind = rule.get("type")
    if kind not in FORM_FIELD_TYPES:
        out.append(
            _("字段「%(key)s」的类型「%(t)s」不支持,可选:%(ok)s")
            % {"key": key, "t": kind, "ok": "、".join(FORM_FIELD_TYPES)}
        )
        return out
    unknown = sorted(set(rule) - _FORM_KEYWORDS - _FORM_TYPE_KEYWORDS[kind])
    if unknown:
        out.append(
            _("字段「%(key)s」(%(t)s)含有不支持的关键字:%(k)s")
            % {"key": key, "t": FORM_FIELD_TYPES[kind], "k": "、".join(unknown)}
        )
    if not isinstance(rule.get("description", ""), str):
        out.append(_("字段「%(key)s」的说明(description)应为文字") % {"key": key})
    if "x-personal" in rule and (problem := personal.declared_kind_problem(rule["x-personal"])):
        out.append(_("字段「%(key)s」:%(problem)s") % {"key": key, "problem": problem})
    if kind == "string":
        out += _string_problems(key, rule)
    elif kind in ("integer", "number"):
        bounds = {}
        for word in ("minimum", "maximum"):
            if word in rule:
                value = rule[word]
                if not _is_number(value) or (kind == "integer" and not isinstance(value, int)):
                    out.append(
                        _("字段「%(key)s」的 %(w)s 应为%(t)s")
                        % {"key": key, "w": word, "t": FORM_FIELD_TYPES[kind]}
                    )
                else:
                    bounds[word] = value
        if len(bounds) == 2 and bounds["minimum"] > bounds["maximum"]:
            out.append(_("字段「%(key)s」的 minimum 大于 maximum") % {"key": key})
    return out


def _string_problems(key: str, rule: dict) -> list[str]:
    out = []
    for word in ("maxLength", "minLength"):
        value = rule.get(word)
        if word in rule and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            out.append(_("字段「%(key)s」的 %(w)s 应为不小于0的整数") % {"key": key, "w": word})
    if "enum" in rule:
        enum = rule["enum"]
        if (
            not isinstance(enum, list)
            or not enum
            or not all(isinstance(v, str) and v.strip() for v in enum)
            or len(set(enum)) != len(enum)
        ):
            out.append(_("字段「%(key)s」的可选值(enum)应为不重复的文字列表") % {"key": key})
    if "format" in rule and rule["format"] not in ("date", "phone"):
        out.append(
            _("字段「%(key)s」的格式「%(f)s」不支持,只支持 date(日期)和 phone(电话号码)")
            % {"key": key, "f": rule["format"]}
        )
    if "x-not-before" in rule and (rule["x-not-before"] != "today" or rule.get("format") != "date"):
        out.append(_("字段「%(key)s」的 x-not-before 只能用于日期字段,取值 today") % {"key": key})
    if "pattern" in rule:
        try:
            re.compile(rule["pattern"])
        except (re.error, TypeError):
            out.append(_("字段「%(key)s」的格式规则(pattern)不是有效的正则表达式") % {"key": key})
    return out


def _check_legal_basis(bases: list, item_type: str, errors: Errors) -> None:
    # 行政许可法 第十八条 and its kin: an administrative power exists only where a law sets it, so it must cite one.
    if item_type and item_type != PUBLIC_SERVICE and not bases:
        errors.append(("legal_basis", _("行政权力事项必须填写设定依据(法律法规名称及条款)")))
    for i, basis in enumerate(bases):
        if not (basis.get("law") or "").strip():
            errors.append((f"legal_basis[{i}].law", _("设定依据第%(n)d条未填写法律法规名称") % {"n": i + 1}))


def _check_limits(spec: dict, errors: Errors) -> None:
    legal = _non_negative_int(spec.get("legal_limit"), "legal_limit", _("法定办结时限"), errors)
    promised = _non_negative_int(spec.get("promised_limit"), "promised_limit", _("承诺办结时限"), errors)
    _non_negative_int(spec.get("extension_days", 0), "extension_days", _("法定延长时限"), errors)
    _non_negative_int(spec.get("onsite_visits", 0), "onsite_visits", _("到办事现场次数"), errors)
    instant = bool(spec.get("instant"))
    if promised is not None:
        if instant and promised != 0:
            errors.append(
                (
                    "promised_limit",
                    _("即办件当场办结,承诺办结时限应为0个工作日,现为%(p)d个") % {"p": promised},
                )
            )
        if not instant and promised == 0:
            errors.append(("promised_limit", _("承诺件的承诺办结时限至少为1个工作日;当场办结的请标为即办件")))
        if legal is not None and promised > legal:
            errors.append(
                (
                    "promised_limit",
                    _("承诺办结时限(%(p)d个工作日)不能超过法定办结时限(%(l)d个工作日)")
                    % {"p": promised, "l": legal},
                )
            )

    steps = spec.get("steps") or []
    if not steps:
        errors.append(("steps", _("请至少填写一个办理环节")))
    total = 0
    for i, step in enumerate(steps):
        if not (step.get("name") or "").strip():
            errors.append((f"steps[{i}].name", _("第%(n)d个办理环节未填写名称") % {"n": i + 1}))
        if step.get("role") not in STEP_ROLES:
            errors.append(
                (
                    f"steps[{i}].role",
                    _("第%(n)d个办理环节的责任角色「%(r)s」无效,可选:%(ok)s")
                    % {"n": i + 1, "r": step.get("role") or "", "ok": "、".join(STEP_ROLES)},
                )
            )
        days = _non_negative_int(step.get("days"), f"steps[{i}].days", _("环节时限"), errors)
        total += days or 0
    if promised is not None and total > promised:
        errors.append(
            (
                "steps",
                _("各办理环节时限合计%(t)d个工作日,超过承诺办结时限%(p)d个工作日")
                % {"t": total, "p": promised},
            )
        )


def default_step_kinds(steps: list) -> list[str]:
    """The kinds of steps given without any (data from before kinds were named), read from names and roles: the
    first step is 受理 when the window takes it and its name says so; trailing steps named for making the result
    (制证, 缮证, 制卡, 颁证, 发证 …) or delivering it (送达, 出件 …) come after the decision; the decision is the
    last step before them — or, when nothing else is left, the first of them (受理 → 审核发证)."""
    kinds = ["review"] * len(steps)
    if not steps:
        return kinds
    first = steps[0] if isinstance(steps[0], dict) else {}
    start = 1 if first.get("role") == "window_clerk" and "受理" in str(first.get("name") or "") else 0
    if start:
        kinds[0] = "accept"
    end = len(steps)
    while end > start:
        name = str((steps[end - 1] or {}).get("name") or "") if isinstance(steps[end - 1], dict) else ""
        if _DELIVER_NAMES.search(name):
            kinds[end - 1] = "deliver"
        elif _PRODUCE_NAMES.search(name):
            kinds[end - 1] = "produce"
        else:
            break
        end -= 1
    if end > start:
        kinds[end - 1] = "decide"
    elif end < len(steps):
        kinds[end] = "decide"
    return kinds


def default_kinds_of_rows(rows, group: str) -> list:
    """Stored step rows (with `name`, `role` and `kind`; ordered by `group`, then position) whose kind differs from
    the one `default_step_kinds` reads for their group — set to it (for the migrations that named the kinds)."""
    groups: dict = {}
    for row in rows:
        groups.setdefault(getattr(row, group), []).append(row)
    changed = []
    for members in groups.values():
        for row, kind in zip(
            members, default_step_kinds([{"name": r.name, "role": r.role} for r in members]), strict=True
        ):
            if row.kind != kind:
                row.kind = kind
                changed.append(row)
    return changed


def with_step_kinds(steps: list) -> list:
    """The steps with their kinds: as given; when no step names one, as `default_step_kinds` reads them; a step
    left without one among steps that name theirs is a 审查 (review) step."""
    steps = [dict(s) if isinstance(s, dict) else s for s in steps or []]
    rows = [s for s in steps if isinstance(s, dict)]
    if not any(s.get("kind") for s in rows):
        for step, kind in zip(steps, default_step_kinds(steps), strict=True):
            if isinstance(step, dict):
                step["kind"] = kind
        return steps
    for step in rows:
        step["kind"] = step.get("kind") or "review"
    return steps


def decision_position(steps: list) -> int | None:
    """The index (from 0) of the decision step (决定环节) among steps with kinds, or None."""
    return next((i for i, s in enumerate(steps) if isinstance(s, dict) and s.get("kind") == "decide"), None)


def _check_step_kinds(spec: dict, errors: Errors) -> None:
    # 行政许可法 第三十四条、第三十八条: the organisation decides at one step, by the role the item names; making
    # the certificate (制证) and delivering it (送达) follow the decision, never precede it.
    steps = [s for s in with_step_kinds(spec.get("steps") or []) if isinstance(s, dict)]
    if not steps:
        return
    kinds = [s["kind"] for s in steps]
    for i, kind in enumerate(kinds):
        if kind not in STEP_KINDS:
            errors.append(
                (
                    f"steps[{i}].kind",
                    _("第%(n)d个办理环节的环节类型「%(k)s」无效,可选:%(ok)s")
                    % {"n": i + 1, "k": kind, "ok": "、".join(map(str, STEP_KINDS.values()))},
                )
            )
    if any(kind not in STEP_KINDS for kind in kinds):
        return
    for i, kind in enumerate(kinds):
        if kind == "accept" and i > 0:
            errors.append(
                (
                    f"steps[{i}].kind",
                    _("只有第1个环节可以是受理环节(「%(s)s」)") % {"s": steps[i].get("name")},
                )
            )
        if kind == "deliver" and i < len(kinds) - 1:
            errors.append(
                (f"steps[{i}].kind", _("送达环节「%(s)s」应是最后一个环节") % {"s": steps[i].get("name")})
            )
    deciding = [i for i, kind in enumerate(kinds) if kind == "decide"]
    if not deciding:
        if not spec.get("instant"):
            errors.append(
                (
                    "steps",
                    _("请指定一个决定环节:作出准予或不予决定的环节(环节类型选“决定”),制证、送达在它之后"),
                )
            )
        return
    for i in deciding[1:]:
        errors.append(
            (
                f"steps[{i}].kind",
                _("只能有一个决定环节:第%(n)d个环节「%(s)s」已是决定环节")
                % {"n": deciding[0] + 1, "s": steps[deciding[0]].get("name")},
            )
        )
    at = deciding[0]
    for i, kind in enumerate(kinds):
        if i > at and kind not in POST_DECISION_KINDS:
            errors.append(
                (
                    f"steps[{i}].kind",
                    _("决定环节「%(d)s」之后只能是制证或送达环节,「%(s)s」是%(k)s环节")
                    % {"d": steps[at].get("name"), "s": steps[i].get("name"), "k": STEP_KINDS[kind]},
                )
            )
        if i < at and kind in POST_DECISION_KINDS:
            errors.append(
                (
                    f"steps[{i}].kind",
                    _("%(k)s环节「%(s)s」应在决定环节「%(d)s」之后")
                    % {"k": STEP_KINDS[kind], "s": steps[i].get("name"), "d": steps[at].get("name")},
                )
            )
    role = steps[at].get("role")
    if role == "centre_manager":
        errors.append(
            (
                f"steps[{at}].role",
                _("决定环节「%(s)s」应由实施机构作出(行政许可法第三十四条),责任角色应为审批人员或部门负责人")
                % {"s": steps[at].get("name")},
            )
        )
    elif role == "window_clerk" and not (spec.get("instant") or spec.get("window_authorised")):
        errors.append(
            (
                f"steps[{at}].role",
                _(
                    "决定环节「%(s)s」的责任角色是窗口工作人员,但本事项未授权窗口办理:"
                    "请改为审批人员或部门负责人,或勾选窗口授权"
                )
                % {"s": steps[at].get("name")},
            )
        )


def _check_materials(materials: list, errors: Errors) -> None:
    names = set()
    for i, m in enumerate(materials):
        at, n = f"materials[{i}]", i + 1
        name = (m.get("name") or "").strip()
        if not name:
            errors.append((f"{at}.name", _("第%(n)d项材料未填写名称") % {"n": n}))
        elif name in names:
            errors.append((f"{at}.name", _("材料「%(name)s」重复") % {"name": name}))
        names.add(name)
        if m.get("form", "original") not in MATERIAL_FORMS:
            errors.append(
                (f"{at}.form", _("材料「%(name)s」的形式应为原件、复印件或原件和复印件") % {"name": name})
            )
        if m.get("medium", "paper") not in MATERIAL_MEDIA:
            errors.append(
                (f"{at}.medium", _("材料「%(name)s」的载体应为纸质、电子或纸质或电子") % {"name": name})
            )
        if m.get("source", "applicant") not in MATERIAL_SOURCES:
            errors.append(
                (
                    f"{at}.source",
                    _("材料「%(name)s」的来源应为申请人自备、政府部门核发或部门共享获取") % {"name": name},
                )
            )
        copies = m.get("copies", 1)
        if isinstance(copies, bool) or not isinstance(copies, int) or copies < 1:
            errors.append((f"{at}.copies", _("材料「%(name)s」的份数应为不小于1的整数") % {"name": name}))
        if m.get("source") == "government" and not (m.get("issuer") or "").strip():
            errors.append(
                (f"{at}.issuer", _("材料「%(name)s」由政府部门核发,请填写出具单位") % {"name": name})
            )


def _check_fees(fees: list, errors: Errors) -> None:
    for i, fee in enumerate(fees):
        at, n = f"fees[{i}]", i + 1
        name = (fee.get("name") or "").strip()
        if not name:
            errors.append((f"{at}.name", _("第%(n)d项收费未填写名称") % {"n": n}))
        if not (fee.get("standard") or "").strip():
            errors.append((f"{at}.standard", _("收费「%(name)s」未填写收费标准") % {"name": name}))
        # 行政许可法 第五十九条: a fee is charged only on the basis of a law or an administrative regulation.
        if not (fee.get("basis") or "").strip():
            errors.append((f"{at}.basis", _("收费「%(name)s」必须填写收费依据") % {"name": name}))
        amount = fee.get("amount")
        if amount not in (None, ""):
            try:
                if Decimal(str(amount)) < 0:
                    errors.append((f"{at}.amount", _("收费「%(name)s」的金额不能为负数") % {"name": name}))
            except InvalidOperation:
                errors.append(
                    (
                        f"{at}.amount",
                        _("收费「%(name)s」的金额「%(a)s」不是数字") % {"name": name, "a": amount},
                    )
                )


def _check_result(result: dict, errors: Errors) -> None:
    kind = result.get("kind", "none")
    if kind not in RESULT_KINDS:
        errors.append(
            (
                "result.kind",
                _("办理结果类型「%(k)s」无效,可选:%(ok)s") % {"k": kind, "ok": "、".join(RESULT_KINDS)},
            )
        )
    if kind not in ("none", None) and not (result.get("name") or "").strip():
        errors.append(("result.name", _("请填写办理结果名称(证照或批文的名称)")))
    _choices(result.get("delivery"), DELIVERIES, "result.delivery", _("送达方式"), errors, required=False)


# ---- windows (办理窗口) -----------------------------------------------------------------------------------------
# A window is named in a spec as {"centre": the service centre's name, "number": the window number}, and written
# (Excel, the guide) as "贵溪市政务服务中心28号窗口".
WINDOW_LABEL = re.compile(r"^(?P<centre>.+?)\s*(?P<number>[0-9A-Za-z-]+)\s*号(?:窗口)?$")


def window_label(ref: dict) -> str:
    """A window reference as people write it: centre name, number, "号窗口"."""
    return f"{ref.get('centre', '')}{ref.get('number', '')}号窗口"


def parse_window_label(text: str) -> dict | None:
    """{"centre", "number"} of a written window reference ("贵溪市政务服务中心28号窗口"), or None."""
    match = WINDOW_LABEL.match((text or "").strip())
    return {"centre": match["centre"].strip(), "number": match["number"]} if match else None


@dataclass(frozen=True)
class WindowFacts:
    """What the rule needs to know of one window a reference found (gathered by services from the database)."""

    label: str
    general: bool
    active: bool
    in_scope: bool  # its centre lies in the implementing organisation's region or below
    serves: bool  # the implementing organisation is among the organisations the window serves
    served: tuple[str, ...] = ()  # the names of the organisations it serves


def check_windows(refs, found: dict[tuple[str, str], list[WindowFacts]], organisation: str | None) -> Errors:
    """Every error in an item's windows (办理窗口), each at "windows".

    `found` maps each (centre name, number) to the windows so named (none: no such window; two: two centres share
    the name). An item may name windows only when it has an implementing organisation (a basic item has none; the
    implementations choose theirs). Each window must be in use and in a centre of the organisation's region or a
    region below it (a county department's items may be taken in the county centre, its branches and the township
    and village halls; a township's only in its own). A dedicated window (专窗) must serve the organisation; a
    general window (综合窗口, 无差别受理) takes any organisation's items within that region scope, so the
    organisations listed on it do not restrict it.
    """
    errors: Errors = []
    if refs is None:
        return errors
    if not isinstance(refs, list | tuple):
        return [("windows", _("办理窗口应为列表"))]
    if refs and organisation is None:
        return [("windows", _("基本目录事项不设办理窗口,由各实施机构在实施清单中选择"))]
    for i, ref in enumerate(refs):
        if not isinstance(ref, dict) or not ref.get("centre") or not ref.get("number"):
            errors.append(("windows", _("办理窗口第%(n)d项应写明服务中心名称和窗口号") % {"n": i + 1}))
            continue
        label = window_label(ref)
        windows = found.get((ref["centre"], ref["number"])) or []
        if not windows:
            errors.append(("windows", _("找不到窗口「%(w)s」:请核对服务中心名称和窗口号") % {"w": label}))
            continue
        if len(windows) > 1:
            errors.append(
                (
                    "windows",
                    _("有多个名为「%(c)s」的服务中心,无法确定窗口「%(w)s」")
                    % {"c": ref["centre"], "w": label},
                )
            )
            continue
        window = windows[0]
        if not window.active:
            errors.append(("windows", _("窗口「%(w)s」已停用") % {"w": window.label}))
        elif not window.in_scope:
            errors.append(
                (
                    "windows",
                    _("窗口「%(w)s」所在的服务中心不在实施机构「%(o)s」所在区划内")
                    % {"w": window.label, "o": organisation},
                )
            )
        elif not window.general and not window.serves:
            errors.append(
                (
                    "windows",
                    _("窗口「%(w)s」是%(s)s的专窗,不受理%(o)s的事项;请选择本机构的专窗或综合窗口")
                    % {
                        "w": window.label,
                        "s": "、".join(window.served) or _("其他机构"),
                        "o": organisation,
                    },
                )
            )
    return errors


@dataclass(frozen=True)
class Difference:
    """One element where an implementation differs from its basic item; `loosens` if that is not allowed."""

    field: str
    basic: object
    implementation: object
    loosens: bool
    message: str


def _amount(fee: dict) -> Decimal | None:
    try:
        return None if fee.get("amount") in (None, "") else Decimal(str(fee["amount"]))
    except InvalidOperation:
        return None


def differences(basic: dict, impl: dict) -> list[Difference]:
    """Where an implementation differs from its basic item, each marked whether it loosens the basic item.

    An implementation may only tighten: a shorter promised limit, fewer materials (or a required one made optional),
    fewer visits, a deeper online service, fewer or lower fees. It may never change the legal limit or the legal
    extension upward, lengthen the promised limit, add a required material, turn an instant item into a promised
    one, or add or raise a fee.
    """
    out: list[Difference] = []

    def diff(field, b, i, loosens, message):
        out.append(Difference(field, b, i, loosens, message))

    for field, label in (("legal_limit", _("法定办结时限")), ("extension_days", _("法定延长时限"))):
        b, i = basic.get(field) or 0, impl.get(field) or 0
        if b != i:
            diff(
                field,
                b,
                i,
                i > b,
                _("%(label)s:基本目录%(b)s个工作日,实施清单%(i)s个工作日") % {"label": label, "b": b, "i": i},
            )
    b, i = basic.get("promised_limit") or 0, impl.get("promised_limit") or 0
    if b != i:
        diff(
            "promised_limit",
            b,
            i,
            i > b,
            _("承诺办结时限:基本目录%(b)s个工作日,实施清单%(i)s个工作日") % {"b": b, "i": i},
        )
    if bool(basic.get("instant")) != bool(impl.get("instant")):
        diff(
            "instant",
            basic.get("instant"),
            impl.get("instant"),
            not impl.get("instant"),
            _("基本目录为即办件") if basic.get("instant") else _("实施清单改为即办件"),
        )
    b, i = basic.get("onsite_visits") or 0, impl.get("onsite_visits") or 0
    if b != i:
        diff(
            "onsite_visits",
            b,
            i,
            i > b,
            _("到办事现场次数:基本目录%(b)s次,实施清单%(i)s次") % {"b": b, "i": i},
        )
    b_depth, i_depth = set(basic.get("online_depth") or []), set(impl.get("online_depth") or [])
    if b_depth != i_depth:
        missing = [str(ONLINE_DEPTHS.get(d, d)) for d in ONLINE_DEPTHS if d in b_depth - i_depth]
        diff(
            "online_depth",
            sorted(b_depth),
            sorted(i_depth),
            bool(missing),
            _("网上办理深度缺少基本目录要求的:%(m)s") % {"m": "、".join(missing)}
            if missing
            else _("网上办理深度比基本目录更深"),
        )

    b_materials = {m.get("name"): m for m in basic.get("materials") or []}
    i_materials = {m.get("name"): m for m in impl.get("materials") or []}
    for name, m in i_materials.items():
        if name not in b_materials:
            required = m.get("required", True)
            diff(
                f"materials[{name}]",
                None,
                name,
                required,
                _("新增必需材料「%(n)s」(基本目录没有)") % {"n": name}
                if required
                else _("新增可选材料「%(n)s」") % {"n": name},
            )
        elif m.get("required", True) and not b_materials[name].get("required", True):
            diff(
                f"materials[{name}].required",
                False,
                True,
                True,
                _("材料「%(n)s」在基本目录中为非必需,实施清单改为必需") % {"n": name},
            )
        elif (m.get("copies") or 1) > (b_materials[name].get("copies") or 1):
            diff(
                f"materials[{name}].copies",
                b_materials[name].get("copies"),
                m.get("copies"),
                True,
                _("材料「%(n)s」份数多于基本目录") % {"n": name},
            )
    for name in b_materials:
        if name not in i_materials:
            diff(f"materials[{name}]", name, None, False, _("减少材料「%(n)s」") % {"n": name})

    b_fees = {f.get("name"): f for f in basic.get("fees") or []}
    for fee in impl.get("fees") or []:
        name = fee.get("name")
        if name not in b_fees:
            diff(f"fees[{name}]", None, name, True, _("新增收费「%(n)s」(基本目录没有)") % {"n": name})
            continue
        b_amount, i_amount = _amount(b_fees[name]), _amount(fee)
        if b_amount is not None and (i_amount is None or i_amount > b_amount):
            diff(
                f"fees[{name}].amount",
                str(b_amount),
                fee.get("amount"),
                True,
                _("收费「%(n)s」金额高于基本目录") % {"n": name},
            )
    for name in b_fees:
        if name not in {f.get("name") for f in impl.get("fees") or []}:
            diff(f"fees[{name}]", name, None, False, _("取消收费「%(n)s」") % {"n": name})
    return out


def loosenings(basic: dict, impl: dict) -> Errors:
    """The (field, message) errors for every way an implementation loosens its basic item."""
    return [
        (d.field, _("实施清单不得放宽基本目录:%(m)s") % {"m": d.message})
        for d in differences(basic, impl)
        if d.loosens
    ]


# ---- changes to an item in force: 取消, 下放, 收回 and 发布 of a version, each with its effective date ----------------


# 行政许可法 第五条第二款 (未经公布的,不得作为实施行政许可的依据): a change takes effect on its publication day or later.
def effective_date_problem(effective_on: dt.date, today: dt.date) -> str | None:
    """What is wrong with a change's effective date (生效日期) on `today` (China's day), or None. No window for
    backdating: a past date would tell the public a change was in force on days it had not been published, while the
    cases of those days ran under the version then in force; a change a document already in force decided is recorded
    from today, the document named in its reason."""
    if effective_on < today:
        return _(
            "生效日期 %(d)s 早于今天(%(t)s):事项变更自公布之日起生效,不能倒签;"
            "依据已施行的文件作出的变更,请以今天为生效日期,并在理由中写明文件名称和文号"
        ) % {"d": effective_on.isoformat(), "t": today.isoformat()}
    return None


# Organisation kinds (core.models.Organisation.Kind) that are administrative organs: they implement items within
# their powers (行政许可法 第二十二条) and may take over an item delegated to them.
ADMINISTRATIVE_ORGANS = ("government", "department", "agency")


@dataclass(frozen=True)
class Recipient:
    """The organisation an item would be delegated to (下放), as the rule needs it."""

    name: str
    kind: str
    kind_label: str
    is_active: bool
    implements_items: bool  # it implements items in force in the catalogue
    is_own: bool  # it is the item's own implementing organisation


# 行政许可法 第二十二条、第二十三条: an item is implemented by an administrative organ within its powers, or by an
# organisation a law or regulation authorises — which the catalogue shows by the items it implements (不动产登记中心);
# a unit with none (the 12345 hotline centre, a 政务服务管理机构) cannot take an item over.
def delegation_problem(recipient: Recipient) -> str | None:
    """Why an item may not be delegated (下放) to `recipient`, or None."""
    if recipient.is_own:
        return _("「%(o)s」是本事项的实施机构,不能下放给自己") % {"o": recipient.name}
    if not recipient.is_active:
        return _("「%(o)s」已停用,不能承接下放的事项") % {"o": recipient.name}
    if recipient.kind in ADMINISTRATIVE_ORGANS or recipient.implements_items:
        return None
    return _(
        "「%(o)s」是%(k)s,不是行政机关,目录中也没有它实施的事项(未经法律法规授权),不能承接下放的事项;"
        "请选择下级人民政府、政府工作部门或派出机构"
    ) % {"o": recipient.name, "k": recipient.kind_label}


TRANSFER_KINDS = ("delegated", "taken_back")


@dataclass(frozen=True)
class Transfer:
    """One recorded 下放 (`delegated`) or 收回 (`taken_back`) of an item: to or from which organisation, from when."""

    kind: str
    organisation: int
    organisation_name: str
    effective_on: dt.date


def describe_transfer(t: Transfer) -> str:
    """「2026-12-01 起下放至「雷溪镇人民政府」」: a recorded transfer as a message names it."""
    if t.kind == "delegated":
        return _("%(d)s 起下放至「%(o)s」") % {"d": t.effective_on.isoformat(), "o": t.organisation_name}
    return _("%(d)s 起从「%(o)s」收回") % {"d": t.effective_on.isoformat(), "o": t.organisation_name}


def pending_transfer(history: list[Transfer], today: dt.date) -> Transfer | None:
    """The latest recorded transfer not yet in force (待生效), if any."""
    pending = [t for t in history if t.effective_on > today]
    return pending[-1] if pending else None


# One transfer pending at a time: a second one before the first is in force (a 收回 of a 下放 not yet made, a 下放 to
# another organisation) would publish two changes of the same power that contradict each other.
def pending_transfer_problem(history: list[Transfer], today: dt.date) -> str | None:
    """Why no 下放 or 收回 may be recorded while one is pending, naming it; None when none is pending.
    `history`: the item's transfers in the order they take effect."""
    if (pending := pending_transfer(history, today)) is None:
        return None
    return _(
        "本事项已有待生效的变更:%(t)s。在它生效之前不能再记录下放或收回,以免公告中出现相互矛盾的变更"
    ) % {"t": describe_transfer(pending)}


def delegated_to(history: list[Transfer]) -> dict[int, Transfer]:
    """The organisations the item is delegated to after `history` (in the order it takes effect): each one's 下放."""
    current: dict[int, Transfer] = {}
    for t in history:
        if t.kind == "delegated":
            current[t.organisation] = t
        else:
            current.pop(t.organisation, None)
    return current


def transfer_problem(
    history: list[Transfer], kind: str, organisation: int, organisation_name: str
) -> str | None:
    """Why this 下放 or 收回 does not follow from the item's transfers so far (a second 下放 to the same organisation, a
    收回 from one it was never delegated to), naming where the item is delegated; None when it does."""
    current = delegated_to(history)
    if kind == "delegated":
        if organisation in current:
            return _("本事项已下放至「%(o)s」(%(d)s 起),无需再次下放") % {
                "o": organisation_name,
                "d": current[organisation].effective_on.isoformat(),
            }
        return None
    if organisation in current:
        return None
    if current:
        where = _("本事项目前下放至:%(o)s") % {
            "o": "、".join(f"「{t.organisation_name}」" for t in current.values())
        }
    else:
        where = _("本事项目前没有下放给任何机构")
    return _("本事项未下放至「%(o)s」,不能从它收回;%(w)s") % {"o": organisation_name, "w": where}
