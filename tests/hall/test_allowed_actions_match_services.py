"""代为预约 is offered exactly when the service accepts it (hall.permissions): booking a slot for a caller by phone,
for every kind of person, at every point of a slot (open, full, begun, kept for another item) — each tried through
services.book in a savepoint; and the page and its tab follow the same rule."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from tests.allowed_actions import matrix
from tests.cases.conftest import ITEM, publish
from tests.hall.conftest import at
from zhengwu.hall import permissions, services
from zhengwu.hall.models import Slot

pytestmark = pytest.mark.django_db


def _people(hall) -> dict:
    return {
        "热线话务员": hall.operator,
        "中心管理人员": hall.manager,
        "综合窗口人员": hall.clerk1,
        "部门窗口人员": hall.clerk8,
        "系统管理员(无工作人员档案)": get_user_model().objects.create_superuser(
            "root", password="pw-root-2026"
        ),
        "申请人": hall.citizen_user,
    }


def _slots(hall) -> dict[str, int]:
    services.generate_slots(centre=hall.centre, first=dt.date(2026, 11, 18), days=14)
    slot = lambda day, hour: Slot.objects.get(group=hall.general, start=at(day, hour))  # noqa: E731
    full = slot("2026-11-19", 10)
    Slot.objects.filter(pk=full.pk).update(booked=full.capacity)
    kept = slot("2026-11-19", 11)
    other = publish({**ITEM, "name": "食品经营许可变更"}, hall.bureau)
    Slot.objects.filter(pk=kept.pk).update(item=other)
    return {
        "有余位": slot("2026-11-19", 9).pk,
        "已约满": full.pk,
        "已开始": slot("2026-11-18", 9).pk,  # the hall's clock stands at 09:00 that day
        "留给其他事项": kept.pk,
    }


def test_booking_for_a_caller_is_offered_exactly_when_the_service_accepts_it(hall):
    people = _people(hall)
    points = _slots(hall)

    def attempt(action, user, slot):
        return lambda: services.book(
            item=hall.item, slot=slot, channel="hotline", name="李四", phone="13900001111", by=user
        )

    disagreements, offered = matrix(
        points,
        people,
        permissions.ACTIONS,
        reread=lambda pk: Slot.objects.get(pk=pk),
        refusal=lambda user, slot, action: permissions.refusal(user, slot, action, hall.item),
        attempt=attempt,
    )
    assert not disagreements, "\n".join(disagreements)
    # who is offered what, written out: a rule widened on both sides at once fails here
    offered_to = {
        point: sorted(
            who
            for who, user in people.items()
            if permissions.refusal(user, Slot.objects.get(pk=pk), "book", hall.item) is None
        )
        for point, pk in points.items()
    }
    assert offered_to["有余位"] == ["中心管理人员", "热线话务员"]
    assert all(not who for point, who in offered_to.items() if point != "有余位")
    assert offered == 2


def test_the_tab_and_the_page_follow_the_rule(hall, client):
    for user, shown in ((hall.operator, True), (hall.manager, True), (hall.clerk1, False)):
        client.force_login(user)
        page = client.get("/workbench/hall/").content.decode()
        assert ('href="/workbench/hall/book/"' in page) is shown
        assert (client.get("/workbench/hall/book/").status_code == 200) is shown
