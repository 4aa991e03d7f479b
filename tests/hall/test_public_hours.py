"""The hours the public reads come from one place: the portal's footer and home page state what the hall screen
states — the office hours, the 延时服务 and weekend service from the slot rules the bookable slots come from — and
both say what the working-day calendar means for the hall: 今日休息 on a closed day, the coming closure for a
statutory holiday with the day it opens again, an adjusted working day (调休上班) it opens on."""

import datetime as dt
import re

from django.urls import reverse

from tests.hall.conftest import at
from zhengwu.core import calendar, clock
from zhengwu.hall import selectors, services
from zhengwu.hall.models import DayKinds, SlotRule

# 元旦 2027: Friday 1 January to Sunday 3 January, as the 2027 arrangement is loaded (no adjusted working day).
NEW_YEAR_2027 = {"year": 2027, "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": []}


def _lines(html: str) -> list[str]:
    """The visible lines of a fragment: each d-block span and the text before the first."""
    text = re.sub(r"<span[^>]*d-block[^>]*>", "\n", html)
    text = re.sub(r"<[^>]+>", "", text)
    return [line.strip() for line in text.split("\n") if line.strip()]


def _screen_hours(client, hall) -> list[str]:
    page = client.get(reverse("hall:screen", args=[hall.centre.pk])).content.decode()
    return _lines(page.split('id="office-hours">')[1].split("</p>")[0])


def _footer_hours(client) -> list[str]:
    page = client.get("/").content.decode()
    return _lines(page.split('id="footer-hours">')[1].split("</li>")[0])


def test_the_footer_states_the_hours_the_hall_screen_states(hall, client):
    footer = _footer_hours(client)
    assert footer[0] == "办公时间:工作日 上午 09:00–12:00,下午 13:30–17:00"
    assert "综合受理(A):工作日 12:00–13:00 午间延时服务;周六 09:00–11:00" in footer
    assert footer == _screen_hours(client, hall)  # the same lines, in the same order
    home = client.get("/").content.decode().split('id="home-hours">')[1].split("</dd>")[0]
    assert _lines(home)[0] == "工作日 上午 09:00–12:00,下午 13:30–17:00"


def test_a_changed_rule_or_season_shows_in_the_footer_at_once(hall, client):
    _footer_hours(client)  # stated once (and kept)
    rule = SlotRule.objects.get(group=hall.general, extended=True)
    services.change_rule(rule=rule, by=hall.manager, end=dt.time(13, 30))
    services.set_opening_hours(
        centre=hall.centre,
        by=hall.manager,
        name="冬季作息",
        from_month=10,
        from_day=1,
        morning_open="08:30",
        morning_close="12:00",
        afternoon_open="14:00",
        afternoon_close="17:30",
    )
    footer = _footer_hours(client)
    assert footer[0] == "办公时间:冬季作息 工作日 上午 08:30–12:00,下午 14:00–17:30"
    assert "综合受理(A):工作日 12:00–13:30 午间延时服务;周六 09:00–11:00" in footer
    assert footer == _screen_hours(client, hall)


def test_a_centre_without_window_groups_keeps_its_own_text(hall, client):
    hall.general.is_active = hall.dedicated.is_active = False
    hall.general.save()
    hall.dedicated.save()
    hall.centre.opening_hours = "周一至周五 8:30-11:30,14:30-17:00"
    hall.centre.save()
    assert _footer_hours(client) == ["办公时间:周一至周五 8:30-11:30,14:30-17:00"]


def test_the_coming_new_year_closure_from_the_loaded_2027_calendar(hall, client):
    calendar.load_year(**NEW_YEAR_2027)
    clock.set_now(at("2026-12-28", 10))  # Monday: New Year's Day is four days away
    state = selectors.hall_state(hall.centre)
    assert state["open"] and not state["today_closed"]
    closure = "元旦放假:1月1日(星期五)至1月3日(星期日)休息,1月4日(星期一)起照常办公"
    assert state["calendar_lines"] == [closure]
    screen = _screen_hours(client, hall)
    assert closure in screen and not any("法定节假日休息" in line for line in screen)
    assert closure in _footer_hours(client)
    clock.set_now(at("2026-12-07", 10))  # more than two weeks ahead: not yet announced
    assert selectors.hall_state(hall.centre)["calendar_lines"] == []


def test_on_new_years_day_the_screen_says_today_is_closed(hall, client):
    calendar.load_year(**NEW_YEAR_2027)
    clock.set_now(at("2027-01-02", 10))  # Saturday, a holiday: no Saturday service either
    state = selectors.hall_state(hall.centre)
    assert not state["open"] and state["today_closed"]
    assert state["calendar_lines"][0] == "今日休息(元旦)"
    screen = _screen_hours(client, hall)
    assert "今日休息(元旦)" in screen
    assert "元旦放假:1月1日(星期五)至1月3日(星期日)休息,1月4日(星期一)起照常办公" not in screen
    assert "元旦放假:1月2日(星期六)至1月3日(星期日)休息,1月4日(星期一)起照常办公" in screen


def test_an_ordinary_sunday_is_closed_and_a_saturday_with_service_is_not(hall):
    clock.set_now(at("2026-11-22", 10))  # Sunday
    assert selectors.hall_state(hall.centre)["calendar_lines"] == ["今日休息"]
    clock.set_now(at("2026-11-21", 10))  # Saturday: 综合受理 serves 09:00–11:00
    assert selectors.hall_state(hall.centre)["today_closed"] is False


def test_national_day_2026_and_its_adjusted_working_day_from_the_calendar(hall):
    """2026 from the calendar package: 国庆节 10-01..10-07 (with 中秋节), 调休上班 on Saturday 10-10."""
    clock.set_now(at("2026-09-28", 10))  # Monday
    lines = selectors.hall_state(hall.centre)["calendar_lines"]
    assert lines[0].endswith("10月1日(星期四)至10月7日(星期三)休息,10月8日(星期四)起照常办公")
    assert lines[1] == "10月10日(星期六)调休上班,照常办公"


def test_a_group_serving_on_holidays_keeps_the_hall_open(hall):
    SlotRule.objects.create(
        group=hall.general,
        days=DayKinds.HOLIDAYS,
        weekdays="1234567",
        start=dt.time(9),
        end=dt.time(12),
        slot_minutes=60,
        capacity=1,
    )
    calendar.load_year(**NEW_YEAR_2027)
    clock.set_now(at("2026-12-28", 10))
    assert selectors.hall_state(hall.centre)["calendar_lines"] == []  # no closure to announce
    assert (
        "综合受理(A):工作日 12:00–13:00 午间延时服务;周六 09:00–11:00;周一、周二、周三、周四、周五、周六、周日(法定节假日) 09:00–12:00"
        in selectors.extended_hours_text(hall.centre)
    )


def test_the_screen_reloads_itself_and_so_renders_its_hours_anew(hall, client):
    """The hours lines are written by the server (not by the screen's script, which refreshes the figures every
    30 s and the calls every 3 s): the page reloads itself every 10 minutes, and a reload states today's hours."""
    page = client.get(reverse("hall:screen", args=[hall.centre.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="600">' in page
    rule = SlotRule.objects.get(group=hall.general, extended=True)
    services.change_rule(rule=rule, by=hall.manager, end=dt.time(13, 30))
    assert "综合受理(A):工作日 12:00–13:30 午间延时服务;周六 09:00–11:00" in _screen_hours(client, hall)
