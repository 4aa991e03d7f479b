"""The hall's demo for the county centre: window groups with their prefixes, slot rules (working days, 延时服务 at
noon and after work, Saturday service), slots for the coming two weeks from the clock, bookings made by the hotline and at the
kiosk, and a queue in progress over the last hour and a half (called, served, waiting, a 绿色通道 person, a booking
checked in, an absentee re-queued). Every time is computed from the clock, so the demo works on any date."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zhengwu.core import calendar, clock
from zhengwu.core.context import acting_as
from zhengwu.core.models import ServiceCentre, Staff, Window
from zhengwu.hall import queue, services
from zhengwu.hall.models import DayKinds, HallSettings, QueueNumber, Slot, SlotRule, WindowGroup

CENTRE = "贵溪市政务服务中心"
GROUPS = [  # prefix, name, window numbers, average minutes
    ("A", "综合受理", ["1", "2", "3", "4", "5", "6", "7", "8"], 10),
    ("B", "企业开办", ["9", "10"], 15),
    ("C", "税务", ["11", "12", "13"], 8),
    ("D", "公安户政", ["14"], 12),
    ("E", "社保医保", ["18", "19", "20"], 10),
]
# The centre's published hours (冬季作息, 10月1日至次年4月30日): 上午 09:00–12:00, 下午 13:30–17:00 on working days;
# 午间延时服务 12:00–13:30 at 综合受理; 下班后延时服务 17:00–18:30 at 综合受理 and 公安户政; 周六上午 at 综合受理.
OPENS, CLOSES = "09:00", "17:00"
RULES = [  # prefix, days, weekdays, start, end, minutes, places, extended
    ("A", DayKinds.WORKDAYS, "12345", "09:00", "12:00", 30, 4, False),
    ("A", DayKinds.WORKDAYS, "12345", "12:00", "13:30", 30, 2, True),  # 午间延时服务
    ("A", DayKinds.WORKDAYS, "12345", "13:30", "17:00", 30, 4, False),
    ("A", DayKinds.WORKDAYS, "12345", "17:00", "18:30", 30, 2, True),  # 下班后延时服务
    ("A", DayKinds.WEEKENDS, "6", "09:00", "12:00", 60, 3, False),  # 周六不打烊
    ("B", DayKinds.WORKDAYS, "12345", "09:00", "12:00", 60, 2, False),
    ("B", DayKinds.WORKDAYS, "12345", "13:30", "17:00", 30, 1, False),
    ("C", DayKinds.WORKDAYS, "12345", "09:00", "12:00", 30, 3, False),
    ("C", DayKinds.WORKDAYS, "12345", "13:30", "17:00", 30, 3, False),
    ("D", DayKinds.WORKDAYS, "12345", "09:00", "12:00", 60, 3, False),
    ("D", DayKinds.WORKDAYS, "12345", "13:30", "17:00", 30, 2, False),
    ("D", DayKinds.WORKDAYS, "12345", "17:00", "18:30", 30, 2, True),  # 下班后延时服务
    ("E", DayKinds.WORKDAYS, "12345", "09:00", "12:00", 30, 3, False),
    ("E", DayKinds.WORKDAYS, "12345", "13:30", "17:00", 30, 3, False),
]
CALLERS = [
    ("王建华", "13907015281"),
    ("刘美玲", "13879016342"),
    ("吴火根", "13507019925"),
    ("徐燕", "13576011086"),
]


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _setup(centre: ServiceCentre) -> dict[str, WindowGroup]:
    HallSettings.objects.get_or_create(centre=centre)
    windows = {w.number: w for w in Window.objects.filter(centre=centre)}
    groups = {}
    for prefix, name, numbers, minutes in GROUPS:
        group, created = WindowGroup.objects.get_or_create(
            centre=centre, prefix=prefix, defaults={"name": name, "service_minutes": minutes}
        )
        if created:
            group.windows.set([windows[n] for n in numbers if n in windows])
        groups[prefix] = group
    for prefix, days, weekdays, start, end, minutes, places, extended in RULES:
        SlotRule.objects.get_or_create(
            group=groups[prefix],
            days=days,
            start=_time(start),
            end=_time(end),
            defaults={
                "weekdays": weekdays,
                "slot_minutes": minutes,
                "capacity": places,
                "extended": extended,
            },
        )
    return groups


def _bookings(groups: dict[str, WindowGroup], hotline) -> int:
    """A few bookings in the coming days (hotline and kiosk), one place of each of the first slots."""
    made = 0
    upcoming = Slot.objects.filter(group=groups["A"], start__gt=clock.now() + dt.timedelta(hours=2)).order_by(
        "start"
    )
    general = _items_of(groups["A"], len(CALLERS))
    for (name, phone), slot, item in zip(CALLERS, upcoming[::3], general, strict=False):
        services.book(slot=slot, item=item, channel="hotline", name=name, phone=phone, by=hotline)
        made += 1
    slot = Slot.objects.filter(group=groups["D"], start__gt=clock.now()).order_by("start").first()
    household = _items_of(groups["D"], 1)
    if slot is not None and household:
        services.book(
            slot=slot, item=household[0], channel="kiosk", name="桂水泉", phone="13607014369", green="elderly"
        )
        made += 1
    return made


def _items_of(group: WindowGroup, n: int) -> list:
    """The first n bookable items (by code) the group handles (hall.items: the catalogue's item → window mapping)."""
    from zhengwu.hall import items

    found = []
    for item in items.bookable_items(centre=group.centre).select_related("current_version").order_by("code"):
        if items.handles(group, item):
            found.append(item)
            if len(found) == n:
                break
    return found


MORNING_MINUTES = 90
# Booked for the morning's first two slots of 综合受理 by the hotline the day before: two come and check in, one does
# not (爽约), so the month's bookings, arrivals and no-show rate have figures.
MORNING_BOOKED = [
    ("程桂英", "13979016627", 0, True),
    ("夏文斌", "13870013395", 0, False),
    ("邹春花", "13607017742", 1, True),
]


def _morning_bookings(group: WindowGroup, start: dt.datetime, hotline) -> list[tuple[int, object]]:
    """The morning's bookings, made the day before (its slots generated then), as (minute of the morning when the
    person checks in, booking) — two minutes after their slot begins; None for the one who does not come."""
    day = clock.local_date(start)
    with clock.frozen(start - dt.timedelta(days=1)):
        services.generate_slots(centre=group.centre, first=day, days=1)
        slots = list(
            Slot.objects.filter(
                group=group,
                day=day,
                start__gte=start,
                start__lt=start + dt.timedelta(minutes=MORNING_MINUTES - 30),
            ).order_by("start")[:2]
        )
        items = _items_of(group, len(MORNING_BOOKED))
        if not slots or not items:
            return []
        arrivals = []
        for (name, phone, which, comes), item in zip(
            MORNING_BOOKED, items * len(MORNING_BOOKED), strict=False
        ):
            slot = slots[min(which, len(slots) - 1)]
            booking = services.book(
                slot=slot, item=item, channel="hotline", name=name, phone=phone, by=hotline
            )
            minute = int((slot.start - start).total_seconds() // 60) + 2
            arrivals.append((minute if comes else None, booking))
    return arrivals


def hall_open(now: dt.datetime) -> bool:
    """Is the hall open at the moment: a working day (the calendar's), between opening and closing time."""
    local = now.astimezone(clock.LOCAL)
    return calendar.is_workday(local.date()).workday and _time(OPENS) <= local.time() < _time(CLOSES)


def morning_start(now: dt.datetime) -> dt.datetime:
    """When the demo's morning queue starts. During the hall's opening hours of a working day: the last ninety minutes
    (from opening at the earliest), so the queue is in progress now. Outside them (before opening, after closing, at
    night, on a rest day or a holiday): 09:00 of the last working day that has already opened — a morning that is
    over, never one in the future, and today's figures stay honestly at zero."""
    local = now.astimezone(clock.LOCAL)
    opens, closes = _time(OPENS), _time(CLOSES)
    day = local.date()
    if hall_open(now):
        return max(
            local - dt.timedelta(minutes=MORNING_MINUTES), dt.datetime.combine(day, opens, tzinfo=clock.LOCAL)
        )
    if not (calendar.is_workday(day).workday and local.time() >= closes):
        day -= dt.timedelta(days=1)
    while not calendar.is_workday(day).workday:
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, opens, tzinfo=clock.LOCAL)


def _next_opening(group: WindowGroup, at: dt.datetime) -> dt.datetime | None:
    """None while the group gives numbers at the moment — queue.closed_refusal's own rule: its office hours and slot
    rules (延时服务, weekends), from EARLY_MINUTES before each opening; else when it next opens."""
    from zhengwu.hall.services import centre_hours
    from zhengwu.hall.slots import next_opening

    return next_opening(
        group.slot_rules.filter(is_active=True), at, hours=centre_hours(group.centre_id), group_id=group.pk
    )


def gives_numbers(group: WindowGroup, at: dt.datetime) -> bool:
    """Does the group give numbers at the moment (so the demo never asks for one while it is closed — its lunch
    break, the evening, a rest day)?"""
    return _next_opening(group, at) is None


def first_open_minute(group: WindowGroup, start: dt.datetime, minute: int, last: int) -> int | None:
    """The first minute of the morning from `minute` on, up to `last`, at which the group gives numbers (税务 closes
    12:00–13:30 while 综合受理 serves through the lunch break); None when it gives none in that time."""
    from zhengwu.hall.slots import EARLY_MINUTES

    at = start + dt.timedelta(minutes=minute)
    opens = _next_opening(group, at)
    if opens is None:
        return minute
    first = opens - dt.timedelta(minutes=EARLY_MINUTES) - start
    found = -(-int(first.total_seconds()) // 60)  # whole minutes, rounded up: never before it gives numbers
    return found if found <= last else None


def _morning(groups: dict[str, WindowGroup], clerks: dict[str, object], hotline) -> int:
    """Ninety minutes of the queue, in time order, within the hall's opening hours (`morning_start`): a number every
    four minutes, windows 1–3 calling every quarter of an hour, a 绿色通道 person registered at the desk, one absentee
    sent back to the queue. Up to now when the hall is open; a past morning is worked to its end (everyone served).
    A number is taken only while its group gives numbers (`gives_numbers`): in a lunch break 综合受理 serves (午间延时
    服务) while 税务 is closed, so the 税务 number that waits is taken once 税务 gives numbers again, or not at all."""
    now = clock.now()
    start = morning_start(now)
    a = groups["A"]
    windows = {n: Window.objects.get(centre=a.centre, number=n) for n in clerks}
    events = [(m, 0, "take", None) for m in range(0, 80, 4)]
    past = not hall_open(now)
    events.append((31, 1, "green", None))
    if not past:  # a 税务 number waits now (nobody calls 税务 in the demo), taken once 税务 gives numbers
        last = min(MORNING_MINUTES, int((now - start).total_seconds() // 60))
        tax = first_open_minute(groups["C"], start, 8, last)
        if tax is not None:
            events.append((tax, 1, "tax", None))
    for i, n in enumerate(clerks, start=1):
        events += [(3 + i * 2 + k * 15, 2, "call", n) for k in range(5)]
    for minute, booking in _morning_bookings(a, start, hotline):
        if minute is not None:
            events.append((minute, 1, "checkin", booking))
    events.sort(key=lambda e: (e[0], e[1]))
    absent_done = False
    for minute, _order, action, window in events:  # `window`: the window calling, or the booking checking in
        at = start + dt.timedelta(minutes=minute)
        if at > now:
            break  # the hall opened less than ninety minutes ago: the queue so far
        taker = groups["C"] if action == "tax" else a
        if action in ("take", "green", "tax") and not gives_numbers(taker, at):
            continue  # the group is closed then (its lunch break …): nobody can take a number
        with clock.frozen(at):
            if action == "take":
                source = "phone" if minute % 12 == 0 else "kiosk"
                queue.take_number(group=a, source=source, phone="13970012147" if source == "phone" else "")
            elif action == "green":
                queue.take_number(group=a, source="desk", green="elderly", by=hotline)
            elif action == "checkin":
                queue.check_in(booking=window)  # the booked person arrives and checks in on the phone
            elif action == "tax":
                queue.take_number(group=groups["C"], source="kiosk")
            else:
                called = queue.call_next(window=windows[window], by=clerks[window])
                if called is not None and window == "2" and not absent_done and minute > 20:
                    absent_done = True
                    queue.absent(number=called, by=clerks[window])  # 过号: back in the queue once
                elif called is not None:
                    queue.start(number=called, by=clerks[window])  # the person comes to the window
    if past:
        _close_morning(start + dt.timedelta(minutes=MORNING_MINUTES), windows, clerks)
    with clock.frozen(min(now, start + dt.timedelta(minutes=MORNING_MINUTES))):
        services.mark_no_shows()  # the scheduled job's: a booking not checked in by the end of its grace
    return QueueNumber.objects.filter(group__centre=a.centre, day=clock.local_date(start)).count()


def _close_morning(at: dt.datetime, windows: dict, clerks: dict) -> None:
    """A past morning worked to its end: its long waits warned of when they happened, then the windows call the rest
    every ten minutes until nobody waits, and the last ones are finished."""
    from zhengwu.hall import measures

    with clock.frozen(at):
        measures.warn_long_waits()
    for _round in range(20):
        at += dt.timedelta(minutes=10)
        with clock.frozen(at):
            called = [queue.call_next(window=windows[n], by=clerks[n]) for n in windows]
            for n, number in zip(windows, called, strict=True):
                if number is not None:
                    queue.start(number=number, by=clerks[n])  # the person comes to the window
        if not any(called):
            break
    with clock.frozen(at + dt.timedelta(minutes=10)):
        for n, window in windows.items():
            current = queue.current_at(window)
            if current is not None:
                queue.finish(number=current, by=clerks[n])


ADDRESSES = ["贵溪市雄石街道建设路12号", "贵溪市花园街道东门路88号3栋201室", "贵溪市志光镇上祝村3组15号"]


def _posted(centre: ServiceCentre, manager) -> int:
    """Decided demo cases of the centre whose guide offers post: the applicant chose post, the result went out by
    EMS with a tracking number, one of them already signed for."""
    from zhengwu.cases.models import Case, Status
    from zhengwu.core.errors import DomainError
    from zhengwu.hall import delivery

    posted = 0
    decided = Case.objects.filter(window__centre=centre, status=Status.DECIDED).order_by("pk")
    for case in decided:
        if "post" not in (case.version.result_delivery or []):
            continue
        clerk = (
            Staff.objects.filter(window=case.window, roles__role="window_clerk")
            .select_related("user")
            .first()
        )
        by = clerk.user if clerk else manager  # the window that took the case sends its result
        try:
            delivery.choose(case=case, method="post", address=ADDRESSES[posted % len(ADDRESSES)], by=None)
            serial = f"{20260001 + posted:08d}"
            tracking = f"EA{serial}{delivery.s10_check_digit(serial)}CN"  # UPU S10, with its check digit
            dispatch = delivery.post(case=case, tracking_number=tracking, carrier="EMS", by=by)
            if posted == 0 and clerk is not None:
                delivery.confirm(dispatch=dispatch, by=by)
        except DomainError:
            continue  # a case a step still holds (制证 …) is not ready to go out
        posted += 1
        if posted == 3:
            break
    return posted


def load_demo() -> str:
    centre = ServiceCentre.objects.filter(name=CENTRE).first()
    if centre is None:
        return "大厅演示:未找到县政务服务中心,跳过"
    staff = {
        s.user.username: s.user
        for s in Staff.objects.select_related("user").filter(
            user__username__in=["clerk", "clerk2", "clerk3", "hotline", "manager"]
        )
    }
    with acting_as(label="zhengwu demo"), transaction.atomic():
        groups = _setup(centre)
        slots = services.generate_slots(centre=centre)
        if Slot.objects.filter(group__centre=centre, bookings__isnull=False).exists():
            return f"大厅演示:已存在,新增预约时段 {slots} 个"
        made = _bookings(groups, staff.get("hotline"))
        clerks = {n: staff[u] for n, u in (("1", "clerk"), ("2", "clerk2"), ("3", "clerk3")) if u in staff}
        numbers = _morning(groups, clerks, staff.get("hotline")) if clerks else 0
        day = clock.local_date(morning_start(clock.now()))
        queue_day = (
            "今日" if hall_open(clock.now()) else f"{day:%m月%d日}(大厅开放时间外加载,排在最近一个工作日上午)"
        )
        from zhengwu.hall import measures

        measures.warn_long_waits()  # today's numbers (a past morning was warned of in its time)
        posted = _posted(centre, staff["manager"]) if "manager" in staff else 0
    return f"大厅演示:窗口分组 {len(groups)} 个,预约时段 {slots} 个,预约 {made} 个,{queue_day}排队号 {numbers} 个,邮寄结果 {posted} 件"
