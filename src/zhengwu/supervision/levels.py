"""Warning levels (预警 / 超期): pure functions over a due date, a working-day Calendar and today — no clock, no
database. A level is derived when it is read, so a case due yesterday is red today though nothing happened.

    red     today is after the due date
    yellow  at most `warn_workdays` working days left (today not counted), or, with a share s > 0, at most
            (1 − s) × limit working days left — i.e. at least s of the limit used
    normal  otherwise, and whenever there is no due date (a suspended case: its clock is stopped)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy

from zhengwu.core.calendar import Calendar
from zhengwu.core.thresholds import DUE_SOON_WORKDAYS

NORMAL, YELLOW, RED = "normal", "yellow", "red"
LABELS = {NORMAL: gettext_lazy("正常"), YELLOW: gettext_lazy("预警"), RED: gettext_lazy("超期")}


@dataclass(frozen=True)
class Policy:
    """The configured thresholds (see models.Thresholds)."""

    warn_workdays: int = DUE_SOON_WORKDAYS
    warn_share: Decimal = Decimal("0")

    def room(self, limit: int | None) -> int:
        """The working days left at or below which a case with this limit is yellow."""
        room = self.warn_workdays
        if self.warn_share and limit:
            room = max(room, math.floor(limit * (1 - Decimal(self.warn_share))))
        return room


def level(
    calendar: Calendar, today: dt.date, due: dt.date | None, *, limit: int | None = None, policy=Policy()
) -> str:
    """normal, yellow or red for something due on `due` with a limit of `limit` working days."""
    if due is None:
        return NORMAL
    if today > due:
        return RED
    left = calendar.workdays_between(today, due).value
    return YELLOW if left <= policy.room(limit) else NORMAL


def last_yellow_due(
    calendar: Calendar, today: dt.date, *, limit: int | None = None, policy=Policy()
) -> dt.date:
    """The last due date that is yellow today: due dates in [today, last_yellow_due] are yellow, later ones normal
    (the day before the working day that would leave one day too many). Lets the database count levels with two
    date comparisons."""
    return calendar.add_workdays(today, policy.room(limit) + 1).value - dt.timedelta(days=1)
