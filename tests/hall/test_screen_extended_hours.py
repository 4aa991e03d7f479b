"""The hall screen lists the hours beyond the office hours — 延时服务 at noon and after work, weekend service — by
window group, from the slot rules the bookable slots come from, so it never says less (or other) than what can be
booked."""

import datetime as dt

from zhengwu.core import clock
from zhengwu.hall import services
from zhengwu.hall.models import DayKinds, Slot, SlotRule, WindowGroup


def test_the_screen_lists_each_groups_extended_hours_from_the_slot_rules(hall, client):
    police = WindowGroup.objects.create(centre=hall.centre, name="公安户政", prefix="D", service_minutes=12)
    for start, end, extended in (("09:00", "12:00", False), ("17:00", "18:30", True)):
        SlotRule.objects.create(
            group=police,
            days=DayKinds.WORKDAYS,
            start=dt.time.fromisoformat(start),
            end=dt.time.fromisoformat(end),
            slot_minutes=30,
            capacity=2,
            extended=extended,
        )
    SlotRule.objects.create(  # switched off: not on the screen
        group=police, days=DayKinds.WEEKENDS, weekdays="6", start=dt.time(9), end=dt.time(11), is_active=False
    )
    services.generate_slots(centre=hall.centre, first=clock.today(), days=1)
    booked_evening = Slot.objects.filter(group=police, extended=True).order_by("start").first()
    assert booked_evening.start.astimezone(clock.LOCAL).strftime("%H:%M") == "17:00"

    page = client.get(f"/hall/{hall.centre.pk}/").content.decode()
    hours = page.split('id="office-hours"')[1].split("</p>")[0]
    assert "办公时间:工作日 上午 09:00–12:00,下午 13:30–17:00" in hours
    assert "延时服务和周末服务(可预约、可取号):" in hours
    assert "综合受理(A):工作日 12:00–13:00 午间延时服务;周六 09:00–11:00" in hours
    assert "公安户政(D):工作日 17:00–18:30 下班后延时服务" in hours
    assert "市场监管(B)" not in hours  # no hours beyond the office hours
    assert "仅综合" not in page
