"""The hall API: appointments (/api/appointments/…: groups, slots, bookings, cancel, check-in) and the queue
(/api/queue/…: the centre's queue now, taking a number, a number's progress, the window terminal's calling), so a
kiosk or a third-party app can use them. Errors answer {code, message, field}."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from zhengwu.api.cases import ERRORS, signed_in
from zhengwu.catalog import selectors as catalog
from zhengwu.core import access, ratelimit
from zhengwu.core.errors import AccessDenied, NotFound, ValidationFailed
from zhengwu.core.models import ServiceCentre, Window
from zhengwu.hall import items, queue, selectors, services
from zhengwu.hall import permissions as hall_permissions
from zhengwu.hall.models import Booking, BookingChannel, QueueNumber, QueueSource

appointments = Router()
queue_router = Router()


class GroupOut(Schema):
    id: int
    prefix: str
    name: str
    items: list[str]


class ItemOut(Schema):
    code: str
    name: str
    organisation: str
    in_text: bool = Field(
        False, description="名称未匹配,仅在申请材料、受理条件等内容中提到所查内容(没有名称匹配的事项时才列出)"
    )


class ItemGroupOut(Schema):
    id: int
    centre_id: int
    centre: str
    prefix: str
    name: str


class SlotOut(Schema):
    id: int
    group: int
    start: dt.datetime
    end: dt.datetime
    extended: bool
    capacity: int
    left: int


class BookingIn(Schema):
    slot: int
    channel: Literal["online", "hotline", "kiosk"]
    name: str
    phone: str
    item: str = ""  # the item's code (事项编码); required unless the slot is for one item
    id_number: str = ""
    green: str = ""


class BookingOut(Schema):
    code: str
    token: str
    state: str
    state_label: str
    channel: str
    centre: str
    group: str
    item: str | None = None
    item_name: str | None = None
    start: dt.datetime
    end: dt.datetime
    number: str | None = None
    number_token: str | None = None


class NumberOut(Schema):
    number: str
    token: str
    group: str
    state: str
    state_label: str
    green: str
    booked: bool
    item: str | None = None
    item_name: str | None = None
    ahead: int
    minutes: int
    window: str | None = None


class CallOut(Schema):
    number: str
    window: str
    at: dt.datetime
    say: str


class QueueOut(Schema):
    centre: str
    groups: list[dict]
    calls: list[CallOut]
    waiting_now: int
    average_wait_today: float | None
    p90_wait_today: float | None


class TakeIn(Schema):
    group: int
    source: Literal["kiosk", "phone", "desk"]
    phone: str = ""
    green: str = ""
    item: str = ""


class TransferIn(Schema):
    group: int


def _item(code: str):
    if not code:
        return None
    item = catalog.item_or_none(code)
    if item is None:
        raise ValidationFailed(_("找不到该事项编码"), field="item")
    return item


def _booking_out(b: Booking) -> dict:
    number = selectors.number_of_booking(b)
    return {
        "code": b.code,
        "token": b.token,
        "state": b.state,
        "state_label": b.get_state_display(),
        "channel": b.channel,
        "centre": b.slot.group.centre.name,
        "group": b.slot.group.name,
        "item": b.item.code if b.item_id else None,
        "item_name": items.label(b.item) or None,
        "start": b.slot.start,
        "end": b.slot.end,
        "number": number.display if number else None,
        "number_token": number.token if number else None,
    }


def _number_out(n: QueueNumber) -> dict:
    progress = queue.progress(n)
    return {
        "number": n.display,
        "token": n.token,
        "group": n.group.name,
        "state": n.state,
        "state_label": n.get_state_display(),
        "green": n.green,
        "booked": n.booked,
        "item": n.item.code if n.item_id else None,
        "item_name": items.label(n.item) or None,
        "ahead": progress["ahead"],
        "minutes": progress["minutes"],
        "window": n.window.number if n.window else None,
    }


# ---- appointments


@appointments.get(
    "/centres/{centre_id}/groups",
    response={200: list[GroupOut], **ERRORS},
    auth=None,
    summary="可预约的窗口分组",
)
def groups(request, centre_id: int):
    centre = get_object_or_404(ServiceCentre, pk=centre_id)
    return [
        {"id": g.pk, "prefix": g.prefix, "name": g.name, "items": [i.code for i in g.items.all()]}
        for g in selectors.groups_of(centre)
    ]


@appointments.get("/items", response={200: list[ItemOut], **ERRORS}, auth=None, summary="可预约的事项(检索)")
def bookable_items(request, q: str = "", centre: int | None = None, limit: int = 20):
    """The items a person can book (at the centre, if given), found as the desk and the kiosk find them
    (hall.items.find): those whose name matches; only when none does, those that mention `q` in their materials or
    conditions (`in_text`); the first by code when `q` is empty."""
    where = get_object_or_404(ServiceCentre, pk=centre) if centre else None
    found = items.find(q, centre=where, limit=max(1, min(limit, 50)))
    return [
        {
            "code": e.code,
            "name": e.display_name,
            "organisation": e.organisation.name if e.organisation else "",
            "in_text": found["in_text"],
        }
        for e in found["found"]
    ]


@appointments.get(
    "/items/{code}/groups",
    response={200: list[ItemGroupOut], **ERRORS},
    auth=None,
    summary="办理该事项、可预约的窗口分组",
)
def item_groups(request, code: str, centre: int | None = None):
    """The groups that handle the item (from the catalogue's item → window mapping) with slots to come; several
    when more than one could (a department's own windows and the general windows, or several centres)."""
    item = _item(code)
    if item is None:
        raise ValidationFailed(_("请选择办理事项"), field="item")
    where = get_object_or_404(ServiceCentre, pk=centre) if centre else None
    return [
        {"id": g.pk, "centre_id": g.centre_id, "centre": g.centre.name, "prefix": g.prefix, "name": g.name}
        for g in items.groups_for(item, centre=where, bookable=True)
    ]


@appointments.get(
    "/slots", response={200: list[SlotOut], **ERRORS}, auth=None, summary="某分组某日尚有名额的时段"
)
def slots(request, group: int, day: dt.date = Query(...), item: str = ""):  # noqa: B008 — ninja's "from the query"
    found = selectors.active_group(group)
    if found is None:
        raise NotFound(_("找不到该窗口分组"), field="group")
    wanted = _item(item)
    if wanted is not None and not items.handles(found, wanted):
        raise ValidationFailed(_("「%(group)s」不办理该事项") % {"group": found.name}, field="item")
    return [
        {
            "id": s.pk,
            "group": s.group_id,
            "start": s.start,
            "end": s.end,
            "extended": s.extended,
            "capacity": s.capacity,
            "left": s.left,
        }
        for s in services.open_slots(group=found, day=day, item=wanted)
    ]


@appointments.post(
    "/bookings", response={201: BookingOut, **ERRORS}, auth=None, summary="预约(网上、热线代约、自助机)"
)
def book(request, payload: BookingIn):
    """Books the item (`item`, its code) in a slot of a group that handles it (see /items/{code}/groups).
    `online` books for the signed-in person; `hotline` needs a hotline operator or the centre's manager;
    `kiosk` is the hall's self-service machine (rate-limited by address)."""
    ratelimit.limit(request, group="api.hall.book", rate="30/m")
    slot = selectors.slot(payload.slot)
    if slot is None:
        raise ValidationFailed(_("找不到该时段"), field="slot")
    user = request.user if request.user.is_authenticated else None
    if payload.channel == BookingChannel.ONLINE and user is None:
        raise AccessDenied(_("网上预约请先登录"))
    if payload.channel == BookingChannel.HOTLINE:
        access.require_role(user, *hall_permissions.PHONE_BOOKERS)  # 代为预约 (hall.permissions)
    booking = services.book(
        slot=slot,
        channel=payload.channel,
        name=payload.name,
        phone=payload.phone,
        id_number=payload.id_number,
        item=_item(payload.item),
        user=user if payload.channel == BookingChannel.ONLINE else None,
        by=user,
        green=payload.green,
    )
    return Status(201, _booking_out(booking))


@appointments.get(
    "/bookings/{token}", response={200: BookingOut, **ERRORS}, auth=None, summary="凭预约凭据查看预约"
)
def booking(request, token: str):
    return _booking_out(services.by_token(token))


@appointments.post(
    "/bookings/{token}/cancel", response={200: BookingOut, **ERRORS}, auth=None, summary="取消预约"
)
def cancel(request, token: str):
    ratelimit.limit(request, group="api.hall.cancel", rate="30/m")
    return _booking_out(services.cancel(booking=services.by_token(token), by=request.user))


@appointments.post(
    "/bookings/{token}/check-in", response={200: NumberOut, **ERRORS}, auth=None, summary="预约签到取号"
)
def check_in(request, token: str):
    ratelimit.limit(request, group="api.hall.checkin", rate="30/m")
    return _number_out(queue.check_in(booking=services.by_token(token), by=request.user))


# ---- the queue


@queue_router.get(
    "/centres/{centre_id}", response={200: QueueOut, **ERRORS}, auth=None, summary="大厅排队与叫号实况"
)
def queue_now(request, centre_id: int):
    from zhengwu.hall import measures

    centre = get_object_or_404(ServiceCentre, pk=centre_id)
    today = measures.today(centre)
    return {
        "centre": centre.name,
        "groups": [
            {
                "id": q["group"].pk,
                "prefix": q["prefix"],
                "name": q["name"],
                "waiting": q["waiting"],
                "taken": q["taken"],
            }
            for q in selectors.queue_now(centre)
        ],
        "calls": [
            {"number": c["number"], "window": c["window"], "at": c["at"], "say": c["say"]}
            for c in selectors.calls(centre)
        ],
        "waiting_now": today["waiting_now"],
        "average_wait_today": today["average_wait"],
        "p90_wait_today": today["p90_wait"],
    }


@queue_router.post(
    "/numbers", response={201: NumberOut, **ERRORS}, auth=None, summary="取号(自助机、手机、导服台)"
)
def take(request, payload: TakeIn):
    """`desk` (the information desk, which may record 绿色通道) needs a staff account of the hall that takes numbers
    (hall.permissions.desk_refusal: not a supervisor, who watches the hall read-only)."""
    ratelimit.limit(request, group="api.hall.take", rate="60/m")
    group = selectors.group(payload.group)
    if group is None:
        raise ValidationFailed(_("找不到该窗口分组"), field="group")
    by = request.user if request.user.is_authenticated else None
    if payload.source == QueueSource.DESK:
        if refused := hall_permissions.desk_refusal(by):
            raise refused
    number = queue.take_number(
        group=group,
        source=payload.source,
        phone=payload.phone,
        item=_item(payload.item),
        green=payload.green,
        by=by,
    )
    return Status(201, _number_out(number))


@queue_router.get(
    "/numbers/{token}", response={200: NumberOut, **ERRORS}, auth=None, summary="排队进度(前面人数、预计等候)"
)
def number(request, token: str):
    return _number_out(queue.by_token(token))


def _window(request, window_id: int) -> Window:
    window = selectors.window(window_id)
    if window is None:
        raise NotFound(_("找不到该窗口"), field="window")
    return window


@queue_router.post(
    "/windows/{window_id}/next",
    response={200: NumberOut | None, **ERRORS},
    auth=signed_in,
    summary="叫下一位",
)
def call_next(request, window_id: int):
    called = queue.call_next(window=_window(request, window_id), by=request.user)
    return None if called is None else _number_out(called)


def _own_number(request, number_id: int) -> QueueNumber:
    found = selectors.terminal_number(request.user, number_id)
    if found is None:
        raise NotFound(_("找不到该号码"), field="number")
    return found


@queue_router.post(
    "/numbers/{number_id}/recall", response={200: NumberOut, **ERRORS}, auth=signed_in, summary="重呼"
)
def recall(request, number_id: int):
    return _number_out(queue.recall(number=_own_number(request, number_id), by=request.user))


@queue_router.post(
    "/numbers/{number_id}/start", response={200: NumberOut, **ERRORS}, auth=signed_in, summary="开始办理"
)
def start(request, number_id: int):
    return _number_out(queue.start(number=_own_number(request, number_id), by=request.user))


@queue_router.post(
    "/numbers/{number_id}/finish", response={200: NumberOut, **ERRORS}, auth=signed_in, summary="办结"
)
def finish(request, number_id: int):
    return _number_out(queue.finish(number=_own_number(request, number_id), by=request.user))


@queue_router.post(
    "/numbers/{number_id}/absent", response={200: NumberOut, **ERRORS}, auth=signed_in, summary="过号"
)
def absent(request, number_id: int):
    return _number_out(queue.absent(number=_own_number(request, number_id), by=request.user))


@queue_router.post(
    "/numbers/{number_id}/transfer", response={200: NumberOut, **ERRORS}, auth=signed_in, summary="转窗"
)
def transfer(request, number_id: int, payload: TransferIn):
    group = selectors.group(payload.group)
    if group is None:
        raise ValidationFailed(_("找不到该窗口分组"), field="group")
    return _number_out(queue.transfer(number=_own_number(request, number_id), group=group, by=request.user))
