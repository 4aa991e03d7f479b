"""Alert review, supervision orders from issue to close, escalation when overdue, accountability, warning pushes."""

import datetime as dt

import pytest

from tests.supervision.conftest import accepted_case, at, decided_case
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord
from zhengwu.supervision import services
from zhengwu.supervision.models import Alert, SupervisionOrder, WarningPush


@pytest.fixture
def late_alert(world):
    case = decided_case(world, on="2026-10-19")
    return Alert.objects.get(case=case, code="case.overdue.promised")


def test_supervisor_dismisses_an_alert_with_a_reason(world, late_alert):
    with pytest.raises(ValidationFailed) as err:
        services.dismiss_alert(alert=late_alert, by=world.supervisor, reason=" ")
    assert err.value.field == "reason"
    services.dismiss_alert(alert=late_alert, by=world.supervisor, reason="申请人申请暂缓,有书面材料")
    late_alert.refresh_from_db()
    assert late_alert.state == "dismissed" and "书面材料" in late_alert.review_note
    assert AuditRecord.objects.filter(
        action="supervision.alert_dismissed", object_id=str(late_alert.pk)
    ).exists()
    with pytest.raises(Conflict):
        services.explain_alert(alert=late_alert, by=world.supervisor, note="再说明")


def test_only_supervisors_of_the_region_review(world, late_alert):
    with pytest.raises(AccessDenied):
        services.dismiss_alert(alert=late_alert, by=world.head, reason="自己排除")
    with pytest.raises(AccessDenied):
        services.dismiss_alert(alert=late_alert, by=world.far_supervisor, reason="外县")


def test_escalating_an_alert_makes_an_order(world, late_alert):
    order = services.escalate_alert(
        alert=late_alert, by=world.supervisor, instruction="说明超期原因", response_days=3
    )
    late_alert.refresh_from_db()
    assert late_alert.state == "escalated" and order.number in late_alert.review_note
    assert order.organisation == world.bureau and order.alert == late_alert and order.case == late_alert.case
    # issued Monday 2026-10-19 + 3 working days
    assert order.due_on == dt.date(2026, 10, 22)


def test_order_issued_responded_closed(world):
    case = accepted_case(world)
    clock.set_now(at("2026-09-30"))
    order = services.issue_order(by=world.supervisor, case=case, instruction="加快办理", response_days=2)
    # 2 working days after 09-30 across National Day: 10-08, 10-09
    assert order.due_on == dt.date(2026, 10, 9)
    assert order.number.startswith("DB-2026-")
    with pytest.raises(AccessDenied):
        services.respond_order(order=order, by=world.water_head, response="不是我们的")
    with pytest.raises(Conflict):
        services.close_order(order=order, by=world.supervisor, outcome="未反馈就办结")
    services.respond_order(order=order, by=world.head, response="已安排专人办理,10 月 9 日前办结")
    order.refresh_from_db()
    assert order.state == "responded"
    services.close_order(order=order, by=world.supervisor, outcome="整改到位")
    order.refresh_from_db()
    assert order.state == "closed"
    assert [s.action for s in order.steps.order_by("seq")] == ["issue", "respond", "close"]


def test_an_unsatisfying_response_is_sent_back(world):
    order = services.issue_order(
        by=world.supervisor, case=accepted_case(world), instruction="加快", response_days=2
    )
    services.respond_order(order=order, by=world.head, response="知道了")
    services.return_order(order=order, by=world.supervisor, reason="未说明措施", response_days=1)
    order.refresh_from_db()
    assert order.state == "open" and order.due_on == dt.date(2026, 9, 29)


def test_overdue_orders_escalate_to_the_next_level_once(world):
    order = services.issue_order(
        by=world.supervisor, case=accepted_case(world), instruction="加快", response_days=2
    )
    assert order.due_on == dt.date(2026, 9, 30)
    assert services.escalate_overdue_orders(today=dt.date(2026, 9, 30)) == []
    clock.set_now(at("2026-10-08"))
    escalated = services.escalate_overdue_orders()
    assert [o.pk for o in escalated] == [order.pk]
    order.refresh_from_db()
    assert (order.level, order.organisation, order.origin) == (2, world.government, world.bureau)
    assert order.due_on == dt.date(2026, 10, 10)  # 10-09 and the worked Saturday 10-10
    assert services.escalate_overdue_orders() == []
    assert "升级至贵溪市人民政府" in order.steps.get(action="escalate").note
    # the department still sees and may answer the order escalated above it
    services.respond_order(order=order, by=world.head, response="已办结")


def test_accountability_is_attached_to_an_order(world):
    order = services.issue_order(
        by=world.supervisor, case=accepted_case(world), instruction="加快", response_days=2
    )
    row = services.record_accountability(
        order=order, by=world.supervisor, person="王窗口", kind="criticism", reason="超期未办"
    )
    assert row.organisation == world.bureau and order.accountabilities.count() == 1
    with pytest.raises(ValidationFailed):
        services.record_accountability(order=order, by=world.supervisor, person="王", kind="fine", reason="x")


def test_warnings_are_pushed_to_handler_and_head_once_per_level(world):
    case = accepted_case(world)  # promised due 2026-10-16
    from zhengwu.cases import services as cases

    cases.claim_step(case=case, by=world.approver)
    clock.set_now(at("2026-10-13"))
    assert services.scan()["warnings"] == 0
    clock.set_now(at("2026-10-14"))
    # the handler holding the step, and every department head of the bureau (head, chief, all-rounder)
    assert services.scan()["warnings"] == 4
    assert services.scan()["warnings"] == 0  # once
    pushes = {(p.recipient.username, p.role, p.level) for p in WarningPush.objects.all()}
    assert ("approver", "handler", "yellow") in pushes and ("head", "head", "yellow") in pushes
    assert ("clerk", "handler", "yellow") not in pushes
    clock.set_now(at("2026-10-19"))
    done = services.scan()
    assert (
        done["warnings"] == 4 and done["alerts"] == 1
    )  # red pushed, and the overdue alert raised by the scan
    assert WarningPush.objects.filter(level="red").count() == 4
    red = WarningPush.objects.filter(level="red").first().message
    assert "【超期】" in red and f"承诺办结期限 {case.promised_due:%Y年%-m月%-d日}" in red
    assert Alert.objects.filter(case=case, code="case.overdue.promised", event__isnull=True).count() == 1


def test_scan_finds_a_suspension_past_its_declared_length(world):
    from zhengwu.cases import services as cases

    case = accepted_case(world)
    cases.suspend_case(case=case, by=world.approver, kind="testing", reason="送检", expected_days=2)
    clock.set_now(at("2026-10-09"))  # 09-29, 09-30, 10-08, 10-09: 4 working days
    services.scan()
    assert (
        "已用 4 个工作日"
        in Alert.objects.get(case=case, code="case.suspension.longer_than_declared").explanation
    )
    assert SupervisionOrder.objects.count() == 0
