"""When the hall is closed, the kiosk, the hall screen, the workbench and the refusal to give a number say when it
opens as a person would: 今天 13:30 on the day itself (not today's date as if it were another day), 明天 9:00 the
day after, later days by date and weekday; and a number with nobody ahead is told so, never "约 0 分钟".

The hall fixture: 综合受理 (A) has working-day rules 09:00–13:00 and a Saturday rule 09:00–11:00; 市场监管 (B) has no
rules (the ordinary office hours, 09:00–12:00 and 13:30–17:00 on working days). The calendar is the package's 2026
arrangement: 国庆节 10月1日–7日, 10月10日 (Saturday) worked."""

import pytest
from django.urls import reverse

from zhengwu.core import clock
from zhengwu.core.errors import Conflict
from zhengwu.hall import queue, selectors
from zhengwu.hall.models import QueueSource

from .conftest import at


def _refusal(group) -> str:
    with pytest.raises(Conflict) as refused:
        queue.take_number(group=group, source=QueueSource.KIOSK)
    return refused.value.message


def _kiosk(client, hall) -> str:
    return client.get(reverse("portal_hall:kiosk", args=[hall.centre.pk])).content.decode()


def test_before_opening_on_the_same_day_it_says_today(hall, client):
    clock.set_now(at("2026-11-18", 7, 0))  # Wednesday
    state = selectors.hall_state(hall.centre)
    assert state["reason"] == "尚未开始办公" and state["next_opening_label"] == "今天 9:00"
    assert "今天 9:00 开放(开放前 30 分钟起可取号)" in _kiosk(client, hall)
    assert "11月18日" not in _kiosk(client, hall)
    assert "今天 9:00 开放" in _refusal(hall.dedicated)


def test_at_lunch_the_group_that_breaks_opens_again_today(hall, client):
    clock.set_now(at("2026-11-18", 12, 30))  # 综合受理 serves at noon (午间延时); 市场监管 breaks until 13:30
    assert selectors.hall_state(hall.centre)["closed_groups"] == {hall.dedicated.pk: "今天 13:30"}
    assert "暂停取号 · 今天 13:30 开放" in _kiosk(client, hall)
    assert "不能取号;今天 13:30 开放" in _refusal(hall.dedicated)


def test_after_closing_it_says_tomorrow(hall, client):
    clock.set_now(at("2026-11-18", 17, 30))
    assert selectors.hall_state(hall.centre)["next_opening_label"] == "明天 9:00"
    assert "明天 9:00 开放(开放前 30 分钟起可取号)" in _kiosk(client, hall)
    screen = client.get(reverse("hall:screen", args=[hall.centre.pk])).content.decode()
    assert "明天 9:00 开放" in screen and "下次开放" not in screen


def test_on_friday_evening_the_group_without_weekend_service_opens_on_monday(hall, client):
    clock.set_now(at("2026-11-20", 18, 0))  # Friday; 综合受理 serves on Saturday morning
    state = selectors.hall_state(hall.centre)
    assert state["next_opening_label"] == "明天 9:00"
    assert state["closed_groups"][hall.dedicated.pk] == "11月23日(星期一) 9:00"
    assert "暂停取号 · 11月23日(星期一) 9:00 开放" in _kiosk(client, hall)
    assert "不能取号;11月23日(星期一) 9:00 开放" in _refusal(hall.dedicated)


def test_before_a_public_holiday_it_names_the_first_working_day_after(hall, client):
    clock.set_now(
        at("2026-09-30", 17, 30)
    )  # Wednesday; 国庆节 1–7 October (no Saturday service on a holiday)
    state = selectors.hall_state(hall.centre)
    assert state["next_opening_label"] == "10月8日(星期四) 9:00"
    assert "10月8日(星期四) 9:00 开放" in _kiosk(client, hall)
    assert "不能取号;10月8日(星期四) 9:00 开放" in _refusal(hall.general)


def test_an_opening_in_another_year_carries_its_year(hall):
    clock.set_now(
        at("2026-12-31", 17, 30)
    )  # Thursday; 2027 is not in the calendar: New Year's Day counted worked
    assert selectors.hall_state(hall.centre)["next_opening_label"] == "明天 9:00"
    clock.set_now(at("2025-12-31", 17, 30))  # 元旦 2026: 1–3 January off, Sunday the 4th worked
    assert selectors.hall_state(hall.centre)["next_opening_label"] == "2026年1月4日(星期日) 9:00"


def test_nobody_ahead_is_told_so_and_never_zero_minutes(hall, client):
    clock.set_now(at("2026-11-18", 9))
    first = queue.take_number(group=hall.general, source=QueueSource.KIOSK)
    second = queue.take_number(group=hall.general, source=QueueSource.KIOSK)

    page = client.get(reverse("portal_hall:number", args=[first.token])).content.decode()
    assert "前面没有人" in page and "下一位就是您,请留意叫号" in page
    assert "0 分钟" not in page and "前面还有 0 人" not in page
    kiosk = client.get(
        reverse("portal_hall:kiosk_number", args=[hall.centre.pk, first.token])
    ).content.decode()
    assert "前面没有人,下一位就是您" in kiosk and "约 0 分钟" not in kiosk

    page = client.get(reverse("portal_hall:number", args=[second.token])).content.decode()
    assert "前面还有 1 人" in page and "预计等候约 5 分钟" in page  # 1 × 10 minutes ÷ 2 windows


def _take(client, hall) -> str:
    return client.get(reverse("portal_hall:take", args=[hall.centre.pk])).content.decode()


def test_the_phone_page_says_which_groups_give_no_number_now_before_one_is_picked(hall, client):
    """手机取号 offered every group as if open and refused only after the choice; like the kiosk, a group outside
    its hours is not offered and says when it opens, and the closed hall says so at the top."""
    clock.set_now(at("2026-11-18", 12, 30))  # 综合受理 serves at noon; 市场监管 breaks until 13:30
    page = _take(client, hall)
    assert f'id="g-{hall.dedicated.pk}" value="{hall.dedicated.pk}" disabled>' in page
    assert "暂停取号 · 今天 13:30 开放" in page
    assert f'id="g-{hall.general.pk}" value="{hall.general.pk}">' in page and 'id="take-closed"' not in page
    clock.set_now(at("2026-11-18", 17, 30))
    page = _take(client, hall)
    assert 'id="take-closed"' in page and "现在不能取号" in page and "明天 9:00 开放" in page
