"""Bounds on input: a database integer is 64 bits and a date stays within years 1 to 9999, so beyond them the API
answers 422 {code, message, field} rather than a 500."""

import datetime as dt

from django.utils.translation import gettext as _

from zhengwu.core.errors import ValidationFailed

DB_INT_MAX = 2**63 - 1  # ids and other numbers compared with a database column
OFFSET_MAX = 10**9  # rows skipped by a page; offset + limit must still fit a database integer

# Dates a calendar computation can start from without leaving Python's date range (year 1 to 9999).
EARLIEST_DATE = dt.date(1970, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)


def check_date_range(value: dt.date | dt.datetime | None, *, field: str, label: str) -> None:
    """Refuse, with a Chinese 422, a date too far in the past or future to compute with."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationFailed(
            _("%(label)s「%(day)s」超出可计算的范围(%(earliest)s 至 %(latest)s)")
            % {"label": label, "day": day.isoformat(), "earliest": EARLIEST_DATE, "latest": LATEST_DATE},
            field=field,
        )
