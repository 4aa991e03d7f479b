"""The hall's measures: waiting time (taken → first called) and service time (called → finished) per number, window,
group and hour; average and 90th-percentile wait; bookings made, used and missed."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from zhengwu.core import clock
from zhengwu.hall.models import Booking, QueueNumber


def minutes(span: dt.timedelta) -> float:
    return span.total_seconds() / 60


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def _summary(waits: list[float], services: list[float]) -> dict:
    return {
        "called": len(waits),
        "average_wait": round(sum(waits) / len(waits), 1) if waits else None,
        "p90_wait": None if not waits else round(percentile(waits, 0.9), 1),
        "longest_wait": round(max(waits), 1) if waits else None,
        "served": len(services),
        "average_service": round(sum(services) / len(services), 1) if services else None,
    }


def figures(*, centre, first: dt.date, last: dt.date) -> dict:
    """The hall's figures over the days first..last (local dates): the whole centre, per group, per window and per
    hour of taking; waiting now; bookings (made, used by checking in, missed) and the no-show rate."""
    numbers = list(
        QueueNumber.objects.filter(group__centre=centre, day__gte=first, day__lte=last).select_related(
            "group", "window"
        )
    )
    waits, services = [], []
    by_group, by_window, by_hour = (
        defaultdict(lambda: ([], [])),
        defaultdict(lambda: ([], [])),
        defaultdict(lambda: ([], [])),
    )
    for n in numbers:
        if n.called_at is None:
            continue
        wait = minutes(n.called_at - n.taken_at)
        waits.append(wait)
        hour = n.taken_at.astimezone(clock.LOCAL).hour
        by_group[n.group.prefix][0].append(wait)
        by_hour[hour][0].append(wait)
        if n.window is not None:
            by_window[n.window.number][0].append(wait)
        if n.state == QueueNumber.State.DONE and n.finished_at:
            service = minutes(n.finished_at - (n.served_at or n.called_at))
            services.append(service)
            by_group[n.group.prefix][1].append(service)
            by_hour[hour][1].append(service)
            if n.window is not None:
                by_window[n.window.number][1].append(service)
    now = clock.now()
    waiting = [n for n in numbers if n.state == QueueNumber.State.WAITING and n.day == clock.today()]
    bookings = Booking.objects.filter(
        slot__group__centre=centre, slot__day__gte=first, slot__day__lte=last
    ).exclude(state=Booking.State.CANCELLED)
    made = bookings.count()
    used = bookings.filter(state=Booking.State.CHECKED_IN).count()
    missed = bookings.filter(state=Booking.State.NO_SHOW).count()
    return {
        "first": first,
        "last": last,
        "taken": len(numbers),
        **_summary(waits, services),
        "waiting_now": len(waiting),
        "longest_waiting_now": round(max((minutes(now - n.taken_at) for n in waiting), default=0), 1),
        "bookings": made,
        "bookings_used": used,
        "no_shows": missed,
        "no_show_rate": round(missed / (used + missed), 3) if used + missed else None,
        "by_group": {k: _summary(*v) for k, v in sorted(by_group.items())},
        "by_window": {k: _summary(*v) for k, v in sorted(by_window.items())},
        "by_hour": {k: _summary(*v) for k, v in sorted(by_hour.items())},
    }


def per_number(number: QueueNumber) -> dict:
    """One number's waiting and service minutes (None until they are known)."""
    wait = minutes(number.called_at - number.taken_at) if number.called_at else None
    service = (
        minutes(number.finished_at - (number.served_at or number.called_at))
        if number.finished_at and number.called_at and number.state == QueueNumber.State.DONE
        else None
    )
    return {"wait": wait, "service": service}
