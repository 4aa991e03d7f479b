"""A 督办 on a case asks for the case to be handled: its department answers 整改完成 only once the case is decided
(or ended) — before that the answer is 情况说明, how the case stands, which answers the order without claiming what
the case contradicts. The rule holds in the service, on the order page and in the API; an order on a fault that can
be put right while the case runs (a fee alert) is not held to it. Every other kind of record an order concerns is
held to its own: a ticket answered, a disclosure request answered, a rectification fed back to the rater, an order
answered (supervision.permissions.RECORD_KINDS)."""

import pytest

from tests.supervision.conftest import a_request, a_ticket, accepted_case, at, decided_case
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
    assert 'data-testid="order-record-status">办理中<' in page
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


# ---------------------------------------------------------------- every other kind of record an order concerns
# A ticket, a disclosure request, a bad rating's rectification, an order: 整改完成 only once the record shows its
# fault remedied (answered, fed back), else 情况说明 — refused with the record's number and status at response_kind.


def _refused(order, by, *, says):
    with pytest.raises(Conflict) as refused:
        services.respond_order(order=order, by=by, response="已整改到位", kind=RECTIFIED)
    assert refused.value.field == "response_kind"
    assert says in refused.value.message and "请选择「情况说明」" in refused.value.message
    order.refresh_from_db()
    assert (order.state, order.response_kind) == ("open", "")


def test_an_order_on_a_ticket_is_rectified_only_once_the_ticket_is_answered(more):
    from zhengwu.tickets import services as tickets

    ticket = a_ticket(more)  # dispatched to the bureau on 2026-09-30, nobody has acknowledged it
    order = services.issue_order(by=more.supervisor, ticket=ticket, instruction="核查诉求并答复市民")
    _refused(order, more.head, says=f"工单 {ticket.number} 尚未答复(当前:已派单)")
    clock.set_now(at("2026-10-09"))
    tickets.acknowledge(ticket=ticket, organisation=more.bureau, by=more.head)
    _refused(order, more.head, says=f"工单 {ticket.number} 尚未答复(当前:办理中)")
    answered = services.respond_order(
        order=order, by=more.head, response="已签收,执法人员 10 月 12 日现场核查", kind=EXPLANATION
    )
    assert answered.response_kind == EXPLANATION
    assert OrderStep.objects.get(order=order, action="respond").data["ticket_status"] == "acknowledged"
    tickets.reply_ticket(ticket=ticket, organisation=more.bureau, text="已责令停业整改", by=more.head)
    again = services.issue_order(by=more.supervisor, ticket=ticket, instruction="说明超期原因")
    done = services.respond_order(order=again, by=more.head, response="已答复市民", kind=RECTIFIED)
    assert done.response_kind == RECTIFIED
    assert OrderStep.objects.get(order=again, action="respond").data["ticket_status"] == "replied"


def test_an_order_on_a_ticket_s_overdue_alert_is_held_to_the_ticket(more):
    ticket = a_ticket(more)
    clock.set_now(at("2026-10-14"))  # the answer was due 2026-10-13
    services.scan()
    late = Alert.objects.get(code="ticket.reply_overdue", ticket=ticket)
    order = services.escalate_alert(alert=late, by=more.supervisor, instruction="立即办理并答复")
    _refused(order, more.head, says=f"工单 {ticket.number} 尚未答复(当前:已派单)")


def test_an_order_on_a_disclosure_request_is_rectified_only_once_the_request_is_answered(more):
    from zhengwu.disclosure import services as disclosure

    request = a_request(more)
    clock.set_now(at("2026-11-02"))  # the reply was due 2026-10-30
    order = services.issue_order(
        by=more.supervisor,
        request_ref=request.number,
        organisation=request.organisation,
        instruction="按期答复",
    )
    _refused(order, more.officer, says=f"依申请公开申请 {request.number} 尚未答复(当前:办理中)")
    services.scan()
    late = Alert.objects.get(code="disclosure.reply_overdue", request=request)
    on_alert = services.escalate_alert(alert=late, by=more.supervisor, instruction="立即答复")
    _refused(on_alert, more.officer, says=f"依申请公开申请 {request.number} 尚未答复")
    disclosure.reply(request=request, by=more.officer, outcome="disclose", text_="予以公开,见附件。")
    for o in (order, on_alert):
        assert services.respond_order(order=o, by=more.officer, response="已答复", kind=RECTIFIED).state == (
            "responded"
        )
    assert OrderStep.objects.get(order=order, action="respond").data["request_status"] == "replied"


def test_an_order_on_a_rectification_s_alert_waits_for_the_rater_s_feedback(more):
    from tests.supervision.test_deadline_rules import a_rectification
    from zhengwu.evaluation import services as evaluation

    rect = a_rectification(more)  # feedback due 2026-10-23
    clock.set_now(at("2026-10-26"))
    services.scan()
    late = Alert.objects.get(code="rating.rectification_overdue", rectification=rect)
    order = services.escalate_alert(alert=late, by=more.supervisor, instruction="立即整改并反馈评价人")
    number = rect.rating.subject_number
    _refused(order, more.head, says=f"差评整改 {number} 尚未反馈评价人(当前:待核实)")
    evaluation.verify(rectification=rect, by=more.head, founded=True, finding="窗口人员离岗")
    evaluation.rectify(rectification=rect, by=more.head, measures="完善离岗登记")
    _refused(order, more.head, says="(当前:待反馈)")  # put right, but the rater has not been told
    evaluation.reply(rectification=rect, by=more.head, text="已整改,欢迎监督")
    done = services.respond_order(order=order, by=more.head, response="已反馈评价人", kind=RECTIFIED)
    assert done.response_kind == RECTIFIED


def test_an_order_on_an_unanswered_order_waits_for_that_order_s_answer(more):
    case = decided_case(more)  # the case is no reason to refuse: the order on it is
    clock.set_now(at("2026-09-29"))
    first = services.issue_order(by=more.supervisor, case=case, instruction="说明办理情况", response_days=5)
    clock.set_now(at("2026-10-13"))  # due 2026-10-12
    services.scan()
    late = Alert.objects.get(code="supervision.order_overdue", subject_order=first)
    order = services.escalate_alert(alert=late, by=more.supervisor, instruction="说明逾期未反馈原因")
    _refused(order, more.head, says=f"督办单 {first.number} 尚未反馈(当前:待反馈)")


def test_the_ticket_order_page_and_the_api_say_the_ticket_s_status_and_refuse_rectified(more, client):
    ticket = a_ticket(more)
    order = services.issue_order(by=more.supervisor, ticket=ticket, instruction="核查诉求并答复市民")
    client.force_login(more.head)
    page = client.get(f"/workbench/supervision/orders/{order.number}/").content.decode()
    assert '工单状态</dt><dd class="col-8" data-testid="order-record-status">已派单<' in page
    assert 'id="kind-rectified" value="rectified" disabled' in page
    assert f'data-testid="rectified-refused">工单 {ticket.number} 尚未答复' in page
    refused = client.post(
        f"/api/supervision/orders/{order.number}",
        {"action": "respond", "text": "已办结", "response_kind": "rectified"},
        content_type="application/json",
    )
    assert refused.status_code == 409 and refused.json()["field"] == "response_kind"
    assert f"工单 {ticket.number} 尚未答复(当前:已派单)" in refused.json()["message"]
