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
