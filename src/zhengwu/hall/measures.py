"""The hall's measures: waiting time (taken → first called) and service time (started 开始办理 → finished; a
number only called and closed is not served) per number and per centre over days (by the database; per window, staff or organisation through hall.indicators); average and
90th-percentile wait; bookings made, used and missed; the wait limit's warnings; the bulletin's section."""

from __future__ import annotations

import datetime as dt

from zhengwu.core import clock
from zhengwu.hall.models import Booking, QueueNumber


def minutes(span: dt.timedelta) -> float:
    return span.total_seconds() / 60


def figures(centre, *, first: dt.date, last: dt.date, now: dt.datetime | None = None) -> dict:
    """The hall's figures over the local days first..last, counted by the database (the one way the hall's figures
    are counted: the screens, the workbench's overview, the dashboard, the queue API and the monthly bulletin):
    numbers taken and called, the average, 90th-percentile (nearest rank, hall.indicators.p90_waits) and longest
    wait, served numbers and the average service, waiting now (today's numbers) and the longest wait now, bookings
    made (not cancelled), used and missed, and the no-show rate — one statement for the numbers, one for the
    bookings, and the percentile's ranking only once a number was called."""
    from django.db.models import Count, Max, Min, Q, Sum

    from zhengwu.hall import indicators

    now = now or clock.now()
    today_ = clock.local_date(now)
    numbers = QueueNumber.objects.filter(group__centre=centre, day__gte=first, day__lte=last).order_by()
    waiting = Q(state=QueueNumber.State.WAITING, day=today_)
    n = numbers.aggregate(
        taken=Count("pk"),
        called=Count("pk", filter=indicators.CALLED),
        wait=Sum(indicators.WAIT, filter=indicators.CALLED),
        longest=Max(indicators.WAIT, filter=indicators.CALLED),
        served=Count("pk", filter=indicators.SERVED),
        service=Sum(indicators.SERVICE, filter=indicators.SERVED),
        waiting_now=Count("pk", filter=waiting),
        first_waiting=Min("taken_at", filter=waiting),
    )
    b = (
        Booking.objects.filter(slot__group__centre=centre, slot__day__gte=first, slot__day__lte=last)
        .exclude(state=Booking.State.CANCELLED)
        .order_by()
        .aggregate(
            bookings=Count("pk"),
            bookings_used=Count("pk", filter=Q(state=Booking.State.CHECKED_IN)),
            no_shows=Count("pk", filter=Q(state=Booking.State.NO_SHOW)),
        )
    )
    p90 = indicators.p90_waits(numbers, None).get(None) if n["called"] else None
    judged = b["bookings_used"] + b["no_shows"]
    return {
        "first": first,
        "last": last,
        "taken": n["taken"],
        "called": n["called"],
        "average_wait": round(minutes(n["wait"]) / n["called"], 1) if n["called"] else None,
        "p90_wait": p90,
        "longest_wait": round(minutes(n["longest"]), 1) if n["called"] else None,
        "served": n["served"],
        "average_service": round(minutes(n["service"]) / n["served"], 1) if n["served"] else None,
        "waiting_now": n["waiting_now"],
        "longest_waiting_now": round(minutes(now - n["first_waiting"]), 1) if n["first_waiting"] else 0,
        **b,
        "no_show_rate": round(b["no_shows"] / judged, 3) if judged else None,
        "no_show_percent": percent(b["no_shows"] / judged) if judged else None,
    }


def percent(share: float) -> str:
    """12.5% — one decimal, as the bulletin prints a rate."""
    return f"{share * 100:.1f}%"


def today(centre, *, now: dt.datetime | None = None) -> dict:
    """The hall's day so far (the local day, Asia/Shanghai, core.clock), for the screens: `figures` over today."""
    now = now or clock.now()
    day = clock.local_date(now)
    return {"day": day, **figures(centre, first=day, last=day, now=now)}


def per_number(number: QueueNumber) -> dict:
    """One number's waiting and service minutes (None until they are known)."""
    wait = minutes(number.called_at - number.taken_at) if number.called_at else None
    service = (
        minutes(number.finished_at - number.served_at)
        if number.finished_at and number.served_at and number.state == QueueNumber.State.DONE
        else None
    )
    return {"wait": wait, "service": service}


# ---- the wait limit


WAIT_RULE = "hall.wait_over_limit"


def wait_recipients(number: QueueNumber, settings_) -> list:
    """Who is told of a long wait: the group's lead and the centre's duty manager; when neither is named, the
    centre managers of the organisation that runs the centre. Active accounts only, each once."""
    from zhengwu.core.models import Role, Staff

    users = [u for u in (number.group.lead, settings_.duty_manager) if u is not None and u.is_active]
    if not users and number.group.centre.managed_by_id:
        managers = Staff.objects.filter(
            organisation_id=number.group.centre.managed_by_id,
            roles__role=Role.CENTRE_MANAGER,
            user__is_active=True,
        ).select_related("user")
        users = [s.user for s in managers]
    return list({u.pk: u for u in users}.values())


def warn_long_waits(*, now: dt.datetime | None = None) -> list:
    """For each number of today whose wait (taken → called, or → now while waiting) went over the centre's limit,
    once per number: a supervision alert (rule `hall.wait_over_limit`) to the centre's managing organisation, a
    notice on the workbench of the group's lead and the centre's duty manager (or its managers), and an SMS to them
    through the outbox — all in one transaction, so a rolled-back run sends nothing."""
    from django.db import transaction
    from django.utils.translation import gettext

    from zhengwu.core import audit, outbox
    from zhengwu.hall.models import WaitNotice
    from zhengwu.hall.services import hall_settings
    from zhengwu.supervision.models import Alert, Severity

    now = now or clock.now()
    raised = []
    numbers = QueueNumber.objects.filter(day=clock.local_date(now)).select_related(
        "group__centre__managed_by", "group__lead"
    )
    cfgs: dict[int, object] = {}
    with transaction.atomic():
        for n in numbers:
            centre = n.group.centre
            if centre.managed_by_id is None:
                continue
            if centre.pk not in cfgs:
                cfgs[centre.pk] = hall_settings(centre)
            limit = cfgs[centre.pk].wait_limit_minutes
            if n.called_at is None and n.state != QueueNumber.State.WAITING:
                continue
            waited = minutes((n.called_at or now) - n.taken_at)
            if waited <= limit:
                continue
            key = f"{WAIT_RULE}:{n.pk}"
            if Alert.objects.filter(key=key).exists():
                continue
            taken = n.taken_at.astimezone(clock.LOCAL)
            said = {
                "centre": centre.name,
                "group": n.group.name,
                "number": n.display,
                "taken": f"{taken:%H:%M}",
                "minutes": int(waited),
                "limit": limit,
            }
            alert = Alert.objects.create(
                key=key,
                code=WAIT_RULE,
                severity=Severity.WARNING,
                title=gettext("大厅等候超时"),
                explanation=(
                    gettext(
                        "%(centre)s「%(group)s」%(number)s 号 %(taken)s 取号,等候 %(minutes)s 分钟,"
                        "超过中心规定的 %(limit)s 分钟"
                    )
                    if n.called_at
                    else gettext(
                        "%(centre)s「%(group)s」%(number)s 号 %(taken)s 取号,已等候 %(minutes)s 分钟,"
                        "超过中心规定的 %(limit)s 分钟"
                    )
                )
                % said,
                data={"number": n.display, "group": n.group.prefix, "minutes": int(waited), "limit": limit},
                organisation=centre.managed_by,
                raised_at=now,
            )
            text = (
                gettext(
                    "等候超时:%(centre)s「%(group)s」%(number)s 号 %(taken)s 取号,等候 %(minutes)s 分钟"
                    "(上限 %(limit)s 分钟),请协调窗口。"
                )
                if n.called_at
                else gettext(
                    "等候超时:%(centre)s「%(group)s」%(number)s 号 %(taken)s 取号,已等候 %(minutes)s 分钟"
                    "(上限 %(limit)s 分钟),请协调窗口。"
                )
            ) % said
            told = []
            for user in wait_recipients(n, cfgs[centre.pk]):
                _, made = WaitNotice.objects.get_or_create(
                    recipient=user, number=n, defaults={"alert": alert, "text": text, "created_at": now}
                )
                if not made:
                    continue
                staff = getattr(user, "staff", None)
                if staff is not None and staff.phone:
                    outbox.post("sms", staff.phone, text)
                told.append(user.pk)
            audit.record(
                "hall.wait_alert",
                alert,
                summary={"number": n.display, "minutes": int(waited), "told": told},
            )
            raised.append(alert)
    return raised


def acknowledge(*, notice, by) -> None:
    """The person told marks the notice read (知悉); only their own."""
    from django.db import transaction
    from django.utils.translation import gettext

    from zhengwu.core import audit
    from zhengwu.core.errors import AccessDenied
    from zhengwu.hall.models import WaitNotice

    if notice.recipient_id != getattr(by, "pk", None):
        raise AccessDenied(gettext("只能确认发给本人的提醒"))
    with transaction.atomic():
        if WaitNotice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=clock.now()):
            audit.record("hall.wait_notice_read", notice, actor=by)


# ---- the monthly bulletin


def bulletin_section(*, period, user=None) -> dict:
    """七、大厅等候与预约: per centre with window groups (those in the user's reach), the month's numbers, average
    and 90th-percentile wait, bookings made and used, and the no-show rate."""
    from zhengwu.core import access
    from zhengwu.core.models import ServiceCentre

    centres = ServiceCentre.objects.filter(window_groups__isnull=False).distinct().order_by("pk")
    if user is not None and not access.is_administrator(user):
        centres = centres.filter(pk__in=access.visible_centres(user).values("pk"))
    rows = []
    for centre in centres:
        f = figures(centre, first=period.first, last=period.last)
        rate = f["no_show_percent"] or "—"
        rows.append(
            [
                centre.name,
                f["taken"],
                "—" if f["average_wait"] is None else f["average_wait"],
                "—" if f["p90_wait"] is None else f["p90_wait"],
                f["bookings"],
                f["bookings_used"],
                rate,
            ]
        )
    header = ["服务中心", "取号数", "平均等候(分钟)", "90%等候(分钟)", "预约数", "预约到场", "爽约率"]
    return {"title": "七、大厅等候与预约", "header": header, "rows": rows}


# ---- delivery by method


def delivery_figures(*, cases) -> dict:
    """Per method chosen: cases that chose it, results posted (or carried), delivered and returned."""
    from django.db.models import Count

    from zhengwu.hall.models import Dispatch

    out: dict[str, dict] = {}
    for row in cases.exclude(requested_delivery="").values("requested_delivery").annotate(n=Count("pk")):
        out.setdefault(row["requested_delivery"], {"chosen": 0, "posted": 0, "delivered": 0, "returned": 0})
        out[row["requested_delivery"]]["chosen"] = row["n"]
    dispatches = (
        Dispatch.objects.filter(case__in=cases.values("pk")).values("method", "state").annotate(n=Count("pk"))
    )
    for row in dispatches:
        figures = out.setdefault(row["method"], {"chosen": 0, "posted": 0, "delivered": 0, "returned": 0})
        figures["posted"] += row["n"]
        if row["state"] in ("delivered", "returned"):
            figures[row["state"]] += row["n"]
    return out
