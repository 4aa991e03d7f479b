"""The demo county (贵溪市): regions, organisations, centres, windows and staff in every role, from one data file.

`load_demo()` is idempotent: every record is looked up by its natural key (region code, USCC, centre name, window
number, user name), created when missing, brought back to the data when it drifted, and left alone otherwise. Each
creation or change writes an audit record in the same transaction; a second run writes nothing.
"""

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Model

from zhengwu.core import audit
from zhengwu.core.context import acting_as
from zhengwu.core.ids import make_uscc
from zhengwu.core.models import Organisation, Region, Role, ServiceCentre, Staff, StaffRole, Window

DATA_FILE = Path(__file__).resolve().parent / "fixtures" / "demo_county.json"
COUNTY_CODE = "360681"


@dataclass(frozen=True)
class DemoLogin:
    """One demo account as printed for the person trying the platform."""

    roles: tuple[str, ...]
    username: str
    password: str
    name: str
    organisation: str
    window: str = ""
    purpose: str = ""  # what the account is for in the demo: which step of which chain it takes


@dataclass
class DemoSummary:
    """What a run did: records created, changed and already right, and the demo logins."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_set: int = 0  # window organisations and staff roles (re)written
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated or self.links_set)


def demo_data() -> dict:
    """The demo county as plain data (see fixtures/demo_county.json)."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def demo_password() -> str:
    """The password every demo account is created with."""
    return demo_data()["password"]


def load_demo(*, reset_passwords: bool = False) -> DemoSummary:
    """Create or refresh the demo county in one transaction; `reset_passwords` puts existing demo accounts back
    on the demo password (new accounts always get it)."""
    data = demo_data()
    summary = DemoSummary()
    with acting_as(label="zhengwu demo"), transaction.atomic():
        regions = _load_regions(data["regions"], summary)
        organisations = _load_organisations(data["organisations"], regions, summary)
        windows = _load_centres(data["centres"], regions, organisations, summary)
        _load_staff(data["staff"], data["password"], organisations, windows, reset_passwords, summary)
    purposes = data.get("login_purposes", {})
    summary.logins = [replace(login, purpose=purposes.get(login.username, "")) for login in summary.logins]
    return summary


def _upsert(model: type[Model], lookup: dict, values: dict, summary: DemoSummary) -> Model:
    """Find the record by its natural key; create it, bring drifted fields back, or leave it; audit what changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        audit.record("demo.created", obj, summary={**lookup, **_plain(values)})
        summary.created += 1
        return obj
    changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if changed:
        before = {name: getattr(obj, name) for name in changed}
        for name, value in changed.items():
            setattr(obj, name, value)
        obj.save()
        audit.record("demo.updated", obj, summary={"before": _plain(before), "after": _plain(changed)})
        summary.updated += 1
    else:
        summary.unchanged += 1
    return obj


def _plain(values: dict) -> dict:
    return {k: (str(v) if isinstance(v, Model) else v) for k, v in values.items()}


def _load_regions(rows: list[dict], summary: DemoSummary) -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for row in rows:  # parents come before their children in the data file
        regions[row["code"]] = _upsert(
            Region,
            {"code": row["code"]},
            {"name": row["name"], "level": row["level"], "parent": regions.get(row["parent"])},
            summary,
        )
    return regions


def _load_organisations(
    rows: list[dict], regions: dict[str, Region], summary: DemoSummary
) -> dict[str, Organisation]:
    organisations: dict[str, Organisation] = {}
    for row in rows:  # parents come before their children in the data file
        uscc = make_uscc("1", row["uscc_type"], COUNTY_CODE, row["org_code"])
        organisations[row["short_name"]] = _upsert(
            Organisation,
            {"uscc": uscc},
            {
                "name": row["name"],
                "short_name": row["short_name"],
                "kind": row["kind"],
                "parent": organisations.get(row["parent"]),
                "region": regions[row["region"]],
                "duties": row["duties"],
                "phone": row["phone"],
                "supervision_phone": row["supervision_phone"],
                "address": row["address"],
                "is_active": True,
                "is_hotline_centre": bool(row.get("hotline_centre")),  # 12345: takes the calls, handles none
            },
            summary,
        )
    return organisations


def _load_centres(
    rows: list[dict], regions: dict[str, Region], organisations: dict[str, Organisation], summary: DemoSummary
) -> dict[tuple[str, str], Window]:
    centres: dict[str, ServiceCentre] = {}
    windows: dict[tuple[str, str], Window] = {}
    for row in rows:
        centre = centres[row["name"]] = _upsert(
            ServiceCentre,
            {"name": row["name"]},
            {
                "kind": row["kind"],
                "region": regions[row["region"]],
                "parent": centres.get(row["parent"]),
                "managed_by": organisations[row["managed_by"]],
                "address": row["address"],
                "phone": row["phone"],
                "opening_hours": row["opening_hours"],
            },
            summary,
        )
        for w in row["windows"]:
            window = _upsert(
                Window,
                {"centre": centre, "number": w["number"]},
                {
                    "name": w["name"],
                    "kind": w["kind"],
                    "is_active": True,
                    "collects_fees": w.get("collects_fees", False),
                },
                summary,
            )
            _set_window_organisations(window, [organisations[s] for s in w["organisations"]], summary)
            windows[(row["name"], w["number"])] = window
    return windows


def _set_window_organisations(window: Window, wanted: list[Organisation], summary: DemoSummary) -> None:
    have = set(window.organisations.values_list("pk", flat=True))
    if have == {o.pk for o in wanted}:
        return
    window.organisations.set(wanted)
    audit.record("demo.window_organisations_set", window, summary={"organisations": [o.name for o in wanted]})
    summary.links_set += 1


def _load_staff(
    rows: list[dict],
    password: str,
    organisations: dict[str, Organisation],
    windows: dict[tuple[str, str], Window],
    reset_passwords: bool,
    summary: DemoSummary,
) -> None:
    User = get_user_model()
    # One hash serves every demo account: they share a published password, and hashing is the slow part.
    password_hash = make_password(password)
    role_labels = dict(Role.choices)
    for row in rows:
        user = User.objects.filter(username=row["username"]).first()
        if user is None:
            user = User(
                username=row["username"], is_staff=row["is_staff"], is_active=True, password=password_hash
            )
            user.save()
            audit.record("demo.created", user, summary={"username": user.username, "is_staff": user.is_staff})
            summary.created += 1
        else:
            changed = {}
            if user.is_staff != row["is_staff"] or not user.is_active:
                user.is_staff, user.is_active = row["is_staff"], True
                changed.update(is_staff=user.is_staff, is_active=True)
            if reset_passwords and not user.check_password(password):
                user.password = password_hash
                changed["password"] = "reset"
            if changed:
                user.save()
                audit.record("demo.updated", user, summary={"after": changed})
                summary.updated += 1
            else:
                summary.unchanged += 1
        window = windows[(row["centre"], row["window"])] if row["window"] else None
        staff = _upsert(
            Staff,
            {"user": user},
            {
                "name": row["name"],
                "organisation": organisations[row["organisation"]],
                "window": window,
                "phone": row["phone"],
                "title": row["title"],
                "window_authorised": row["window_authorised"],
            },
            summary,
        )
        _set_roles(staff, row["roles"], summary)
        summary.logins.append(
            DemoLogin(
                roles=tuple(str(role_labels[r]) for r in row["roles"]),
                username=row["username"],
                password=password,
                name=row["name"],
                organisation=organisations[row["organisation"]].name,
                window=str(window) if window else "",
            )
        )


def _set_roles(staff: Staff, roles: list[str], summary: DemoSummary) -> None:
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"demo data names unknown roles: {sorted(unknown)}")
    have = set(staff.roles.values_list("role", flat=True))
    if have == set(roles):
        return
    staff.roles.exclude(role__in=roles).delete()
    StaffRole.objects.bulk_create([StaffRole(staff=staff, role=r) for r in roles if r not in have])
    audit.record("demo.roles_set", staff, summary={"before": sorted(have), "after": sorted(roles)})
    summary.links_set += 1
