"""Small display helpers for case pages, shared by the portal and the workbench (formatting only, no rules)."""

from __future__ import annotations

import datetime as dt

from zhengwu.core import clock
from zhengwu.core.calendar import chinese_date


def when(value: str | None, *, chinese: bool = False) -> str:
    """An ISO timestamp from the domain as local 'YYYY-MM-DD HH:MM' (the workbench), or, `chinese`, as the
    applicant's pages write a day: '2026年11月20日 10:00' (core.calendar.chinese_date)."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(clock.LOCAL)
    if chinese:
        return f"{chinese_date(moment.date())} {moment:%H:%M}"
    return moment.strftime("%Y-%m-%d %H:%M")


def timeline_rows(rows: list[dict], *, chinese: bool = False) -> list[dict]:
    """Timeline rows with a readable local time added as `when`."""
    return [{**row, "when": when(row["at"], chinese=chinese)} for row in rows]
