"""Which slots a centre's rules make on a day. Pure: the rules and the calendar in, (start, end, …) out."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhengwu.core import calendar, clock
from zhengwu.hall.models import DayKinds, SlotRule


@dataclass(frozen=True)
class Planned:
    rule: SlotRule
    day: dt.date
    start: dt.datetime
    end: dt.datetime
    capacity: int
    extended: bool


def extended_label(start: dt.time, end: dt.time) -> str:
    """What an extended-service period (延时服务) is, by its hours: at noon (午间延时, between the morning's close and
    the afternoon's opening), after work (下班后延时), before work (上班前延时)."""
    if start >= dt.time(11) and end <= dt.time(14, 30):
        return _("午间延时服务")
    if start >= dt.time(17):
        return _("下班后延时服务")
    if end <= dt.time(9):
        return _("上班前延时服务")
    return _("延时服务")


def day_kind(day: dt.date) -> str:
    """The kind of day a rule is written for. 国务院关于职工工作时间的规定 第七条 (weekly rest on Saturday and Sunday);
    全国年节及纪念日放假办法 第二条、第六条 and the yearly notice: holidays off, adjusted working days (调休上班) worked."""
    check = calendar.is_workday(day)
    if check.workday:
        return DayKinds.WORKDAYS
    if check.kind == calendar.DayKind.HOLIDAY:
        return DayKinds.HOLIDAYS
    return DayKinds.WEEKENDS


def applies(rule: SlotRule, day: dt.date) -> bool:
    """Does the rule make slots on the day? Working-day rules follow the calendar (an adjusted working day on a Saturday
    is a working day whatever the rule's weekdays say); weekend and holiday rules also check the rule's weekdays."""
    if not rule.is_active:
        return False
    if (rule.valid_from and day < rule.valid_from) or (rule.valid_to and day > rule.valid_to):
        return False
    kind = day_kind(day)
    if kind != rule.days:
        return False
    if kind == DayKinds.WORKDAYS and day.weekday() >= 5:
        return True  # 调休上班日: served as a working day
    return str(day.isoweekday()) in rule.weekdays


def plan_day(rules, day: dt.date) -> list[Planned]:
    """Every slot the rules make on the day, in time order (local times of the day, stored as moments)."""
    planned = []
    for rule in rules:
        if not applies(rule, day):
            continue
        length = dt.timedelta(minutes=rule.slot_minutes)
        start = dt.datetime.combine(day, rule.start, tzinfo=clock.LOCAL)
        close = dt.datetime.combine(day, rule.end, tzinfo=clock.LOCAL)
        while start + length <= close:
            planned.append(Planned(rule, day, start, start + length, rule.capacity, rule.extended))
            start += length
    planned.sort(key=lambda p: (p.start, p.rule.pk or 0))
    return planned


# The ordinary office hours on working days when the centre has set none (the published 冬季作息 of the demo county).
DEFAULT_HOURS = ((dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17)))
EARLY_MINUTES = 30  # numbers are given from half an hour before the hours open, so people queue at the door


def season(rows, day: dt.date):
    """The row of office hours in force on the day: the one whose start (month, day) came last on or before it; before
    the year's first start, the year's last one (冬季作息 from 10月1日 runs on into the next year)."""
    rows = sorted(rows, key=lambda r: (r.from_month, r.from_day))
    if not rows:
        return None
    started = [r for r in rows if (r.from_month, r.from_day) <= (day.month, day.day)]
    return started[-1] if started else rows[-1]


def office_hours(hours, day: dt.date, group_id: int | None = None) -> list[tuple[dt.time, dt.time]]:
    """The office hours on the day, from the centre's rows (`hours`: hall.models.OpeningHours; the group's own rows
    before the centre's): working days only — 国务院关于职工工作时间的规定 第七条 and the yearly 放假安排 (调休上班 days
    are worked); the season's hours (作息时间 set by the local government and the centre), or DEFAULT_HOURS."""
    if not calendar.is_workday(day).workday:
        return []
    hours = list(hours)
    own = [r for r in hours if group_id is not None and r.group_id == group_id]
    chosen = season(own or [r for r in hours if r.group_id is None], day)
    return chosen.periods if chosen is not None else list(DEFAULT_HOURS)


def within(start: dt.time, end: dt.time, periods) -> bool:
    return any(open_ <= start and end <= close for open_, close in periods)


def hours_on(rules, day: dt.date, hours=(), group_id: int | None = None) -> list[tuple[dt.time, dt.time]]:
    """The group's opening hours on the day: the office hours on a working day (office_hours) and the hours of its
    slot rules that apply that day (延时服务, weekend service; working days follow the calendar)."""
    periods = set(office_hours(hours, day, group_id))
    periods |= {(r.start, r.end) for r in rules if applies(r, day)}
    return sorted(periods)


@calendar.checked_once
def next_opening(
    rules, moment: dt.datetime, *, hours=(), group_id: int | None = None, horizon: int = 60
) -> dt.datetime | None:
    """None while the group gives numbers at `moment` (its hours, from EARLY_MINUTES before each opening); else
    when it next opens (within `horizon` days)."""
    local = moment.astimezone(clock.LOCAL)
    early = dt.timedelta(minutes=EARLY_MINUTES)
    rules, hours = list(rules), list(hours)
    for offset in range(horizon + 1):
        day = local.date() + dt.timedelta(days=offset)
        for start, end in hours_on(rules, day, hours, group_id):
            opens = dt.datetime.combine(day, start, tzinfo=clock.LOCAL)
            closes = dt.datetime.combine(day, end, tzinfo=clock.LOCAL)
            if offset == 0 and opens - early <= local < closes:
                return None
            if opens > local:
                return opens
    return local + dt.timedelta(days=horizon + 1)  # nothing planned: closed for now


def opening_words(moment: dt.datetime, now: dt.datetime) -> str:
    """When the hall opens, as a person says it at `now`: 今天 14:00, 明天 8:30, 12月14日(星期一) 9:00 (with the year
    when it is not this year's) — never today's date as if it were another day."""
    local, today = moment.astimezone(clock.LOCAL), now.astimezone(clock.LOCAL).date()
    time = f"{local.hour}:{local.minute:02d}"
    day = local.date()
    if day == today:
        return _("今天 %(time)s") % {"time": time}
    if day == today + dt.timedelta(days=1):
        return _("明天 %(time)s") % {"time": time}
    return _("%(day)s %(time)s") % {"day": calendar.day_words(day, today), "time": time}
