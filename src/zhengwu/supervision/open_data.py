"""Efficiency indicators as open data: one CSV per complete month, one row per organisation, for everyone.

Aggregates only (counts and rates per organisation, no case, person or window), the same figures and columns as the
staff export (indicators.to_csv), keyed by the organisation's USCC so they join the organisations of the CKAN API.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Min
from django.utils.translation import gettext as _

from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.core.errors import NotFound
from zhengwu.core.models import Organisation
from zhengwu.supervision import indicators

MONTHS = 12  # how many complete months are offered


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def published_months(today: dt.date | None = None) -> list[tuple[int, int]]:
    """The complete months on offer, newest first: the last twelve, none before the month of the first case."""
    today = today or clock.today()
    first = Case.objects.aggregate(first=Min("received_at"))["first"]
    if first is None:
        return []
    first_day = clock.local_date(first)
    months, current = [], _previous(today.year, today.month)
    while len(months) < MONTHS and current >= (first_day.year, first_day.month):
        months.append(current)
        current = _previous(*current)
    return months


def closed_at(year: int, month: int) -> dt.datetime:
    """The moment a month's figures are complete: the first moment of the next month (China time)."""
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.datetime.combine(following, dt.time(0), tzinfo=clock.LOCAL)


def indicators_csv(year: int, month: int) -> str:
    """The month's indicators by organisation as CSV (the staff export's columns; key = the USCC)."""
    if (year, month) not in published_months():
        raise NotFound(_("没有%(y)d年%(m)d月的公开效能指标") % {"y": year, "m": month})
    result = indicators.compute(period=indicators.Period.month(year, month), by="organisation")
    usccs = dict(
        Organisation.objects.filter(pk__in=[row["key"] for row in result["rows"]]).values_list("pk", "uscc")
    )
    rows = [{**row, "key": usccs.get(row["key"], "")} for row in result["rows"]]
    return indicators.to_csv({**result, "rows": rows})
