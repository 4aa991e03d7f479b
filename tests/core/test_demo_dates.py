"""The demo loads and makes sense whatever day `make run` is run on: on New Year's Eve late at night, during the 2027
Spring Festival (a year the calendar does not know yet, so its dates are provisional) and on 29 February 2028.

The county and catalogue are loaded once for the module; each moment then loads every dated demo (cases, 12345,
disclosure, evaluation, joint approval, fees, the hall, licences) in a savepoint of its own, and runs the domains' own
checks of their demo (tests/<domain>/demo_checks.py) on that load instead of loading it again. Under `make test-dates`
(the system clock moved to each of those moments in turn) it loads the demo at the faked system time instead.

It runs on SQLite, the database `make run` loads the demo into; the PostgreSQL run loads the whole demo once at the
suite's moment (tests/demo_site/, with the same domain checks), which is what that engine adds. Three more loads of
the demo on PostgreSQL cost about 80 s of CPU in `make test` and check nothing of the engine the one load does not.
"""

import datetime as dt
import os

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.test import override_settings

from tests.fees.demo_checks import check_the_fees_demo
from tests.joint.demo_checks import check_the_joint_demo
from zhengwu.cases.models import Case, CaseEvent
from zhengwu.catalog.demo import load_demo_catalogue
from zhengwu.core import clock
from zhengwu.core.calendar import current_calendar
from zhengwu.core.demo import load_demo
from zhengwu.core.management.commands.demo import load_domain_demos
from zhengwu.disclosure.models import DisclosureRequest, RequestEvent
from zhengwu.evaluation.models import Rating
from zhengwu.hall import demo as hall_demo
from zhengwu.hall.models import QueueNumber
from zhengwu.supervision import selectors as supervision
from zhengwu.tickets.models import Ticket, TicketEvent

# One worker takes the whole module, so its module fixture (the demo it loads) is set up once, not once per worker.
pytestmark = [
    pytest.mark.xdist_group("demo_dates"),
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="the demo's dates are checked on SQLite, where make run loads it; tests/demo_site loads it on PostgreSQL",
    ),
]

FIXED = {
    "new-year-eve-23:30": dt.datetime(2026, 12, 31, 23, 30, tzinfo=clock.LOCAL),
    "spring-festival-2027": dt.datetime(2027, 2, 8, 10, 0, tzinfo=clock.LOCAL),
    "leap-day-2028": dt.datetime(2028, 2, 29, 10, 0, tzinfo=clock.LOCAL),
}
# `make test-dates` moves the system clock to each of these moments and runs the suite there: the demo is then loaded
# at the (faked) system time only — its three fixed moments are the same in every run, and `make test` checks them.
AT_SYSTEM_TIME = os.environ.get("ZHENGWU_DEMO_AT_SYSTEM_TIME") == "1"
MOMENTS = {"system-clock": None} if AT_SYSTEM_TIME else dict(FIXED)
FIRST = min(FIXED.values())
# Moments of a working day's lunch break, when 综合受理 serves (午间延时服务) but 税务 and the other groups are closed
# (12:00–13:30, numbers from 13:00), and just after the afternoon opens: only the hall's demo takes numbers at given
# hours, so only it is loaded there (1.3 and 0.9 s on 2026-12-07, where a moment of the whole demo takes 18 s).
LUNCH = {
    "monday-12:40-lunch-break": dt.datetime(2026, 12, 7, 12, 40, tzinfo=clock.LOCAL),
    "monday-13:50-after-opening": dt.datetime(2026, 12, 7, 13, 50, tzinfo=clock.LOCAL),
}


@pytest.fixture(scope="module")
def county_and_catalogue(django_db_setup, django_db_blocker):
    """The county and its catalogue, published before the first moment, in a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        atomics = [transaction.atomic(using=alias) for alias in connections]
        for atomic in atomics:
            atomic.__enter__()
        try:
            with (
                clock.frozen(FIRST - dt.timedelta(days=120)),
                override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
            ):
                load_demo()
                assert load_demo_catalogue().problems == []
            yield
        finally:
            for alias in connections:
                transaction.set_rollback(True, using=alias)
            for atomic in reversed(atomics):
                atomic.__exit__(None, None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("moment", list(MOMENTS.values()), ids=list(MOMENTS))
def test_the_demo_makes_sense_on_any_day(county_and_catalogue, moment):
    if moment is None:
        clock.set_now(None)
    else:
        clock.run_from(moment)
    lines = load_domain_demos()
    now, today = clock.now(), clock.today()
    assert any(line.startswith("办件演示:新增") for line in lines), lines
    assert not any("!" in line for line in lines), lines

    # Nothing has happened yet that lies in the future.
    for model, field in [
        (CaseEvent, "at"),
        (TicketEvent, "at"),
        (RequestEvent, "at"),
        (Ticket, "received_at"),
        (Rating, "rated_at"),
    ]:
        latest = model.objects.order_by(f"-{field}").values_list(field, flat=True).first()
        assert latest is not None and latest <= now, (model.__name__, latest, now)

    # Every case was received on a day the calendar counts as a working day, within working hours.
    calendar = current_calendar()
    cases = Case.objects.filter(idempotency_key__startswith="demo-")
    assert cases.count() >= 40 and len(set(cases.values_list("status", flat=True))) >= 6
    for received in cases.values_list("received_at", flat=True):
        local = received.astimezone(clock.LOCAL)
        assert calendar.check(local.date()).workday, local
        assert 8 <= local.hour < 18, local

    # Due dates follow acceptance; one the calendar cannot know yet says it is provisional.
    for case in cases.exclude(legal_due=None):
        assert case.legal_due >= case.accepted_on, case.number
        if case.legal_due > case.accepted_on and not calendar.knows(case.legal_due.year):
            assert case.due_provisional, (case.number, case.legal_due)

    # The supervisor's dashboard has red and yellow cards today, and the queues are not empty.
    supervisor = get_user_model().objects.get(username="supervisor")
    levels = supervision.level_counts(supervisor, today)
    assert levels["red"] >= 1 and levels["yellow"] >= 1, levels
    assert Ticket.objects.exists() and DisclosureRequest.objects.exists() and Rating.objects.count() >= 10

    # Each domain's own demo, loaded here with the others, holds what it promises on this day too.
    check_the_joint_demo(lines)
    check_the_fees_demo(lines)


@pytest.mark.django_db
@pytest.mark.parametrize("moment", list(LUNCH.values()), ids=list(LUNCH))
def test_the_hall_demo_takes_numbers_only_while_their_group_gives_them(county_and_catalogue, moment):
    """`make run` at lunch time loads the hall's queue in progress: 综合受理's numbers over the last ninety minutes,
    and the 税务 number that waits taken once 税务 gives numbers again — not in its lunch break (the demo crashed
    with 「税务」现在不在办公时间 at 13:50)."""
    clock.run_from(moment)
    line = hall_demo.load_demo()
    assert "今日排队号" in line, line
    numbers = QueueNumber.objects.filter(group__centre__name=hall_demo.CENTRE)
    assert numbers.filter(group__prefix="A").count() > 10
    assert numbers.filter(group__prefix="C", state=QueueNumber.State.WAITING).count() == 1
    for n in numbers:
        assert n.taken_at <= moment and hall_demo.gives_numbers(n.taken_in, n.taken_at), (
            n.display,
            n.taken_at.astimezone(clock.LOCAL),
        )
