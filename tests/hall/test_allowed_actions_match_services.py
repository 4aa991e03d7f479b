"""代为预约 is offered exactly when the service accepts it (hall.permissions): booking a slot for a caller by phone,
for every kind of person, at every point of a slot (open, full, begun, kept for another item) — each tried through
services.book in a savepoint; and the page and its tab follow the same rule. Likewise a centre's hall settings
(预约时段规则, 办公时间, 等候超时提醒人), for its own centre and another county's."""

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


def test_a_centre_s_hall_settings_are_offered_exactly_to_those_the_services_accept(hall):
    from tests.factories import make_centre, make_organisation, make_region, make_staff
    from tests.hall.test_opening_hours import SUMMER
    from zhengwu.core.models import Role, ServiceCentre
    from zhengwu.hall.models import DayKinds, SlotRule, WindowGroup

    people = _people(hall)
    # an administrator with a staff profile, as the hall's pages let in; and another county's centre manager
    people["系统管理员"] = make_staff("admin", hall.office, roles=[Role.ADMINISTRATOR], name="管理员").user
    elsewhere = make_region("360602", "月湖区", parent=hall.county.parent)
    there = make_centre("月湖区政务服务中心", elsewhere)
    people["他区中心管理人员"] = make_staff(
        "manager2",
        make_organisation("月湖区政务服务管理局", region=elsewhere, short_name="月湖政务局"),
        roles=[Role.CENTRE_MANAGER],
        name="何主任",
    ).user
    group = WindowGroup.objects.create(centre=there, name="综合受理", prefix="A", service_minutes=10)
    SlotRule.objects.create(
        group=group, days=DayKinds.WORKDAYS, start=dt.time(9), end=dt.time(12), slot_minutes=60, capacity=2
    )
    points = {"本中心": hall.centre.pk, "他区中心": there.pk}

    def attempt(action, user, centre):
        if action == "rules":
            rule = SlotRule.objects.filter(group__centre=centre).first()
            return lambda: services.change_rule(rule=rule, by=user, capacity=3)
        if action == "hours":
            return lambda: services.set_opening_hours(
                centre=centre, by=user, name="夏季作息", from_month=5, from_day=1, **SUMMER
            )
        return lambda: services.set_wait_recipients(centre=centre, duty_manager=None, leads={}, by=user)

    disagreements, offered = matrix(
        points,
        people,
        permissions.CENTRE_ACTIONS,
        reread=lambda pk: ServiceCentre.objects.get(pk=pk),
        refusal=permissions.refusal,
        attempt=attempt,
    )
    assert not disagreements, "\n".join(disagreements)
    keepers = {
        point: sorted(
            who
            for who, user in people.items()
            if permissions.refusal(user, ServiceCentre.objects.get(pk=pk), "hours") is None
        )
        for point, pk in points.items()
    }
    assert keepers == {
        "本中心": ["中心管理人员", "系统管理员", "系统管理员(无工作人员档案)"],
        "他区中心": ["他区中心管理人员", "系统管理员", "系统管理员(无工作人员档案)"],
    }
    assert offered == 18
