"""A 督办 on a case asks for the case to be handled: its department answers 整改完成 only once the case is decided
(or ended) — before that the answer is 情况说明, how the case stands, which answers the order without claiming what
the case contradicts. The rule holds in the service, on the order page and in the API; an order on a fault that can
be put right while the case runs (a fee alert) or on a disclosure request is not held to it."""

import pytest

from tests.supervision.conftest import accepted_case, at, decided_case
from zhengwu.core import clock
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.supervision import services
from zhengwu.supervision.models import Alert, OrderStep, SupervisionOrder

pytestmark = pytest.mark.django_db

RECTIFIED, EXPLANATION = SupervisionOrder.ResponseKind.RECTIFIED, SupervisionOrder.ResponseKind.EXPLANATION


def _order(world, case):
    return services.issue_order(by=world.supervisor, case=case, instruction="加快办理并反馈", response_days=3)


def test_rectified_is_refused_while_the_case_is_undecided_and_an_explanation_answers(world):
    case = accepted_case(world)
    order = _order(world, case)
    with pytest.raises(Conflict) as refused:
        services.respond_order(order=order, by=world.head, response="已办结", kind=RECTIFIED)
    assert refused.value.field == "response_kind"
    assert f"办件 {case.number} 尚未作出决定(当前:办理中)" in refused.value.message
    assert "情况说明" in refused.value.message
    order.refresh_from_db()
    assert (order.state, order.response, order.response_kind) == ("open", "", "")
    assert list(order.steps.values_list("action", flat=True)) == ["issue"]  # nothing half-written
    answered = services.respond_order(
        order=order, by=world.head, response="已约谈承办人,10 月 9 日前作出决定", kind=EXPLANATION
    )
    assert (answered.state, answered.response_kind) == ("responded", EXPLANATION)
    step = OrderStep.objects.get(order=order, action="respond")
    assert step.data["kind"] == EXPLANATION and step.data["case_status"] == "accepted"


def test_once_the_case_is_decided_the_department_answers_rectified(world):
    case = decided_case(world)
    order = _order(world, case)
    answered = services.respond_order(
        order=order, by=world.head, response="已作出准予许可决定", kind=RECTIFIED
    )
    assert (answered.state, answered.response_kind) == ("responded", RECTIFIED)
    assert OrderStep.objects.get(order=order, action="respond").data["case_status"] == "decided"
    # an unknown kind is refused at its field
    with pytest.raises(ValidationFailed) as wrong:
        services.respond_order(order=_order(world, case), by=world.head, response="好", kind="done")
    assert wrong.value.field == "response_kind"


def test_an_order_on_the_case_s_overdue_alert_is_held_to_the_case(world):
    case = accepted_case(world)
    clock.set_now(at("2026-10-19"))  # past the promised date (2026-10-16)
    services.scan()
    late = Alert.objects.get(case=case, code="case.overdue.promised")
    order = services.escalate_alert(alert=late, by=world.supervisor, instruction="说明超期原因")
    with pytest.raises(Conflict):
        services.respond_order(order=order, by=world.head, response="已整改", kind=RECTIFIED)
    # an order on a fault other than the case's pace may be put right while the case runs
    other = Alert.objects.create(
        code="case.fee.differs_from_standard",
        severity=late.severity,
        title="收费与标准不符",
        explanation="多收 10 元",
        case=case,
        organisation=late.organisation,
        key=f"test-fee-{case.pk}",
        raised_at=clock.now(),
    )
    fee_order = services.escalate_alert(alert=other, by=world.supervisor, instruction="退还多收费用")
    done = services.respond_order(order=fee_order, by=world.head, response="已退还 10 元", kind=RECTIFIED)
    assert done.response_kind == RECTIFIED


def test_the_order_page_offers_rectified_only_when_the_case_shows_it(world, client):
    case = accepted_case(world)
    order = _order(world, case)
    url = f"/workbench/supervision/orders/{order.number}/"
    client.force_login(world.head)
    page = client.get(url).content.decode()
    assert 'data-testid="order-case-status">办理中<' in page
    assert 'id="kind-rectified" value="rectified" disabled' in page
    assert 'data-testid="rectified-refused">办件 ' in page and "尚未作出决定" in page
    # posted anyway (an old page, a crafted form): refused with the reason, the order untouched
    answer = client.post(
        url, {"action": "respond", "response_kind": "rectified", "text": "已办结"}, follow=True
    )
    assert "尚未作出决定" in answer.content.decode()
    assert SupervisionOrder.objects.get(pk=order.pk).state == "open"
    client.post(url, {"action": "respond", "response_kind": "explanation", "text": "正在补齐审查意见"})
    page = client.get(url).content.decode()
    assert 'data-testid="order-response-kind">情况说明</span>正在补齐审查意见' in page
    assert "已反馈(情况说明)" in client.get("/workbench/supervision/orders/?state=all").content.decode()
    decided = _order(world, decided_case(world))
    page = client.get(f"/workbench/supervision/orders/{decided.number}/").content.decode()
    assert 'id="kind-rectified" value="rectified">' in page and "rectified-refused" not in page


def test_the_api_answers_409_at_the_field_and_reports_the_kind(world, client):
    order = _order(world, accepted_case(world))
    client.force_login(world.head)
    url = f"/api/supervision/orders/{order.number}"
    refused = client.post(
        url,
        {"action": "respond", "text": "已办结", "response_kind": "rectified"},
        content_type="application/json",
    )
    assert refused.status_code == 409 and refused.json()["field"] == "response_kind"
    answered = client.post(url, {"action": "respond", "text": "正在办理"}, content_type="application/json")
    assert answered.status_code == 200
    assert (
        answered.json()["response_kind"] == "explanation"
        and answered.json()["response_kind_label"] == "情况说明"
    )
