"""The centre's office hours (办公时间), set by its manager per season and optionally per window group: numbers are
given within them (from half an hour before), ordinary booking slots are made within them, the public hall page
shows them. Working days from the calendar (国务院关于职工工作时间的规定 第七条; 国务院办公厅 2026 年部分节假日安排:
国庆节 10月1日至7日放假, 9月20日(星期日)、10月10日(星期六)上班)."""

import datetime as dt

import pytest

from tests.hall.conftest import at
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.hall import queue, services
from zhengwu.hall.models import Booking, DayKinds, Slot, SlotRule

SUMMER = {
    "morning_open": "08:30",
    "morning_close": "12:00",
    "afternoon_open": "14:30",
    "afternoon_close": "17:30",
}
WINTER = {
    "morning_open": "09:00",
    "morning_close": "12:00",
    "afternoon_open": "13:30",
    "afternoon_close": "17:00",
}


@pytest.fixture
def seasons(hall):
    """夏季作息 from 5月1日 (08:30–12:00, 14:30–17:30), 冬季作息 from 10月1日 (09:00–12:00, 13:30–17:00)."""
    services.set_opening_hours(
        centre=hall.centre, by=hall.manager, name="夏季作息", from_month=5, from_day=1, **SUMMER
    )
    services.set_opening_hours(
        centre=hall.centre, by=hall.manager, name="冬季作息", from_month=10, from_day=1, **WINTER
    )
    return hall


@pytest.mark.parametrize(
    ("day", "hour", "minute", "refused_until"),
    [
        ("2026-09-20", 7, 50, "今天 8:30"),  # 调休上班 Sunday, summer: opens 08:30
        ("2026-09-20", 8, 0, None),  # half an hour before opening
        ("2026-09-20", 13, 50, "今天 14:30"),  # summer lunch until 14:30
        ("2026-09-20", 14, 5, None),
        ("2026-09-30", 17, 20, None),  # the last summer day: until 17:30
        ("2026-10-01", 10, 0, "10月8日(星期四) 9:00"),  # 国庆节 closed; winter hours after it
        ("2026-10-09", 17, 20, "明天 9:00"),  # winter: closed at 17:00; Saturday 调休上班
        ("2026-10-10", 12, 50, "今天 13:30"),  # winter lunch until 13:30
        ("2026-10-10", 13, 10, None),
        ("2026-04-30", 8, 10, "今天 9:00"),  # still winter (from last 10月1日) until 5月1日
    ],
)
def test_numbers_follow_the_seasons_hours(seasons, day, hour, minute, refused_until):
    clock.set_now(at(day, hour, minute))
    if refused_until is None:
        assert queue.take_number(group=seasons.dedicated, source="kiosk").display == "B001"
        return
    with pytest.raises(Conflict) as refused:
        queue.take_number(group=seasons.dedicated, source="kiosk")
    assert f"不能取号;{refused_until} 开放" in refused.value.message


def test_a_groups_own_hours_come_before_the_centres(seasons):
    services.set_opening_hours(
        centre=seasons.centre,
        by=seasons.manager,
        group=seasons.dedicated,
        name="全年",
        from_month=1,
        from_day=1,
        morning_open="08:00",
        morning_close="12:00",
        afternoon_open="14:00",
        afternoon_close="18:00",
    )
    clock.set_now(at("2026-11-18", 17, 30))
    assert queue.take_number(group=seasons.dedicated, source="kiosk").display == "B001"
    with pytest.raises(Conflict, match="不能取号;明天 9:00 开放"):
        queue.take_number(group=seasons.general, source="kiosk")  # the centre's winter hours: closed at 17:00


def test_booking_slots_follow_the_hours_and_booked_ones_are_kept(hall):
    clock.set_now(at("2026-09-15", 10))  # a Tuesday in summer
    SlotRule.objects.create(
        group=hall.general, days=DayKinds.WORKDAYS, start=dt.time(13, 30), end=dt.time(17), slot_minutes=30
    )
    services.generate_slots(centre=hall.centre)
    half_past_one = Slot.objects.get(group=hall.general, start=at("2026-09-21", 13, 30))
    booking = services.book(
        slot=half_past_one,
        item=hall.item,
        channel="hotline",
        name="李四",
        phone="13900001111",
        by=hall.operator,
    )
    done = services.set_opening_hours(
        centre=hall.centre, by=hall.manager, name="夏季作息", from_month=5, from_day=1, **SUMMER
    )
    assert done["kept"] == 1 and done["removed"] > 0
    starts = [
        s.start.astimezone(clock.LOCAL).strftime("%H:%M")
        for s in Slot.objects.filter(group=hall.general, day=dt.date(2026, 9, 22)).order_by("start")
    ]
    # morning slots in 08:30–12:00, the noon 延时服务 kept, none in the summer lunch break 13:30–14:30
    assert starts == [
        "09:00",
        "10:00",
        "11:00",
        "12:00",
        "12:30",
        "14:30",
        "15:00",
        "15:30",
        "16:00",
        "16:30",
    ]
    booking.refresh_from_db()
    assert booking.state == Booking.State.BOOKED and Slot.objects.filter(pk=half_past_one.pk).exists()
    services.set_opening_hours(
        centre=hall.centre, by=hall.manager, name="冬季作息", from_month=10, from_day=1, **WINTER
    )
    services.generate_slots(centre=hall.centre, first=dt.date(2026, 10, 12), days=1)
    winter = Slot.objects.filter(
        group=hall.general, day=dt.date(2026, 10, 12), start__gte=at("2026-10-12", 13)
    )
    assert winter.order_by("start").first().start == at("2026-10-12", 13, 30)  # winter: from 13:30


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"afternoon_open": "11:30"}, "afternoon_open", "下午上班时间不能早于上午下班时间"),
        ({"morning_close": "08:00"}, "morning_close", "上午下班时间应晚于上午上班时间"),
        ({"afternoon_close": "14:00"}, "afternoon_close", "下午下班时间应晚于下午上班时间"),
        ({"morning_open": "8点半"}, "morning_open", "上午上班时间应为24小时制时间,如 08:30"),
        ({"from_day": 30, "from_month": 2}, "from_day", "起始日期无效"),
        ({"name": " "}, "name", "请填写名称"),
    ],
)
def test_bad_hours_are_refused_in_chinese_naming_the_field(hall, changes, field, message):
    values = {"name": "夏季作息", "from_month": 5, "from_day": 1, **SUMMER, **changes}
    with pytest.raises(ValidationFailed) as refused:
        services.set_opening_hours(centre=hall.centre, by=hall.manager, **values)
    assert refused.value.field == field and message in refused.value.message


def test_only_the_centre_manager_sets_the_hours(hall):
    with pytest.raises(AccessDenied, match="只有本中心的中心管理人员可以设置办公时间"):
        services.set_opening_hours(
            centre=hall.centre, by=hall.clerk1, name="夏季作息", from_month=5, from_day=1, **SUMMER
        )


def test_the_manager_sets_them_on_the_workbench_and_the_hall_page_shows_them(hall, client):
    client.force_login(hall.manager)
    page = client.get("/workbench/hall/hours/").content.decode()
    assert "尚未设置,按通常办公时间:上午 09:00–12:00,下午 13:30–17:00" in page
    bad = client.post(
        "/workbench/hall/hours/",
        {"name": "夏季作息", "from_month": "5", "from_day": "1", **SUMMER, "afternoon_open": "11:00"},
    )
    assert bad.status_code == 422 and "下午上班时间不能早于上午下班时间" in bad.content.decode()
    for name, month, times in (("夏季作息", "5", SUMMER), ("冬季作息", "10", WINTER)):
        done = client.post(
            "/workbench/hall/hours/", {"name": name, "from_month": month, "from_day": "1", **times}
        )
        assert done.status_code == 302
    page = client.get("/workbench/hall/hours/").content.decode()
    assert "每年5月1日起" in page and "上午 08:30–12:00,下午 14:30–17:30" in page
    assert "今天(11月18日):</strong>09:00–12:00,13:30–17:00" in page
    client.logout()
    screen = client.get(f"/hall/{hall.centre.pk}/").content.decode()
    assert "办公时间:冬季作息 工作日 上午 09:00–12:00,下午 13:30–17:00" in screen
    assert "夏季作息(5月1日起)上午 08:30–12:00,下午 14:30–17:30" in screen


def test_times_are_taken_as_people_type_them(hall):
    """A stranger's pass: 9:00 was refused (应为24小时制时间,如 08:30); 9:00 and 9：00 mean 09:00."""
    values = {"name": "夏季作息", "from_month": 5, "from_day": 1, **SUMMER, "morning_open": "9:00"}
    done = services.set_opening_hours(centre=hall.centre, by=hall.manager, **values)
    assert done["hours"].morning_open == dt.time(9, 0)
    values = {**values, "name": "秋季作息", "from_month": 9, "morning_open": "8：30"}
    done = services.set_opening_hours(centre=hall.centre, by=hall.manager, **values)
    assert done["hours"].morning_open == dt.time(8, 30)
