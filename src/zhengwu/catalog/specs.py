"""An item version as a plain spec dict (the JSON format of docs/data-formats.md) and back.

The spec is the one shape every door speaks: the demo files, the API, the Excel import and the JSON export all
turn into it, rules.check_item checks it, and services write it.
"""

import contextlib
import contextvars
import copy
from collections.abc import Iterator
from decimal import Decimal

from zhengwu.catalog import rules
from zhengwu.catalog.models import Fee, ItemVersion, Material, Step
from zhengwu.core.inputs import is_whole, too_long
from zhengwu.core.models import Window

DEFAULTS = {
    "name": "",
    "sub_name": "",
    "type": "",
    "basic_code": "",
    "target": [],
    "life_events": [],
    "themes": [],
    "legal_basis": [],
    "conditions": "",
    "legal_limit": None,
    "promised_limit": None,
    "extension_days": 0,
    "instant": False,
    "onsite_visits": 0,
    "online_depth": [],
    "window_authorised": False,
    "joint": False,
    "address": "",
    "opening_hours": "",
    "consultation_phone": "",
    "supervision_phone": "",
    "windows": [],
    "materials": [],
    "steps": [],
    "fees": [],
    "result": {"name": "", "kind": "none", "delivery": []},
    "faq": [],
    "form_schema": {},
}
MATERIAL_DEFAULTS = {
    "name": "",
    "required": True,
    "condition": "",
    "form": "original",
    "copies": 1,
    "medium": "paper",
    "source": "applicant",
    "issuer": "",
    "rules": "",
    "blank_form": "",
    "sample": "",
}
# Fields copied one to one between a spec and an ItemVersion row.
_SCALARS = {
    "name": "name",
    "sub_name": "sub_name",
    "legal_basis": "legal_basis",
    "conditions": "conditions",
    "target": "targets",
    "life_events": "life_events",
    "themes": "themes",
    "legal_limit": "legal_limit",
    "promised_limit": "promised_limit",
    "extension_days": "extension_days",
    "instant": "instant",
    "onsite_visits": "onsite_visits",
    "online_depth": "online_depth",
    "window_authorised": "window_authorised",
    "joint": "joint",
    "address": "address",
    "opening_hours": "opening_hours",
    "consultation_phone": "consultation_phone",
    "supervision_phone": "supervision_phone",
    "faq": "faq",
    "form_schema": "form_schema",
}


def complete(raw: dict) -> dict:
    """The spec with every key present (defaults filled in), nested lists and dicts copied."""
    spec = {key: raw.get(key, default) for key, default in DEFAULTS.items()}
    for key in ("name", "sub_name", "conditions"):
        spec[key] = (spec[key] or "").strip()
    spec["materials"] = [{**MATERIAL_DEFAULTS, **m} for m in spec["materials"] or []]
    spec["steps"] = rules.with_step_kinds(spec["steps"] or [])
    spec["fees"] = [{"amount": None, **f} for f in spec["fees"] or []]
    spec["result"] = {**DEFAULTS["result"], **(spec["result"] or {})}
    for key in ("target", "life_events", "themes", "legal_basis", "online_depth", "faq"):
        spec[key] = list(spec[key] or [])
    # An empty schema (or none) means the default form; a non-object is kept as is for the rules to refuse.
    schema = spec["form_schema"]
    spec["form_schema"] = copy.deepcopy(schema) if schema else {}
    spec["windows"] = window_refs(spec["windows"])
    return spec


def window_refs(values) -> list:
    """The windows of a spec as {"centre", "number"} references, each once, in centre and window-number order.
    A written reference ("贵溪市政务服务中心28号窗口") is read too; anything else is kept for the rules to refuse."""
    if not isinstance(values, list | tuple):
        return values or []
    refs, others, seen = [], [], set()
    for value in values:
        if isinstance(value, str):
            value = rules.parse_window_label(value) or value
        if isinstance(value, dict):
            ref = {
                "centre": str(value.get("centre") or "").strip(),
                "number": str(value.get("number") or "").strip(),
            }
            if (ref["centre"], ref["number"]) not in seen:
                seen.add((ref["centre"], ref["number"]))
                refs.append(ref)
        else:
            others.append(value)
    return sorted(refs, key=window_order) + others


def window_order(ref: dict) -> tuple:
    """Centre name, then window number as a number ("2" before "10")."""
    number = ref["number"]
    return (ref["centre"], int(number) if is_whole(number) else 10**9, number)


_windows_read: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "catalog_windows_read", default=None
)


@contextlib.contextmanager
def windows_read_once() -> Iterator[None]:
    """Within the block, find_windows reads the windows of each set of references once: for loading many items in
    a row (the demo catalogue checks and writes each item's windows four times), during which no window changes."""
    token = _windows_read.set({})
    try:
        yield
    finally:
        _windows_read.reset(token)


def find_windows(refs) -> dict[tuple[str, str], list[Window]]:
    """The windows each (centre name, number) reference names, with their centres and organisations."""
    wanted = {(r["centre"], r["number"]) for r in refs or [] if isinstance(r, dict)}
    read = _windows_read.get()
    if read is not None:
        key = frozenset(wanted)
        if key not in read:
            read[key] = _find_windows(wanted)
        return {k: list(v) for k, v in read[key].items()}
    return _find_windows(wanted)


def _find_windows(wanted: set[tuple[str, str]]) -> dict[tuple[str, str], list[Window]]:
    found: dict[tuple[str, str], list[Window]] = {key: [] for key in wanted}
    if not wanted:
        return found
    windows = (
        Window.objects.filter(centre__name__in={c for c, _n in wanted}, number__in={n for _c, n in wanted})
        .select_related("centre", "centre__region")
        .prefetch_related("organisations")
        .order_by("pk")
    )
    for window in windows:
        key = (window.centre.name, window.number)
        if key in found:
            found[key].append(window)
    return found


def length_problems(spec: dict) -> rules.Errors:
    """Every value of a (complete) spec longer than the column it is stored in, as (field, message) pairs naming the
    column (「材料名称」最长 200 个字符,现有 230 个): refused where it is, never cut, whichever door the spec came by."""
    errors: rules.Errors = []

    def check(model, column: str, value, at: str) -> None:
        field = model._meta.get_field(column)
        if problem := too_long(value, getattr(field, "max_length", None), field.verbose_name):
            errors.append((at, problem))

    for key, attr in _SCALARS.items():
        if isinstance(spec.get(key), str):
            check(ItemVersion, attr, spec[key], key)
    if isinstance(spec.get("result"), dict) and isinstance(spec["result"].get("name"), str):
        check(ItemVersion, "result_name", spec["result"]["name"], "result.name")
    for group, model, columns in (
        ("materials", Material, ("name", "condition", "issuer")),
        ("steps", Step, ("name",)),
        ("fees", Fee, ("name", "standard", "basis", "code")),
    ):
        for i, row in enumerate(spec.get(group) or []):
            if not isinstance(row, dict):
                continue
            for column in columns:
                if isinstance(row.get(column), str):
                    check(model, column, row[column], f"{group}[{i}].{column}")
    return errors


def from_version(version: ItemVersion) -> dict:
    """The spec of a saved version (materials, steps and fees in order; file fields by storage name)."""
    item = version.item
    spec = {key: getattr(version, attr) for key, attr in _SCALARS.items()}
    spec.update(type=item.item_type, basic_code=item.basic_code)
    spec["materials"] = [
        {
            "name": m.name,
            "required": m.required,
            "condition": m.condition,
            "form": m.form,
            "copies": m.copies,
            "medium": m.medium,
            "source": m.source,
            "issuer": m.issuer,
            "rules": m.rules,
            "blank_form": m.blank_form.name or "",
            "sample": m.sample.name or "",
        }
        for m in version.materials.all()
    ]
    spec["windows"] = sorted(
        ({"centre": w.centre.name, "number": w.number} for w in version.windows.all()), key=window_order
    )
    spec["steps"] = [
        {"name": s.name, "role": s.role, "days": s.days, "kind": s.kind} for s in version.steps.all()
    ]
    spec["fees"] = [
        {
            "name": f.name,
            "standard": f.standard,
            "amount": None if f.amount is None else str(f.amount),
            "basis": f.basis,
            **({"code": f.code} if f.code else {}),
        }
        for f in version.fees.all()
    ]
    spec["result"] = {
        "name": version.result_name,
        "kind": version.result_kind,
        "delivery": list(version.result_delivery),
    }
    return spec


def apply(version: ItemVersion, spec: dict) -> None:
    """Write a (complete, checked) spec onto an unsaved or draft version row and replace its children."""
    for key, attr in _SCALARS.items():
        setattr(version, attr, spec[key])
    version.result_name = spec["result"].get("name") or ""
    version.result_kind = spec["result"].get("kind") or "none"
    version.result_delivery = list(spec["result"].get("delivery") or [])
    version.save()
    found = find_windows(spec.get("windows"))
    version.windows.set([w[0] for w in found.values() if len(w) == 1])
    version.materials.all().delete()
    version.steps.all().delete()
    version.fees.all().delete()
    Material.objects.bulk_create(
        Material(
            version=version,
            position=i,
            name=m["name"].strip(),
            required=bool(m["required"]),
            condition=m["condition"] or "",
            form=m["form"],
            copies=m["copies"],
            medium=m["medium"],
            source=m["source"],
            issuer=m["issuer"] or "",
            rules=m["rules"] or "",
            blank_form=m.get("blank_form") or "",
            sample=m.get("sample") or "",
        )
        for i, m in enumerate(spec["materials"], start=1)
    )
    Step.objects.bulk_create(
        Step(
            version=version,
            position=i,
            name=s["name"].strip(),
            role=s["role"],
            days=s["days"],
            kind=s.get("kind") or "review",
        )
        for i, s in enumerate(spec["steps"], start=1)
    )
    Fee.objects.bulk_create(
        Fee(
            version=version,
            position=i,
            name=f["name"].strip(),
            standard=f["standard"].strip(),
            amount=None if f.get("amount") in (None, "") else Decimal(str(f["amount"])),
            basis=f["basis"].strip(),
            code=(f.get("code") or "").strip(),
        )
        for i, f in enumerate(spec["fees"], start=1)
    )


def comparable(spec: dict) -> dict:
    """The spec reduced to what an edit could change, for telling whether two specs say the same."""
    out = complete(spec)
    out["fees"] = [
        {
            **f,
            "amount": None
            if f.get("amount") in (None, "")
            else str(Decimal(str(f["amount"])).quantize(Decimal("0.01"))),
        }
        for f in out["fees"]
    ]
    return out
