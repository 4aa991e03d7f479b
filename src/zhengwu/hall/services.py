"""The hall's writes: slots from the rules, bookings (online, hotline, kiosk) with their reminder and cancellation,
and no-shows. Every write is one transaction with its audit record."""

from __future__ import annotations

import datetime as dt
import logging
import random
import re
import secrets
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext, gettext_lazy

from zhengwu.cases.models import OutboxMessage
from zhengwu.core import audit, calendar, clock, ids, inputs, outbox
from zhengwu.core.errors import Conflict, NotFound, ValidationFailed
from zhengwu.core.masking import mask_name
from zhengwu.core.models import ServiceCentre
from zhengwu.hall import items, permissions
from zhengwu.hall import slots as planning
from zhengwu.hall.models import (
    Booking,
    BookingChannel,
    HallSettings,
    OpeningHours,
    Slot,
    SlotRule,
    WindowGroup,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone
GREEN_REASONS = {
    "elderly": gettext_lazy("老年人"),
    "disabled": gettext_lazy("残疾人"),
    "pregnant": gettext_lazy("孕妇"),
    "military": gettext_lazy("军人"),
}


def hall_settings(centre: ServiceCentre) -> HallSettings:
    """The centre's hall settings; the defaults (unsaved) when it has none."""
    found = HallSettings.objects.filter(centre=centre).first()
    return found or HallSettings(centre=centre)


def set_wait_recipients(*, centre: ServiceCentre, duty_manager, leads: dict, by) -> HallSettings:
    """Name who is told of a long wait (measures.wait_recipients): the centre's duty manager (值班负责人) and the
    leads (分组负责人) of the groups in `leads` ({group id: user or None}); None names nobody, and with nobody named
    the centre managers are told. Each person must be an active staff member of the centre (core.access.centre_staff);
    only the centre's managers (or an administrator) may change them. One transaction with its audit record."""
    from zhengwu.core import access

    if refused := permissions.centre_refusal(by, centre, "recipients"):
        raise refused
    eligible = dict(access.centre_staff(centre).values_list("user_id", "name"))

    def check(user, field: str, label: str):
        if user is not None and user.pk not in eligible:
            raise ValidationFailed(
                gettext("%(who)s只能是%(centre)s在岗的工作人员") % {"who": label, "centre": centre.name},
                field=field,
            )

    check(duty_manager, "duty_manager", gettext("值班负责人"))
    with transaction.atomic():
        groups = {
            g.pk: g for g in WindowGroup.objects.select_for_update().filter(centre=centre, pk__in=list(leads))
        }
        for pk, user in leads.items():
            if pk not in groups:
                raise ValidationFailed(gettext("找不到该窗口分组"), field=f"lead_{pk}")
            check(user, f"lead_{pk}", gettext("「%(name)s」的分组负责人") % {"name": groups[pk].name})
        HallSettings.objects.get_or_create(centre=centre)
        cfg = HallSettings.objects.select_for_update().get(centre=centre)

        def named(user_id):
            return eligible.get(user_id, user_id) if user_id else ""

        before = {"值班负责人": named(cfg.duty_manager_id)}
        after = {"值班负责人": named(getattr(duty_manager, "pk", None))}
        cfg.duty_manager = duty_manager
        cfg.save(update_fields=["duty_manager"])
        for pk, user in leads.items():
            group = groups[pk]
            before[f"{group.prefix} 分组负责人"] = named(group.lead_id)
            after[f"{group.prefix} 分组负责人"] = named(getattr(user, "pk", None))
            group.lead = user
            group.save(update_fields=["lead"])
        audit.record(
            "hall.wait_recipients_changed", cfg, actor=_actor(by), summary={"before": before, "after": after}
        )
    return cfg


def _retrying(write: Callable[[], T], attempts: int = 60) -> T:
    """Run a write transaction again when SQLite answers "locked" at once (its in-memory shared-cache mode, used by
    tests, does not wait for the lock); PostgreSQL and the file database wait, so this loop never turns there."""
    for attempt in range(attempts):
        try:
            return write()
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error) or connection.in_atomic_block:
                raise
            if attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.005, 0.03))
    raise AssertionError("unreachable")


def _actor(by):
    return by if by is not None and getattr(by, "is_authenticated", False) else None


# ---- slots


@calendar.checked_once
def generate_slots(*, centre: ServiceCentre, first: dt.date | None = None, days: int | None = None) -> int:
    """Make the slots the centre's rules give from `first` (today) for `days` days (its booking horizon); slots
    already there are kept with their bookings. Idempotent: returns how many were added."""
    first = first or clock.today()
    days = days or hall_settings(centre).booking_days
    if not 1 <= days <= 400:
        raise ValidationFailed(gettext("生成天数应在 1 到 400 之间"), field="days")
    rules = list(SlotRule.objects.filter(group__centre=centre, group__is_active=True).select_related("group"))
    hours = centre_hours(centre.pk)
    with transaction.atomic():
        existing = set(
            Slot.objects.filter(
                group__centre=centre, day__gte=first, day__lt=first + dt.timedelta(days=days)
            ).values_list("group_id", "item_id", "start")
        )
        new = []
        for n in range(days):
            for p in planning.plan_day(rules, first + dt.timedelta(days=n)):
                key = (p.rule.group_id, p.rule.item_id, p.start)
                if key in existing or not _in_office_hours(p, hours):
                    continue
                existing.add(key)
                new.append(
                    Slot(
                        group_id=p.rule.group_id,
                        item_id=p.rule.item_id,
                        rule=p.rule,
                        day=p.day,
                        start=p.start,
                        end=p.end,
                        capacity=p.capacity,
                        extended=p.extended,
                    )
                )
        Slot.objects.bulk_create(new)
        if new:
            audit.record(
                "hall.slots_generated",
                centre,
                summary={"first": first.isoformat(), "days": days, "added": len(new)},
            )
    return len(new)


def centre_hours(centre_id: int) -> list[OpeningHours]:
    """The centre's office hours (all its seasons, the centre's and its groups'); none: the ordinary hours."""
    return list(OpeningHours.objects.filter(centre_id=centre_id))


def _in_office_hours(p: planning.Planned, hours) -> bool:
    """An ordinary working-day slot lies within the day's office hours once the centre has set them (延时服务 lies
    outside them by design; weekend and holiday rules are service days of their own)."""
    if not hours or p.extended or p.rule.days != planning.DayKinds.WORKDAYS:
        return True
    local = (p.start.time(), p.end.time())
    return planning.within(*local, planning.office_hours(hours, p.day, p.rule.group_id))


def _time_of(value, field: str, label: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    typed = str(value or "").strip().replace("：", ":")
    if m := re.fullmatch(r"(\d{1,2}):(\d{2})", typed):  # 9:00 as people type it, 09:00 as ISO wants it
        typed = f"{int(m.group(1)):02d}:{m.group(2)}"
    try:
        return dt.time.fromisoformat(typed)
    except ValueError:
        raise ValidationFailed(
            gettext("%(label)s应为24小时制时间,如 08:30") % {"label": label}, field=field
        ) from None


HOURS_TIMES = (
    ("morning_open", gettext_lazy("上午上班时间")),
    ("morning_close", gettext_lazy("上午下班时间")),
    ("afternoon_open", gettext_lazy("下午上班时间")),
    ("afternoon_close", gettext_lazy("下午下班时间")),
)


@calendar.checked_once
def set_opening_hours(
    *, centre: ServiceCentre, by, name: str, from_month, from_day, group=None, **times
) -> dict:
    """Set a season's office hours (办公时间) of the centre, or of one of its groups: from a day of the year (e.g.
    夏季作息 from 5月1日: 08:30–12:00, 14:30–17:30) until the next season's day. A season already starting that day
    is replaced. Future unbooked ordinary slots outside the new hours are removed, booked ones kept (their holders
    keep their time), and the slots the new hours allow are made. One transaction with its audit record; only the
    centre's managers (permissions.centre_refusal). Returns {"hours", "removed", "kept", "added"}."""
    if refused := permissions.centre_refusal(by, centre, "hours"):
        raise refused
    name = str(name or "").strip()
    if not name:
        raise ValidationFailed(gettext("请填写名称,如「夏季作息」"), field="name")
    if len(name) > 20:
        raise ValidationFailed(gettext("名称不能超过20个字"), field="name")
    try:
        month, day = int(from_month), int(from_day)
        dt.date(2024, month, day)  # a leap year: 2月29日 is a day of the year
    except (TypeError, ValueError):
        raise ValidationFailed(
            gettext("起始日期无效,请填写实际存在的月、日,如 5 月 1 日"), field="from_day"
        ) from None
    values = {field: _time_of(times.get(field), field, label) for field, label in HOURS_TIMES}
    checks = (
        (
            "morning_close",
            values["morning_close"] > values["morning_open"],
            gettext("上午下班时间应晚于上午上班时间"),
        ),
        (
            "afternoon_open",
            values["afternoon_open"] >= values["morning_close"],
            gettext("下午上班时间不能早于上午下班时间"),
        ),
        (
            "afternoon_close",
            values["afternoon_close"] > values["afternoon_open"],
            gettext("下午下班时间应晚于下午上班时间"),
        ),
    )
    for field, holds, message in checks:
        if not holds:
            raise ValidationFailed(message, field=field)
    if group is not None and group.centre_id != centre.pk:
        raise ValidationFailed(gettext("只能为本中心的窗口分组设置办公时间"), field="group")
    with transaction.atomic():
        row, created = OpeningHours.objects.select_for_update().update_or_create(
            centre=centre, group=group, from_month=month, from_day=day, defaults={"name": name, **values}
        )
        result = _follow_hours(centre)
        audit.record(
            "hall.opening_hours_set",
            row,
            actor=_actor(by),
            summary={
                "group": group.prefix if group else "",
                "name": name,
                "from": f"{month}月{day}日",
                "hours": row.label,
                "created": created,
                **result,
            },
        )
    return {"hours": row, **result}


@calendar.checked_once
def remove_opening_hours(*, hours: OpeningHours, by) -> dict:
    """Remove a season's hours (the other seasons, or the ordinary hours, then apply), slots following as above."""
    centre = hours.centre
    if refused := permissions.centre_refusal(by, centre, "hours"):
        raise refused
    with transaction.atomic():
        label = f"{hours} {hours.label}"
        hours.delete()
        result = _follow_hours(centre)
        audit.record(
            "hall.opening_hours_removed", centre, actor=_actor(by), summary={"removed_hours": label, **result}
        )
    return result


def _follow_hours(centre: ServiceCentre) -> dict:
    """Bring the future ordinary working-day slots in line with the office hours (inside a transaction)."""
    hours = centre_hours(centre.pk)
    removed = kept = 0
    future = Slot.objects.select_for_update().filter(
        group__centre=centre, start__gt=clock.now(), extended=False, rule__days=planning.DayKinds.WORKDAYS
    )
    for slot in future.select_related("rule"):
        start, end = slot.start.astimezone(clock.LOCAL), slot.end.astimezone(clock.LOCAL)
        periods = planning.office_hours(hours, slot.day, slot.group_id)
        if planning.within(start.time(), end.time(), periods):
            continue
        if slot.booked == 0 and not slot.bookings.exists():
            slot.delete()
            removed += 1
        else:
            kept += 1
    return {"removed": removed, "kept": kept, "added": generate_slots(centre=centre)}


RULE_FIELDS = (
    "days",
    "weekdays",
    "extended",
    "start",
    "end",
    "slot_minutes",
    "capacity",
    "valid_from",
    "valid_to",
)
RULE_FIELDS += ("is_active", "item")


def rebook_url(booking: Booking) -> str:
    query = (
        f"item={booking.item_id}&group={booking.slot.group_id}"
        if booking.item_id
        else f"group={booking.slot.group_id}"
    )
    return f"{getattr(settings, 'ZHENGWU_PUBLIC_URL', '')}/hall/book/?{query}"


@calendar.checked_once
def change_rule(*, rule: SlotRule, by, **changes) -> dict:
    """Change a slot rule and bring its future slots in line, in one transaction: slots the rule still makes get its
    new places (never fewer than are booked); slots it no longer makes are removed when nobody booked them, and kept
    when someone did — closed to new bookings, detached from the rule, each holder told by SMS (through the outbox)
    that the booking stands, with the links to cancel and to book another time; the slots the rule now makes are
    added (generate_slots). Returns {"added", "removed", "kept", "told"}. Only the centre's managers
    (permissions.centre_refusal); `by` None: the system."""
    if by is not None and (refused := permissions.centre_refusal(by, rule.group.centre, "rules")):
        raise refused
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValidationFailed(
            gettext("不能修改的字段:%(fields)s") % {"fields": "、".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    from django.core.exceptions import ValidationError

    with transaction.atomic():
        rule = SlotRule.objects.select_for_update().select_related("group__centre").get(pk=rule.pk)
        before = {f: str(getattr(rule, f)) for f in changes}
        for field, value in changes.items():
            setattr(rule, field, value)
        if rule.start and rule.end and rule.end <= rule.start:
            raise ValidationFailed(gettext("结束时间应晚于开始时间"), field="end")
        try:
            rule.full_clean()
        except ValidationError as err:
            field, messages = next(iter(err.message_dict.items()))
            raise ValidationFailed(messages[0], field=field) from None
        rule.save()
        centre = rule.group.centre
        now = clock.now()
        future = list(Slot.objects.select_for_update().filter(rule=rule, start__gt=now).order_by("start"))
        days = sorted({slot.day for slot in future})
        planned = {
            (p.start, p.end): p
            for day in days
            for p in planning.plan_day([rule], day)
            if p.rule.pk == rule.pk
        }
        removed, kept, told = 0, 0, 0
        for slot in future:
            fits = planned.get((slot.start, slot.end))
            if fits is not None and slot.item_id == rule.item_id:
                capacity = max(fits.capacity, slot.booked)
                if (slot.capacity, slot.extended) != (capacity, fits.extended):
                    slot.capacity, slot.extended = capacity, fits.extended
                    slot.save(update_fields=["capacity", "extended"])
                continue
            if slot.booked == 0 and not slot.bookings.exists():
                slot.delete()
                removed += 1
                continue
            slot.capacity, slot.rule = slot.booked, None  # closed: it stays for those who booked it
            slot.save(update_fields=["capacity", "rule"])
            kept += 1
            for booking in slot.bookings.filter(state=Booking.State.BOOKED):
                _message(
                    booking,
                    gettext(
                        "%(name)s:%(centre)s调整了「%(group)s」的预约时段。您预约的 %(when)s 仍然有效,"
                        "预约码 %(code)s。如需改约,请取消原预约:%(cancel)s 再重新预约:%(rebook)s"
                    )
                    % {
                        "name": booking.name,
                        "centre": centre.name,
                        "group": slot.group.name,
                        "when": _when(slot),
                        "code": booking.code,
                        "cancel": cancel_url(booking),
                        "rebook": rebook_url(booking),
                    },
                )
                told += 1
        audit.record(
            "hall.slot_rule_changed",
            rule,
            actor=_actor(by),
            summary={
                "before": before,
                "after": {f: str(getattr(rule, f)) for f in changes},
                "removed": removed,
                "kept": kept,
                "told": told,
            },
        )
        added = generate_slots(centre=centre)
    return {"added": added, "removed": removed, "kept": kept, "told": told}


@calendar.checked_once
def follow_calendar(*, year: int) -> dict:
    """A year's holiday arrangement loaded (core.calendar.calendar_year_loaded, inside the load's transaction): the
    future slots of that year made while it was unknown (Monday to Friday counted as working days) are brought in
    line with the days as now known (全国年节及纪念日放假办法 第二条、第六条 and the yearly 放假安排): a slot the rules no
    longer make is removed when nobody booked it; on a day the group is now closed (a holiday) its bookings are
    cancelled and each holder told by SMS to book another day; otherwise it is kept for its holders, closed to new
    bookings, each told that the booking stands. The slots of an adjusted working day are made (generate_slots).
    Returns {"removed", "cancelled", "kept", "told"}."""
    first, last = max(clock.today(), dt.date(year, 1, 1)), dt.date(year, 12, 31)
    totals = {"removed": 0, "cancelled": 0, "kept": 0, "told": 0}
    if first > last:
        return totals
    for centre in ServiceCentre.objects.filter(window_groups__isnull=False).distinct().order_by("pk"):
        future = list(
            Slot.objects.select_for_update()
            .filter(
                group__centre=centre, rule__isnull=False, start__gt=clock.now(), day__gte=first, day__lte=last
            )
            .select_related("group")
            .order_by("start")
        )
        if not future:
            continue
        rules = list(SlotRule.objects.filter(group__centre=centre, group__is_active=True))
        hours = centre_hours(centre.pk)
        planned = {
            (p.rule.group_id, p.rule.item_id, p.start)
            for day in sorted({slot.day for slot in future})
            for p in planning.plan_day(rules, day)
            if _in_office_hours(p, hours)
        }
        here = {"removed": 0, "cancelled": 0, "kept": 0, "told": 0}
        for slot in future:
            if (slot.group_id, slot.item_id, slot.start) in planned:
                continue
            if slot.booked == 0 and not slot.bookings.exists():
                slot.delete()
                here["removed"] += 1
                continue
            own = [r for r in rules if r.group_id == slot.group_id]
            if not planning.hours_on(own, slot.day, hours, slot.group_id):
                # the hall is closed that day: nobody would serve the booking, so it is cancelled and its holder
                # asked to book another day; the slot stays, closed, with the bookings it had
                for booking in slot.bookings.filter(state=Booking.State.BOOKED):
                    booking.state, booking.cancelled_at = Booking.State.CANCELLED, clock.now()
                    booking.save(update_fields=["state", "cancelled_at"])
                    audit.record(
                        "hall.booking_cancelled", booking, summary={"reason": f"{year}年节假日安排:当日休息"}
                    )
                    _message(
                        booking,
                        gettext(
                            "%(name)s:%(year)s年节假日安排公布,%(month)s月%(day)s日%(centre)s休息。"
                            "您预约的 %(when)s(预约码 %(code)s)已取消,请另约时间:%(rebook)s"
                        )
                        % {
                            "name": booking.name,
                            "year": year,
                            "month": slot.day.month,
                            "day": slot.day.day,
                            "centre": centre.name,
                            "when": _when(slot),
                            "code": booking.code,
                            "rebook": rebook_url(booking),
                        },
                    )
                    here["told"] += 1
                slot.capacity, slot.booked, slot.rule = 0, 0, None
                slot.save(update_fields=["capacity", "booked", "rule"])
                here["cancelled"] += 1
                continue
            slot.capacity, slot.rule = slot.booked, None  # closed: it stays for those who booked it
            slot.save(update_fields=["capacity", "rule"])
            here["kept"] += 1
            for booking in slot.bookings.filter(state=Booking.State.BOOKED):
                _message(
                    booking,
                    gettext(
                        "%(name)s:%(year)s年节假日安排公布,%(centre)s调整了「%(group)s」的预约时段。"
                        "您预约的 %(when)s 仍然有效,预约码 %(code)s;如需改约,请取消原预约:"
                        "%(cancel)s 再重新预约:%(rebook)s"
                    )
                    % {
                        "name": booking.name,
                        "year": year,
                        "centre": centre.name,
                        "group": slot.group.name,
                        "when": _when(slot),
                        "code": booking.code,
                        "cancel": cancel_url(booking),
                        "rebook": rebook_url(booking),
                    },
                )
                here["told"] += 1
        if here["removed"] or here["cancelled"] or here["kept"]:
            audit.record("hall.slots_follow_calendar", centre, summary={"year": year, **here})
        generate_slots(centre=centre)
        for key in totals:
            totals[key] += here[key]
    return totals


def _on_calendar_year_loaded(sender=None, year=None, **kwargs) -> None:
    follow_calendar(year=int(year))


def open_slots(*, group: WindowGroup, day: dt.date, item=None):
    """The slots of a group on a day a person can still book (places left, not begun), for the item if given."""
    qs = Slot.objects.filter(group=group, day=day, start__gt=clock.now(), booked__lt=F("capacity"))
    if item is not None:
        qs = qs.filter(item__isnull=True) | qs.filter(item=item)
    return qs.order_by("start")


# ---- bookings


def _person(*, name, phone, id_number, required_id: bool) -> tuple[str, str, str]:
    name = str(name or "").strip()
    if not name:
        raise ValidationFailed(gettext("请填写姓名"), field="name")
    if len(name) > 40:
        raise ValidationFailed(gettext("姓名不能超过40个字"), field="name")
    if not any(ch.isalpha() for ch in name):  # ², 123, ???: the window could not call or check such a "name"
        raise ValidationFailed(gettext("请填写办事人的姓名(汉字或字母),不能只有数字或符号"), field="name")
    phone = inputs.mobile(phone, field="phone")
    id_number = ids.normalise(id_number)
    if id_number:
        check = ids.check_any(id_number)  # a resident ID number, or a company's USCC when it books
        if not check.valid:
            raise ValidationFailed(
                gettext("证件号码无效:%(reason)s") % {"reason": check.reason}, field="id_number"
            )
    elif required_id:
        raise ValidationFailed(gettext("网上预约须填写身份证号码"), field="id_number")
    return name, phone, id_number


def no_shows(*, centre: ServiceCentre, id_number: str = "", user=None, phone: str = "") -> int:
    """How many times the person failed to come in the centre's counting period (by ID number, account or phone)."""
    cfg = hall_settings(centre)
    since = clock.now() - dt.timedelta(days=cfg.no_show_days)
    qs = Booking.objects.filter(
        state=Booking.State.NO_SHOW, slot__group__centre=centre, slot__start__gte=since
    )
    who = None
    for field, value in (("id_number", id_number), ("user", user), ("phone", phone)):
        if value:
            cond = Booking.objects.filter(**{field: value})
            who = cond if who is None else who | cond
    if who is None:
        return 0
    return qs.filter(pk__in=who.values("pk")).count()


def booking_paused(*, centre: ServiceCentre, id_number: str = "", user=None, phone: str = "") -> bool:
    """Online booking is paused for a person whose no-shows reached the centre's limit within its period."""
    limit = hall_settings(centre).no_show_limit
    return no_shows(centre=centre, id_number=id_number, user=user, phone=phone) >= limit


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def cancel_url(booking: Booking) -> str:
    return f"{getattr(settings, 'ZHENGWU_PUBLIC_URL', '')}/hall/booking/{booking.token}/"


def _message(booking: Booking, body: str) -> OutboxMessage:
    return outbox.post("sms", booking.phone, body)


def _when(slot: Slot) -> str:
    """The slot as its SMS says it: 2026年11月19日 09:00–10:00 (as people read a day, not ISO)."""
    start, end = slot.start.astimezone(clock.LOCAL), slot.end.astimezone(clock.LOCAL)
    return f"{calendar.chinese_date(start.date())} {start:%H:%M}–{end:%H:%M}"


def book(
    *,
    slot: Slot,
    channel: str,
    name: str,
    phone: str,
    id_number: str = "",
    item=None,
    user=None,
    by=None,
    green: str = "",
) -> Booking:
    """Book one place of a slot for an item (事项) the slot's group handles (hall.items: the catalogue's item → window
    mapping); the booking records the item, and so does the number taken with it. Online bookings need a signed-in person and their ID number and are refused while
    the person's no-shows are at the centre's limit; the hotline operator and the kiosk book for anyone. The last
    place goes to exactly one person: the place is taken by one conditional UPDATE (booked < capacity)."""
    if channel not in BookingChannel.values:
        raise ValidationFailed(gettext("预约渠道无效"), field="channel")
    if channel == BookingChannel.HOTLINE and (refused := permissions.phone_booker_refusal(by)):
        raise refused
    if channel == BookingChannel.ONLINE and (user is None or not getattr(user, "is_authenticated", False)):
        raise ValidationFailed(gettext("网上预约请先登录"), field="user")
    if green and green not in GREEN_REASONS:
        raise ValidationFailed(gettext("绿色通道类别无效"), field="green")
    name, phone, id_number = _person(
        name=name, phone=phone, id_number=id_number, required_id=channel == BookingChannel.ONLINE
    )

    def write() -> Booking:
        nonlocal item
        with transaction.atomic():
            slot_ = Slot.objects.select_related("group__centre", "item__current_version").get(pk=slot.pk)
            group = slot_.group
            if item is None and slot_.item_id:
                item = slot_.item
            if item is None:
                raise ValidationFailed(gettext("请选择办理事项"), field="item")
            if slot_.item_id and slot_.item_id != item.pk:
                raise permissions.slot_refusal(slot_, item)
            if refused := permissions.handling_refusal(group, item):
                raise refused
            if refused := permissions.started_refusal(slot_):
                raise refused
            centre = group.centre
            if channel == BookingChannel.ONLINE and booking_paused(
                centre=centre, id_number=id_number, user=user
            ):
                cfg = hall_settings(centre)
                raise Conflict(
                    gettext("您在%(days)s天内爽约已达%(limit)s次,网上预约暂停;请致电中心或到大厅办理")
                    % {"days": cfg.no_show_days, "limit": cfg.no_show_limit},
                    code="booking_paused",
                )

            same_day = Booking.objects.filter(
                slot__group=group, slot__day=slot_.day, state=Booking.State.BOOKED, id_number=id_number
            )
            if id_number and same_day.exists():
                raise Conflict(gettext("您当天在该窗口已有预约,请先取消原预约"), field="slot")
            taken = Slot.objects.filter(pk=slot_.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
            if not taken:  # no place left (permissions.slot_refusal), asked of the row itself
                raise permissions.full()
            booking = Booking.objects.create(
                slot=slot_,
                item=item,
                channel=channel,
                name=name,
                phone=phone,
                id_number=id_number,
                user=user if getattr(user, "is_authenticated", False) else None,
                green=green,
                code=_new_code(),
                token=secrets.token_urlsafe(32),
                created_at=clock.now(),
                created_by=_actor(by),
            )
            audit.record(
                "hall.booked",
                booking,
                actor=_actor(by),
                summary={"slot": slot_.pk, "item": item.code, "channel": channel, "name": mask_name(name)},
            )
            _message(
                booking,
                gettext(
                    "%(name)s:您已预约%(centre)s「%(group)s」%(when)s办理「%(item)s」,预约码 %(code)s。"
                    "到大厅后凭预约码或手机签到取号。不能前来请取消:%(cancel)s"
                )
                % {
                    "name": name,
                    "centre": centre.name,
                    "group": group.name,
                    "when": _when(slot_),
                    "item": items.label(item),
                    "code": booking.code,
                    "cancel": cancel_url(booking),
                },
            )
            return booking

    return _retrying(write)


def by_token(token: str) -> Booking:
    booking = (
        Booking.objects.select_related("slot__group__centre", "item__current_version")
        .filter(token=str(token or "")[:64])
        .first()
    )
    if booking is None or not token:
        raise NotFound(gettext("找不到该预约,请核对链接"))
    return booking


def cancel(*, booking: Booking, by=None) -> Booking:
    """Cancel a booking before its slot begins; the place is given back."""

    def write() -> Booking:
        with transaction.atomic():
            current = Booking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
            if current.state != Booking.State.BOOKED:
                raise Conflict(gettext("该预约%(state)s,不能取消") % {"state": current.get_state_display()})
            if current.slot.start <= clock.now():
                raise Conflict(gettext("预约时段已开始,不能取消"))
            Slot.objects.filter(pk=current.slot_id, booked__gt=0).update(booked=F("booked") - 1)
            current.state, current.cancelled_at = Booking.State.CANCELLED, clock.now()
            current.save(update_fields=["state", "cancelled_at"])
            audit.record("hall.booking_cancelled", current, actor=_actor(by))
            return current

    return _retrying(write)


def mark_no_shows(*, now: dt.datetime | None = None) -> int:
    """Bookings not checked in by the end of their centre's grace after the slot began become no-shows."""
    now = now or clock.now()
    marked = 0
    with transaction.atomic():
        late = Booking.objects.filter(state=Booking.State.BOOKED, slot__start__lt=now).select_related(
            "slot__group__centre"
        )
        grace: dict[int, int] = {}
        ids_ = []
        for booking in late:
            centre = booking.slot.group.centre
            if centre.pk not in grace:
                grace[centre.pk] = hall_settings(centre).late_check_in_minutes
            if booking.slot.start + dt.timedelta(minutes=grace[centre.pk]) < now:
                ids_.append(booking.pk)
        if ids_:
            marked = Booking.objects.filter(pk__in=ids_, state=Booking.State.BOOKED).update(
                state=Booking.State.NO_SHOW
            )
            audit.record("hall.no_shows", object_type="hall.booking", summary={"bookings": ids_})
    return marked


def remind_tomorrow(*, today: dt.date | None = None) -> int:
    """Write the reminder for every live booking of tomorrow not yet reminded (run by `zhengwu scheduled`)."""
    tomorrow = (today or clock.today()) + dt.timedelta(days=1)
    sent = 0
    with transaction.atomic():
        due = (
            Booking.objects.select_for_update()
            .filter(state=Booking.State.BOOKED, slot__day=tomorrow, reminded_at__isnull=True)
            .filter(
                created_at__lt=clock.day_bounds(tomorrow)[0] - dt.timedelta(hours=12)
            )  # not what was just booked
            .select_related("slot__group__centre")
        )
        for booking in due:
            slot = booking.slot
            _message(
                booking,
                gettext(
                    "%(name)s:提醒您明天 %(when)s 到%(centre)s「%(group)s」办理,预约码 %(code)s。"
                    "不能前来请取消:%(cancel)s"
                )
                % {
                    "name": booking.name,
                    "when": _when(slot),
                    "centre": slot.group.centre.name,
                    "group": slot.group.name,
                    "code": booking.code,
                    "cancel": cancel_url(booking),
                },
            )
            booking.reminded_at = clock.now()
            booking.save(update_fields=["reminded_at"])
            sent += 1
        if sent:
            audit.record(
                "hall.reminded", object_type="hall.booking", summary={"day": tomorrow.isoformat(), "n": sent}
            )
    return sent
