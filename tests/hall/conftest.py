"""A county centre with two window groups (综合受理 A, 不动产 B), their rules, a published item, a citizen and the
staff of the hall: a window clerk at each group, the centre manager and a hotline operator."""

import datetime as dt

from tests.cases.conftest import ITEM, accepted, publish, resident_id, submitted, world  # noqa: F401 — the cases' fixtures, for delivery tests
from tests.factories import (
    PASSWORD,
    make_centre,
    make_organisation,
    make_region,
    make_staff,
    make_user,
    make_window,
)
from tests.worldcache import replayed
from zhengwu.cases import services as case_services
from zhengwu.core import clock
from zhengwu.core.models import Role
from zhengwu.hall.models import DayKinds, HallSettings, SlotRule, WindowGroup


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=clock.LOCAL)


HALL_START = at("2026-11-18", 9)


def build_hall():
    """At 09:00 on Wednesday 2026-11-18 (TEST_START's day)."""
    clock.set_now(HALL_START)
    county = make_region("360681", "贵溪市", parent=make_region("360600", "鹰潭市"))
    office = make_organisation("贵溪市政务服务管理局", region=county, short_name="政务服务管理局")
    bureau = make_organisation("贵溪市市场监督管理局", region=county, short_name="市场监管局")
    centre = make_centre("贵溪市政务服务中心", county, managed_by=office)
    w1, w2, w3 = (
        make_window(centre, "1"),
        make_window(centre, "2"),
        make_window(centre, "8", organisations=[bureau]),
    )
    general = WindowGroup.objects.create(centre=centre, name="综合受理", prefix="A", service_minutes=10)
    general.windows.set([w1, w2])
    dedicated = WindowGroup.objects.create(centre=centre, name="市场监管", prefix="B", service_minutes=15)
    dedicated.windows.set([w3])
    SlotRule.objects.create(
        group=general, days=DayKinds.WORKDAYS, start=dt.time(9), end=dt.time(12), slot_minutes=60, capacity=2
    )
    SlotRule.objects.create(
        group=general,
        days=DayKinds.WORKDAYS,
        start=dt.time(12),
        end=dt.time(13),
        slot_minutes=30,
        capacity=1,
        extended=True,
    )
    SlotRule.objects.create(
        group=general,
        days=DayKinds.WEEKENDS,
        weekdays="6",
        start=dt.time(9),
        end=dt.time(11),
        slot_minutes=60,
        capacity=1,
    )
    HallSettings.objects.create(centre=centre, no_show_limit=2)

    class W:
        pass

    w = W()
    w.county, w.office, w.bureau, w.centre = county, office, bureau, centre
    w.general, w.dedicated, w.w1, w.w2, w.w3 = general, dedicated, w1, w2, w3
    w.item = publish(
        ITEM, bureau
    )  # 食品经营许可: handled at the bureau's window 8 (B) and the general windows (A)
    w.item.current_version.windows.set([w3])
    dedicated.items.set([w.item])
    w.citizen_user = make_user("13800138000")
    w.citizen = case_services.register_applicant(
        kind="natural", name="张三", id_number=resident_id(), phone="13800138000"
    )
    w.citizen.user = w.citizen_user
    w.citizen.save()
    w.id_number = resident_id()
    w.clerk1 = make_staff("clerk1", office, roles=[Role.WINDOW_CLERK], window=w1, name="李综窗").user
    w.clerk2 = make_staff("clerk2", office, roles=[Role.WINDOW_CLERK], window=w2, name="周综窗").user
    w.clerk8 = make_staff("clerk8", bureau, roles=[Role.WINDOW_CLERK], window=w3, name="王窗口").user
    w.manager = make_staff("manager", office, roles=[Role.CENTRE_MANAGER], name="陈主任").user
    w.operator = make_staff("operator", office, roles=[Role.HOTLINE_OPERATOR], name="刘话务").user
    w.password = PASSWORD
    return w


# built once per test process and replayed as rows for each test (tests/worldcache.py)
hall = replayed(build_hall, name="hall", at=HALL_START)
