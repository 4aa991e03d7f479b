"""The hall's demo loads on any date (times from the clock), twice without duplicating, with a queue in progress."""

import datetime as dt

import pytest

from zhengwu.core import clock
from zhengwu.core.demo import load_demo as load_county
from zhengwu.hall import demo, measures
from zhengwu.hall.models import Booking, QueueNumber, Slot


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 11, 18, 10, 30, tzinfo=clock.LOCAL),  # a working morning
        dt.datetime(2026, 10, 2, 10, 30, tzinfo=clock.LOCAL),  # 国庆节: no slots that day, some after
        dt.datetime(2026, 12, 31, 23, 30, tzinfo=clock.LOCAL),  # late at night
    ],
)
@pytest.mark.django_db
def test_the_demo_loads_on_any_date(moment, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock.set_now(moment)
    load_county()
    line = demo.load_demo()
    assert line.startswith("大厅演示:窗口分组 5 个")
    slots = Slot.objects.filter(group__centre__name=demo.CENTRE)
    assert slots.exists() and not slots.filter(day=dt.date(2026, 10, 2)).exists()
    assert Booking.objects.count() == 5
    numbers = QueueNumber.objects.all()
    assert numbers.filter(state=QueueNumber.State.WAITING).exists()
    assert numbers.filter(state=QueueNumber.State.DONE).exists()
    assert numbers.filter(green="elderly").exists() and numbers.filter(absences=1).exists()
    assert demo.load_demo().startswith("大厅演示:已存在")
    assert Booking.objects.count() == 5
    centre = Slot.objects.first().group.centre
    f = measures.figures(
        centre=centre, first=clock.local_date(moment - dt.timedelta(hours=2)), last=clock.today()
    )
    assert f["called"] > 5 and f["average_wait"] is not None


def test_the_demo_posts_decided_results_with_tracking_numbers(world, accepted):
    from tests.factories import make_staff
    from tests.hall.test_delivery import decided
    from zhengwu.core.models import Role
    from zhengwu.hall.models import Dispatch

    manager = make_staff("manager", world.centre.managed_by, roles=[Role.CENTRE_MANAGER]).user
    decided(world, accepted)
    assert demo._posted(world.centre, manager) == 1
    dispatch = Dispatch.objects.get()
    assert dispatch.tracking_number == "EA202600011CN" and dispatch.state == Dispatch.State.DELIVERED
