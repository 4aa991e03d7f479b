"""A time limit that is not a number on the supervision pages (下达督办, 转督办, 退回重新整改): said at its field or in
the page's message, naming it — nothing written, never a 500."""

from tests.supervision.conftest import accepted_case
from tests.supervision.test_orders import late_alert  # noqa: F401 — a fixture
from tests.supervision.test_orders_other import ticket  # noqa: F401 — a fixture
from zhengwu.supervision import services
from zhengwu.supervision.models import Alert, SupervisionOrder

NOT_A_NUMBER = "反馈时限(工作日):应填写整数"


def _said(client, url: str, data: dict) -> list[str]:
    answer = client.post(url, data, follow=True)
    assert answer.status_code == 200
    return [str(m) for m in answer.context["messages"]]


def test_an_order_on_a_ticket_with_days_that_are_not_a_number(world, ticket, client):  # noqa: F811
    client.force_login(world.supervisor)
    page = client.post(
        "/workbench/supervision/orders/new/ticket/",
        {"number": ticket.number, "instruction": "请核查", "response_days": "三天"},
    )
    assert page.status_code == 422
    html = page.content.decode()
    assert 'data-testid="error-response_days">应填写整数<' in html  # was: 反馈时限应为 1 至 60 个工作日
    assert 'value="三天"' in html and "请核查</textarea>" in html  # what was typed stays
    assert not SupervisionOrder.objects.exists()


def test_an_order_on_a_case_with_days_that_are_not_a_number(world, client):
    case = accepted_case(world)
    client.force_login(world.supervisor)
    page = client.post(
        f"/workbench/supervision/cases/{case.pk}/", {"instruction": "说明", "response_days": "x"}
    )
    assert page.status_code == 200 and [str(m) for m in page.context["messages"]] == [NOT_A_NUMBER]
    assert not SupervisionOrder.objects.exists()


def test_escalating_an_alert_with_days_that_are_not_a_number(world, late_alert, client):  # noqa: F811
    client.force_login(world.supervisor)
    url = f"/workbench/supervision/alerts/{late_alert.pk}/review/"
    said = _said(client, url, {"action": "escalate", "note": "说明超期原因", "response_days": "abc"})
    assert said == [NOT_A_NUMBER]  # was a 500
    assert (
        Alert.objects.get(pk=late_alert.pk).state == Alert.State.OPEN
        and not SupervisionOrder.objects.exists()
    )
    assert _said(client, url, {"action": "other", "note": "x"}) == ["未知操作"]
    said = _said(
        client, url, {"action": "escalate", "note": "说明超期原因"}
    )  # no limit typed: 5 working days
    order = SupervisionOrder.objects.get()
    assert said == [f"已转为督办单 {order.number}"] and order.response_days == 5


def test_returning_an_order_with_days_that_are_not_a_number(world, client):
    order = services.issue_order(
        by=world.supervisor, case=accepted_case(world), instruction="加快", response_days=2
    )
    services.respond_order(order=order, by=world.head, response="已办结")
    client.force_login(world.supervisor)
    url = f"/workbench/supervision/orders/{order.number}/"
    said = _said(client, url, {"action": "return", "text": "未说明措施", "response_days": "abc"})
    assert said == [NOT_A_NUMBER]  # was a 500
    assert SupervisionOrder.objects.get(pk=order.pk).state == SupervisionOrder.State.RESPONDED
    said = _said(client, url, {"action": "return", "text": "未说明措施", "response_days": "0"})
    assert said == ["反馈时限应为 1 至 60 个工作日"]  # 0 is the service's to refuse, not taken as none typed
    assert _said(client, url, {"action": "return", "text": "未说明措施"}) == ["已退回重新整改"]
    assert SupervisionOrder.objects.get(pk=order.pk).state == SupervisionOrder.State.OPEN
