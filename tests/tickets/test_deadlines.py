"""Ticket limits on the real 2025–2026 holiday calendar (State Council notices, via core.calendar)."""

import datetime as dt

import pytest

from zhengwu.core.calendar import Calendar
from zhengwu.core.clock import LOCAL
from zhengwu.tickets import deadlines
from zhengwu.tickets.deadlines import Limits, TimeState

CAL = Calendar.build()
DEFAULT = Limits()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LOCAL)


def eod(day: str) -> dt.datetime:
    return at(f"{day}T23:59:59")


@pytest.mark.parametrize(
    ("dispatched", "expected", "why"),
    [
        ("2025-11-24T10:00", "2025-11-26", "Mon → Wed, an ordinary week"),
        ("2025-01-27T16:30", "2025-02-06", "Spring Festival 2025-01-28…02-04 skipped"),
        ("2025-10-04T09:00", "2025-10-10", "dispatched on a National Day holiday: count starts after it"),
        (
            "2026-02-13T11:00",
            "2026-02-24",
            "2026-02-14 (Sat) is an adjusted working day, then Spring Festival",
        ),
        ("2025-11-28T17:00", "2025-12-02", "Friday → Tuesday across a weekend"),
    ],
)
def test_acknowledge_within_two_working_days(dispatched, expected, why):
    due = deadlines.acknowledge_due(CAL, at(dispatched), DEFAULT, urgent=False)
    assert due.at == eod(expected), why
    assert not due.provisional


@pytest.mark.parametrize(
    ("dispatched", "extension", "expected", "why"),
    [
        ("2025-11-24T10:00", 0, "2025-12-01", "five working days, one weekend"),
        ("2025-09-30T10:00", 0, "2025-10-14", "National Day 10-01…10-08; 10-11 (Sat) is worked"),
        ("2025-09-26T10:00", 0, "2025-10-10", "09-28 (Sun) is an adjusted working day"),
        ("2026-02-13T10:00", 0, "2026-02-27", "2026 Spring Festival 02-15…02-23"),
        ("2026-04-30T10:00", 0, "2026-05-11", "Labour Day 05-01…05-05; 05-09 (Sat) is worked"),
        ("2026-09-30T10:00", 0, "2026-10-13", "2026 National Day 10-01…10-07; 10-10 (Sat) is worked"),
        ("2025-11-24T10:00", 10, "2025-12-15", "extended by the full ten working days"),
    ],
)
def test_handle_within_five_working_days_plus_extensions(dispatched, extension, expected, why):
    due = deadlines.handle_due(CAL, at(dispatched), DEFAULT, urgent=False, extension_workdays=extension)
    assert due.at == eod(expected), why


def test_a_category_limit_replaces_the_default():
    limits = Limits(handle_workdays=10, acknowledge_workdays=1)
    assert deadlines.handle_due(CAL, at("2025-11-24T10:00"), limits, urgent=False).at == eod("2025-12-08")
    assert deadlines.acknowledge_due(CAL, at("2025-11-24T10:00"), limits, urgent=False).at == eod(
        "2025-11-25"
    )


@pytest.mark.parametrize(
    ("dispatched", "ack", "handle"),
    [
        ("2025-10-01T10:00", "2025-10-01T12:00", "2025-10-02T10:00"),  # hours run through holidays
        ("2026-02-16T23:30", "2026-02-17T01:30", "2026-02-17T23:30"),
    ],
)
def test_urgent_tickets_count_natural_hours(dispatched, ack, handle):
    assert deadlines.acknowledge_due(CAL, at(dispatched), DEFAULT, urgent=True).at == at(ack)
    assert deadlines.handle_due(CAL, at(dispatched), DEFAULT, urgent=True).at == at(handle)


def test_a_limit_in_an_unpublished_year_is_provisional():
    due = deadlines.handle_due(CAL, at("2026-12-30T10:00"), DEFAULT, urgent=False)
    assert due.at == eod("2027-01-06") and due.provisional


@pytest.mark.parametrize(("granted", "left"), [(0, 10), (4, 6), (10, 0), (12, 0)])
def test_extensions_never_exceed_ten_working_days(granted, left):
    assert deadlines.extension_left(DEFAULT, granted) == left


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2025-11-26T23:59:59", True),  # the last second of the second working day
        ("2025-11-27T00:00:00", False),
    ],
)
def test_return_only_before_the_acknowledge_limit(now, expected):
    assert deadlines.may_return(at(now), eod("2025-11-26")) is expected


@pytest.mark.parametrize(
    ("now", "state"),
    [
        ("2025-11-29T10:00", TimeState.ON_TIME),
        ("2025-12-01T08:00", TimeState.DUE_SOON),
        ("2025-12-02T00:00", TimeState.OVERDUE),
    ],
)
def test_time_state(now, state):
    assert deadlines.time_state(at(now), eod("2025-12-01")) == state
