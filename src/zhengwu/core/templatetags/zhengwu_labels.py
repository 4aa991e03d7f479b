"""Template filters that show what a person reads instead of a stored code: {% load zhengwu_labels %}
{{ event.actor_label|actor }} (系统定时任务, not "zhengwu scheduled"); {{ file.content_type|file_kind }} (PDF, not
"application/pdf"); {{ summary.promised_due|chinese_date }} (2026年11月20日, not "2026-11-20")."""

import datetime as dt
import re

from django import template

from zhengwu.core import calendar, clock
from zhengwu.core.actors import actor_name
from zhengwu.core.files import KINDS

register = template.Library()

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T[\d:.+-]+Z?)?$")

register.filter("actor", actor_name)


@register.filter
def file_kind(content_type: str) -> str:
    """{{ file.content_type|file_kind }}: 「PDF」, 「JPEG」, 「Word」 — not 「application/pdf」."""
    kind = KINDS.get(str(content_type or ""))
    return kind.label if kind else str(content_type or "")


@register.filter
def chinese_date(value) -> str:
    """{{ value|chinese_date }}: 2026年11月20日 (core.calendar.chinese_date) — of a date, of a moment (its day in
    China), or of the ISO text a summary shared with the API carries ("2026-11-20", "2026-11-20T09:30:00+08:00"), so
    a page shows the day as people write it while the API keeps ISO. Anything else is shown as it is (a licence's
    metadata lists its days among its numbers and codes); nothing as ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        if not _ISO.match(value):  # a number, a code, 长期: not a day
            return value
        try:
            value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = clock.local_date(value) if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return calendar.chinese_date(value)
    return str(value)
