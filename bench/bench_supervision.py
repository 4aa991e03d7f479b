"""Monthly indicators for one county over 10^4, 10^5 and 10^6 cases in PostgreSQL (bulk-loaded with COPY), against a
plain count(*) over the same rows in the same run (issue 20's target: < 500 ms at 10^6; growth 10^5 → 10^6 no worse than linear).

The cases look like a county's: each load's rows arrive in the order they were received (a county's table grows day by
day), and a case is open only while it is: decided 3–19 days after receipt (instant items at once), 1 % late by one to
three months, so what is open on the bench's today (2027-01-04) is the last weeks' cases and the late tail. Until
2026-12-06 the bench received its cases on random days in random row order and left 8 % of them open forever (two
years of backlog at 10^6, 80,231 open cases read by every month's statement, a month's cases scattered over every
page of the table); `ZW_BENCH_SUPERVISION_DATA=scattered` loads that data again, for comparison."""

import datetime as dt
import os
import random
import time

from django.db import connection

from zhengwu.core import clock

SIZES = (10_000, 100_000, 1_000_000)
TARGET_S = 0.5  # issue 20: monthly indicators at 10^6 cases < 500 ms
RUNS = 3
MONTHS = 24  # cases spread over 2025-01 … 2026-12; the month measured is 2026-10
ORGANISATIONS = 30
WINDOWS = 12
NOW = dt.datetime(2027, 1, 4, 9, tzinfo=clock.LOCAL)  # the bench's today
LATE = 0.01  # the share of cases decided late, one to three months after receipt
SCATTERED = os.environ.get("ZW_BENCH_SUPERVISION_DATA") == "scattered"  # the data before 2026-12-06


def _world():
    """A county with organisations, a centre with windows, staff, and two published items per organisation."""
    from django.contrib.auth import get_user_model

    from zhengwu.cases import services as cases
    from zhengwu.catalog import services as catalog
    from zhengwu.core import ids
    from zhengwu.core.models import Organisation, Region, Role, ServiceCentre, Staff, StaffRole, Window

    county = Region.objects.create(code="360681", name="贵溪市", level=Region.Level.COUNTY)
    orgs = [
        Organisation.objects.create(
            name=f"贵溪市第{i}局", region=county, uscc=ids.make_uscc("1", "1", "360681", f"{i:08d}")
        )
        for i in range(1, ORGANISATIONS + 1)
    ]
    centre = ServiceCentre.objects.create(name="贵溪市政务服务中心", kind="centre", region=county)
    windows = [
        Window.objects.create(centre=centre, number=str(i), name=f"{i}号窗口", kind="general")
        for i in range(1, WINDOWS + 1)
    ]
    users = get_user_model()
    staff = []
    for i, org in enumerate(orgs):
        user = users.objects.create_user(username=f"chief{i}", password="x")
        row = Staff.objects.create(
            user=user,
            name=f"首席{i}",
            organisation=org,
            window=windows[i % WINDOWS],
            window_authorised=i % 2 == 0,
        )
        StaffRole.objects.create(staff=row, role=Role.DEPARTMENT_HEAD)
        staff.append(row)
    spec = {
        "type": "01",
        "basic_code": "",
        "target": ["person"],
        "legal_basis": [{"law": "《某法》", "article": "第一条", "text": "……"}],
        "conditions": "符合条件",
        "legal_limit": 20,
        "promised_limit": 10,
        "extension_days": 10,
        "instant": False,
        "materials": [{"name": "申请书", "required": True, "medium": "either"}],
        "steps": [{"name": "审查", "role": "approver", "days": 10}],
        "result": {"name": "许可证", "kind": "licence", "delivery": ["window"]},
    }
    items = []
    for org in orgs:
        for n, instant in ((1, False), (2, True)):
            s = dict(spec, name=f"{org.name}事项{n}", instant=instant)
            if instant:
                s.update(
                    legal_limit=0,
                    promised_limit=0,
                    extension_days=0,
                    steps=[{"name": "受理", "role": "window_clerk", "days": 0}],
                )
            version = catalog.create_item(spec=s, organisation=org)
            catalog.submit(item=version.item)
            catalog.publish(item=version.item)
            version.item.refresh_from_db()
            items.append((org, version.item, version.item.current_version))
    applicant = cases.register_applicant(
        kind="legal", name="某某有限公司", id_number=ids.make_uscc("9", "1", "360681", "MA35X7Q2")
    )
    return items, windows, staff, applicant


def _load(start_id: int, count: int, world, rng: random.Random) -> None:
    """COPY `count` cases (and a decide event for each decided one), built directly as rows, not via services."""
    from zhengwu.cases.models import Case, CaseEvent

    items, windows, staff, applicant = world
    first_day = dt.date(2025, 1, 1)
    span = (dt.date(2026, 12, 31) - first_day).days
    case_fields = [f for f in Case._meta.concrete_fields]
    event_fields = [f for f in CaseEvent._meta.concrete_fields]
    staff_of_org = {s.organisation_id: s for s in staff}
    case_rows, event_rows = [], []
    days = [rng.randrange(span) for _ in range(count)]
    if not SCATTERED:
        days.sort()  # received in row order, as a county's cases arrive
    for pk, day in zip(range(start_id, start_id + count), days, strict=True):
        org, item, version = items[rng.randrange(len(items))]
        received = first_day + dt.timedelta(days=day)
        received_at = dt.datetime.combine(received, dt.time(9 + rng.randrange(8)), tzinfo=clock.LOCAL)
        instant = version.instant
        promised = received if instant else received + dt.timedelta(days=14)
        legal = received if instant else received + dt.timedelta(days=28)
        decided_at = received_at if instant else received_at + dt.timedelta(days=rng.randrange(3, 20))
        if SCATTERED:
            done = rng.random() < 0.92
        else:
            if not instant and rng.random() < LATE:
                decided_at += dt.timedelta(days=rng.randrange(30, 90))
            done = decided_at <= NOW  # open while it is: the last weeks' cases and the late ones
        chief = staff_of_org[org.pk]
        values = {
            "id": pk,
            "number": f"360681-{received.year}-{pk:08d}",
            "query_code": "ABC123",
            "item": item.pk,
            "version": version.pk,
            "organisation": org.pk,
            "applicant": applicant.pk,
            "channel": "online" if rng.random() < 0.3 else "counter",
            "window": windows[rng.randrange(len(windows))].pk,
            "form": "{}",
            "created_at": received_at,
            "status": "completed" if done else "accepted",
            "received_at": received_at,
            "intake_start": received,
            "accepted_on": received,
            "promised_due": promised,
            "legal_due": legal,
            "decision": "grant" if done else "",
            "decided_at": decided_at if done else None,
            # as cases.endings.decide_case stamps it: the chief representative, window-authorised in half the
            # organisations, decided at their window
            "decided_onsite": done and chief.window_authorised and chief.window_id is not None,
            "finished_at": decided_at if done else None,
        }
        case_rows.append([_value(f, values) for f in case_fields])
        if done:
            event = {
                "case": pk,
                "seq": 1,
                "at": decided_at,
                "action": "decide",
                "from_status": "accepted",
                "to_status": "decided",
                "actor": chief.user_id,
                "actor_label": chief.name,
                "organisation": org.pk,
                "data": "{}",
            }
            event_rows.append([_value(f, event) for f in event_fields if f.name != "id"])
    with connection.cursor() as cur:
        columns = ", ".join(f.column for f in case_fields)
        with cur.copy(f"COPY cases_case ({columns}) FROM STDIN") as copy:
            for row in case_rows:
                copy.write_row(row)
        columns = ", ".join(f.column for f in event_fields if f.name != "id")
        with cur.copy(f"COPY cases_caseevent ({columns}) FROM STDIN") as copy:
            for row in event_rows:
                copy.write_row(row)
        cur.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [start_id + count])
        cur.execute("ANALYZE cases_case")
        cur.execute("ANALYZE cases_caseevent")


def _value(field, values):
    key = field.name if field.name in values else field.attname
    if field.name in values:
        return values[field.name]
    if field.attname in values:
        return values[field.attname]
    default = field.get_default()
    if default is None and not field.null:
        return "" if field.get_internal_type() in ("CharField", "TextField") else default
    if isinstance(default, dict | list):
        return "{}" if isinstance(default, dict) else "[]"
    del key
    return default


def _best(fn) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def run() -> None:
    if connection.vendor != "postgresql":
        print("   skipped: set DATABASE_URL to a PostgreSQL database (bulk loading uses COPY)")
        return
    from zhengwu.supervision import indicators

    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    clock.set_now(NOW)
    try:
        rng = random.Random(20261001)
        print(
            "   data: "
            + (
                "scattered (random days in random row order, 8 % open forever: the bench before 2026-12-06)"
                if SCATTERED
                else "a county's (rows in the order received; open while being handled, 1 % late)"
            )
        )
        world = _world()
        month = indicators.Period.month(2026, 10)
        loaded = 0
        figures = []
        for size in SIZES:
            started = time.perf_counter()
            _load(loaded + 1, size - loaded, world, rng)
            load_s = time.perf_counter() - started
            loaded = size
            indicators.compute(period=month, by="organisation")  # warm: working-day index, plans, cache

            def count():
                with connection.cursor() as cur:
                    cur.execute("SELECT count(*) FROM cases_case")
                    cur.fetchone()

            base = _best(count)
            took = _best(lambda: indicators.compute(period=month, by="organisation"))
            figures.append((size, took))
            with connection.cursor() as cur:
                cur.execute("SELECT count(*) FROM cases_case WHERE status <> 'completed'")
                still_open = cur.fetchone()[0]
            print(
                f"   postgresql n={size:>9,}: monthly indicators by organisation {took * 1000:8.1f} ms"
                f"   count(*) {base * 1000:7.1f} ms   ratio {took / base:6.1f}x   (loaded in {load_s:.1f} s;"
                f" {still_open:,} open)"
            )
        (n1, t1), (n2, t2) = figures[-2], figures[-1]
        growth = t2 / t1
        print(
            f"   10^5 → 10^6: time ×{growth:.1f} for rows ×{n2 / n1:.0f} "
            f"({'no worse than linear' if growth <= n2 / n1 else 'WORSE than linear'}); "
            f"target < {TARGET_S * 1000:.0f} ms at 10^6: {'met' if t2 < TARGET_S else 'NOT met'}"
        )
    finally:
        clock.set_now(None)
        creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":  # python -m bench supervision
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.settings")
