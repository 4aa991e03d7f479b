"""A hall loaded or looked at while closed (a Sunday, after work, before opening) says so — on the hall screen, the
workbench's overview, the window's 叫号终端 and the kiosk's start screen — with when it next opens, and shows the
last working day's figures labelled with that day instead of a blank day of zeros; no number is taken while closed."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.hall.conftest import at
from zhengwu.core import clock
from zhengwu.core.errors import Conflict
from zhengwu.hall import queue, selectors


def _friday_morning(hall):
    """Friday 2026-11-20: three numbers taken, two called and served at window 1."""
    clock.set_now(at("2026-11-20", 9, 0))
    numbers = [queue.take_number(group=hall.general, source="kiosk") for _ in range(3)]
    for minute in (10, 20):
        clock.set_now(at("2026-11-20", 9, minute))
        called = queue.call_next(window=hall.w1, by=hall.clerk1)
        queue.start(number=called, by=hall.clerk1)
        clock.set_now(at("2026-11-20", 9, minute + 5))
        queue.finish(number=called, by=hall.clerk1)
    return numbers


def test_on_a_sunday_the_hall_says_it_is_closed_and_when_it_opens(hall):
    _friday_morning(hall)
    clock.set_now(at("2026-11-22", 8, 30))  # Sunday
    state = selectors.hall_state(hall.centre)
    assert not state["open"]
    assert state["reason"] == "今日不办公"
    assert state["next_opening_label"] == "明天 9:00"
    assert state["last"]["label"] == "11月20日(星期五)"
    assert (state["last"]["taken"], state["last"]["served"]) == (3, 2)
    with pytest.raises(Conflict):
        queue.take_number(group=hall.general, source="kiosk")  # still no number while closed


def test_after_work_and_before_opening(hall):
    clock.set_now(at("2026-11-18", 17, 30))
    assert selectors.hall_state(hall.centre)["reason"] == "已下班"
    assert selectors.hall_state(hall.centre)["next_opening_label"] == "明天 9:00"
    clock.set_now(at("2026-11-18", 7, 0))
    assert selectors.hall_state(hall.centre)["reason"] == "尚未开始办公"
    clock.set_now(at("2026-11-18", 10, 0))
    assert selectors.hall_state(hall.centre)["open"]


def test_the_screen_the_overview_the_terminal_and_the_kiosk_on_a_sunday(hall, client):
    _friday_morning(hall)
    clock.set_now(at("2026-11-22", 10, 0))
    screen = client.get(reverse("hall:screen", args=[hall.centre.pk])).content.decode()
    assert "今日不办公" in screen and "明天 9:00 开放" in screen
    assert "11月20日(星期五):取号 3 个 · 办结 2 个" in screen

    kiosk = client.get(reverse("portal_hall:kiosk", args=[hall.centre.pk])).content.decode()
    assert 'id="kiosk-closed"' in kiosk and "大厅今日不办公,现在不能取号" in kiosk
    assert "暂停取号 · 明天 9:00 开放" in kiosk and "等候 0 人" not in kiosk

    client.force_login(hall.clerk1)
    overview = client.get(reverse("workbench_hall:index")).content.decode()
    assert "大厅今日不办公" in overview and "明天 9:00 开放(开放前 30 分钟起可取号)" in overview
    assert "最近办公日 11月20日(星期五)" in overview
    terminal = client.get(reverse("workbench_hall:terminal")).content.decode()
    assert "大厅今日不办公" in terminal and "明天 9:00 开放" in terminal


def _group_buttons(kiosk: str) -> list[str]:
    """The kiosk's group buttons (the form that takes a number), each its opening tag."""
    form = re.search(r'<form method="post" class="zw-kiosk-groups".*?</form>', kiosk, re.S).group(0)
    return re.findall(r"<button[^>]*>", form)


def test_the_closed_kiosk_s_group_buttons_are_disabled(hall, client):
    clock.set_now(at("2026-11-22", 10, 0))  # Sunday
    kiosk = client.get(reverse("portal_hall:kiosk", args=[hall.centre.pk])).content.decode()
    buttons = _group_buttons(kiosk)
    assert buttons and all(
        " disabled" in b and 'aria-disabled="true"' in b and 'type="button"' in b and "btn-secondary" in b
        for b in buttons
    ), buttons
    assert not any('name="group"' in b for b in buttons)  # nothing to send
    clock.set_now(at("2026-11-18", 10, 0))  # a Wednesday morning: open
    kiosk = client.get(reverse("portal_hall:kiosk", args=[hall.centre.pk])).content.decode()
    buttons = _group_buttons(kiosk)
    assert buttons and all(" disabled" not in b and 'type="submit"' in b for b in buttons), buttons


def test_an_open_hall_shows_no_closed_notice(hall, client):
    clock.set_now(at("2026-11-18", 10, 0))
    kiosk = client.get(reverse("portal_hall:kiosk", args=[hall.centre.pk])).content.decode()
    assert "kiosk-closed" not in kiosk and "等候 0 人" in kiosk
    screen = client.get(reverse("hall:screen", args=[hall.centre.pk])).content.decode()
    assert "hall-closed" not in screen


def test_the_months_bookings_on_the_dashboard_agree_with_the_overview(hall, client):
    """Booked for Friday's 09:00 and 10:00: two came and checked in, one did not (爽约). On Sunday the supervision
    dashboard's 大厅本月 reads 3 / 2 and 33.3%, as the overview's last working day does."""
    from zhengwu.hall import services
    from zhengwu.hall.models import Slot

    clock.set_now(at("2026-11-19", 15, 0))
    services.generate_slots(centre=hall.centre)
    slots = Slot.objects.filter(group=hall.general, day="2026-11-20").order_by("start")
    people = [
        ("李四", "13900001111", 0, True),
        ("王五", "13900002222", 0, False),
        ("赵六", "13900003333", 1, True),
    ]
    made = [
        (
            services.book(
                item=hall.item, slot=slots[i], channel="hotline", name=n, phone=p, by=hall.operator
            ),
            comes,
        )
        for n, p, i, comes in people
    ]
    for booking, comes in made:
        if comes:
            clock.set_now(booking.slot.start + dt.timedelta(minutes=2))
            queue.check_in(booking=booking)
    clock.set_now(at("2026-11-20", 11, 0))
    services.mark_no_shows()
    clock.set_now(at("2026-11-22", 10, 0))  # Sunday

    client.force_login(hall.manager)
    page = client.get("/workbench/supervision/").content.decode()
    row = page[page.index('data-testid="hall-month"') :]
    row = row[: row.index("</tr>")]
    assert ">3 / 2</td>" in row and ">33.3%</td>" in row
    overview = client.get(reverse("workbench_hall:index")).content.decode()
    assert 'data-testid="last-bookings">3 / 2<' in overview and "(33.3%)" in overview


def test_the_closed_screen_reloads_itself_when_numbers_are_given_again(hall, client):
    clock.set_now(at("2026-11-22", 10, 0))  # Sunday; numbers from 08:30 on Monday
    screen = client.get(reverse("hall:screen", args=[hall.centre.pk])).content.decode()
    assert 'data-reopens="2026-11-23T08:30:00+08:00"' in screen
