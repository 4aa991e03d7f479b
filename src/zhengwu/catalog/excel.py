"""The catalogue's Excel template (sheets 事项, 材料, 步骤, 收费): export, and an import that checks every row first.

An import changes nothing unless every row of every sheet is right; otherwise it raises ImportRejected listing
every problem by sheet, row and column. Columns are documented in docs/data-formats.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from zhengwu.catalog import rules, selectors, services, specs
from zhengwu.catalog.models import ServiceItem
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.core.models import Organisation, Role

ITEMS, MATERIALS, STEPS, FEES = "事项", "材料", "步骤", "收费"
KEY = "事项序号"
# Sheet → [(column header, spec key)], in template order.
COLUMNS = {
    ITEMS: [
        ("序号", "_key"),
        ("实施机构", "_organisation"),
        ("基本编码", "basic_code"),
        ("事项名称", "name"),
        ("子项名称", "sub_name"),
        ("事项类型", "type"),
        ("服务对象", "target"),
        ("人生事件", "life_events"),
        ("主题", "themes"),
        ("设定依据", "legal_basis"),
        ("受理条件", "conditions"),
        ("法定办结时限", "legal_limit"),
        ("承诺办结时限", "promised_limit"),
        ("法定延长时限", "extension_days"),
        ("即办件", "instant"),
        ("到现场次数", "onsite_visits"),
        ("网上办理深度", "online_depth"),
        ("窗口授权", "window_authorised"),
        ("联合审批", "joint"),
        ("办理窗口", "windows"),
        ("办理地点", "address"),
        ("办公时间", "opening_hours"),
        ("咨询电话", "consultation_phone"),
        ("监督电话", "supervision_phone"),
        ("结果名称", "result.name"),
        ("结果类型", "result.kind"),
        ("送达方式", "result.delivery"),
        ("常见问题", "faq"),
        ("实施编码", "_code"),
    ],
    MATERIALS: [
        (KEY, "_key"),
        ("材料名称", "name"),
        ("必需", "required"),
        ("提交条件", "condition"),
        ("形式", "form"),
        ("份数", "copies"),
        ("载体", "medium"),
        ("来源", "source"),
        ("出具单位", "issuer"),
        ("受理标准", "rules"),
    ],
    STEPS: [
        (KEY, "_key"),
        ("环节名称", "name"),
        ("责任角色", "role"),
        ("时限", "days"),
        ("环节类型", "kind"),
    ],
    FEES: [
        (KEY, "_key"),
        ("收费项目", "name"),
        ("收费标准", "standard"),
        ("金额", "amount"),
        ("收费依据", "basis"),
    ],
}
# Columns a workbook may lack: 实施编码 is written by the export only; 办理窗口 came later (a workbook without it
# keeps each existing item's windows); 环节类型 too (without it, an item's step kinds are read from the step names).
OPTIONAL_COLUMNS = {"实施编码", "办理窗口", "环节类型"}
_SPLIT = re.compile(r"[、,,;;\n]+")
_BAR = re.compile(r"[|｜]")
_YES, _NO = {"是", "y", "yes", "true", "1", "√"}, {"否", "n", "no", "false", "0", "×", ""}
_ROLE_LABELS = {str(label): value for value, label in Role.choices if value in rules.STEP_ROLES}


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("「%(sheet)s」第%(row)s行「%(column)s」列:%(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ImportRejected(ValidationFailed):
    """The workbook had errors; nothing was changed. `problems` lists every one."""

    code = "import_rejected"

    def __init__(self, problems: list[Problem]):
        first = problems[0]
        super().__init__(
            _("导入文件有%(n)d处错误,未做任何修改。第一处:%(p)s") % {"n": len(problems), "p": first},
            field=f"{first.sheet}!{first.row}:{first.column}",
        )
        self.problems = problems

    def as_dict(self) -> dict:
        return {**super().as_dict(), "errors": [p.__dict__ for p in self.problems]}


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)


@dataclass
class _Item:
    row: int
    organisation: Organisation | None
    spec: dict
    where: dict = field(default_factory=dict)  # spec field path → (sheet, row, column)


# ---- cell parsing --------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _int(value):
    text = _text(value)
    if text == "":
        return None
    if not re.fullmatch(r"\d+", text):
        raise ValueError(_("「%(v)s」不是非负整数") % {"v": text})
    return int(text)


def _bool(value) -> bool:
    text = _text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(_("「%(v)s」应填“是”或“否”") % {"v": text})


def _choice(value, labels: dict[str, str]):
    """A code from a label or the code itself ("行政许可", "01" and "01 行政许可" all give "01")."""
    text = _text(value)
    if text == "":
        return ""
    by_label = {str(label): code for code, label in labels.items()}
    for candidate in (text, text.split(" ", 1)[-1], text.split(" ", 1)[0]):
        if candidate in labels:
            return candidate
        if candidate in by_label:
            return by_label[candidate]
    raise ValueError(_("「%(v)s」不是可选值,可选:%(ok)s") % {"v": text, "ok": "、".join(labels.values())})


def _choices(value, labels: dict[str, str]) -> list[str]:
    return [_choice(part, labels) for part in _SPLIT.split(_text(value)) if part.strip()]


def _list(value) -> list[str]:
    return [part.strip() for part in _SPLIT.split(_text(value)) if part.strip()]


def _lines(value, keys: tuple[str, ...]) -> list[dict]:
    out = []
    for line in _text(value).splitlines():
        if line.strip():
            parts = [p.strip() for p in _BAR.split(line, maxsplit=len(keys) - 1)]
            out.append(dict(zip(keys, parts + [""] * (len(keys) - len(parts)), strict=True)))
    return out


def _windows(value) -> list[dict]:
    """Windows written "贵溪市政务服务中心28号窗口", several separated by "、" or ";"."""
    refs = []
    for part in _list(value):
        ref = rules.parse_window_label(part)
        if ref is None:
            raise ValueError(
                _("「%(v)s」不是窗口的写法,应为服务中心名称加窗口号,如“贵溪市政务服务中心28号窗口”")
                % {"v": part}
            )
        refs.append(ref)
    return refs


def _amount(value):
    text = _text(value)
    if text in ("", "-"):
        return None
    try:
        return str(Decimal(text).quantize(Decimal("0.01")))
    except InvalidOperation:
        raise ValueError(_("「%(v)s」不是金额") % {"v": text}) from None


_PARSERS = {
    "type": lambda v: _choice(v, rules.ITEM_TYPES),
    "target": lambda v: _choices(v, rules.TARGETS),
    "life_events": _list,
    "themes": _list,
    "legal_basis": lambda v: _lines(v, ("law", "article", "text")),
    "faq": lambda v: _lines(v, ("q", "a")),
    "legal_limit": _int,
    "promised_limit": _int,
    "extension_days": _int,
    "onsite_visits": _int,
    "instant": _bool,
    "window_authorised": _bool,
    "joint": _bool,
    "online_depth": lambda v: _choices(v, rules.ONLINE_DEPTHS),
    "result.kind": lambda v: _choice(v, rules.RESULT_KINDS) or "none",
    "result.delivery": lambda v: _choices(v, rules.DELIVERIES),
    "windows": _windows,
}
_CHILD_PARSERS = {
    MATERIALS: {
        "required": _bool,
        "copies": _int,
        "form": lambda v: _choice(v, rules.MATERIAL_FORMS),
        "medium": lambda v: _choice(v, rules.MATERIAL_MEDIA),
        "source": lambda v: _choice(v, rules.MATERIAL_SOURCES),
    },
    STEPS: {
        "days": _int,
        "role": lambda v: _choice(v, {code: label for label, code in _ROLE_LABELS.items()}),
        "kind": lambda v: _choice(v, rules.STEP_KINDS),
    },
    FEES: {"amount": _amount},
}
_CHILD_KEYS = {MATERIALS: "materials", STEPS: "steps", FEES: "fees"}


# ---- import --------------------------------------------------------------------------------------------------


def _rows(sheet, name: str, problems: list[Problem]) -> tuple[dict[str, str], list[tuple[int, dict]]]:
    """Map each data row of a sheet to {spec key: raw value}, by header; report missing headers."""
    rows = sheet.iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, ())]
    columns = COLUMNS[name]
    for title, _key in columns:
        if title not in header and title not in OPTIONAL_COLUMNS:
            problems.append(Problem(name, 1, title, _("缺少此列")))
    index = {key: header.index(title) for title, key in columns if title in header}
    titles = {key: title for title, key in columns}
    out = []
    for number, values in enumerate(rows, start=2):
        if not any(_text(v) for v in values):
            continue
        out.append((number, {key: values[i] if i < len(values) else None for key, i in index.items()}))
    return titles, out


def _organisation(value, problems: list[Problem], row: int) -> Organisation | None:
    text = _text(value)
    if not text:
        return None
    found = list(Organisation.objects.filter(uscc=text.upper())) or list(
        Organisation.objects.filter(short_name=text)
    )
    if not found:
        found = list(Organisation.objects.filter(name=text))
    if len(found) != 1:
        problems.append(
            Problem(
                ITEMS,
                row,
                "实施机构",
                _("找不到机构「%(o)s」") % {"o": text}
                if not found
                else _("简称「%(o)s」对应多个机构,请填写统一社会信用代码") % {"o": text},
            )
        )
        return None
    return found[0]


def _parse(workbook) -> tuple[list[_Item], list[Problem]]:
    problems: list[Problem] = []
    for name in COLUMNS:
        if name not in workbook.sheetnames:
            problems.append(Problem(name, 0, "", _("缺少工作表「%(s)s」") % {"s": name}))
    if problems:
        return [], problems

    items: dict[str, _Item] = {}
    titles, rows = _rows(workbook[ITEMS], ITEMS, problems)
    for row, values in rows:
        spec: dict = {"result": {}}
        item = _Item(
            row=row, organisation=_organisation(values.get("_organisation"), problems, row), spec=spec
        )
        for key, raw in values.items():
            if key.startswith("_"):
                continue
            item.where[key] = (ITEMS, row, titles[key])
            try:
                value = _PARSERS.get(key, _text)(raw)
            except ValueError as exc:
                problems.append(Problem(ITEMS, row, titles[key], str(exc)))
                continue
            if key.startswith("result."):
                spec["result"][key.split(".", 1)[1]] = value
            else:
                spec[key] = value
        for key in ("steps", "materials", "fees", "instant"):
            item.where.setdefault(
                key, (ITEMS, row, titles["promised_limit"] if key == "steps" else titles["name"])
            )
        key = _text(values.get("_key"))
        if not key:
            problems.append(Problem(ITEMS, row, "序号", _("请填写序号(材料、步骤、收费表以此对应事项)")))
        elif key in items:
            problems.append(
                Problem(
                    ITEMS,
                    row,
                    "序号",
                    _("序号「%(k)s」重复(另见第%(r)d行)") % {"k": key, "r": items[key].row},
                )
            )
        else:
            items[key] = item

    for name, spec_key in _CHILD_KEYS.items():
        titles, rows = _rows(workbook[name], name, problems)
        for row, values in rows:
            key = _text(values.get("_key"))
            item = items.get(key)
            if item is None:
                problems.append(Problem(name, row, KEY, _("「事项」表中没有序号「%(k)s」") % {"k": key}))
                continue
            child: dict = {}
            position = len(item.spec.setdefault(spec_key, []))
            for field_key, raw in values.items():
                if field_key == "_key":
                    continue
                item.where[f"{spec_key}[{position}].{field_key}"] = (name, row, titles[field_key])
                try:
                    value = _CHILD_PARSERS[name].get(field_key, _text)(raw)
                except ValueError as exc:
                    problems.append(Problem(name, row, titles[field_key], str(exc)))
                    continue
                if value not in ("", None) or field_key in ("name", "standard", "basis", "role", "days"):
                    child[field_key] = value
            item.where[f"{spec_key}[{position}]"] = (name, row, titles["name"])
            item.spec[spec_key].append(child)
    return list(items.values()), problems


def _locate(item: _Item, field_path: str | None) -> tuple[str, int, str]:
    path = field_path or "name"
    while path:
        if path in item.where:
            return item.where[path]
        path = path.rsplit(".", 1)[0] if "." in path else (path.split("[", 1)[0] if "[" in path else "")
    return item.where.get("name", (ITEMS, item.row, "事项名称"))


def _problems_of(item: _Item, errors) -> list[Problem]:
    out = []
    for field_path, message in errors:
        sheet, row, column = _locate(item, field_path)
        out.append(Problem(sheet, row, column, message))
    return out


def import_workbook(
    source, *, publish: bool = False, submit: bool = False, reason: str = "", user=None
) -> ImportReport:
    """Import a workbook: every row checked first; all items written (and submitted for review or published, if
    asked) or none. Publishing submits and publishes as the same person: a command (user None) may, a manager only
    where ZHENGWU_CATALOG_SELF_PUBLISH allows it (the publish service refuses otherwise)."""
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportRejected([Problem("", 0, "", _("无法读取Excel文件:%(e)s") % {"e": exc})]) from None
    items, problems = _parse(workbook)
    codes: dict[str, int] = {}
    for item in items:
        item.spec = specs.complete(item.spec)
        # A cell that could not be read is reported once, not again by the rule that misses its value.
        seen = {(p.sheet, p.row, p.column) for p in problems}
        errors = rules.check_item(item.spec) + specs.length_problems(item.spec)
        errors += services.window_problems(item.spec, item.organisation)
        problems += [p for p in _problems_of(item, errors) if (p.sheet, p.row, p.column) not in seen]
        if item.spec["basic_code"] and item.organisation is not None:
            code = rules.implementation_code(item.organisation.uscc, item.spec["basic_code"])
            if code in codes:
                problems.append(
                    Problem(
                        ITEMS,
                        item.row,
                        "基本编码",
                        _("与第%(r)d行是同一事项(实施编码%(c)s)") % {"r": codes[code], "c": code},
                    )
                )
            codes[code] = item.row
    if problems:
        raise ImportRejected(problems)

    report = ImportReport()
    with transaction.atomic():
        for item in items:
            try:
                _write(
                    item, report, publish=publish, submit=submit, reason=reason or _("Excel导入"), user=user
                )
            except DomainError as exc:
                problems += _problems_of(item, getattr(exc, "errors", None) or [(exc.field, exc.message)])
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise ImportRejected(problems)
    return report


def _write(item: _Item, report: ImportReport, *, publish: bool, submit: bool, reason: str, user) -> None:
    code = None
    if item.spec["basic_code"]:
        code = (
            rules.implementation_code(item.organisation.uscc, item.spec["basic_code"])
            if item.organisation
            else item.spec["basic_code"]
        )
    existing = ServiceItem.objects.filter(code=code).first() if code else None
    if existing is None:
        version = services.create_item(spec=item.spec, organisation=item.organisation, user=user)
        report.created.append(version.item.code)
    else:
        current = existing.current_version
        if current is not None and not item.spec.get("form_schema"):
            # The workbook has no column for the application form: keep the item's own, never wipe it.
            item.spec["form_schema"] = current.form_schema or {}
        if current is not None and "windows" not in item.where:
            # A workbook from before the 办理窗口 column: keep the item's windows.
            item.spec["windows"] = specs.from_version(current)["windows"]
        if current is not None and specs.comparable(specs.from_version(current)) == specs.comparable(
            item.spec
        ):
            return
        version = services.edit_item(item=existing, spec=item.spec, reason=reason, user=user)
        report.revised.append(existing.code)
    if publish or submit:
        services.submit(item=version.item, user=user)
    if publish:
        services.publish(item=version.item, reason=reason, user=user)


# ---- export --------------------------------------------------------------------------------------------------


def _join(values, labels: dict[str, str]) -> str:
    return "、".join(str(labels.get(v, v)) for v in values)


def _bool_text(value: bool) -> str:
    return "是" if value else "否"


def export_workbook(destination, versions=None) -> int:
    """Write the published catalogue (or the given versions; an empty list gives the blank template)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {name: workbook.create_sheet(name) for name in COLUMNS}
    for name, columns in COLUMNS.items():
        sheets[name].append([title for title, _key in columns])
        sheets[name].freeze_panes = "A2"
    count = 0
    role_labels = {code: label for label, code in _ROLE_LABELS.items()}
    for count, version in enumerate(selectors.current_versions() if versions is None else versions, start=1):
        spec, item = specs.from_version(version), version.item
        organisation = item.organisation
        sheets[ITEMS].append(
            [
                count,
                organisation.uscc if organisation else "",
                spec["basic_code"],
                spec["name"],
                spec["sub_name"],
                str(rules.ITEM_TYPES[spec["type"]]),
                _join(spec["target"], rules.TARGETS),
                "、".join(spec["life_events"]),
                "、".join(spec["themes"]),
                "\n".join(
                    "|".join([b.get("law", ""), b.get("article", ""), b.get("text", "")])
                    for b in spec["legal_basis"]
                ),
                spec["conditions"],
                spec["legal_limit"],
                spec["promised_limit"],
                spec["extension_days"],
                _bool_text(spec["instant"]),
                spec["onsite_visits"],
                _join(spec["online_depth"], rules.ONLINE_DEPTHS),
                _bool_text(spec["window_authorised"]),
                _bool_text(spec["joint"]),
                "、".join(rules.window_label(w) for w in spec["windows"]),
                spec["address"],
                spec["opening_hours"],
                spec["consultation_phone"],
                spec["supervision_phone"],
                spec["result"]["name"],
                str(rules.RESULT_KINDS.get(spec["result"]["kind"], "")),
                _join(spec["result"]["delivery"], rules.DELIVERIES),
                "\n".join(f"{qa.get('q', '')}|{qa.get('a', '')}" for qa in spec["faq"]),
                item.code,
            ]
        )
        for m in spec["materials"]:
            sheets[MATERIALS].append(
                [
                    count,
                    m["name"],
                    _bool_text(m["required"]),
                    m["condition"],
                    str(rules.MATERIAL_FORMS[m["form"]]),
                    m["copies"],
                    str(rules.MATERIAL_MEDIA[m["medium"]]),
                    str(rules.MATERIAL_SOURCES[m["source"]]),
                    m["issuer"],
                    m["rules"],
                ]
            )
        for s in spec["steps"]:
            sheets[STEPS].append(
                [
                    count,
                    s["name"],
                    role_labels.get(s["role"], s["role"]),
                    s["days"],
                    str(rules.STEP_KINDS.get(s["kind"], s["kind"])),
                ]
            )
        for f in spec["fees"]:
            sheets[FEES].append([count, f["name"], f["standard"], f["amount"] or "", f["basis"]])
    workbook.save(destination)
    return count
