"""What the hall's pages read: the days and slots open for booking, the calls the screen shows, the queue now."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from zhengwu.core import calendar, clock
from zhengwu.core.masking import mask_name
from zhengwu.hall import queue
from zhengwu.hall.models import QueueNumber, Slot, WindowGroup


def groups_of(centre) -> list[WindowGroup]:
    return list(
        WindowGroup.objects.filter(centre=centre, is_active=True).prefetch_related("items", "windows")
    )


def hall_centres():
    """The service centres whose hall gives numbers (an active window group), the county's centre first: where the
    portal offers 现场取号."""
    from zhengwu.core.models import ServiceCentre

    return (
        ServiceCentre.objects.filter(window_groups__is_active=True)
        .distinct()
        .order_by("region__level", "region__code", "pk")
    )


def watched_centres(user):
    """The halls (an active window group) among the centres the user sees (access.visible_centres): those whose
    overview they may open — a supervisor or manager of a city, each county's centre."""
    from zhengwu.core import access

    return hall_centres().filter(pk__in=access.visible_centres(user).values("pk"))


def bookable_groups(centre) -> set[int]:
    """The centre's groups that offer booking at all: a slot still to come (full or not)."""
    slots = Slot.objects.filter(group__centre=centre, start__gt=clock.now())
    return set(slots.values_list("group_id", flat=True).distinct())


def bookings_of(user):
    """The bookings made under the user's account, the latest slot first."""
    from zhengwu.hall.models import Booking

    return (
        Booking.objects.filter(user=user)
        .select_related("slot__group__centre", "item__current_version")
        .order_by("-slot__start", "-id")
    )


def bookable_days(group: WindowGroup, *, days: int = 14, item=None) -> list[dict]:
    """The coming days with the number of places still open in the group (for the item: the group's slots for all
    its items and those for this one)."""
    today = clock.today()
    slots = Slot.objects.filter(
        group=group, day__gte=today, day__lt=today + dt.timedelta(days=days), start__gt=clock.now()
    )
    if item is not None:
        slots = slots.filter(Q(item__isnull=True) | Q(item=item))
    rows = (
        slots.values("day")
        .annotate(places=Sum(F("capacity") - F("booked")), slots=Count("pk"))
        .order_by("day")
    )
    return [
        {
            "day": r["day"],
            "label": _("%(date)s 星期%(weekday)s")
            % {
                "date": _("%(month)s月%(day)s日") % {"month": r["day"].month, "day": r["day"].day},
                "weekday": calendar.WEEKDAY_NAMES[r["day"].weekday()],
            },
            "places": r["places"],
        }
        for r in rows
    ]


def slot_label(slot: Slot) -> str:
    start, end = slot.start.astimezone(clock.LOCAL), slot.end.astimezone(clock.LOCAL)
    return f"{start:%H:%M}–{end:%H:%M}"


def slot_when(slot: Slot) -> str:
    """A booking's day and time as the person who booked reads them: 2026年11月19日 09:00–10:00 (not ISO)."""
    return f"{calendar.chinese_date(clock.local_date(slot.start))} {slot_label(slot)}"


def calls(centre, *, limit: int = 8) -> list[dict]:
    """The latest calls of the day (newest first) for the hall screen: number, window, when announced."""
    numbers = (
        QueueNumber.objects.filter(
            group__centre=centre, day=clock.today(), announced_at__isnull=False, window__isnull=False
        )
        .filter(state__in=(QueueNumber.State.CALLED, QueueNumber.State.SERVING))
        .select_related("window")
        .order_by("-announced_at", "-id")[:limit]
    )
    return [
        {
            "id": n.pk,
            "number": n.display,
            "window": n.window.number,
            "window_name": str(n.window),
            "at": n.announced_at.isoformat(),
            "say": _("请%(number)s号到%(window)s号窗口办理")
            % {"number": " ".join(n.display), "window": n.window.number},
        }
        for n in numbers
    ]


def queue_now(centre, *, upcoming: bool = False) -> list[dict]:
    """Per active group: waiting now, numbers taken today, done today — one grouped count over the local day; with
    `upcoming`, also the next five to be called in each group (the workbench's overview)."""
    today = clock.today()
    groups = list(WindowGroup.objects.filter(centre=centre, is_active=True))
    counts = {
        row.pop("group_id"): row
        for row in QueueNumber.objects.filter(group__in=groups, day=today)
        .order_by()
        .values("group_id")
        .annotate(
            waiting=Count("pk", filter=Q(state=QueueNumber.State.WAITING)),
            taken=Count("pk"),
            done=Count("pk", filter=Q(state=QueueNumber.State.DONE)),
        )
    }
    none = {"waiting": 0, "taken": 0, "done": 0}
    return [
        {
            "group": group,
            "prefix": group.prefix,
            "name": group.name,
            **counts.get(group.pk, none),
            "next": queue.waiting_in([group])[:5] if upcoming else [],
        }
        for group in groups
    ]


def window_status(centre) -> list[dict]:
    """Each active window of the centre now, for the hall's overview (its workers and the supervisors who watch it):
    the groups it serves, who sits at it, the number it has called or serves (since when) and how many it finished
    today. A window nobody sits at is 无人值守. Four queries, whatever the number of windows."""
    from zhengwu.core.models import Staff, Window

    today = clock.today()
    windows = list(Window.objects.filter(centre=centre, is_active=True).order_by("number", "pk"))
    groups: dict[int, list[str]] = {}
    served = WindowGroup.windows.through.objects.filter(window__in=windows, windowgroup__is_active=True)
    for window_id, prefix, name in served.order_by("windowgroup__prefix").values_list(
        "window_id", "windowgroup__prefix", "windowgroup__name"
    ):
        groups.setdefault(window_id, []).append(f"{prefix} {name}")
    sitting: dict[int, list[str]] = {}
    for staff in Staff.objects.filter(window__in=windows, user__is_active=True).order_by("name", "pk"):
        sitting.setdefault(staff.window_id, []).append(staff.name)
    numbers = QueueNumber.objects.filter(window__in=windows, day=today)
    current = {}
    for n in numbers.filter(state__in=(QueueNumber.State.CALLED, QueueNumber.State.SERVING)).order_by(
        "announced_at", "id"
    ):
        current[n.window_id] = n  # the latest call at each window wins
    done = dict(
        numbers.filter(state=QueueNumber.State.DONE)
        .order_by()
        .values("window_id")
        .annotate(n=Count("pk"))
        .values_list("window_id", "n")
    )
    rows = []
    for window in windows:
        number = current.get(window.pk)
        if number is not None:
            since = number.served_at if number.state == QueueNumber.State.SERVING else number.announced_at
            state = number.get_state_display()
        else:
            since, state = None, _("空闲") if window.pk in sitting else _("无人值守")
        rows.append(
            {
                "window": window,
                "groups": groups.get(window.pk, []),
                "staff": sitting.get(window.pk, []),
                "number": number,
                "state": state,
                "since": since.astimezone(clock.LOCAL).strftime("%H:%M") if since else "",
                "done": done.get(window.pk, 0),
            }
        )
    return rows


def masked(name: str) -> str:
    return mask_name(name)


def screen_context(centre) -> dict:
    """What the hall screen shows of the queue: the latest calls, waiting per group (and which groups are paused,
    till when), waiting now and today's wait."""
    from zhengwu.hall import measures

    state = hall_state(centre)
    return {
        "calls": calls(centre),
        "queues": screen_queues(centre, paused=state["closed_groups"]),
        "hall_today": measures.today(centre),
        "hall_hours": office_hours_text(centre),
        "hall_state": state,
    }


def screen_queues(centre, *, paused: dict[int, str] | None = None) -> list[dict]:
    """The hall screen's waiting per group, as its page and its JSON feed show it: a group outside its hours says so
    in the kiosk's words (暂停取号 · 今天 13:30 开放), so whoever holds its number knows why none is called.
    `paused`: the groups' opening words when already read (hall_state's closed_groups)."""
    if paused is None:
        paused = paused_groups(centre)
    rows = []
    for q in queue_now(centre):
        opens = paused.get(q["group"].pk, "")
        rows.append(
            {
                "prefix": q["prefix"],
                "name": q["name"],
                "waiting": q["waiting"],
                "opens": opens,
                "paused": _("暂停取号 · %(when)s 开放") % {"when": opens} if opens else "",
            }
        )
    return rows


def office_hours_text(centre) -> dict:
    """The centre's office hours for the public: today's season first ({"now": "冬季作息 工作日 上午 …", "others":
    ["夏季作息(5月1日起)上午 …"]}); the ordinary hours when none are set (one statement)."""
    from zhengwu.hall import slots
    from zhengwu.hall.models import OpeningHours

    rows = list(OpeningHours.objects.filter(centre=centre, group__isnull=True))
    current = slots.season(rows, clock.today())
    extra = {"extended": extended_hours_text(centre)}
    if current is None:
        (a, b), (c, d) = slots.DEFAULT_HOURS
        now = _("工作日 上午 %(a)s–%(b)s,下午 %(c)s–%(d)s") % {
            "a": f"{a:%H:%M}",
            "b": f"{b:%H:%M}",
            "c": f"{c:%H:%M}",
            "d": f"{d:%H:%M}",
        }
        return {"now": now, "others": [], **extra}
    return {
        "now": _("%(season)s 工作日 %(hours)s") % {"season": current.name, "hours": current.label},
        "others": [
            _("%(season)s(%(month)s月%(day)s日起)%(hours)s")
            % {"season": r.name, "month": r.from_month, "day": r.from_day, "hours": r.label}
            for r in rows
            if r.pk != current.pk
        ],
        **extra,
    }


def _days_label(rule) -> str:
    from zhengwu.hall.models import DayKinds

    if rule.days == DayKinds.WORKDAYS:
        return _("工作日")
    names = _("、").join(
        _("周%(weekday)s") % {"weekday": calendar.WEEKDAY_NAMES[int(d) - 1]}
        for d in sorted(set(rule.weekdays))
        if d in "1234567"
    )
    return _("%(days)s(法定节假日)") % {"days": names} if rule.days == DayKinds.HOLIDAYS else names


def extended_hours_text(centre) -> list[str]:
    """The hours beyond the working-day office hours, by window group, from the slot rules the bookable slots are
    made from (the same source: 延时服务 — at noon, after work — and weekend or holiday service): one line per
    group that has any, e.g. "综合受理(A):工作日 12:00–13:30 午间延时服务、17:00–18:30 下班后延时服务;周六
    09:00–12:00". Active rules of active groups not yet expired (one statement)."""
    from zhengwu.hall.models import DayKinds, SlotRule

    today = clock.today()
    rules = (
        SlotRule.objects.filter(group__centre=centre, group__is_active=True, is_active=True)
        .filter(Q(extended=True) | ~Q(days=DayKinds.WORKDAYS))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("group")
        .order_by("group__prefix", "group_id", "-days", "start")  # workdays, weekends, holidays
    )
    groups: dict[int, tuple[str, dict[str, list[str]]]] = {}
    for r in rules:
        label, by_days = groups.setdefault(
            r.group_id, (_("%(group)s(%(prefix)s)") % {"group": r.group.name, "prefix": r.group.prefix}, {})
        )
        when = f"{r.start:%H:%M}–{r.end:%H:%M}" + (f" {r.extended_label}" if r.extended else "")
        spans = by_days.setdefault(_days_label(r), [])
        if when not in spans:
            spans.append(when)
    return [
        _("%(group)s:%(hours)s")
        % {
            "group": label,
            "hours": _(";").join(f"{days} " + _("、").join(spans) for days, spans in by_days.items()),
        }
        for label, by_days in groups.values()
    ]


def dashboard_context(user) -> dict:
    """The supervision dashboard's hall panel: each centre in the user's reach that has window groups — waiting now
    and today, and the month so far from the SQL aggregates of supervision's indicators (hall.indicators)."""
    from zhengwu.core import access
    from zhengwu.core.models import Organisation, ServiceCentre
    from zhengwu.hall import indicators, measures
    from zhengwu.supervision.indicators import Period

    centres = ServiceCentre.objects.filter(window_groups__isnull=False).distinct().order_by("pk")
    if not access.is_administrator(user):
        centres = centres.filter(pk__in=access.visible_centres(user).values("pk"))
    centres = list(centres[:20])
    today = clock.today()
    month = indicators.source(
        period=Period(today.replace(day=1), today), organisations=Organisation.objects.all(), by="centre"
    )
    return {
        "hall_panels": [{"centre": c.name, **measures.today(c)} for c in centres],
        "hall_month": [_month_row(c, month.get(c.pk, {})) for c in centres],
    }


def _month_row(centre, figures: dict) -> dict:
    from zhengwu.hall import indicators, measures

    row = {"centre": centre.name, **dict.fromkeys(indicators.AVERAGES), **figures}
    rate = row["hall_no_show_rate"]
    row["hall_no_show_percent"] = None if rate is None else measures.percent(rate)
    return row


def wait_notices(user):
    """The wait warnings sent to the user, unread first, newest first."""
    from zhengwu.hall.models import WaitNotice

    return (
        WaitNotice.objects.filter(recipient=user)
        .select_related("number__group")
        .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")
    )


def unread_wait_notices(user):
    from zhengwu.hall.models import WaitNotice

    return WaitNotice.objects.filter(recipient=user, read_at__isnull=True).order_by("-created_at", "-id")


@calendar.checked_once
def hall_state(centre, *, now=None) -> dict:
    """Is the hall giving numbers now (any active group within its hours — hall.slots.next_opening: the centre's
    office hours on the calendar's working days, 国务院关于职工工作时间的规定 第七条, and its groups' slot rules)? When
    closed: why in a word (今日不办公 / 尚未开始办公 / 午间休息 / 已下班), when it next opens, and the figures of the
    last day it gave numbers (on or before today), labelled with that day — never a blank day of zeros."""
    from zhengwu.hall import measures, slots

    now = now or clock.now()
    local = now.astimezone(clock.LOCAL)
    day = local.date()
    groups, rules, hours, openings = _openings(centre, now)
    periods = set()
    for group in groups:
        periods |= set(slots.hours_on([r for r in rules if r.group_id == group], day, hours, group))
    closed = {g: slots.opening_words(o, now) for g, o in openings.items()}
    days = hall_calendar(groups, rules, hours, day)
    if len(openings) < len(groups) or not groups:
        return {"open": True, "closed_groups": closed, **days}
    if not periods:
        reason = _("今日不办公")
    elif local.time() < min(p[0] for p in periods):
        reason = _("尚未开始办公")
    elif local.time() >= max(p[1] for p in periods):
        reason = _("已下班")
    else:
        reason = _("午间休息")
    opens = min(openings.values())
    last_day = (
        QueueNumber.objects.filter(group__centre=centre, day__lte=day)
        .order_by("-day")
        .values_list("day", flat=True)
    ).first()
    last = None
    if last_day is not None:
        last = measures.figures(centre, first=last_day, last=last_day, now=now)
        last["label"] = _("今日") if last_day == day else day_label(last_day)
    return {
        **days,
        "open": False,
        "closed_groups": closed,
        "reason": reason,
        "next_opening": opens,
        "next_opening_label": slots.opening_words(opens, now) if opens else "",
        "early": slots.EARLY_MINUTES,
        "reopens": opens - dt.timedelta(minutes=slots.EARLY_MINUTES) if opens else None,
        "last_day": last_day,
        "last": last,
    }


def _openings(centre, now) -> tuple[list[int], list, list, dict]:
    """The centre's active groups, their slot rules, its office hours, and when each group not giving numbers at
    `now` next opens (hall.slots.next_opening)."""
    from zhengwu.hall import slots
    from zhengwu.hall.models import OpeningHours, SlotRule

    groups = list(WindowGroup.objects.filter(centre=centre, is_active=True).values_list("pk", flat=True))
    rules = list(SlotRule.objects.filter(group_id__in=groups, is_active=True))
    hours = list(OpeningHours.objects.filter(centre=centre))
    openings = {}  # group → when it next opens, for the groups not giving numbers now
    for group in groups:
        own = [r for r in rules if r.group_id == group]
        opens = slots.next_opening(own, now, hours=hours, group_id=group)
        if opens is not None:
            openings[group] = opens
    return groups, rules, hours, openings


@calendar.checked_once
def paused_groups(centre, *, now=None) -> dict[int, str]:
    """The groups not giving numbers now, each with when it opens in words (今天 13:30) — hall_state's closed_groups
    without the rest, for the screen's feed read every few seconds."""
    from zhengwu.hall import slots

    now = now or clock.now()
    return {g: slots.opening_words(o, now) for g, o in _openings(centre, now)[3].items()}


# How far ahead the hall screen and the site announce a closure for a statutory holiday (and an adjusted working day).
NOTICE_DAYS = 14
# The holidays on fixed days of the solar calendar (全国年节及纪念日放假办法 第二条), to name a closure of a year an
# administrator loaded (a loaded year lists dates without names); the lunar ones stay 法定节假日.
FIXED_HOLIDAYS = {(1, 1): _lazy("元旦"), (5, 1): _lazy("劳动节"), (10, 1): _lazy("国庆节")}


def _holiday_name(day: dt.date) -> str:
    """The name of the holiday the day belongs to: the calendar's; for a loaded year, the fixed-day holiday within
    the run of holidays around the day (元旦 for 1月2日 of 1月1日–3日); else 法定节假日."""

    check = calendar.is_workday(day)
    if check.name:
        return check.name
    one = dt.timedelta(days=1)
    first = last = day
    while day - first < dt.timedelta(days=10) and calendar.is_workday(first - one).kind == check.kind:
        first -= one
    while last - day < dt.timedelta(days=10) and calendar.is_workday(last + one).kind == check.kind:
        last += one
    while first <= last:
        if (first.month, first.day) in FIXED_HOLIDAYS:
            return str(FIXED_HOLIDAYS[(first.month, first.day)])
        first += one
    return _("法定节假日")


def _open_on(groups, rules, hours, day: dt.date) -> bool:
    """Does any of the groups have hours on the day (hall.slots.hours_on: office hours on the calendar's working
    days, and the slot rules that apply that day)?"""
    from zhengwu.hall import slots

    return any(slots.hours_on([r for r in rules if r.group_id == g], day, hours, g) for g in groups)


@calendar.checked_once
def hall_calendar(groups, rules, hours, today: dt.date) -> dict:
    """What the working-day calendar means for the hall, from today, as the screen and the site state it
    (全国年节及纪念日放假办法 第二条、第六条 and the yearly 放假安排: holidays off, 调休上班 days worked; 国务院关于
    职工工作时间的规定 第七条): 今日休息 when no group has hours today (with the holiday's name); the next statutory
    holiday within NOTICE_DAYS on which the hall is closed — the run of closed days around it and the day it opens
    again; the next adjusted working day it opens on. `groups` are ids, `rules` the groups' active slot rules, `hours`
    the centre's office-hours rows. {"today_closed": bool, "calendar_lines": [...]}; nothing for no group."""

    if not groups:
        return {"today_closed": False, "calendar_lines": []}
    rules = [r for r in rules if r.is_active]
    horizon = [today + dt.timedelta(days=n) for n in range(NOTICE_DAYS + 1)]
    is_open = {d: _open_on(groups, rules, hours, d) for d in horizon}
    lines = []
    today_closed = not is_open[today]
    if today_closed:
        check = calendar.is_workday(today)
        holiday = check.kind == calendar.DayKind.HOLIDAY
        lines.append(
            _("今日休息(%(holiday)s)") % {"holiday": _holiday_name(today)} if holiday else _("今日休息")
        )
    holiday = next(
        (d for d in horizon if not is_open[d] and calendar.is_workday(d).kind == calendar.DayKind.HOLIDAY),
        None,
    )
    if holiday is not None:
        first = holiday
        while first > today and not is_open[first - dt.timedelta(days=1)]:
            first -= dt.timedelta(days=1)
        last = holiday
        while not _open_on(
            groups, rules, hours, last + dt.timedelta(days=1)
        ) and last < holiday + dt.timedelta(days=NOTICE_DAYS):
            last += dt.timedelta(days=1)
        name = _holiday_name(holiday)
        span = (
            day_label(first)
            if first == last
            else _("%(first)s至%(last)s") % {"first": day_label(first), "last": day_label(last)}
        )
        reopens = last + dt.timedelta(days=1)
        if _open_on(groups, rules, hours, reopens):
            line = _("%(holiday)s放假:%(span)s休息,%(reopens)s起照常办公") % {
                "holiday": name,
                "span": span,
                "reopens": day_label(reopens),
            }
        else:
            line = _("%(holiday)s放假:%(span)s休息") % {"holiday": name, "span": span}
        lines.append(line)
    adjusted = next(
        (
            d
            for d in horizon
            if is_open[d] and calendar.is_workday(d).kind == calendar.DayKind.ADJUSTED_WORKDAY
        ),
        None,
    )
    if adjusted is not None:
        lines.append(_("%(day)s调休上班,照常办公") % {"day": day_label(adjusted)})
    return {"today_closed": today_closed, "calendar_lines": lines}


# The site's statement of the hours is on every public page: kept in the cache for the day, and made again when a
# centre's office hours, slot rules or groups, or the calendar, change (hall.apps connects forget_public_hours).
PUBLIC_HOURS_SECONDS = 300
_PUBLIC_HOURS_VERSION = "hall:public_hours:version"


def public_hours(centre) -> list[str]:
    """The centre's opening hours as the portal states them (footer, home page), one statement a line, from what the
    hall screen's hours lines and the bookable slots come from: the office hours by season (office_hours_text), the
    延时服务 and weekend service by group (extended_hours_text), and the calendar's closures (hall_calendar). [] for a
    centre without an active window group: the portal then keeps the centre's own text."""
    from django.core.cache import cache

    key = f"hall:public_hours:{centre.pk}:{clock.today().isoformat()}:{cache.get(_PUBLIC_HOURS_VERSION, 0)}"
    found = cache.get(key)
    if found is None:
        found = _public_hours(centre)
        cache.set(key, found, PUBLIC_HOURS_SECONDS)
    return found


def forget_public_hours(**kwargs) -> None:
    from django.core.cache import cache

    try:
        cache.incr(_PUBLIC_HOURS_VERSION)
    except ValueError:
        cache.set(_PUBLIC_HOURS_VERSION, 1, None)


def _public_hours(centre) -> list[str]:
    from zhengwu.hall.models import OpeningHours, SlotRule

    groups = list(WindowGroup.objects.filter(centre=centre, is_active=True).values_list("pk", flat=True))
    if not groups:
        return []
    rules = list(SlotRule.objects.filter(group_id__in=groups, is_active=True))
    hours = list(OpeningHours.objects.filter(centre=centre))
    text = office_hours_text(centre)
    lines = [
        text["now"],
        *text["others"],
        *hall_calendar(groups, rules, hours, clock.today())["calendar_lines"],
    ]
    if text["extended"]:
        lines += [_("延时服务和周末服务(可预约、可取号):"), *text["extended"]]
    return lines


def day_label(day) -> str:
    """12月4日(星期五)"""
    return _("%(month)s月%(day)s日(星期%(weekday)s)") % {
        "month": day.month,
        "day": day.day,
        "weekday": calendar.WEEKDAY_NAMES[day.weekday()],
    }


# ---- what the workbench's hall pages read (moved out of the views, issue 15)


def staff_centre(user, staff):
    """The staff member's hall: the centre of their window, else the first centre in reach that has window groups,
    else (the hotline) the first of their region's centres; any centre in reach before none (None: no centre)."""
    from zhengwu.core import access
    from zhengwu.core.models import ServiceCentre

    if staff.window_id:
        return staff.window.centre
    visible = access.visible_centres(user).order_by("region__level", "pk")
    regional = ServiceCentre.objects.filter(access.in_region_q(staff.organisation.region)).order_by(
        "region__level", "pk"
    )
    for candidates in (
        visible.filter(window_groups__isnull=False),
        regional.filter(window_groups__isnull=False),
    ):
        centre = candidates.distinct().first()
        if centre is not None:
            return centre
    return visible.first() or regional.first()


def active_groups(centre):
    """The centre's window groups in use (a queryset)."""
    return WindowGroup.objects.filter(centre=centre, is_active=True)


def groups_at(window) -> list[WindowGroup]:
    """The groups a window serves."""
    return list(WindowGroup.objects.filter(windows=window, is_active=True))


def group(pk: int | None) -> WindowGroup | None:
    return WindowGroup.objects.filter(pk=pk).first() if pk else None


def active_group(pk: int) -> WindowGroup | None:
    """A window group in use by its id (where slots are asked for), or None."""
    return WindowGroup.objects.filter(pk=pk, is_active=True).first()


def slot(pk: int) -> Slot | None:
    """A slot by its id (the one a booking asks for), or None; the booking service checks it may be booked."""
    return Slot.objects.filter(pk=pk).first()


def window(pk: int):
    """A window by its id (a terminal's), or None; the queue's services check who may work it (queue._terminal)."""
    from zhengwu.core.models import Window

    return Window.objects.filter(pk=pk).first()


def terminal_number(user, pk: int) -> QueueNumber | None:
    """A queue number by its id, of a centre where the user may see a window (access.visible_windows: the clerk at a
    window, the centre's and the region's managers), or None — a number of another centre is not found rather than
    answered with its display and state. Who may act on it at which window is the queue's services' question."""
    from zhengwu.core import access

    windows = access.visible_windows(user)
    return (
        QueueNumber.objects.filter(pk=pk)
        .filter(Q(group__centre__in=windows.values("centre_id")) | Q(window__in=windows))
        .first()
    )


def slot_rules(centre):
    from zhengwu.hall.models import SlotRule

    return SlotRule.objects.filter(group__centre=centre).select_related("group", "item")


def opening_hours(centre):
    from zhengwu.hall.models import OpeningHours

    return OpeningHours.objects.filter(centre=centre).select_related("group")


def own_wait_notice(user, pk: int):
    """A long-wait notice addressed to the user, or None."""
    from zhengwu.hall.models import WaitNotice

    return WaitNotice.objects.filter(pk=pk, recipient=user).first()


def done_today(window) -> int:
    """How many numbers the window has finished today."""
    return QueueNumber.objects.filter(window=window, day=clock.today(), state=QueueNumber.State.DONE).count()


def queue_number(pk: int | None, *, centre=None) -> QueueNumber | None:
    """A queue number by its id (of `centre` when given), or None."""
    if not pk:
        return None
    numbers = QueueNumber.objects.filter(pk=pk)
    return (numbers.filter(group__centre=centre) if centre is not None else numbers).first()


def slot_of(group: WindowGroup | None, pk: int | None) -> Slot | None:
    return Slot.objects.filter(pk=pk, group=group).first() if group is not None and pk else None


def upcoming_bookings(centre, *, limit: int = 20):
    """The centre's bookings still to come, soonest first."""
    from zhengwu.hall.models import Booking

    return (
        Booking.objects.filter(
            slot__group__centre=centre, slot__start__gte=clock.now(), state=Booking.State.BOOKED
        )
        .select_related("slot__group", "item__current_version")
        .order_by("slot__start")[:limit]
    )


def centre_cases(centre):
    """The cases received at the centre's windows (the delivery page's cases)."""
    from zhengwu.cases.models import Case

    return Case.objects.filter(window__centre=centre)


def to_post(cases, *, limit: int = 50):
    """Decided cases whose result goes by post or to the door and is not on its way yet, the oldest decision first."""
    from zhengwu.cases.models import Delivery, Status
    from zhengwu.hall.models import Dispatch

    return (
        cases.filter(status=Status.DECIDED, requested_delivery__in=[Delivery.POST, Delivery.HOME])
        .exclude(hall_dispatches__state=Dispatch.State.POSTED)
        .select_related("applicant", "version", "organisation", "window")
        .order_by("decided_at")[:limit]
    )


def posted(cases):
    """The dispatches of these cases on their way."""
    from zhengwu.hall.models import Dispatch

    return Dispatch.objects.filter(case__in=cases, state=Dispatch.State.POSTED).select_related(
        "case__version"
    )


def dispatch_of(cases, pk: int | None):
    from zhengwu.hall.models import Dispatch

    return Dispatch.objects.filter(pk=pk, case__in=cases).first() if pk else None


def upcoming_bookings_of(user):
    """The bookings under the user's account still to come, soonest first (the portal's 我的预约)."""
    from zhengwu.hall.models import Booking

    return (
        Booking.objects.filter(user=user, state=Booking.State.BOOKED, slot__start__gt=clock.now())
        .select_related("slot__group__centre", "item__current_version")
        .order_by("slot__start")
    )


def number_of_booking(booking) -> QueueNumber | None:
    """The queue number a booking was checked in with, if any."""
    return QueueNumber.objects.filter(booking=booking).first()
