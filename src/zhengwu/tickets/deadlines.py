"""Time limits of a ticket: pure functions over plain values and a working-day calendar (no clock, no database).

Working-day limits end at the close of the n-th working day after the day the clock starts (that day not counted);
hour limits for urgent tickets and the 24-hour first answer of 政民互动 run in natural hours from the moment the clock
starts (weekends and holidays included).
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
    first_answer_hours: int = 24

    @classmethod
    def of(cls, category) -> "Limits":
        return cls(**{f: getattr(category, f) for f in cls.__dataclass_fields__})


# The limits a new category starts with (models.Category's defaults): written once, here.
DEFAULT_LIMITS = Limits()


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


# Seed 002 (市国土资源局2010年政务公开工作总结) 二(四)投诉处理制度 binds 24-hour answers to matters raised "在政民互动中":
# the online channels (portal form, 领导信箱, mobile app and Open311 clients); calls and letters are not online messages.
FIRST_ANSWER_CHANNELS = frozenset({"portal", "mailbox", "mobile", "open311"})

# Our choice, not in the seeds: warn in the last 4 of the 24 hours (a sixth of the limit), like a shift's handover.
FIRST_ANSWER_WARN_HOURS = 4


# Seed 002 二(四): "凡在政民互动中反映的问题……在24小时之内予以回复" — natural hours, weekends and holidays NOT skipped.
def first_answer_due(received_at: dt.datetime, channel: str, limits: Limits) -> Due | None:
    """When a 政民互动 message must have had its first answer; None for channels the rule does not cover."""
    if channel not in FIRST_ANSWER_CHANNELS:
        return None
    return Due(received_at + dt.timedelta(hours=limits.first_answer_hours))


class FirstAnswerState:
    NONE = ""  # no first-answer limit (hotline, letter, history import, or filed before the rule)
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ANSWERED = "answered"
    ANSWERED_LATE = "answered_late"


def first_answer_state(
    now: dt.datetime,
    due: dt.datetime | None,
    answered_at: dt.datetime | None,
    *,
    is_open: bool = True,
    warn_hours: int = FIRST_ANSWER_WARN_HOURS,
) -> str:
    """Where a ticket stands against its first-answer limit: answered (in time or late), or still waiting —
    on time, due soon (within `warn_hours`) or overdue. A ticket closed without an answer (merged) waits no more."""
    if due is None:
        return FirstAnswerState.NONE
    if answered_at is not None:
        return FirstAnswerState.ANSWERED if answered_at <= due else FirstAnswerState.ANSWERED_LATE
    if not is_open:
        return FirstAnswerState.NONE
    return {
        TimeState.ON_TIME: FirstAnswerState.ON_TIME,
        TimeState.DUE_SOON: FirstAnswerState.DUE_SOON,
        TimeState.OVERDUE: FirstAnswerState.OVERDUE,
    }[time_state(now, due, warn_hours=warn_hours)]


_WARN_RANK = {"": 0, FirstAnswerState.DUE_SOON: 1, FirstAnswerState.OVERDUE: 2}


def recount_first_answer(
    received_at: dt.datetime,
    channel: str,
    limits: Limits,
    *,
    due: dt.datetime | None,
    answered_at: dt.datetime | None,
    is_open: bool = True,
) -> Due | None:
    """The first-answer limit after the ticket's category changed: counted again from `received_at` (never from the
    change) with the new category's hours. None when it does not move: no clock (channel not covered, filed before
    the rule), already answered, closed, or the new hours give the same limit."""
    if due is None or answered_at is not None or not is_open:
        return None
    found = first_answer_due(received_at, channel, limits)
    if found is None or found.at == due:
        return None
    return found


def first_answer_warned_after_move(
    now: dt.datetime,
    warned: str,
    old_due: dt.datetime,
    new_due: dt.datetime,
    *,
    warn_hours: int = FIRST_ANSWER_WARN_HOURS,
) -> str:
    """The warning level remembered after the limit moved. A later limit lowers it to where the ticket now stands
    against that limit ("" on time, due soon), so the scan warns again when it gets there; a level still reached is
    kept (nothing is repeated). An earlier limit keeps it: the scan raises it at once if the ticket is now worse."""
    if new_due <= old_due:
        return warned
    state = first_answer_state(now, new_due, None, warn_hours=warn_hours)
    level = state if state in (FirstAnswerState.DUE_SOON, FirstAnswerState.OVERDUE) else ""
    return level if _WARN_RANK[level] < _WARN_RANK.get(warned, 0) else warned


class TimeState:
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def time_state(now: dt.datetime, due: dt.datetime | None, *, warn_hours: int = 24) -> str:
    """On time, due soon (within `warn_hours` of the limit) or overdue."""
    if due is None or now < due - dt.timedelta(hours=warn_hours):
        return TimeState.ON_TIME
    return TimeState.DUE_SOON if now <= due else TimeState.OVERDUE
