"""Which slots a centre's rules make on a day. Pure: the rules and the calendar in, (start, end, …) out."""

import datetime as dt
from dataclasses import dataclass

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
        return "午间延时服务"
    if start >= dt.time(17):
        return "下班后延时服务"
    if end <= dt.time(9):
        return "上班前延时服务"
    return "延时服务"


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


# A group with no slot rules is open on working days in these hours (the centre's ordinary office hours).
DEFAULT_HOURS = ((dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17)))
WEEKDAY_NAMES = "一二三四五六日"
EARLY_MINUTES = 30  # numbers are given from half an hour before the hours open, so people queue at the door


def hours_on(rules, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    """The group's opening hours on the day: the hours of its rules that apply that day (working days follow the
    calendar, weekend and holiday rules their own days), or the ordinary hours on a working day if it has no rules."""
    rules = list(rules)
    if not rules:
        return list(DEFAULT_HOURS) if calendar.is_workday(day).workday else []
    return sorted((r.start, r.end) for r in rules if applies(r, day))


def next_opening(rules, moment: dt.datetime, *, horizon: int = 60) -> dt.datetime | None:
    """None while the group gives numbers at `moment` (its hours, from EARLY_MINUTES before each opening); else
    when it next opens (within `horizon` days)."""
    local = moment.astimezone(clock.LOCAL)
    early = dt.timedelta(minutes=EARLY_MINUTES)
    for offset in range(horizon + 1):
        day = local.date() + dt.timedelta(days=offset)
        for start, end in hours_on(rules, day):
            opens = dt.datetime.combine(day, start, tzinfo=clock.LOCAL)
            closes = dt.datetime.combine(day, end, tzinfo=clock.LOCAL)
            if offset == 0 and opens - early <= local < closes:
                return None
            if opens > local:
                return opens
    return local + dt.timedelta(days=horizon + 1)  # nothing planned: closed for now


def opening_label(moment: dt.datetime) -> str:
    """2026年10月8日(星期四)09:00"""
    local = moment.astimezone(clock.LOCAL)
    return f"{local.year}年{local.month}月{local.day}日(星期{WEEKDAY_NAMES[local.weekday()]}){local:%H:%M}"
