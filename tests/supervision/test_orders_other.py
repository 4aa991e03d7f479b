"""Supervision orders on a ticket (诉求工单) and on a disclosure request (依申请公开): issued by a supervisor through
the page and through the API, seen and answered by the organisation responsible; a wrong number is refused at its
field in Chinese; a window clerk cannot issue."""

import json

import pytest

from tests.factories import make_staff
from tests.supervision.conftest import at
from zhengwu.core import clock
from zhengwu.core.models import Role
from zhengwu.disclosure import services as disclosure
from zhengwu.supervision.models import SupervisionOrder
from zhengwu.tickets import services as tickets
from zhengwu.tickets.models import Category, Channel, Kind


@pytest.fixture
def ticket(world):
    operator = make_staff("operator", world.government, roles=[Role.HOTLINE_OPERATOR], name="话务员").user
    category = Category.objects.create(code="market.food", name="食品安全", default_organisation=world.bureau)
    filed = tickets.file_ticket(
        kind=Kind.COMPLAINT,
        channel=Channel.HOTLINE,
        category=category,
        content="雄石街道某餐馆后厨卫生条件差,希望市场监管部门检查",
        caller_name="张伟",
        caller_phone="13979712345",
        region=world.county,
        by=operator,
    )
    return tickets.dispatch_ticket(ticket=filed, lead=world.bureau, by=operator)


@pytest.fixture
def disclosure_request(world):
    return disclosure.file_request(
        organisation=world.bureau,
        channel="online",
        requester_kind="natural_person",
        requester_name="李明",
        phone="13800138000",
        description="2026 年本市食品经营许可的发放数量",
    )


def post_json(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def respond_as_head(world, client, number):
    client.force_login(world.head)
    listed = client.get("/workbench/supervision/orders/")
    assert number in listed.content.decode()
    assert number in [o["number"] for o in client.get("/api/supervision/orders").json()]
    client.post(
        f"/workbench/supervision/orders/{number}/", {"action": "respond", "text": "已现场检查并责令整改"}
    )
    row = SupervisionOrder.objects.get(number=number)
    assert row.state == SupervisionOrder.State.RESPONDED and row.response == "已现场检查并责令整改"


def test_supervisor_orders_on_a_ticket_through_the_page(world, ticket, client):
    client.force_login(world.supervisor)
    assert client.get("/workbench/supervision/orders/new/ticket/").status_code == 200
    response = client.post(
        "/workbench/supervision/orders/new/ticket/",
        {"number": ticket.number, "instruction": "请于三日内核查并答复", "response_days": "3"},
    )
    order = SupervisionOrder.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/orders/{order.number}/")
    assert order.subject == SupervisionOrder.Subject.TICKET and order.ticket == ticket
    assert order.organisation == world.bureau and order.response_days == 3
    page = client.get(f"/workbench/supervision/orders/{order.number}/").content.decode()
    assert f"工单 {ticket.number}" in page and f"/workbench/tickets/{ticket.number}/" in page
    respond_as_head(world, client, order.number)


def test_an_undispatched_ticket_is_refused_at_its_number_saying_why(world, ticket, client):
    """A stranger's pass: 督办 on a ticket not dispatched yet answered 请选择责任单位, a field the page does not have."""
    from zhengwu.tickets.models import Ticket

    Ticket.objects.filter(pk=ticket.pk).update(lead_organisation=None)
    client.force_login(world.supervisor)
    response = client.post(
        "/workbench/supervision/orders/new/ticket/",
        {"number": ticket.number, "instruction": "请核查", "response_days": "3"},
    )
    page = response.content.decode()
    assert response.status_code == 422 and "尚未派单" in page and "请选择责任单位" not in page
    assert not SupervisionOrder.objects.exists()


def test_supervisor_orders_on_a_request_through_the_page(world, disclosure_request, client):
    client.force_login(world.supervisor)
    response = client.post(
        "/workbench/supervision/orders/new/request/",
        {"number": disclosure_request.number, "instruction": "请按期答复申请人", "response_days": "5"},
    )
    order = SupervisionOrder.objects.get()
    assert response.status_code == 302
    assert (
        order.subject == SupervisionOrder.Subject.REQUEST and order.request_ref == disclosure_request.number
    )
    assert order.organisation == world.bureau
    page = client.get(f"/workbench/supervision/orders/{order.number}/").content.decode()
    assert disclosure_request.number in page
    assert f"/workbench/disclosure/requests/{disclosure_request.pk}/" in page
    respond_as_head(world, client, order.number)


def test_supervisor_orders_on_a_ticket_and_a_request_through_the_api(
    world, ticket, disclosure_request, client
):
    client.force_login(world.supervisor)
    on_ticket = post_json(
        client,
        "/api/supervision/orders",
        {"ticket": ticket.number, "instruction": "核查", "response_days": 2},
    )
    assert on_ticket.status_code == 201, on_ticket.json()
    assert (
        on_ticket.json()["subject"] == "ticket" and on_ticket.json()["organisation"] == "贵溪市市场监督管理局"
    )
    on_request = post_json(
        client, "/api/supervision/orders", {"request": disclosure_request.number, "instruction": "按期答复"}
    )
    assert on_request.status_code == 201, on_request.json()
    assert on_request.json()["subject"] == "request"
    assert disclosure_request.number in on_request.json()["subject_label"]
    client.force_login(world.head)
    mine = {o["number"] for o in client.get("/api/supervision/orders").json()}
    assert mine == {on_ticket.json()["number"], on_request.json()["number"]}
    answered = post_json(
        client,
        f"/api/supervision/orders/{on_request.json()['number']}",
        {"action": "respond", "text": "已于当日答复"},
    )
    assert answered.status_code == 200 and answered.json()["state"] == "responded"


@pytest.mark.parametrize("kind", ["ticket", "request"])
def test_a_wrong_number_is_refused_at_its_field(world, ticket, disclosure_request, client, kind):
    client.force_login(world.supervisor)
    page = client.post(
        f"/workbench/supervision/orders/new/{kind}/",
        {"number": "NO-SUCH-1", "instruction": "核查", "response_days": "3"},
    )
    assert page.status_code == 422
    html = page.content.decode()
    assert 'data-testid="error-number"' in html and "找不到" in html and "NO-SUCH-1" in html
    assert 'value="NO-SUCH-1"' in html  # what was typed stays
    api = post_json(client, "/api/supervision/orders", {kind: "NO-SUCH-1", "instruction": "核查"})
    assert api.status_code == 422 and api.json()["field"] == kind and "找不到" in api.json()["message"]
    assert not SupervisionOrder.objects.exists()


def test_a_supervisor_of_another_county_cannot_find_them(world, ticket, disclosure_request, client):
    client.force_login(world.far_supervisor)
    for kind, number in (("ticket", ticket.number), ("request", disclosure_request.number)):
        api = post_json(client, "/api/supervision/orders", {kind: number, "instruction": "核查"})
        assert api.status_code == 422 and api.json()["field"] == kind
    assert not SupervisionOrder.objects.exists()


def test_a_window_clerk_cannot_issue(world, ticket, disclosure_request, client):
    client.force_login(world.clerk)
    assert client.get("/workbench/supervision/orders/new/ticket/").status_code == 403
    page = client.post(
        "/workbench/supervision/orders/new/ticket/",
        {"number": ticket.number, "instruction": "核查", "response_days": "3"},
    )
    assert page.status_code == 403
    for kind, number in (("ticket", ticket.number), ("request", disclosure_request.number)):
        assert (
            post_json(client, "/api/supervision/orders", {kind: number, "instruction": "核查"}).status_code
            == 403
        )
    assert not SupervisionOrder.objects.exists()


def test_the_response_deadline_counts_working_days(world, ticket, client):
    clock.set_now(at("2026-09-29"))
    client.force_login(world.supervisor)
    created = post_json(
        client,
        "/api/supervision/orders",
        {"ticket": ticket.number, "instruction": "核查", "response_days": 2},
    )
    assert created.json()["due_on"] == "2026-10-08"  # Wed 30 Sep, then Thu 8 Oct after National Day
