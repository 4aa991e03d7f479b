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
from zhengwu.core.errors import AccessDenied
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


# ---------------------------------------------------------------- 送达 (hall.delivery)


def _delivery_points(world) -> dict[str, int]:
    """A case whose applicant chose post, at each point of the delivery page: not decided yet, decided, posted,
    returned, delivered."""
    from tests.factories import paper_checklist
    from tests.hall.test_delivery import ADDRESS, decided
    from zhengwu.cases import services as cases
    from zhengwu.hall import delivery

    def chosen():
        case = cases.submit_case(
            item=world.item,
            applicant=world.company,
            by=world.clerk,
            channel="counter",
            window=world.dedicated,
            form={"subject": "申请食品经营许可(餐饮服务)"},
        )
        case = cases.accept_case(case=case, by=world.clerk, paper=paper_checklist(case))
        delivery.choose(case=case, method="post", address=ADDRESS, by=None)
        return case

    points = {"未决定": chosen(), "已决定": decided(world, chosen())}
    case = decided(world, chosen())
    delivery.post(case=case, tracking_number="EA123456785CN", by=world.clerk)
    points["已寄出"] = case
    case = decided(world, chosen())
    delivery.returned(
        dispatch=delivery.post(case=case, tracking_number="EA123456785CN", by=world.clerk),
        reason="地址不详",
        by=world.clerk,
    )
    points["已退回"] = case
    case = decided(world, chosen())
    delivery.confirm(
        dispatch=delivery.post(case=case, tracking_number="EA123456785CN", by=world.clerk), by=world.clerk
    )
    points["已签收"] = case
    return {point: case.pk for point, case in points.items()}


def test_delivery_is_offered_exactly_when_the_service_accepts_it(world):
    from types import SimpleNamespace

    from django.test import Client

    from tests.factories import make_staff
    from zhengwu.cases.models import Case
    from zhengwu.core.models import Role
    from zhengwu.hall import delivery
    from zhengwu.hall.models import Dispatch

    people = {
        "受理窗口人员": world.clerk,
        "综合窗口人员": world.general_clerk,
        "审查人员": world.approver,
        "中心管理人员": make_staff("manager", world.centre.managed_by, roles=[Role.CENTRE_MANAGER]).user,
        "外单位窗口人员": world.outsider,
        "申请人": world.citizen_user,
    }
    points = _delivery_points(world)

    def fresh(pk):
        case = Case.objects.select_related("organisation", "window").get(pk=pk)
        return SimpleNamespace(case=case, dispatch=Dispatch.objects.filter(case=case).order_by("pk").last())

    def target(at, action):
        return at.case if action == "post" else at.dispatch

    def refusal(user, at, action):
        if target(at, action) is None:  # nothing posted: the page lists no dispatch to close
            return AccessDenied()
        return permissions.refusal(user, target(at, action), action)

    def attempt(action, user, at):
        def call():
            if target(at, action) is None:
                raise AccessDenied()
            if action == "post":
                delivery.post(case=at.case, tracking_number="EA123456706CN", by=user)
            elif action == "confirm":
                delivery.confirm(dispatch=at.dispatch, by=user)
            else:
                delivery.returned(dispatch=at.dispatch, reason="拒收", by=user)

        return call

    disagreements, offered = matrix(
        points, people, permissions.DELIVERY_ACTIONS, reread=fresh, refusal=refusal, attempt=attempt
    )
    assert not disagreements, "\n".join(disagreements)
    table = {
        point: {
            who: " ".join(a for a in permissions.DELIVERY_ACTIONS if refusal(user, fresh(pk), a) is None)
            for who, user in people.items()
            if any(refusal(user, fresh(pk), a) is None for a in permissions.DELIVERY_ACTIONS)
        }
        for point, pk in points.items()
    }
    posting = {who: "post" for who in ("受理窗口人员", "综合窗口人员", "中心管理人员")}
    # 签收 records the delivery on the case: the case's intake roles, not a centre manager (cases.permissions)
    assert table == {
        "未决定": {},
        "已决定": posting,
        "已寄出": {
            "受理窗口人员": "confirm returned",
            "综合窗口人员": "confirm returned",
            "中心管理人员": "returned",
        },
        "已退回": posting,
        "已签收": {},
    }
    assert offered == 11
    client = Client()
    client.force_login(people["中心管理人员"])
    page = client.get("/workbench/hall/delivery/").content.decode()
    assert Case.objects.get(pk=points["已寄出"]).number in page
    assert 'value="returned"' in page and 'value="confirm"' not in page
    client.force_login(world.clerk)
    page = client.get("/workbench/hall/delivery/").content.decode()
    assert 'value="returned"' in page and 'value="confirm"' in page


# ---------------------------------------------------------------- who opens which hall page (电子监察 read-only)

HALL_PAGES = (
    "",
    "terminal/",
    "desk/",
    "book/",
    "rules/",
    "hours/",
    "waits/",
    "waits/recipients/",
    "delivery/",
)


def _watchers(hall) -> dict:
    """The hall's workers, a supervisor of the county (电子监察, of their own organisation) and an approver."""
    from tests.factories import make_organisation, make_staff
    from zhengwu.core.models import Role

    inspectorate = make_organisation("贵溪市电子监察中心", region=hall.county, short_name="电子监察中心")
    return {
        "综合窗口人员": hall.clerk1,
        "中心管理人员": hall.manager,
        "热线话务员": hall.operator,
        "监察人员": make_staff("inspector", inspectorate, roles=[Role.SUPERVISOR], name="纪监察").user,
        "审批人员": make_staff("approver", hall.bureau, roles=[Role.APPROVER], name="赵审批").user,
    }


def test_every_hall_page_opens_exactly_for_the_roles_it_serves(hall, client):
    """Each role against each page of /workbench/hall/, written out: a supervisor opens the overview and the wait
    warnings (read-only) and nothing that acts — it used to be 403 on every hall page."""
    opened = {}
    for who, user in _watchers(hall).items():
        client.force_login(user)
        opened[who] = [
            page or "大厅概况"
            for page in HALL_PAGES
            if client.get(f"/workbench/hall/{page}").status_code == 200
        ]
    assert opened == {
        "综合窗口人员": ["大厅概况", "terminal/", "desk/", "waits/", "delivery/"],
        "中心管理人员": [
            "大厅概况",
            "desk/",
            "book/",
            "rules/",
            "hours/",
            "waits/",
            "waits/recipients/",
            "delivery/",
        ],
        "热线话务员": ["大厅概况", "desk/", "book/", "waits/"],
        "监察人员": ["大厅概况", "waits/"],
        "审批人员": [],
    }


def test_a_supervisor_watches_the_queue_and_the_windows_but_calls_and_takes_no_number(hall, client):
    from tests.factories import make_window
    from tests.hall.conftest import at
    from zhengwu.core import clock
    from zhengwu.hall import queue
    from zhengwu.hall.models import QueueNumber

    clock.set_now(at("2026-11-18", 9, 30))
    first = queue.take_number(group=hall.general, source="kiosk")
    queue.take_number(group=hall.general, source="kiosk")
    queue.call_next(window=hall.w1, by=hall.clerk1)
    make_window(hall.centre, "9")  # a window nobody sits at
    inspector = _watchers(hall)["监察人员"]
    client.force_login(inspector)
    menu = client.get("/workbench/").content.decode()
    assert 'href="/workbench/hall/"' in menu
    page = client.get("/workbench/hall/").content.decode()
    assert 'data-testid="waiting-now">1<' in page  # the queue and its waits
    windows = page[page.index('data-testid="windows"') :]
    row = lambda number: windows[windows.index(f'data-testid="window-{number}"') :].split("</tr>")[0]  # noqa: E731
    assert (
        "李综窗" in row("1")
        and "已叫号" in row("1")
        and f"{first.display} " in row("1")
        and "09:30 起" in row("1")
    )
    assert "周综窗" in row("2") and "空闲" in row("2")
    assert "无人值守" in row("9")
    # nothing on the page to act with: no desk, terminal, booking, settings or delivery tab, no form
    for href in ("terminal/", "desk/", "book/", "rules/", "hours/", "recipients/", "delivery/"):
        assert f'href="/workbench/hall/{href}' not in page
    assert 'method="post"' not in page[page.index('id="main"') :]
    assert 'data-testid="hall-choice"' not in page  # one hall in their county: nothing to choose
    # and the pages and the API that act refuse with the reason, leaving the queue as it was
    before = list(QueueNumber.objects.order_by("pk").values_list("pk", "state", "window_id", "group_id"))
    refused = client.post("/workbench/hall/terminal/next/")
    assert refused.status_code == 403 and "您不在窗口" in refused.content.decode()
    refused = client.post("/workbench/hall/desk/", {"group": hall.general.pk})
    assert refused.status_code == 403 and "监察人员只能查看大厅" in refused.content.decode()
    answer = client.post(f"/api/queue/windows/{hall.w1.pk}/next")
    assert answer.status_code == 403 and answer.json()["message"] == "只有该窗口的工作人员可以操作叫号"
    for action in ("recall", "start", "finish", "absent"):
        assert client.post(f"/api/queue/numbers/{first.pk}/{action}").status_code == 403
    answer = client.post(
        f"/api/queue/numbers/{first.pk}/transfer",
        {"group": hall.dedicated.pk},
        content_type="application/json",
    )
    assert answer.status_code == 403
    answer = client.post(
        "/api/queue/numbers", {"group": hall.general.pk, "source": "desk"}, content_type="application/json"
    )
    assert answer.status_code == 403 and "监察人员只能查看大厅" in answer.json()["message"]
    assert (
        list(QueueNumber.objects.order_by("pk").values_list("pk", "state", "window_id", "group_id")) == before
    )
    # the queue's public figures stay open to them as to anyone
    assert client.get(f"/api/queue/centres/{hall.centre.pk}").json()["waiting_now"] == 1


def test_a_city_supervisor_watches_each_county_s_hall_and_no_other(hall, client):
    from tests.factories import make_centre, make_organisation, make_region, make_staff
    from zhengwu.core.models import Role
    from zhengwu.hall.models import WindowGroup

    elsewhere = make_region("360602", "月湖区", parent=hall.county.parent)
    there = make_centre("月湖区政务服务中心", elsewhere)
    WindowGroup.objects.create(centre=there, name="综合受理", prefix="A", service_minutes=10)
    far = make_centre("上饶市政务服务中心", make_region("361100", "上饶市"))
    WindowGroup.objects.create(centre=far, name="综合受理", prefix="A", service_minutes=10)
    city = make_organisation("鹰潭市电子监察中心", region=hall.county.parent, short_name="市监察中心")
    client.force_login(make_staff("city-inspector", city, roles=[Role.SUPERVISOR], name="市监察").user)
    page = client.get("/workbench/hall/").content.decode()
    choice = page[page.index('data-testid="hall-choice"') :].split("</form>")[0]
    assert "贵溪市政务服务中心" in choice and "月湖区政务服务中心" in choice and "上饶市" not in choice
    page = client.get("/workbench/hall/", {"centre": there.pk}).content.decode()
    assert "月湖区政务服务中心 · 大厅" in page
    assert client.get("/workbench/hall/", {"centre": far.pk}).status_code == 404
    # a county's supervisor does not see the neighbouring county's hall
    client.force_login(_watchers(hall)["监察人员"])
    assert client.get("/workbench/hall/", {"centre": there.pk}).status_code == 404
