"""Time limits of a ticket: pure functions over plain values and a working-day calendar (no clock, no database).

Working-day limits end at the close of the n-th working day after the day the clock starts (that day not counted);
hour limits for urgent tickets run in natural hours from the moment the clock starts.
"""

import datetime as dt
from dataclasses import dataclass

from zhengwu.core.calendar import Calendar
from zhengwu.core.clock import LOCAL

END_OF_DAY = dt.time(23, 59, 59)


@dataclass(frozen=True)
class Limits:
    """The limits a category gives its tickets (all configurable per category)."""

    acknowledge_workdays: int = 2
    handle_workdays: int = 5
    max_extension_workdays: int = 10
    urgent_acknowledge_hours: int = 2
    urgent_handle_hours: int = 24

    @classmethod
    def of(cls, category) -> "Limits":
        return cls(**{f: getattr(category, f) for f in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Due:
    """A deadline; provisional if it was counted across a year whose holiday arrangement is not yet known."""

    at: dt.datetime
    provisional: bool = False


def _end_of_workday(calendar: Calendar, start: dt.datetime, workdays: int) -> Due:
    found = calendar.add_workdays(start.astimezone(LOCAL).date(), workdays)
    return Due(dt.datetime.combine(found.value, END_OF_DAY, tzinfo=LOCAL), found.provisional)


# 12345热线工单办理通行规则(各省市12345热线管理办法): the receiving unit acknowledges or returns within 2 working days;
# urgent tickets within hours.
def acknowledge_due(calendar: Calendar, dispatched_at: dt.datetime, limits: Limits, *, urgent: bool) -> Due:
    """When the organisation must have acknowledged (签收) or returned (退单) the ticket."""
    if urgent:
        return Due(dispatched_at + dt.timedelta(hours=limits.urgent_acknowledge_hours))
    return _end_of_workday(calendar, dispatched_at, limits.acknowledge_workdays)


# 12345热线工单办理通行规则: handled and answered within 5 working days from dispatch, extendable (approved by the
# centre) by at most 10 working days in all; urgent tickets within the category's hours.
def handle_due(
    calendar: Calendar, started_at: dt.datetime, limits: Limits, *, urgent: bool, extension_workdays: int = 0
) -> Due:
    """When the ticket must be answered, counting from dispatch (or from a reopening), extensions included."""
    if urgent:
        return Due(started_at + dt.timedelta(hours=limits.urgent_handle_hours))
    return _end_of_workday(calendar, started_at, limits.handle_workdays + extension_workdays)


def extension_left(limits: Limits, granted_workdays: int) -> int:
    """How many more working days of extension may still be granted."""
    return max(0, limits.max_extension_workdays - granted_workdays)


def may_return(now: dt.datetime, acknowledge_by: dt.datetime | None) -> bool:
    """A ticket may be returned only before the acknowledgement limit runs out; afterwards it counts as taken."""
    return acknowledge_by is None or now <= acknowledge_by


class TimeState:
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def time_state(now: dt.datetime, due: dt.datetime | None, *, warn_hours: int = 24) -> str:
    """On time, due soon (within `warn_hours` of the limit) or overdue."""
    if due is None or now < due - dt.timedelta(hours=warn_hours):
        return TimeState.ON_TIME
    return TimeState.DUE_SOON if now <= due else TimeState.OVERDUE
