"""Queue numbers (取号) and calling (叫号): taking a number at the kiosk, on the phone or at the information desk,
checking in a booking, the order numbers are called in, and each window terminal's actions."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from zhengwu.core import access, audit, clock, inputs
from zhengwu.core.calendar import chinese_date
from zhengwu.core.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from zhengwu.core.models import Role, Window
from zhengwu.hall import items
from zhengwu.hall.models import (
    BookedPriority,
    Booking,
    QueueCounter,
    QueueNumber,
    QueueSource,
    WindowGroup,
)
from zhengwu.hall.services import GREEN_REASONS, _actor, _retrying, hall_settings

State = QueueNumber.State
OPEN = (State.WAITING, State.CALLED, State.SERVING)
MAX_ABSENCES = 2  # the first 过号 sends the number back to the queue once; the second ends it


# ---- taking a number


def _next_sequence(group: WindowGroup, day: dt.date) -> int:
    """The next sequence number of the group's day (call inside the transaction: the counter row is locked)."""
    try:
        with transaction.atomic():
            QueueCounter.objects.get_or_create(group=group, day=day)
    except IntegrityError:  # another taker created it at the same moment
        pass
    QueueCounter.objects.filter(group=group, day=day).update(last=F("last") + 1)
    return QueueCounter.objects.get(group=group, day=day).last


def _create(
    *, group: WindowGroup, source: str, phone: str = "", item=None, green: str = "", booking=None, by=None
):
    now, day = clock.now(), clock.today()
    sequence = _next_sequence(group, day)
    number = QueueNumber.objects.create(
        group=group,
        taken_in=group,
        day=day,
        sequence=sequence,
        display=f"{group.prefix}{sequence:03d}",
        source=source,
        booking=booking,
        item=item,
        phone=phone,
        green=green,
        token=secrets.token_urlsafe(32),
        taken_at=now,
        queued_at=now,
        created_by=_actor(by),
    )
    audit.record(
        "hall.number_taken",
        number,
        actor=_actor(by),
        summary={
            "display": number.display,
            "source": source,
            "green": green,
            "booking": booking and booking.pk,
        },
    )
    return number


def closed_refusal(group: WindowGroup) -> None:
    """No number outside the group's opening hours (the centre's office hours on the calendar's working days, and its
    slot rules — 延时服务, weekends; 国务院关于职工工作时间的规定 第七条, 全国年节及纪念日放假办法): the refusal says
    when it next opens."""
    from zhengwu.hall.services import centre_hours
    from zhengwu.hall.slots import EARLY_MINUTES, next_opening, opening_words

    now = clock.now()
    opens = next_opening(
        group.slot_rules.filter(is_active=True),
        now,
        hours=centre_hours(group.centre_id),
        group_id=group.pk,
    )
    if opens is not None:
        raise Conflict(
            _("「%(group)s」现在不在办公时间,不能取号;%(opens)s 开放(开放前 %(minutes)s 分钟起可取号)")
            % {"group": group.name, "opens": opening_words(opens, now), "minutes": EARLY_MINUTES},
            code="queue.closed",
            field="group",
        )


def take_number(*, group: WindowGroup, source: str, phone: str = "", item=None, green: str = "", by=None):
    """A walk-in's number for a group: at the kiosk, on the phone (the hall's QR code) or at the information desk,
    where staff record a 绿色通道 (elderly, disabled …) person, who is called first."""
    if source not in (QueueSource.KIOSK, QueueSource.PHONE, QueueSource.DESK):
        raise ValidationFailed(_("取号方式无效"), field="source")
    if not group.is_active:
        raise Conflict(_("该窗口分组暂停取号"), field="group")
    phone = inputs.mobile(phone, field="phone", required=False)
    if source == QueueSource.PHONE and not phone:
        raise ValidationFailed(_("手机取号请填写手机号码"), field="phone")
    if green:
        if green not in GREEN_REASONS:
            raise ValidationFailed(_("绿色通道类别无效"), field="green")
        if source != QueueSource.DESK:
            raise ValidationFailed(_("绿色通道请到导服台由工作人员登记"), field="green")
    if item is not None and not items.handles(group, item):
        raise ValidationFailed(_("「%(group)s」不办理该事项") % {"group": group.name}, field="item")
    closed_refusal(group)

    def write():
        with transaction.atomic():
            # A number taken on the phone holds a place without coming to the hall: one phone keeps one number per
            # group while it waits — a second tap (or a script) gave a new number each time and pushed the hall
            # back. The kiosk and the desk, where the person stands, are not limited.
            if source == QueueSource.PHONE and (held := _held_on_phone(group, phone)) is not None:
                held.already_held = True  # for the page to say so
                return held
            return _create(group=group, source=source, phone=phone, item=item, green=green, by=by)

    return _retrying(write)


def _held_on_phone(group: WindowGroup, phone: str) -> QueueNumber | None:
    """The number this phone took today in the group and still waits with (waiting or called), if any."""
    return (
        QueueNumber.objects.filter(
            taken_in=group,
            day=clock.today(),
            source=QueueSource.PHONE,
            phone=phone,
            state__in=(QueueNumber.State.WAITING, QueueNumber.State.CALLED),
        )
        .order_by("pk")
        .first()
    )


def check_in(*, booking: Booking, by=None) -> QueueNumber:
    """A booked person arrives (the phone link, the kiosk with the booking code, or the desk): the booking is checked
    in and becomes a number of its group, called with the priority the centre gives bookings."""

    def write():
        with transaction.atomic():
            current = (
                Booking.objects.select_for_update().select_related("slot__group__centre").get(pk=booking.pk)
            )
            if current.state == Booking.State.CHECKED_IN:
                return current.number
            if current.state != Booking.State.BOOKED:
                raise Conflict(_("该预约%(state)s,不能签到") % {"state": current.get_state_display()})
            slot, now = current.slot, clock.now()
            cfg = hall_settings(slot.group.centre)
            if clock.local_date(slot.start) != clock.today():
                raise Conflict(
                    _("预约日期为 %(day)s,请当天到大厅签到")
                    % {"day": chinese_date(clock.local_date(slot.start))}
                )
            if now < slot.start - dt.timedelta(minutes=cfg.early_check_in_minutes):
                opens = (slot.start - dt.timedelta(minutes=cfg.early_check_in_minutes)).astimezone(
                    clock.LOCAL
                )
                raise Conflict(_("签到从 %(time)s 开始") % {"time": opens.strftime("%H:%M")})
            if now > slot.start + dt.timedelta(minutes=cfg.late_check_in_minutes):
                raise Conflict(_("已超过签到时间,请现场取号"))
            current.state, current.checked_in_at = Booking.State.CHECKED_IN, now
            current.save(update_fields=["state", "checked_in_at"])
            return _create(
                group=slot.group,
                source=QueueSource.BOOKING,
                phone=current.phone,
                item=current.item,
                green=current.green,
                booking=current,
                by=by,
            )

    return _retrying(write)


def check_in_by_code(*, centre, code: str, by=None) -> QueueNumber:
    code = str(code or "").strip().upper()
    if not code:
        raise ValidationFailed(_("请输入预约码"), field="code")
    booking = Booking.objects.filter(code=code, slot__group__centre=centre).first()
    if booking is None:
        raise ValidationFailed(_("找不到该预约码,请核对"), field="code")
    return check_in(booking=booking, by=by)


def by_token(token: str) -> QueueNumber:
    number = (
        QueueNumber.objects.select_related("group__centre", "window")
        .filter(token=str(token or "")[:64])
        .first()
    )
    if number is None or not token:
        raise NotFound(_("找不到该排队号"))
    return number


# ---- the order of calling


def _key(n: QueueNumber):
    return (n.queued_at, n.pk)


def call_order(
    waiting: Iterable[QueueNumber], *, policy: str = BookedPriority.FIRST, last_was_booked: bool = False
) -> list[QueueNumber]:
    """The order the waiting numbers will be called in: 绿色通道 first (by queue time); then, as the centre sets,
    checked-in bookings before walk-ins (FIRST), alternating with them (ALTERNATE, starting with the kind not called
    last), or everyone by queue time (NONE). A number back from 过号 queues from the time it was sent back."""
    waiting = list(waiting)
    green = sorted((n for n in waiting if n.green), key=_key)
    rest = sorted((n for n in waiting if not n.green), key=_key)
    if policy == BookedPriority.NONE:
        return green + rest
    booked = [n for n in rest if n.booking_id]
    walk_in = [n for n in rest if not n.booking_id]
    if policy == BookedPriority.FIRST:
        return green + booked + walk_in
    merged, lanes = [], [walk_in, booked] if last_was_booked else [booked, walk_in]
    while lanes[0] or lanes[1]:
        for lane in lanes:
            if lane:
                merged.append(lane.pop(0))
    return green + merged


def _groups_of(window: Window) -> list[WindowGroup]:
    return list(WindowGroup.objects.filter(windows=window, is_active=True).select_related("centre"))


def waiting_in(groups: Sequence[WindowGroup], day: dt.date | None = None) -> list[QueueNumber]:
    """The waiting numbers of the groups today, in the order they will be called."""
    if not groups:
        return []
    day = day or clock.today()
    numbers = QueueNumber.objects.filter(group__in=groups, day=day, state=State.WAITING).select_related(
        "item__current_version"
    )
    policy = hall_settings(groups[0].centre).booked_priority
    last = (
        QueueNumber.objects.filter(group__in=groups, day=day, called_at__isnull=False, green="")
        .order_by("-called_at", "-id")
        .first()
    )
    return call_order(numbers, policy=policy, last_was_booked=bool(last and last.booking_id))


# ---- the window terminal


def _terminal(by, window: Window) -> None:
    """Only the clerk sitting at the window (or the centre's manager) works its terminal."""
    staff = access.staff_of(by)
    if staff is not None and staff.window_id == window.pk and staff.has_role(Role.WINDOW_CLERK):
        return
    if access.has_role(by, Role.CENTRE_MANAGER) and access.visible_windows(by).filter(pk=window.pk).exists():
        return
    raise AccessDenied(_("只有该窗口的工作人员可以操作叫号"))


def current_at(window: Window) -> QueueNumber | None:
    return (
        QueueNumber.objects.filter(window=window, day=clock.today(), state__in=(State.CALLED, State.SERVING))
        .select_related("item__current_version")
        .order_by("-announced_at", "-id")
        .first()
    )


def _locked(number: QueueNumber) -> QueueNumber:
    return QueueNumber.objects.select_for_update().select_related("group__centre").get(pk=number.pk)


def _finish(number: QueueNumber, *, by) -> None:
    number.state, number.finished_at = State.DONE, clock.now()
    number.save(update_fields=["state", "finished_at"])
    audit.record("hall.number_done", number, actor=_actor(by), summary={"display": number.display})


def call_next(*, window: Window, by) -> QueueNumber | None:
    """下一位: see `advance`; the number called, None when nobody waits."""
    return advance(window=window, by=by)[1]


def advance(*, window: Window, by) -> tuple[QueueNumber | None, QueueNumber | None]:
    """下一位: the number at the window is closed and the first waiting number of the window's groups is called to
    it. A number being served (办理中) is finished; a number only called (已叫号), whose person never came to the
    window, is not served: it is handled as 过号 (`_mark_absent`: back to the queue once, then closed as absent), so
    neither the served count nor the service times count it. Returns (the number closed or sent back, or None; the
    number called, or None when nobody waits)."""
    _terminal(by, window)

    def write():
        with transaction.atomic():
            previous = current_at(window)
            if previous is not None:
                previous = _locked(previous)
                if previous.state == State.SERVING:
                    _finish(previous, by=by)
                elif previous.state == State.CALLED:
                    _mark_absent(previous, by=by)
            for candidate in waiting_in(_groups_of(window)):
                number = _locked(candidate)
                if number.state != State.WAITING:
                    continue  # another window took it in the meantime (PostgreSQL); try the next
                now = clock.now()
                number.state, number.window, number.called_by, number.announced_at = (
                    State.CALLED,
                    window,
                    by,
                    now,
                )
                number.called_at = number.called_at or now
                number.calls = 1
                number.save(
                    update_fields=["state", "window", "called_by", "announced_at", "called_at", "calls"]
                )
                audit.record(
                    "hall.called",
                    number,
                    actor=_actor(by),
                    summary={"display": number.display, "window": window.pk},
                )
                return previous, number
            return previous, None

    return _retrying(write)


def _own(number: QueueNumber, by, states=OPEN) -> QueueNumber:
    locked = _locked(number)
    if locked.window_id is None or locked.state not in states:
        raise Conflict(
            _("%(number)s 当前%(state)s,不能这样操作")
            % {"number": locked.display, "state": locked.get_state_display()}
        )
    _terminal(by, locked.window)
    return locked


def recall(*, number: QueueNumber, by) -> QueueNumber:
    """重呼: announce the called number again."""
    with transaction.atomic():
        number = _own(number, by, (State.CALLED,))
        number.announced_at = clock.now()
        number.calls = max(number.calls, 1) + 1
        number.save(update_fields=["announced_at", "calls"])
        audit.record(
            "hall.recalled",
            number,
            actor=_actor(by),
            summary={"display": number.display, "calls": number.calls},
        )
        return number


def start(*, number: QueueNumber, by) -> QueueNumber:
    """The person came to the window: the service begins."""
    with transaction.atomic():
        number = _own(number, by, (State.CALLED,))
        number.state, number.served_at = State.SERVING, clock.now()
        number.save(update_fields=["state", "served_at"])
        audit.record("hall.serving", number, actor=_actor(by), summary={"display": number.display})
        return number


def finish(*, number: QueueNumber, by) -> QueueNumber:
    """办结: only a number being served (办理中); a number only called has not been served — the person came
    (开始办理) or did not (过号)."""
    with transaction.atomic():
        locked = _locked(number)
        if locked.state == State.CALLED:
            _terminal(by, locked.window)
            raise Conflict(
                _("%(number)s 尚未开始办理:人已到窗口请先点「开始办理」,未到请点「过号」")
                % {"number": locked.display}
            )
        number = _own(number, by, (State.SERVING,))
        _finish(number, by=by)
        return number


def _mark_absent(number: QueueNumber, *, by) -> None:
    """过号 on a locked, called number: the first time back to the end of the queue (once), the second time closed
    as absent."""
    number.absences += 1
    if number.absences >= MAX_ABSENCES:
        number.state, number.finished_at = State.ABSENT, clock.now()
    else:
        number.state, number.queued_at, number.window = State.WAITING, clock.now(), None
    number.save(update_fields=["absences", "state", "finished_at", "queued_at", "window"])
    audit.record(
        "hall.absent",
        number,
        actor=_actor(by),
        summary={"display": number.display, "absences": number.absences},
    )


def absent(*, number: QueueNumber, by) -> QueueNumber:
    """过号: the person called did not come. The first time the number goes back to the end of the queue (once);
    the second time it is closed as absent."""
    with transaction.atomic():
        number = _own(number, by, (State.CALLED,))
        _mark_absent(number, by=by)
        return number


def transfer(*, number: QueueNumber, group: WindowGroup, by) -> QueueNumber:
    """转窗: the person needs another group's windows; the number keeps its place by the time it was taken."""
    with transaction.atomic():
        number = _own(number, by, (State.CALLED, State.SERVING))
        if group.centre_id != number.group.centre_id or not group.is_active:
            raise ValidationFailed(_("只能转到本中心启用的窗口分组"), field="group")
        if group.pk == number.group_id:
            raise ValidationFailed(_("已在该分组排队,请选择其他分组"), field="group")
        number.transferred_from, number.group = number.group, group
        number.state, number.window, number.served_at = State.WAITING, None, None
        number.save(update_fields=["transferred_from", "group", "state", "window", "served_at"])
        audit.record(
            "hall.transferred", number, actor=_actor(by), summary={"display": number.display, "to": group.pk}
        )
        return number


def link_case(*, number: QueueNumber, case_number: str, by) -> QueueNumber:
    """Record the case the number was served for (opened at the window, or registered there from the number)."""
    from zhengwu.cases.models import Case

    case = Case.objects.filter(number=str(case_number or "").strip()).first()
    if case is None:
        raise ValidationFailed(_("找不到该办件编号"), field="case_number")
    with transaction.atomic():
        number = _own(number, by, (State.CALLED, State.SERVING, State.DONE))
        number.case = case
        number.save(update_fields=["case"])
        audit.record("hall.case_linked", number, actor=_actor(by), summary={"case": case.number})
        return number


# ---- what the person with the number sees


def average_service_minutes(group: WindowGroup, day: dt.date | None = None) -> float:
    """Today's average service time of the group (started to finished) once three numbers are done; the group's
    configured time before that."""
    done = QueueNumber.objects.filter(
        group=group,
        day=day or clock.today(),
        state=State.DONE,
        served_at__isnull=False,
        finished_at__isnull=False,
    ).values_list("served_at", "finished_at")
    spans = [(end - begin).total_seconds() / 60 for begin, end in done]
    return sum(spans) / len(spans) if len(spans) >= 3 else float(group.service_minutes)


def progress(number: QueueNumber) -> dict:
    """How many are ahead of the number and the estimated wait in minutes (ahead × average service time ÷ windows)."""
    number.refresh_from_db()
    if number.state != State.WAITING:
        return {"state": number.state, "ahead": 0, "minutes": 0}
    order = waiting_in([number.group], number.day)
    ahead = next((i for i, n in enumerate(order) if n.pk == number.pk), len(order))
    windows = max(number.group.windows.filter(is_active=True).count(), 1)
    # never "约 0 分钟" for someone who has people ahead (a day's average of instant services rounds to nothing)
    minutes = (
        max(math.ceil(ahead * average_service_minutes(number.group, number.day) / windows), 1) if ahead else 0
    )
    return {"state": number.state, "ahead": ahead, "minutes": minutes}
