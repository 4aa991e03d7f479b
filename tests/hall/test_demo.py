"""The hall's demo loads on any date (times from the clock), twice without duplicating, with a queue in progress."""

import datetime as dt

import pytest

from tests.worldcache import replayed
from zhengwu.core import clock
from zhengwu.core.demo import load_demo as load_county
from zhengwu.hall import demo, measures
from zhengwu.hall.models import Booking, QueueNumber, Slot


def load_items() -> None:
    from zhengwu.catalog.demo import DEMO_DIR, load_demo_catalogue

    load_demo_catalogue([DEMO_DIR / "gongan.json", DEMO_DIR / "shichang.json"])


def _county_and_items() -> None:
    """The county and the items booked (the demo loads the catalogue before the hall), published before every moment
    below: made once per test process and replayed as rows (tests/worldcache.py) — about 2 s less per moment."""
    clock.set_now(dt.datetime(2026, 9, 1, 10, 0, tzinfo=clock.LOCAL))
    load_county()
    load_items()


county_with_items = replayed(_county_and_items, name="county_with_items")


@pytest.mark.parametrize(
    "moment, queue_day, in_progress",
    [
        (
            dt.datetime(2026, 11, 18, 10, 30, tzinfo=clock.LOCAL),
            dt.date(2026, 11, 18),
            True,
        ),  # a working morning
        (
            dt.datetime(2026, 10, 2, 10, 30, tzinfo=clock.LOCAL),
            dt.date(2026, 9, 30),
            False,
        ),  # 国庆节: the day before
        (
            dt.datetime(2026, 12, 31, 23, 30, tzinfo=clock.LOCAL),
            dt.date(2026, 12, 31),
            False,
        ),  # late at night
        (
            dt.datetime(2026, 12, 6, 5, 56, tzinfo=clock.LOCAL),
            dt.date(2026, 12, 4),
            False,
        ),  # Sunday before dawn
        (
            dt.datetime(2026, 12, 7, 6, 0, tzinfo=clock.LOCAL),
            dt.date(2026, 12, 4),
            False,
        ),  # Monday before opening
    ],
)
@pytest.mark.django_db
def test_the_demo_queue_is_in_the_halls_opening_hours(
    moment, queue_day, in_progress, county_with_items, settings
):
    """The morning's queue is taken and called while the hall is open: in progress now during opening hours, else
    on the last working day's morning, worked to its end — never at night, never in the future."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock.set_now(moment)
    line = demo.load_demo()
    assert line.startswith("大厅演示:窗口分组 5 个")
    slots = Slot.objects.filter(group__centre__name=demo.CENTRE)
    assert slots.exists() and not slots.filter(day=dt.date(2026, 10, 2)).exists()
    # five coming bookings, and three for the morning's first slots: two came and checked in, one did not (爽约)
    assert Booking.objects.count() == 8 and not Booking.objects.filter(item__isnull=True).exists()
    morning = Booking.objects.filter(slot__day=queue_day)
    assert morning.filter(state=Booking.State.CHECKED_IN, number__isnull=False).count() == 2
    numbers = QueueNumber.objects.all()
    assert {n.day for n in numbers} == {queue_day}
    for n in numbers:
        taken = n.taken_at.astimezone(clock.LOCAL)
        assert dt.time(9) <= taken.time() <= dt.time(10, 30) and n.taken_at <= moment
        assert n.finished_at is None or n.finished_at <= moment
    assert numbers.filter(state=QueueNumber.State.WAITING).exists() == in_progress
    assert numbers.filter(state=QueueNumber.State.DONE).exists()
    assert numbers.filter(green="elderly").exists() and numbers.filter(absences=1).exists()
    assert ("今日排队号" in line) == in_progress
    assert demo.load_demo().startswith("大厅演示:已存在")
    assert Booking.objects.count() == 8
    centre = Slot.objects.first().group.centre
    from zhengwu.hall import selectors

    assert (
        len(selectors.bookable_groups(centre)) == 5
    )  # every group of the hall can be booked, 税务 and 社保医保 too
    if not in_progress:
        assert measures.today(centre)["waiting_now"] == 0  # the screen's today: nobody waits at night
    f = measures.figures(centre=centre, first=queue_day, last=queue_day)
    assert f["called"] > 5 and f["average_wait"] is not None
    assert f["bookings"] >= 3 and f["bookings_used"] == 2
    if not in_progress:
        assert (f["no_shows"], f["no_show_percent"]) == (1, "33.3%")
        # closed now: the screens say so and show that day's figures, labelled with it
        state = selectors.hall_state(centre)
        assert not state["open"] and state["last_day"] == queue_day and state["last"]["taken"] == f["taken"]
    # 下班后延时服务 17:00–18:30 at 综合受理 on working days, as the demo's rules say
    general = centre.window_groups.get(prefix="A")
    evening = [
        s
        for s in Slot.objects.filter(group=general, extended=True).order_by("start")
        if s.extended_label == "下班后延时服务"
    ]
    assert evening and {s.start.astimezone(clock.LOCAL).time() for s in evening} == {
        dt.time(17),
        dt.time(17, 30),
        dt.time(18),
    }


@pytest.mark.django_db
def test_the_demo_queue_starts_at_opening_when_the_hall_opened_less_than_ninety_minutes_ago():
    opened = dt.datetime(2026, 11, 18, 9, 0, tzinfo=clock.LOCAL)
    assert demo.morning_start(dt.datetime(2026, 11, 18, 9, 20, tzinfo=clock.LOCAL)) == opened
    assert demo.morning_start(dt.datetime(2026, 11, 18, 11, 0, tzinfo=clock.LOCAL)) == opened.replace(
        minute=30
    )


def test_the_demo_posts_decided_results_with_tracking_numbers(world, accepted):
    from tests.factories import make_staff
    from tests.hall.test_delivery import decided
    from zhengwu.core.models import Role
    from zhengwu.hall.models import Dispatch

    manager = make_staff("manager", world.centre.managed_by, roles=[Role.CENTRE_MANAGER]).user
    decided(world, accepted)
    assert demo._posted(world.centre, manager) == 1
    dispatch = Dispatch.objects.get()
    assert dispatch.tracking_number == "EA202600011CN" and dispatch.state == Dispatch.State.DELIVERED
