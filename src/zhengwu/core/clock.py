"""The only way Zhengwu code reads the time. Tests, imports of history and benchmarks set it here."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL = ZoneInfo("Asia/Shanghai")
_frozen: dt.datetime | None = None
_offset: dt.timedelta | None = None  # set by run_from(): the clock runs, shifted from the system's


def now() -> dt.datetime:
    """The current moment, timezone-aware (UTC inside, shown in Asia/Shanghai)."""
    if _frozen is not None:
        return _frozen
    if _offset is not None:
        return timezone.now() + _offset
    return timezone.now()


def today() -> dt.date:
    """Today's date in China (Asia/Shanghai), which is what every legal time limit counts in."""
    return now().astimezone(LOCAL).date()


def local_now() -> dt.datetime:
    """The current moment in China time: what a number stamped with the date and time (a transaction reference)
    reads, so it carries the same day as the documents printed with it."""
    return now().astimezone(LOCAL)


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar date of a moment in China."""
    return moment.astimezone(LOCAL).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day [start, end) as aware moments: midnight in China that day and the next. Queries on stored
    moments (UTC in the database) count "a day" between these, never by the UTC date."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=LOCAL)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=LOCAL)


def set_now(moment: dt.datetime | dt.date | str | None) -> None:
    """Fix the clock at a moment (a date means 09:00 that day in China); None lets it run again with the system's."""
    global _frozen, _offset
    _frozen = None if moment is None else _as_moment(moment)
    _offset = None


def run_from(moment: dt.datetime | dt.date | str) -> None:
    """Let the clock run from a moment on, as fast as the system's but whatever day the system says it is: tests
    start here, so no test passes or fails because of the day it runs."""
    global _frozen, _offset
    _frozen = None
    _offset = _as_moment(moment) - timezone.now()


@contextmanager
def frozen(moment: dt.datetime | dt.date | str) -> Iterator[dt.datetime]:
    """Run a block with the clock fixed at a moment."""
    global _frozen
    previous = _frozen
    _frozen = _as_moment(moment)
    try:
        yield _frozen
    finally:
        _frozen = previous


def _as_moment(value: dt.datetime | dt.date | str) -> dt.datetime:
    if isinstance(value, str):
        value = (
            dt.datetime.fromisoformat(value) if "T" in value or " " in value else dt.date.fromisoformat(value)
        )
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=LOCAL)
    return dt.datetime.combine(value, dt.time(9, 0), tzinfo=LOCAL)
