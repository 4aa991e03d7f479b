"""The hall's figures for supervision's indicators (`zhengwu indicators`, the indicator page, the dashboard), from
grouped SQL aggregates: numbers taken and called, average and 90th-percentile waiting (taken → first called),
average service (called or served → finished), bookings made and used, and the no-show rate. Registered with
supervision.indicators in the hall's AppConfig.ready(), so supervision does not import the hall.

The 90th percentile is the nearest rank: the smallest wait whose cumulative share (SQL CUME_DIST over the group,
ordered by wait) reaches 0.9 — the database ranks, one row per group is read. hall.measures.figures counts a
centre's days the same way (with these expressions)."""

from __future__ import annotations

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Window,
)
from django.db.models.functions import CumeDist
from django.utils.translation import gettext_lazy

from zhengwu.hall.models import Booking, QueueNumber

# grouping (supervision.indicators.GROUPINGS) → the key of a number, of a booking (None: not grouped that way)
NUMBER_KEYS = {
    "organisation": "group__centre__managed_by_id",
    "region": "group__centre__region_id",
    "centre": "group__centre_id",
    "window": "window_id",
    "staff": "called_by__staff__id",
}
BOOKING_KEYS = {
    "organisation": "slot__group__centre__managed_by_id",
    "region": "slot__group__centre__region_id",
    "centre": "slot__group__centre_id",
}
COLUMNS = {
    "hall_taken": gettext_lazy("大厅取号数"),
    "hall_called": gettext_lazy("大厅叫号数"),
    "hall_average_wait": gettext_lazy("平均等候(分钟)"),
    "hall_p90_wait": gettext_lazy("90%等候(分钟)"),
    "hall_served": gettext_lazy("大厅办结号数"),
    "hall_average_service": gettext_lazy("平均办理(分钟)"),
    "hall_bookings": gettext_lazy("预约数"),
    "hall_bookings_used": gettext_lazy("预约到场数"),
    "hall_no_shows": gettext_lazy("预约爽约数"),
    "hall_no_show_rate": gettext_lazy("爽约率"),
}
# Figures that are not counts: no value ("—") when nothing was measured, never 0.
AVERAGES = {"hall_average_wait", "hall_p90_wait", "hall_average_service", "hall_no_show_rate"}
MINUTES = {"hall_average_wait", "hall_p90_wait", "hall_average_service"}

WAIT = ExpressionWrapper(F("called_at") - F("taken_at"), output_field=DurationField())
# Served: a number finished after its service began (开始办理, served_at); a number only called and closed — the
# person never came (过号) — is neither served nor timed.
SERVICE = ExpressionWrapper(F("finished_at") - F("served_at"), output_field=DurationField())
CALLED = Q(called_at__isnull=False)
SERVED = Q(state=QueueNumber.State.DONE, finished_at__isnull=False, served_at__isnull=False)


def _minutes(span) -> float | None:
    return None if span is None else span.total_seconds() / 60


def _grouped(qs, field: str | None, **aggregates) -> dict:
    if field is None:
        return {None: qs.aggregate(**aggregates)}
    return {row.pop("key"): row for row in qs.values(key=F(field)).order_by().annotate(**aggregates)}


def p90_waits(numbers, field: str | None) -> dict:
    """{key: the nearest-rank 90th-percentile wait in minutes} — ranked by the database (CUME_DIST)."""
    called = numbers.filter(CALLED).annotate(wait=WAIT)
    partition = [F(field)] if field else []
    ranked = (
        called.annotate(
            share=Window(CumeDist(), partition_by=partition or None, order_by=F("wait").asc()),
            key=F(field) if field else F("group__centre_id"),
        )
        .filter(share__gte=0.9)
        .order_by()
        .values_list("key", "wait")
    )
    out: dict = {}
    for key, wait in ranked:
        key = key if field else None
        if key not in out or wait < out[key]:
            out[key] = wait
    return {k: round(_minutes(v), 1) for k, v in out.items()}


def source(*, period, organisations, by: str | None) -> dict:
    """{key: {name: value}} for the grouping `by` (None: {None: the total}), of the centres run by `organisations`."""
    if by is not None and by not in NUMBER_KEYS:
        return {}
    numbers = QueueNumber.objects.filter(
        day__gte=period.first, day__lte=period.last, group__centre__managed_by__in=organisations
    )
    field = NUMBER_KEYS[by] if by else None
    rows = _grouped(
        numbers,
        field,
        hall_taken=Count("pk"),
        hall_called=Count("pk", filter=CALLED),
        wait=Sum(WAIT, filter=CALLED),
        hall_served=Count("pk", filter=SERVED),
        service=Sum(SERVICE, filter=SERVED),
    )
    called = any(r["hall_called"] for r in rows.values())
    p90 = p90_waits(numbers, field) if called else {}  # no ranking query when nothing was called
    out: dict = {}
    for key, r in rows.items():
        if by is not None and key is None:
            continue  # a number not called at any window, or called by no one, has no window or staff
        out[key] = {
            "hall_taken": r["hall_taken"],
            "hall_called": r["hall_called"],
            "hall_average_wait": round(_minutes(r["wait"]) / r["hall_called"], 1)
            if r["hall_called"]
            else None,
            "hall_p90_wait": p90.get(key),
            "hall_served": r["hall_served"],
            "hall_average_service": round(_minutes(r["service"]) / r["hall_served"], 1)
            if r["hall_served"]
            else None,
        }
    if by is None or by in BOOKING_KEYS:
        bookings = Booking.objects.filter(
            slot__day__gte=period.first,
            slot__day__lte=period.last,
            slot__group__centre__managed_by__in=organisations,
        ).exclude(state=Booking.State.CANCELLED)
        made = _grouped(
            bookings,
            BOOKING_KEYS[by] if by else None,
            hall_bookings=Count("pk"),
            hall_bookings_used=Count("pk", filter=Q(state=Booking.State.CHECKED_IN)),
            hall_no_shows=Count("pk", filter=Q(state=Booking.State.NO_SHOW)),
        )
        for key, r in made.items():
            row = out.setdefault(key, {})
            row.update(r)
            judged = r["hall_bookings_used"] + r["hall_no_shows"]
            row["hall_no_show_rate"] = round(r["hall_no_shows"] / judged, 4) if judged else None
    if by is None:
        out.setdefault(None, {})
    return out
