"""Booking online, by the hotline and at the kiosk; cancellation; the reminder the day before; no-shows pausing online
booking at the centre's limit."""

import datetime as dt

import pytest

from tests.hall.conftest import at
from zhengwu.cases.models import OutboxMessage
from zhengwu.core import clock
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord
from zhengwu.hall import services
from zhengwu.hall.models import Booking, Slot


def slot_at(hall, day: str, hour: int, minute: int = 0, group=None) -> Slot:
    services.generate_slots(centre=hall.centre, first=dt.date(2026, 11, 18), days=14)
    return Slot.objects.get(group=group or hall.general, start=at(day, hour, minute))


def test_the_hotline_books_for_a_caller_who_gets_a_message_with_the_cancellation_link(hall):
    slot = slot_at(hall, "2026-11-19", 9)
    booking = services.book(
        item=hall.item, slot=slot, channel="hotline", name="李四", phone="139 0000 1111", by=hall.operator
    )
    slot.refresh_from_db()
    assert (slot.booked, slot.left) == (1, 1)
    assert booking.state == Booking.State.BOOKED and booking.created_by == hall.operator
    assert len(booking.code) == 8 and booking.phone == "13900001111"
    message = OutboxMessage.objects.get(recipient="13900001111")
    assert "2026年11月19日 09:00–10:00" in message.body and booking.code in message.body
    assert f"/hall/booking/{booking.token}/" in message.body
    assert AuditRecord.objects.filter(action="hall.booked").count() == 1


def test_online_booking_needs_the_signed_in_person_and_their_id_number(hall):
    slot = slot_at(hall, "2026-11-19", 10)
    with pytest.raises(ValidationFailed) as err:
        services.book(
            item=hall.item,
            slot=slot,
            channel="online",
            name="张三",
            phone="13800138000",
            id_number=hall.id_number,
        )
    assert err.value.field == "user"
    with pytest.raises(ValidationFailed) as err:
        services.book(
            item=hall.item,
            slot=slot,
            channel="online",
            name="张三",
            phone="13800138000",
            user=hall.citizen_user,
        )
    assert (err.value.field, err.value.message) == ("id_number", "网上预约须填写身份证号码")
    with pytest.raises(ValidationFailed) as err:
        services.book(
            item=hall.item,
            slot=slot,
            channel="online",
            name="张三",
            phone="1380013800",
            user=hall.citizen_user,
        )
    assert err.value.field == "phone"
    booking = services.book(
        item=hall.item,
        slot=slot,
        channel="online",
        name="张三",
        phone="13800138000",
        id_number=hall.id_number,
        user=hall.citizen_user,
        by=hall.citizen_user,
    )
    assert booking.user == hall.citizen_user
    with pytest.raises(Conflict, match="当天在该窗口已有预约"):
        services.book(
            item=hall.item,
            slot=Slot.objects.get(group=hall.general, start=at("2026-11-19", 11)),
            channel="online",
            name="张三",
            phone="13800138000",
            id_number=hall.id_number,
            user=hall.citizen_user,
        )


def test_a_full_slot_refuses_the_next_person(hall):
    slot = slot_at(hall, "2026-11-19", 12)  # 延时服务, one place
    assert slot.extended and slot.capacity == 1
    services.book(item=hall.item, slot=slot, channel="kiosk", name="李四", phone="13900001111")
    with pytest.raises(Conflict) as err:
        services.book(item=hall.item, slot=slot, channel="kiosk", name="王五", phone="13900002222")
    assert (err.value.code, err.value.field, err.value.message) == (
        "slot_full",
        "slot",
        "该时段已约满,请选择其他时段",
    )
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("name", ["²", "123", "？？"])
def test_a_name_without_a_letter_is_refused(hall, name):
    slot = slot_at(hall, "2026-11-19", 10)
    with pytest.raises(ValidationFailed) as err:
        services.book(item=hall.item, slot=slot, channel="kiosk", name=name, phone="13900001111")
    assert err.value.field == "name" and "不能只有数字或符号" in err.value.message
    assert not Booking.objects.exists()
    kept = services.book(item=hall.item, slot=slot, channel="kiosk", name="John Smith", phone="13900001111")
    assert kept.name == "John Smith"


def test_a_slot_that_began_cannot_be_booked(hall):
    slot = slot_at(hall, "2026-11-18", 9)
    clock.set_now(at("2026-11-18", 9, 5))
    with pytest.raises(Conflict, match="已开始"):
        services.book(item=hall.item, slot=slot, channel="kiosk", name="李四", phone="13900001111")


def test_an_item_outside_the_group_is_refused(hall):
    slot = slot_at(hall, "2026-11-19", 9)
    hall.general.items.set([])
    booking = services.book(slot=slot, channel="hotline", name="李四", phone="13900001111", item=hall.item)
    assert booking.item == hall.item  # a group with no list takes any item
    other = hall.dedicated
    services.generate_slots(centre=hall.centre, first=dt.date(2026, 11, 18), days=14)
    hall.general.items.set([hall.item])
    assert other.items.filter(pk=hall.item.pk).exists()


def test_cancelling_gives_the_place_back_once(hall):
    slot = slot_at(hall, "2026-11-19", 12)
    booking = services.book(item=hall.item, slot=slot, channel="kiosk", name="李四", phone="13900001111")
    services.cancel(booking=services.by_token(booking.token))
    slot.refresh_from_db()
    assert slot.booked == 0
    with pytest.raises(Conflict, match="已取消"):
        services.cancel(booking=booking)
    services.book(item=hall.item, slot=slot, channel="kiosk", name="王五", phone="13900002222")


def test_the_reminder_goes_out_once_the_day_before(hall):
    slot = slot_at(hall, "2026-11-20", 9)
    booking = services.book(item=hall.item, slot=slot, channel="hotline", name="李四", phone="13900001111")
    assert services.remind_tomorrow() == 0  # today is the 18th: the 20th is not tomorrow
    clock.set_now(at("2026-11-19", 8))
    assert services.remind_tomorrow() == 1
    assert services.remind_tomorrow() == 0
    reminder = OutboxMessage.objects.filter(recipient="13900001111").order_by("-id").first()
    assert (
        reminder.body.startswith("李四:提醒您明天 2026年11月20日 09:00–10:00")
        and booking.code in reminder.body
    )


def test_no_shows_pause_online_booking_at_the_centres_limit(hall):
    services.generate_slots(centre=hall.centre, first=dt.date(2026, 11, 18), days=14)
    person = {"name": "张三", "phone": "13800138000", "id_number": hall.id_number}
    for day in ("2026-11-19", "2026-11-20"):
        services.book(
            item=hall.item,
            slot=Slot.objects.get(group=hall.general, start=at(day, 10)),
            channel="online",
            user=hall.citizen_user,
            **person,
        )
    clock.set_now(at("2026-11-20", 10, 14))
    assert services.mark_no_shows() == 1  # the 19th's; the 20th's is still within its 15 minutes' grace
    clock.set_now(at("2026-11-20", 10, 16))
    assert services.mark_no_shows() == 1
    assert services.no_shows(centre=hall.centre, id_number=hall.id_number) == 2
    later = Slot.objects.get(group=hall.general, start=at("2026-11-23", 10))
    with pytest.raises(Conflict) as err:
        services.book(item=hall.item, slot=later, channel="online", user=hall.citizen_user, **person)
    assert err.value.code == "booking_paused" and "爽约已达2次" in err.value.message
    # the hotline operator can still book for the person
    assert (
        services.book(item=hall.item, slot=later, channel="hotline", by=hall.operator, **person).state
        == Booking.State.BOOKED
    )
    # after the counting period (90 days) online booking opens again
    clock.set_now(at("2026-11-20", 10) + dt.timedelta(days=91))
    assert not services.booking_paused(centre=hall.centre, id_number=hall.id_number)
