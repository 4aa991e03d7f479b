"""Taking numbers, checking in bookings, and the order of calling: 绿色通道 first, bookings by the centre's rule,
an absentee back in the queue once; transfers, the terminal's actions and the phone's view."""

import datetime as dt

import pytest

from tests.hall.conftest import at
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.hall import queue, services
from zhengwu.hall.models import BookedPriority, Booking, HallSettings, QueueNumber, Slot

State = QueueNumber.State


def minutes(n: int) -> None:
    clock.set_now(clock.now() + dt.timedelta(minutes=n))


def booked_number(hall, name: str, phone: str, hour: int = 9) -> QueueNumber:
    services.generate_slots(centre=hall.centre, first=clock.today(), days=1)
    slot = Slot.objects.get(group=hall.general, start=at("2026-11-18", hour))
    booking = services.book(
        item=hall.item, slot=slot, channel="hotline", name=name, phone=phone, by=hall.operator
    )
    return queue.check_in(booking=booking)


def served(hall) -> QueueNumber:
    """下一位 at window 1, and the person called comes to the window (开始办理)."""
    called = queue.call_next(window=hall.w1, by=hall.clerk1)
    return queue.start(number=called, by=hall.clerk1)


def test_numbers_carry_the_groups_prefix_and_count_per_day(hall):
    clock.set_now(at("2026-11-18", 8, 30))
    a1 = queue.take_number(group=hall.general, source="kiosk")
    a2 = queue.take_number(group=hall.general, source="phone", phone="13900001111")
    b1 = queue.take_number(group=hall.dedicated, source="desk", green="elderly", by=hall.operator)
    assert [a1.display, a2.display, b1.display] == ["A001", "A002", "B001"]
    clock.set_now(at("2026-11-19", 8, 30))
    assert queue.take_number(group=hall.general, source="kiosk").display == "A001"


def test_taking_a_number_checks_its_input(hall):
    with pytest.raises(ValidationFailed) as err:
        queue.take_number(group=hall.general, source="phone")
    assert (err.value.field, err.value.message) == ("phone", "手机取号请填写手机号码")
    with pytest.raises(ValidationFailed) as err:
        queue.take_number(group=hall.general, source="kiosk", green="elderly")
    assert err.value.message == "绿色通道请到导服台由工作人员登记"
    with pytest.raises(ValidationFailed) as err:
        queue.take_number(group=hall.general, source="desk", green="vip")
    assert err.value.field == "green"


def test_a_booking_checks_in_within_its_window_of_time(hall):
    services.generate_slots(centre=hall.centre, first=clock.today(), days=2)
    slot = Slot.objects.get(group=hall.general, start=at("2026-11-18", 11))
    booking = services.book(item=hall.item, slot=slot, channel="hotline", name="李四", phone="13900001111")
    with pytest.raises(Conflict, match="签到从 10:30 开始"):
        queue.check_in(booking=booking)
    clock.set_now(at("2026-11-18", 10, 40))
    number = queue.check_in_by_code(centre=hall.centre, code=booking.code.lower())
    assert number.booked and number.display == "A001" and number.phone == "13900001111"
    booking.refresh_from_db()
    assert booking.state == Booking.State.CHECKED_IN
    assert queue.check_in(booking=booking) == number  # checking in twice gives the same number
    tomorrow = services.book(
        item=hall.item,
        slot=Slot.objects.get(group=hall.general, start=at("2026-11-19", 11)),
        channel="hotline",
        name="王五",
        phone="13900002222",
    )
    with pytest.raises(Conflict, match="预约日期为 2026年11月19日"):
        queue.check_in(booking=tomorrow)


def test_calling_order_green_first_then_bookings_then_walk_ins(hall):
    clock.set_now(at("2026-11-18", 8, 50))
    w1 = queue.take_number(group=hall.general, source="kiosk")  # A001
    minutes(1)
    w2 = queue.take_number(group=hall.general, source="kiosk")  # A002
    minutes(1)
    b1 = booked_number(hall, "李四", "13900001111")  # A003, checked in for 09:00
    minutes(1)
    g1 = queue.take_number(group=hall.general, source="desk", green="disabled", by=hall.operator)  # A004
    called = [served(hall) for _ in range(4)]
    assert [n.display for n in called] == [g1.display, b1.display, w1.display, w2.display]
    assert queue.call_next(window=hall.w1, by=hall.clerk1) is None
    assert QueueNumber.objects.filter(state=State.DONE).count() == 4  # 下一位 finishes the one being served


def test_alternating_and_plain_order(hall):
    HallSettings.objects.filter(centre=hall.centre).update(booked_priority=BookedPriority.ALTERNATE)
    clock.set_now(at("2026-11-18", 8, 50))
    w = [queue.take_number(group=hall.general, source="kiosk") for _ in range(3)]
    b = [booked_number(hall, "李四", "13900001111"), booked_number(hall, "王五", "13900002222")]
    order = []
    for _ in range(5):
        minutes(1)
        order.append(served(hall).display)
    assert order == [b[0].display, w[0].display, b[1].display, w[1].display, w[2].display]
    numbers = list(QueueNumber.objects.all())
    plain = queue.call_order(numbers, policy=BookedPriority.NONE)
    assert [n.display for n in plain] == ["A001", "A002", "A003", "A004", "A005"]


def test_an_absentee_goes_back_to_the_queue_once(hall):
    clock.set_now(at("2026-11-18", 9))
    first = queue.take_number(group=hall.general, source="kiosk")
    minutes(1)
    second = queue.take_number(group=hall.general, source="kiosk")
    called = queue.call_next(window=hall.w1, by=hall.clerk1)
    assert called == first
    minutes(2)
    queue.recall(number=called, by=hall.clerk1)
    minutes(2)
    back = queue.absent(number=called, by=hall.clerk1)
    assert (back.state, back.absences, back.window) == (State.WAITING, 1, None)
    assert served(hall) == second  # the absentee queues behind who was waiting
    minutes(3)
    again = queue.call_next(window=hall.w1, by=hall.clerk1)
    assert again == first
    gone = queue.absent(number=again, by=hall.clerk1)
    assert gone.state == State.ABSENT and gone.absences == 2
    assert queue.call_next(window=hall.w1, by=hall.clerk1) is None


def test_two_windows_never_call_the_same_number(hall):
    clock.set_now(at("2026-11-18", 9))
    queue.take_number(group=hall.general, source="kiosk")
    queue.take_number(group=hall.general, source="kiosk")
    one = queue.call_next(window=hall.w1, by=hall.clerk1)
    two = queue.call_next(window=hall.w2, by=hall.clerk2)
    assert {one.display, two.display} == {"A001", "A002"}
    queue.start(number=two, by=hall.clerk2)
    assert queue.call_next(window=hall.w2, by=hall.clerk2) is None


def test_transfer_keeps_the_place_by_the_time_taken(hall):
    clock.set_now(at("2026-11-18", 9))
    moved = queue.take_number(group=hall.general, source="kiosk")
    minutes(5)
    later = queue.take_number(group=hall.dedicated, source="kiosk")
    queue.call_next(window=hall.w1, by=hall.clerk1)
    moved = queue.transfer(number=moved, group=hall.dedicated, by=hall.clerk1)
    assert (moved.group, moved.transferred_from, moved.state) == (hall.dedicated, hall.general, State.WAITING)
    assert queue.call_next(window=hall.w3, by=hall.clerk8) == moved
    queue.start(number=moved, by=hall.clerk8)
    assert queue.call_next(window=hall.w3, by=hall.clerk8) == later
    with pytest.raises(ValidationFailed):
        queue.transfer(number=later, group=hall.dedicated, by=hall.clerk8)


def test_only_the_windows_clerk_works_its_terminal(hall):
    queue.take_number(group=hall.general, source="kiosk")
    with pytest.raises(AccessDenied):
        queue.call_next(window=hall.w1, by=hall.clerk2)
    with pytest.raises(AccessDenied):
        queue.call_next(window=hall.w1, by=hall.operator)
    assert queue.call_next(window=hall.w1, by=hall.manager).display == "A001"


def test_a_phone_holds_one_waiting_number_per_group_however_often_it_taps(hall):
    clock.set_now(at("2026-11-18", 8, 30))
    first = queue.take_number(group=hall.general, source="phone", phone="13900001111")
    again = queue.take_number(group=hall.general, source="phone", phone="+86 139-0000-1111")
    assert again.pk == first.pk and QueueNumber.objects.filter(phone="13900001111").count() == 1
    other_group = queue.take_number(group=hall.dedicated, source="phone", phone="13900001111")
    at_the_kiosk = queue.take_number(group=hall.general, source="kiosk")
    assert other_group.pk != first.pk and at_the_kiosk.display == "A002"
    QueueNumber.objects.filter(pk=first.pk).update(state=State.DONE)
    assert queue.take_number(group=hall.general, source="phone", phone="13900001111").display == "A003"


def test_the_phone_sees_how_many_are_ahead_and_the_estimated_wait(hall):
    clock.set_now(at("2026-11-18", 9))
    numbers = [queue.take_number(group=hall.general, source="kiosk") for _ in range(5)]
    mine = numbers[4]
    # nothing served yet today: the group's 10 minutes, two windows → 4 ahead × 10 ÷ 2 = 20
    assert queue.progress(mine) == {"state": State.WAITING, "ahead": 4, "minutes": 20}
    for _ in range(3):  # three served at the one window, 6 minutes each
        served(hall)
        minutes(6)
    queue.call_next(window=hall.w1, by=hall.clerk1)  # finishes the third, calls the fourth
    assert queue.progress(mine) == {"state": State.WAITING, "ahead": 0, "minutes": 0}
    assert queue.progress(numbers[3])["state"] == State.CALLED
    assert queue.average_service_minutes(hall.general) == 6
