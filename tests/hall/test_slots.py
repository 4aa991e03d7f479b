"""Slot generation follows the working-day calendar (core.calendar, from chinesecalendar): in 2026 中秋节 is 09-25..09-27,
国庆节 10-01..10-07, and the adjusted working days (调休上班) are Sunday 09-20 and Saturday 10-10."""

import datetime as dt

import pytest

from tests.hall.conftest import at
from zhengwu.core import calendar, clock
from zhengwu.hall import services
from zhengwu.hall.models import DayKinds, Slot, SlotRule
from zhengwu.hall.slots import day_kind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "day, kind",
    [
        ("2026-09-19", DayKinds.WEEKENDS),  # an ordinary Saturday
        ("2026-09-20", DayKinds.WORKDAYS),  # Sunday, 调休上班日
        ("2026-09-24", DayKinds.WORKDAYS),  # Thursday
        ("2026-09-25", DayKinds.HOLIDAYS),  # Friday, 中秋节
        ("2026-09-26", DayKinds.HOLIDAYS),  # Saturday, 中秋节
        ("2026-09-28", DayKinds.WORKDAYS),  # Monday
        ("2026-10-01", DayKinds.HOLIDAYS),  # Thursday, 国庆节
        ("2026-10-05", DayKinds.HOLIDAYS),  # Monday inside 国庆
        ("2026-10-07", DayKinds.HOLIDAYS),
        ("2026-10-08", DayKinds.WORKDAYS),
        ("2026-10-10", DayKinds.WORKDAYS),  # Saturday, 调休上班日
        ("2026-10-11", DayKinds.WEEKENDS),  # Sunday
        ("2026-10-17", DayKinds.WEEKENDS),  # an ordinary Saturday
    ],
)
def test_day_kinds_come_from_the_calendar(day, kind):
    assert day_kind(dt.date.fromisoformat(day)) == kind


def test_the_calendar_agrees_on_the_adjusted_working_day():
    check = calendar.is_workday(dt.date(2026, 10, 10))
    assert check.workday and check.kind == calendar.DayKind.ADJUSTED_WORKDAY


def _counts(first: str, last: str) -> dict[str, tuple[int, int, int]]:
    """day → (ordinary slots, extended slots, places) of group A."""
    out = {}
    for slot in Slot.objects.filter(day__gte=first, day__lte=last, group__prefix="A"):
        n, e, p = out.get(slot.day.isoformat(), (0, 0, 0))
        out[slot.day.isoformat()] = (n + (not slot.extended), e + slot.extended, p + slot.capacity)
    return out


def test_slots_over_national_day_and_the_adjusted_saturday(hall):
    clock.set_now(at("2026-09-18", 8))
    added = services.generate_slots(centre=hall.centre, first=dt.date(2026, 9, 18), days=30)
    counts = _counts("2026-09-18", "2026-10-17")
    workday = (3, 2, 3 * 2 + 2)  # 09–12 in hours of 2 places, 12–13 延时服务 in halves of 1 place
    saturday = (2, 0, 2)  # 周末服务: Saturday 09–11, one place an hour
    expected = {
        "2026-09-18": workday,
        "2026-09-19": saturday,
        "2026-09-20": workday,  # Sunday worked (调休): a working day's slots
        "2026-09-21": workday,
        "2026-09-22": workday,
        "2026-09-23": workday,
        "2026-09-24": workday,
        # 09-25..09-27 中秋节: nothing, not even the Saturday's weekend service
        "2026-09-28": workday,
        "2026-09-29": workday,
        "2026-09-30": workday,
        # 10-01..10-07 国庆节: nothing
        "2026-10-08": workday,
        "2026-10-09": workday,
        "2026-10-10": workday,  # Saturday worked (调休): a working day's slots, not the weekend's
        # 10-11 Sunday: no rule
        "2026-10-12": workday,
        "2026-10-13": workday,
        "2026-10-14": workday,
        "2026-10-15": workday,
        "2026-10-16": workday,
        "2026-10-17": saturday,
    }
    assert counts == expected
    assert added == sum(n + e for n, e, _ in expected.values())
    first = Slot.objects.filter(day="2026-10-10").order_by("start").first()
    assert first.start == at("2026-10-10", 9) and first.end == at("2026-10-10", 10)


def test_generation_is_idempotent_and_keeps_booked_slots(hall):
    services.generate_slots(centre=hall.centre, first=dt.date(2026, 11, 19), days=7)
    slot = Slot.objects.filter(day="2026-11-19").order_by("start").first()
    services.book(
        item=hall.item, slot=slot, channel="hotline", name="李四", phone="13900001111", by=hall.operator
    )
    assert services.generate_slots(centre=hall.centre, first=dt.date(2026, 11, 19), days=7) == 0
    slot.refresh_from_db()
    assert slot.booked == 1


def test_a_holiday_rule_serves_holidays_only(hall):
    SlotRule.objects.create(
        group=hall.dedicated,
        days=DayKinds.HOLIDAYS,
        weekdays="1234567",
        start=dt.time(9),
        end=dt.time(10),
        slot_minutes=60,
        capacity=3,
    )
    clock.set_now(at("2026-09-30", 8))
    services.generate_slots(centre=hall.centre, first=dt.date(2026, 9, 30), days=10)
    days = sorted({s.day.isoformat() for s in Slot.objects.filter(group=hall.dedicated)})
    assert days == [f"2026-10-0{d}" for d in range(1, 8)]


def test_a_rule_only_for_one_item_and_its_validity(hall):
    SlotRule.objects.create(
        group=hall.dedicated,
        item=hall.item,
        start=dt.time(14),
        end=dt.time(16),
        slot_minutes=60,
        capacity=1,
        valid_from=dt.date(2026, 11, 20),
        valid_to=dt.date(2026, 11, 23),
    )
    services.generate_slots(centre=hall.centre, first=dt.date(2026, 11, 18), days=10)
    slots = Slot.objects.filter(group=hall.dedicated)
    assert {s.day.isoformat() for s in slots} == {"2026-11-20", "2026-11-23"}  # Fri, Mon (21–22 weekend)
    assert all(s.item_id == hall.item.pk for s in slots)
