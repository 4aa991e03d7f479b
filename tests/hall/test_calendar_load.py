"""Slots made while a year's holidays were unknown (2027 is not in the calendar package: Friday 2027-01-01 counted as
a working day) follow the arrangement once it is loaded: no one can book New Year's Day any more, a booking already
made that day is cancelled (the hall is closed) and its holder told by SMS to book another day, the days that stay
working days keep their slots."""

from tests.hall.conftest import at
from zhengwu.cases.models import OutboxMessage
from zhengwu.core import calendar, clock
from zhengwu.core.models import AuditRecord
from zhengwu.hall import services
from zhengwu.hall.models import Slot

NEW_YEAR_2027 = {"year": 2027, "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": []}


def test_loading_2027_closes_the_slots_made_on_new_years_day(hall):
    clock.set_now(at("2026-12-21", 10))  # Monday
    services.generate_slots(centre=hall.centre, first=clock.today(), days=21)
    assert (
        Slot.objects.filter(group=hall.general, day="2027-01-01").count() == 5
    )  # 09–12 by the hour, 12–13 halves
    assert Slot.objects.filter(group=hall.general, day="2027-01-02").count() == 2  # Saturday service
    slot = Slot.objects.get(group=hall.general, start=at("2027-01-01", 10))
    booking = services.book(item=hall.item, slot=slot, channel="hotline", name="李四", phone="13900001111")
    sent = OutboxMessage.objects.count()

    calendar.load_year(**NEW_YEAR_2027)

    assert list(Slot.objects.filter(day="2027-01-02")) == []
    assert list(Slot.objects.filter(day="2027-01-01")) == [slot]  # kept, closed, with its booking's history
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert (slot.capacity, slot.booked, slot.rule) == (0, 0, None)
    assert booking.state == booking.State.CANCELLED
    assert services.open_slots(group=hall.general, day=slot.day).count() == 0
    message = OutboxMessage.objects.order_by("-pk").first()
    assert OutboxMessage.objects.count() == sent + 1 and message.recipient == "13900001111"
    assert "2027年节假日安排公布,1月1日贵溪市政务服务中心休息" in message.body
    assert booking.code in message.body and "已取消,请另约时间" in message.body
    assert Slot.objects.filter(group=hall.general, day="2027-01-04").count() == 5  # Monday: a working day
    record = AuditRecord.objects.get(action="hall.slots_follow_calendar")
    assert record.summary == {"year": 2027, "removed": 6, "cancelled": 1, "kept": 0, "told": 1}
