"""Changing a slot rule reshapes the future slots it made, over the 2026 Spring Festival (春节): holidays Sunday 02-15
to Monday 02-23, adjusted working days (调休上班) Saturday 02-14 and Saturday 02-28 — the calendar's real data
(chinesecalendar; the 2027 arrangement is not published in it yet). Unbooked slots the rule no longer makes go,
booked ones stay with their holders told by SMS how to rebook; new slots appear on working days only."""

import datetime as dt

import pytest

from tests.hall.conftest import at
from zhengwu.cases.models import OutboxMessage
from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import AuditRecord
from zhengwu.hall import services
from zhengwu.hall.models import HallSettings, Slot, SlotRule

# 2026-02-08 .. 2026-02-28: the working days the workday rule serves (调休 Saturdays included, 春节 left out)
WORKDAYS = ["02-09", "02-10", "02-11", "02-12", "02-13", "02-14", "02-24", "02-25", "02-26", "02-27", "02-28"]


@pytest.fixture
def festival(hall):
    """Sunday 2026-02-08 at 20:00, slots made three weeks ahead."""
    clock.set_now(at("2026-02-08", 20))
    HallSettings.objects.filter(centre=hall.centre).update(booking_days=21)
    services.generate_slots(centre=hall.centre)
    hall.rule = SlotRule.objects.get(group=hall.general, start=dt.time(9), days="workdays")
    return hall


def hours(group, day: str) -> list[str]:
    slots = Slot.objects.filter(group=group, day=f"2026-{day}", extended=False).order_by("start")
    return [f"{s.start.astimezone(clock.LOCAL):%H:%M}/{s.capacity}" for s in slots]


def served_days(rule) -> list[str]:
    return sorted({f"{d:%m-%d}" for d in Slot.objects.filter(rule=rule).values_list("day", flat=True)})


@pytest.mark.parametrize(
    "day, expected",
    [
        ("02-13", ["09:00/2", "10:00/2", "11:00/2"]),  # Friday before the festival
        ("02-14", ["09:00/2", "10:00/2", "11:00/2"]),  # Saturday, 调休上班: a working day
        ("02-15", []),  # Sunday, 春节
        ("02-17", []),  # Tuesday, 春节 (the day itself)
        ("02-21", []),  # Saturday inside the festival: no weekend service either
        ("02-23", []),  # Monday, last day off
        ("02-24", ["09:00/2", "10:00/2", "11:00/2"]),
        ("02-28", ["09:00/2", "10:00/2", "11:00/2"]),  # Saturday, 调休上班
    ],
)
def test_before_the_change_slots_follow_the_festival(festival, day, expected):
    assert hours(festival.general, day) == expected


def test_shrinking_removes_unbooked_slots_and_keeps_a_booked_one_telling_its_holder(festival):
    eleven = Slot.objects.get(group=festival.general, start=at("2026-02-14", 11))  # the 调休 Saturday
    booking = services.book(
        item=festival.item,
        slot=eleven,
        channel="hotline",
        name="王五",
        phone="13900000009",
        by=festival.operator,
    )
    OutboxMessage.objects.all().delete()
    result = services.change_rule(rule=festival.rule, by=festival.manager, end=dt.time(11), capacity=3)
    assert result == {"added": 0, "removed": len(WORKDAYS) - 1, "kept": 1, "told": 1}
    assert hours(festival.general, "02-13") == ["09:00/3", "10:00/3"]
    assert hours(festival.general, "02-14") == ["09:00/3", "10:00/3", "11:00/1"]  # kept, full, for 王五
    assert hours(festival.general, "02-17") == []
    eleven.refresh_from_db()
    assert eleven.rule is None and eleven.booked == eleven.capacity == 1
    booking.refresh_from_db()
    assert booking.state == "booked"
    [sms] = OutboxMessage.objects.filter(channel="sms")
    assert sms.recipient == "13900000009"
    assert "2026年2月14日 11:00–12:00 仍然有效" in sms.body and booking.code in sms.body
    assert (
        f"/hall/booking/{booking.token}/" in sms.body
        and f"/hall/book/?item={festival.item.pk}&group={festival.general.pk}" in sms.body
    )
    record = AuditRecord.objects.get(action="hall.slot_rule_changed")
    assert record.actor == festival.manager and record.summary["after"] == {
        "end": "11:00:00",
        "capacity": "3",
    }
    # changing again does not tell 王五 twice: the kept slot no longer belongs to the rule
    services.change_rule(rule=festival.rule, by=festival.manager, capacity=4)
    assert OutboxMessage.objects.filter(channel="sms").count() == 1
    assert hours(festival.general, "02-14") == ["09:00/4", "10:00/4", "11:00/1"]


def test_growing_adds_slots_on_working_days_only(festival):
    result = services.change_rule(rule=festival.rule, by=festival.manager, start=dt.time(8))
    assert result == {"added": len(WORKDAYS), "removed": 0, "kept": 0, "told": 0}
    assert served_days(festival.rule) == WORKDAYS
    assert hours(festival.general, "02-14") == ["08:00/2", "09:00/2", "10:00/2", "11:00/2"]
    assert hours(festival.general, "02-16") == []


def test_fewer_places_never_fall_below_the_bookings(festival):
    ten = Slot.objects.get(group=festival.general, start=at("2026-02-10", 10))
    for n, name in enumerate(("甲", "乙")):
        services.book(
            item=festival.item,
            slot=ten,
            channel="hotline",
            name=name,
            phone=f"1390000000{n}",
            by=festival.operator,
        )
    services.change_rule(rule=festival.rule, by=festival.manager, capacity=1)
    assert hours(festival.general, "02-10") == ["09:00/1", "10:00/2", "11:00/1"]


def test_switching_a_rule_off_clears_its_free_slots(festival):
    result = services.change_rule(rule=festival.rule, by=festival.manager, is_active=False)
    assert result["removed"] == 3 * len(WORKDAYS) and served_days(festival.rule) == []


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"end": dt.time(8)}, "end", "结束时间"),
        ({"weekdays": "89"}, "weekdays", "星期用数字 1–7 表示"),
        ({"slot_minutes": 1}, "slot_minutes", ""),
        (
            {"slot_minutes": 7},
            "slot_minutes",
            "每时段分钟数应为 5、10、15、20、30、60、120、180、240 分钟之一",
        ),
        ({"slot_minutes": 45}, "slot_minutes", "不能设为 45 分钟"),
        ({"group": None}, "group", "不能修改"),
    ],
)
def test_bad_changes_are_refused_at_their_field_and_nothing_moves(festival, changes, field, message):
    before = Slot.objects.count()
    with pytest.raises(ValidationFailed) as err:
        services.change_rule(rule=festival.rule, by=festival.manager, **changes)
    assert err.value.field == field and message in err.value.message
    assert Slot.objects.count() == before
    festival.rule.refresh_from_db()
    assert festival.rule.end == dt.time(12)


def test_the_centre_manager_changes_a_rule_on_the_workbench(festival, client):
    client.force_login(festival.clerk1)
    assert client.get("/workbench/hall/rules/").status_code == 403
    client.force_login(festival.manager)
    page = client.get("/workbench/hall/rules/").content.decode()
    assert "预约时段规则" in page and "工作日(含调休上班日)" in page
    form = {"rule": festival.rule.pk, "start": "09:00", "end": "11:00", "slot_minutes": "60", "capacity": "2"}
    form |= {"weekdays": "12345", "is_active": "on"}
    bad = client.post("/workbench/hall/rules/", {**form, "end": "08:00"})
    assert bad.status_code == 422 and "结束时间应晚于开始时间" in bad.content.decode()
    done = client.post("/workbench/hall/rules/", form, follow=True).content.decode()
    assert f"删除 {len(WORKDAYS)} 个" in done
    assert hours(festival.general, "02-24") == ["09:00/2", "10:00/2"]


def test_the_rules_page_ticks_weekdays_and_takes_24_hour_times(festival, client):
    """周一…周日 as checkboxes (not the code "12345"), times typed in 24-hour form, an extended rule named for what
    it is (午间延时服务)."""
    client.force_login(festival.manager)
    page = client.get("/workbench/hall/rules/").content.decode()
    assert 'type="time"' not in page and 'pattern="([01][0-9]|2[0-3]):[0-5][0-9]"' in page
    assert 'value="09:00"' in page and "24小时制" in page
    for n, name in enumerate("一二三四五六日", start=1):
        assert f'name="weekdays" value="{n}"' in page and f"周{name}" in page
    form = {"rule": festival.rule.pk, "start": "9:00", "end": "11:00", "slot_minutes": "60", "capacity": "2"}
    none = client.post("/workbench/hall/rules/", {**form, "is_active": "on"})
    assert none.status_code == 422 and "请至少勾选一天" in none.content.decode()
    bad = client.post("/workbench/hall/rules/", {**form, "end": "5:00 PM", "weekdays": ["1", "3"]})
    assert bad.status_code == 422 and "24小时制" in bad.content.decode()
    client.post("/workbench/hall/rules/", {**form, "weekdays": ["1", "3", "5"], "is_active": "on"})
    festival.rule.refresh_from_db()
    assert (festival.rule.weekdays, festival.rule.start, festival.rule.end) == (
        "135",
        dt.time(9),
        dt.time(11),
    )


@pytest.mark.parametrize(
    "start, end, label",
    [
        (dt.time(12), dt.time(13, 30), "午间延时服务"),
        (dt.time(17), dt.time(18, 30), "下班后延时服务"),
        (dt.time(7, 30), dt.time(9), "上班前延时服务"),
    ],
)
def test_extended_service_is_named_for_its_hours(start, end, label):
    from zhengwu.hall.slots import extended_label

    assert extended_label(start, end) == label


def test_the_demo_rules_follow_the_published_winter_hours():
    """上午 09:00–12:00, 下午 13:30–17:00: no gap at 14:00–14:30, 延时服务 only at noon and after work."""
    from zhengwu.hall import demo
    from zhengwu.hall.slots import extended_label

    a = sorted(
        (start, end, ext)
        for prefix, _d, days, start, end, _m, _p, ext in demo.RULES
        if prefix == "A" and days == "12345"
    )
    assert [(s, e) for s, e, _x in a] == [
        ("09:00", "12:00"),
        ("12:00", "13:30"),
        ("13:30", "17:00"),
        ("17:00", "18:30"),  # 下班后延时服务
    ]
    for _prefix, _days, _w, start, end, _m, _p, extended in demo.RULES:
        s, e = dt.time.fromisoformat(start), dt.time.fromisoformat(end)
        opening = s >= dt.time(9) and e <= dt.time(17) and not (s < dt.time(13, 30) and e > dt.time(12))
        assert extended != opening, (start, end)
        if extended:
            assert extended_label(s, e) in ("午间延时服务", "下班后延时服务")
