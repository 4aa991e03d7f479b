"""A cash refund (退付) approved is not yet refunded: it waits at the fee window (待收费窗口退还现金), listed on the
cashier's work list, until the cashier confirms handing the cash back (who, when); only then 已退款, and the day's
reconciliation counts it that day. The one who asked does not approve; the approver does not hand out the cash."""

import datetime as dt

import pytest

from tests.fees.conftest import land_case
from zhengwu.cases.models import OutboxMessage
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, Conflict
from zhengwu.fees import reconcile, services
from zhengwu.fees.models import Refund


@pytest.fixture
def approved_cash_refund(fees_world):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    payment = services.record_at_window(code=notice.code, by=w.cashier, channel="cash")
    refund = services.request_refund(
        payment=payment, by=w.cashier, amount="10", reason="overpaid", explanation="多收"
    )
    with pytest.raises(AccessDenied):  # the one who asked does not approve
        services.decide_refund(refund=refund, by=w.cashier, approve=True)
    return services.decide_refund(refund=refund, by=w.land_head, approve=True, opinion="同意")


def test_approved_cash_waits_at_the_fee_window_until_the_cashier_hands_it_back(
    fees_world, approved_cash_refund, client
):
    w, refund = fees_world, approved_cash_refund
    code = refund.payment.notice.code
    assert refund.paid_out_at is None
    day = clock.today()
    report = reconcile.reconcile(day, record=False)
    unpaid = [e["detail"] for e in report["exceptions"] if e["kind"] == "refund_unpaid"]
    assert unpaid == [f"缴款码 {code} 退付 10.00 元已批准,收费窗口尚未退还现金"]
    assert (report["refunds"], report["refunds_paid_out"]) == ("10.00", "0.00")

    client.force_login(w.cashier)
    day_page = client.get(f"/workbench/fees/reconcile/?date={day}").content.decode()
    assert "当日批准退付 10.00 元,当日已退款 0.00 元" in day_page
    work = client.get("/workbench/fees/").content.decode()
    assert "待收费窗口退付" in work and f">{code}</a> · 10.00 元 · 待收费窗口退还现金" in work
    page = client.get(f"/workbench/fees/notices/{code}/").content.decode()
    assert "待收费窗口退还现金" in page and "已退款" not in page and 'data-testid="cash-refund"' in page

    next_day = clock.now() + dt.timedelta(days=1)  # handed back the next morning
    clock.set_now(next_day)
    done = client.post(f"/workbench/fees/refunds/{refund.pk}/cash/", follow=True).content.decode()
    assert "已确认退还现金 10.00 元,退付已办结" in done
    paid_at = next_day.astimezone(clock.LOCAL).strftime("%Y-%m-%d %H:%M")
    assert f"{paid_at} 已退款(经办人 陈收费)" in done and 'data-testid="cash-refund"' not in done
    assert "待收费窗口退付" not in client.get("/workbench/fees/").content.decode()
    refund.refresh_from_db()
    assert (refund.paid_out_by, refund.paid_out_at) == (w.cashier, next_day)

    # counted the day the cash went back
    report = reconcile.reconcile(clock.today(), record=False)
    assert report["refunds_paid_out"] == "10.00"
    assert not [e for e in report["exceptions"] if e["kind"] == "refund_unpaid"]
    again = client.post(f"/workbench/fees/refunds/{refund.pk}/cash/", follow=True).content.decode()
    assert f"该退付已于 {paid_at} 退还现金" in again


def test_only_the_fee_window_hands_back_cash_and_not_the_approver(fees_world, approved_cash_refund):
    with pytest.raises(AccessDenied):
        services.pay_out_cash(refund=approved_cash_refund, by=fees_world.land_head)
    assert Refund.objects.get().paid_out_at is None


def test_a_card_refund_is_not_confirmed_as_cash(fees_world):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    payment = services.record_at_window(code=notice.code, by=w.cashier, channel="card", voucher="100231")
    refund = services.request_refund(
        payment=payment, by=w.cashier, amount="10", reason="overpaid", explanation="多收"
    )
    refund = services.decide_refund(refund=refund, by=w.land_head, approve=True)
    with pytest.raises(Conflict):
        services.pay_out_cash(refund=refund, by=w.cashier)
    refund = services.pay_out_card(refund=refund, by=w.cashier, voucher="900017")
    assert refund.paid_out_by == w.cashier


def test_the_payer_is_told_to_collect_the_cash_at_the_fee_window(fees_world, approved_cash_refund, client):
    w, refund = fees_world, approved_cash_refund
    case = refund.payment.notice.case
    where = f"{w.fee_window.centre.name} {w.fee_window.number}号{w.fee_window.name}"
    told = [m.body for m in OutboxMessage.objects.filter(case=case, body__contains="已批准退付")]
    assert told and all(f"请缴款人持有效身份证件到{where}领取现金" in body for body in told)
    assert f"缴款码 {refund.payment.notice.code} 已批准退付 10.00 元,收费窗口退还现金" in told[0]
    client.force_login(w.citizen_user)
    page = client.get(f"/cases/mine/{case.number}/").content.decode()
    assert f"请缴款人持有效身份证件到{where}领取现金" in page
    services.pay_out_cash(refund=refund, by=w.cashier)
    page = client.get(f"/cases/mine/{case.number}/").content.decode()
    assert f"{clock.today():%Y年%-m月%-d日} 已退回" in page and "领取现金" not in page


def test_a_refused_refund_tells_the_payer_why(fees_world):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    payment = services.record_at_window(code=notice.code, by=w.cashier, channel="cash")
    refund = services.request_refund(
        payment=payment, by=w.cashier, amount="10", reason="overpaid", explanation="多收"
    )
    services.decide_refund(refund=refund, by=w.land_head, approve=False, opinion="按标准收取,未多收")
    assert OutboxMessage.objects.filter(
        case=notice.case, body__contains="退付申请 10.00 元不予退付:按标准收取,未多收"
    ).exists()
