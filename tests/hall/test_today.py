"""The hall's day on the screens (the hall screen, the workbench's overview, the queue API) is counted by the database
over the local day: the worked example's figures, a number taken at 00:20 in China counted on that day,
and the hall screen's statements fixed, however many groups and numbers the hall has."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.hall.conftest import at
from tests.hall.test_measures import test_waiting_and_service_times_on_a_worked_example as worked_example
from zhengwu.core import clock
from zhengwu.hall import measures, queue
from zhengwu.hall.models import DayKinds, SlotRule, WindowGroup

# the case figures and the month's indicators (supervision: 20, and PostgreSQL's SET LOCAL jit), calls, queues and
# today's figures and the office hours (hall: 8), whether the hall is open now (its groups, rules and hours, and
# the calendar: 4; when closed, the last day it gave numbers and that day's figures too)
# +1: the extended hours by group, from the slot rules; +4: the licence library's figures among the indicators
# (licences issued, and the licence types a material may name — for the organisations' rows and for the total)
SCREEN_STATEMENTS = {"sqlite": 37, "postgresql": 38}


def test_todays_figures_from_the_database_are_the_worked_examples(hall):
    worked_example(hall)  # waits 5, 4, 11, 20, 20; served 10, 24, 25, 11; A004 still at window 2
    clock.set_now(at("2026-11-18", 10, 0))
    queue.take_number(group=hall.general, source="kiosk")
    clock.set_now(at("2026-11-18", 10, 12))
    sql = measures.today(hall.centre)
    # the worked example's waits 5, 4, 11, 20, 20 and services 10, 24, 25, 11, and one more number taken, not called
    assert (sql["taken"], sql["called"], sql["average_wait"], sql["p90_wait"], sql["longest_wait"]) == (
        6,
        5,
        12.0,
        20,
        20,
    )
    assert (sql["served"], sql["average_service"]) == (4, 17.5)
    assert (sql["waiting_now"], sql["longest_waiting_now"]) == (1, 12.0)  # A006 taken at 10:00, now 10:12


def test_the_day_is_chinas_day(hall):
    """00:20 and 23:50 in China are both on 17 November in UTC: only the one of today (the 18th) is counted."""
    SlotRule.objects.create(  # a round-the-clock self-service group, so numbers are given at these hours
        group=hall.general, days=DayKinds.WORKDAYS, start=dt.time(0), end=dt.time(23, 59), slot_minutes=60
    )
    clock.set_now(at("2026-11-17", 23, 50))
    queue.take_number(group=hall.general, source="desk")
    clock.set_now(at("2026-11-18", 0, 20))
    queue.take_number(group=hall.general, source="desk")
    assert clock.now().astimezone(dt.UTC).date() == dt.date(2026, 11, 17)
    today = measures.today(hall.centre)
    assert (today["taken"], today["waiting_now"], today["longest_waiting_now"]) == (1, 1, 0.0)
    assert [(q["prefix"], q["taken"], q["waiting"]) for q in queue_rows(hall)] == [("A", 1, 1), ("B", 0, 0)]


def queue_rows(hall):
    from zhengwu.hall import selectors

    return selectors.queue_now(hall.centre)


def test_the_hall_screen_shows_todays_wait(hall, client):
    clock.set_now(at("2026-11-18", 9, 0))
    queue.take_number(group=hall.general, source="kiosk")
    queue.take_number(group=hall.general, source="kiosk")
    clock.set_now(at("2026-11-18", 9, 10))
    queue.call_next(window=hall.w1, by=hall.clerk1)
    page = client.get(f"/hall/{hall.centre.pk}/").content.decode()
    assert '正在等候 <span id="waiting_now">1</span> 人 · 今日平均等候 10.0 分钟' in page
    assert "<td>A 综合受理</td><td>1</td>" in page
    state = client.get(f"/api/queue/centres/{hall.centre.pk}").json()
    assert (state["waiting_now"], state["average_wait_today"], state["p90_wait_today"]) == (1, 10.0, 10.0)


def test_the_hall_screen_says_there_is_no_wait_yet_before_the_first_call(hall, client):
    """Before anyone is called there is no average: the screen says so in words, not "— 分钟" (issue 13)."""
    clock.set_now(at("2026-11-18", 9, 0))
    queue.take_number(group=hall.general, source="kiosk")
    page = client.get(f"/hall/{hall.centre.pk}/").content.decode()
    assert '正在等候 <span id="waiting_now">1</span> 人 · 今日平均等候 暂无(尚未叫号)</span>' in page
    assert "— 分钟" not in page


def _screen_statements(client, hall) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/hall/{hall.centre.pk}/").status_code == 200
    return len(queries)


def test_the_hall_screen_reads_a_fixed_number_of_statements(hall, client, django_assert_max_num_queries):
    clock.set_now(at("2026-11-18", 9, 0))
    queue.take_number(group=hall.general, source="kiosk")
    clock.set_now(at("2026-11-18", 9, 5))
    queue.start(number=queue.call_next(window=hall.w1, by=hall.clerk1), by=hall.clerk1)
    _screen_statements(client, hall)  # what a process reads once (the calendar) read before counting
    small = _screen_statements(client, hall)
    for prefix in ("C", "D", "E"):
        WindowGroup.objects.create(centre=hall.centre, name=f"分组{prefix}", prefix=prefix)
    for group in WindowGroup.objects.filter(centre=hall.centre):
        for minute in range(10, 20):
            clock.set_now(at("2026-11-18", 9, minute))
            queue.take_number(group=group, source="kiosk")
    for window, clerk in ((hall.w1, hall.clerk1), (hall.w2, hall.clerk2), (hall.w3, hall.clerk8)):
        queue.call_next(window=window, by=clerk)
    assert (
        _screen_statements(client, hall) == small
    )  # five groups and 51 numbers read as one group and one number
    with django_assert_max_num_queries(SCREEN_STATEMENTS[connection.vendor]):
        page = client.get(f"/hall/{hall.centre.pk}/").content.decode()
    assert '正在等候 <span id="waiting_now">47</span> 人' in page  # 51 taken, 4 called
