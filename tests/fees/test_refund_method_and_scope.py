"""#18: a refund goes back the way the money came (card → the card, with the terminal's refund voucher; online →
its channel; cash → cash) and its record says which; reconciliation opens on the oldest open difference (or today)
and says so; a fee window reconciles only its own centre — another centre's differences are neither listed nor
clearable."""

import datetime as dt

import pytest

from tests.cases.conftest import at
from tests.factories import make_centre, make_staff, make_window
from tests.fees.conftest import land_case
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied
from zhengwu.core.models import Role
from zhengwu.fees import reconcile, selectors, services, simulator
from zhengwu.fees.models import Discrepancy, Payment


def _refund(w, payment, amount="10"):
    refund = services.request_refund(
        payment=payment, by=w.cashier, amount=amount, reason="overpaid", explanation="多收"
    )
    return services.decide_refund(refund=refund, by=w.land_head, approve=True)


def test_a_card_payment_is_refunded_to_the_card_with_the_terminal_s_voucher(fees_world, client):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    payment = services.record_at_window(code=notice.code, by=w.cashier, channel="card", voucher="100231")
    refund = _refund(w, payment)
    assert refund.channel == "card" and refund.paid_out_at is None and refund.reference == ""
    assert refund.method_label == "退回原银行卡"
    # not handed back as cash: until the terminal's refund is recorded the day shows it unpaid
    exceptions = reconcile.reconcile(clock.today(), record=False)["exceptions"]
    unpaid = [e for e in exceptions if e["kind"] == "refund_unpaid"]
    # it waits at the fee window for the POS voucher, not for a payment channel
    assert [(e["kind_label"], e["detail"]) for e in unpaid] == [
        (
            "已批准退付,尚未退款",
            f"缴款码 {notice.code} 退付 10.00 元已批准,待收费窗口在 POS 机上退回原卡并登记退货凭证号",
        )
    ]
    client.force_login(w.cashier)
    day_page = client.get(f"/workbench/fees/reconcile/?date={clock.today()}").content.decode()
    assert "待收费窗口在 POS 机上退回原卡并登记退货凭证号" in day_page and "缴款渠道尚未退款" not in day_page
    page = client.get(f"/workbench/fees/notices/{notice.code}/").content.decode()
    assert "退回原银行卡" in page and "待收费窗口退回原卡" in page and 'data-testid="card-refund"' in page
    empty = client.post(f"/workbench/fees/refunds/{refund.pk}/card/", {"voucher": " "}, follow=True)
    assert "请填写 POS 退货凭证号" in empty.content.decode()
    done = client.post(f"/workbench/fees/refunds/{refund.pk}/card/", {"voucher": "900017"}, follow=True)
    page = done.content.decode()
    assert "已登记退回原卡" in page and "POS 退货凭证号 900017" in page
    refund.refresh_from_db()
    assert refund.reference == "POSR900017" and refund.paid_out_at is not None
    kinds = [e["kind"] for e in reconcile.reconcile(clock.today(), record=False)["exceptions"]]
    assert "refund_unpaid" not in kinds
    # only the fee window runs the terminal
    with pytest.raises(AccessDenied):
        services.pay_out_card(refund=refund, by=w.land_head, voucher="1")


@pytest.mark.parametrize(
    "channel, says", [("cash", "收费窗口退还现金"), ("online", "原缴款渠道退回(模拟缴款渠道)")]
)
def test_cash_goes_back_in_cash_and_online_through_its_channel(fees_world, channel, says):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    if channel == "cash":
        payment = services.record_at_window(code=notice.code, by=w.cashier, channel="cash")
    else:
        simulator.pay(notice)
        payment = Payment.objects.get(notice=notice)
    refund = _refund(w, payment)
    assert refund.channel == channel and refund.method_label == says
    assert refund.paid_out_at is None  # cash waits for the fee window, online for the provider's callback


def test_reconciliation_opens_on_the_oldest_open_difference_then_today(fees_world, client):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    services.record_at_window(code=notice.code, by=w.cashier, channel="cash")
    reconcile.reconcile(dt.date(2026, 9, 28), by=w.cashier, viewer=w.cashier)  # no bank line, no remittance
    clock.set_now(at("2026-10-12"))
    client.force_login(w.cashier)
    page = client.get("/workbench/fees/reconcile/").content.decode()
    assert "2026-09-28 对账" in page and "已打开最早有待处理差异的日期 2026-09-28" in page
    for row in Discrepancy.objects.all():
        reconcile.clear(discrepancy=row, by=w.cashier, note="银行次日到账")
    page = client.get("/workbench/fees/reconcile/").content.decode()
    assert "2026-10-12 对账" in page and "没有待处理的对账差异,已打开今天" in page
    # a day asked for is that day, with no such note
    page = client.get("/workbench/fees/reconcile/?date=2026-09-28").content.decode()
    assert "2026-09-28 对账" in page and 'data-testid="opened-on"' not in page


def test_another_centre_s_differences_are_neither_listed_nor_clearable(fees_world, client):
    w = fees_world
    other = make_centre("鹰潭市政务服务中心", w.county.parent, managed_by=w.centre_org)
    other_fee_window = make_window(other, "9", name="收费窗口", kind="dedicated")
    other_fee_window.collects_fees = True
    other_fee_window.save(update_fields=["collects_fees"])
    other_cashier = make_staff(
        "cashier2", w.centre_org, roles=[Role.WINDOW_CLERK], window=other_fee_window, name="汪收费"
    ).user
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    services.record_at_window(code=notice.code, by=w.cashier, channel="cash")
    day = clock.today()
    reconcile.reconcile(day, by=w.cashier, viewer=w.cashier)
    ours = Discrepancy.objects.filter(notice=notice)
    assert ours.exists()
    # the centre's own fee window sees and clears them
    assert set(selectors.open_discrepancies(w.cashier)) == set(ours)
    # the other centre's fee window: no payment counted, no difference listed, none to clear
    report = reconcile.reconcile(day, record=False, viewer=other_cashier)
    assert report["payments"] == 0 and report["exceptions"] == []
    assert not selectors.open_discrepancies(other_cashier).exists()
    with pytest.raises(AccessDenied):
        reconcile.clear(discrepancy=ours.first(), by=other_cashier, note="不是我们的")
    client.force_login(other_cashier)
    page = client.get(f"/workbench/fees/reconcile/?date={day.isoformat()}").content.decode()
    assert notice.code not in page and "对账范围:鹰潭市政务服务中心" in page
    answer = client.post(
        "/workbench/fees/reconcile/",
        {"date": day.isoformat(), "clear": ours.first().pk, "note": "x"},
        follow=True,
    )
    assert "不属于您所在中心" in answer.content.decode()
    assert ours.filter(cleared_at__isnull=False).count() == 0
    # the centre manager sees the region's
    assert set(selectors.open_discrepancies(w.manager)) == set(ours)
