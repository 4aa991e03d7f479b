"""A refund moves money: approved, an online payment's refund goes back through its provider (the simulator calls
back refunded, an older processing, refunded again — recorded once), a window payment's is handed back at once; the
day's reconciliation names an approved refund the provider has not paid and one the bank statement does not show."""

import pytest

from tests.fees.conftest import land_case
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied
from zhengwu.core.models import AuditRecord
from zhengwu.fees import providers, reconcile, services, simulator
from zhengwu.fees.models import Callback, Refund


@pytest.fixture
def paid_online(fees_world):
    notice = services.issue_notice(case=land_case(fees_world), by=fees_world.land_clerk)
    simulator.pay(notice)
    notice.refresh_from_db()
    return notice.payment


def approve(w, payment, amount="10"):
    refund = services.request_refund(
        payment=payment, by=w.cashier, amount=amount, reason="overpaid", explanation="多收"
    )
    return services.decide_refund(refund=refund, by=w.land_head, approve=True)


def refund_kinds(report):
    return [e["kind"] for e in report["exceptions"] if e["kind"].startswith("refund")]


def test_an_online_refund_goes_back_through_the_provider_once(
    fees_world, paid_online, django_capture_on_commit_callbacks
):
    w = fees_world
    with django_capture_on_commit_callbacks(execute=True):
        refund = approve(w, paid_online)
    refund.refresh_from_db()
    assert refund.provider == "simulator" and refund.reference.startswith("SIMR")
    assert refund.paid_out_at is not None
    outcomes = list(
        Callback.objects.filter(reference=refund.reference).order_by("id").values_list("outcome", flat=True)
    )
    assert outcomes == ["recorded", "stale", "duplicate"]
    assert AuditRecord.objects.filter(action="fees.refund_paid_out").count() == 1
    # the bank statement shows the refund: the day reconciles for it
    report = reconcile.reconcile(clock.today(), record=False)
    assert refund_kinds(report) == ["refund_no_bank"] and report["refunds_paid_out"] == "10.00"
    reconcile.import_statement(
        f"记账日期,交易流水号,缴款码,金额,类型\n{clock.today()},{refund.reference},{paid_online.notice.code},10.00,退付\n"
    )
    assert refund_kinds(reconcile.reconcile(clock.today(), record=False)) == []


def test_a_refund_the_provider_has_not_paid_is_an_exception(fees_world, paid_online):
    refund = approve(fees_world, paid_online)  # the approval's commit never comes: no callback
    refund.refresh_from_db()
    assert refund.reference and refund.paid_out_at is None
    report = reconcile.reconcile(clock.today())
    assert refund_kinds(report) == ["refund_unpaid"]
    assert "退付 10.00 元已批准,缴款渠道尚未退款" in next(
        e["detail"] for e in report["exceptions"] if e["kind"] == "refund_unpaid"
    )
    # then the provider calls back: paid out
    simulator.settle_refund(refund.reference)
    refund.refresh_from_db()
    assert refund.paid_out_at is not None


def test_forged_or_wrong_refund_callbacks_are_refused(fees_world, paid_online):
    refund = approve(fees_world, paid_online)
    sim = providers.PROVIDERS["simulator"]
    body = sim.refund_message(
        reference=refund.reference, payment=paid_online.reference, status="refunded", amount="10", sequence=2
    )
    with pytest.raises(AccessDenied):
        services.receive_callback(provider="simulator", body=body, signature="0" * 64)
    wrong = sim.refund_message(
        reference=refund.reference, payment=paid_online.reference, status="refunded", amount="90", sequence=2
    )
    answer = services.receive_callback(provider="simulator", body=wrong, signature=providers.sign(wrong))
    assert answer.outcome == Callback.Outcome.REJECTED
    refund.refresh_from_db()
    assert refund.paid_out_at is None


def test_a_window_payment_is_refunded_at_the_window(fees_world):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    payment = services.record_at_window(code=notice.code, by=w.cashier, channel="cash")
    refund = approve(w, payment, amount="90")
    assert refund.paid_out_at is None and refund.provider == "window"  # the cash is still in the till
    assert refund_kinds(reconcile.reconcile(clock.today(), record=False)) == ["refund_unpaid"]
    refund = services.pay_out_cash(refund=refund, by=w.cashier)
    assert refund.paid_out_at is not None and refund.paid_out_by == w.cashier
    assert refund_kinds(reconcile.reconcile(clock.today(), record=False)) == []
    assert Refund.objects.get().state == Refund.State.APPROVED
