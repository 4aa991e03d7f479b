"""Small display helpers for case pages, shared by the portal and the workbench (formatting only, no rules)."""

from __future__ import annotations

import datetime as dt

from zhengwu.core import clock


def when(value: str | None) -> str:
    """An ISO timestamp from the domain as local 'YYYY-MM-DD HH:MM'."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(clock.LOCAL)
    return moment.strftime("%Y-%m-%d %H:%M")


def timeline_rows(rows: list[dict]) -> list[dict]:
    """Timeline rows with a readable local time added as `when`."""
    return [{**row, "when": when(row["at"])} for row in rows]
