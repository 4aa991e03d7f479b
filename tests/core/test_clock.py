"""The project clock: tests start it at a fixed moment and it runs from there, whatever day the machine says."""

import datetime as dt
import time

from tests.conftest import TEST_START
from zhengwu.core import clock


def test_every_test_starts_on_the_same_day_and_the_clock_runs():
    first = clock.now()
    assert clock.today() == TEST_START.date()
    assert dt.timedelta(0) <= first - TEST_START < dt.timedelta(minutes=5)
    time.sleep(0.01)
    assert clock.now() > first  # events written one after another keep their order


def test_frozen_wins_over_running_and_gives_back_the_running_clock():
    with clock.frozen("2027-02-08"):
        assert clock.now() == dt.datetime(2027, 2, 8, 9, tzinfo=clock.LOCAL)
    assert clock.today() == TEST_START.date()


def test_run_from_a_moment_near_midnight_counts_the_local_day():
    clock.run_from(dt.datetime(2026, 12, 31, 23, 59, 59, 900_000, tzinfo=clock.LOCAL))
    assert clock.today() == dt.date(2026, 12, 31)
    time.sleep(0.15)
    assert clock.today() == dt.date(2027, 1, 1)  # the local day turned, although UTC is still on 31 December


def test_set_now_none_gives_the_system_clock_back():
    clock.set_now(None)
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
