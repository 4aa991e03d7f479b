"""Refunds approved before the fee window confirmed its payouts (migration 0008): a cash refund stamped 已退款 at
the approver's click, with no cashier, goes back to the fee window's list (the cashier checks, hands the cash back
if still owed, confirms); a card refund whose voucher was recorded gets the cashier the audit trail names. Refunds
recorded the new way are left alone."""

import importlib

import pytest
from django.apps import apps

from tests.fees.conftest import land_case
from zhengwu.core import clock
from zhengwu.core.models import AuditRecord
from zhengwu.fees import selectors, services
from zhengwu.fees.models import Refund

migration = importlib.import_module("zhengwu.fees.migrations.0008_fees_refunds_paid_out_at_the_window")


def _approved(w, channel, voucher=""):
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    payment = services.record_at_window(code=notice.code, by=w.cashier, channel=channel, voucher=voucher)
    refund = services.request_refund(
        payment=payment, by=w.land_clerk, amount="10", reason="overpaid", explanation="多收"
    )
    return services.decide_refund(refund=refund, by=w.land_head, approve=True)


@pytest.mark.django_db
def test_old_refunds_get_their_cashier_or_go_back_to_the_fee_window(fees_world, client):
    w = fees_world
    # as the code before 0007 left them: cash 已退款 at the approval, the card voucher with nobody on it
    old_cash = _approved(w, "cash")
    Refund.objects.filter(pk=old_cash.pk).update(paid_out_at=old_cash.decided_at)
    old_card = services.pay_out_card(
        refund=_approved(w, "card", voucher="100231"), by=w.cashier, voucher="900017"
    )
    Refund.objects.filter(pk=old_card.pk).update(paid_out_by=None)
    # and one recorded the new way: the cashier confirmed the cash
    confirmed = services.pay_out_cash(refund=_approved(w, "cash"), by=w.cashier)

    migration.forwards(apps, None)

    old_card.refresh_from_db()
    assert old_card.paid_out_by == w.cashier and old_card.paid_out_at is not None
    old_cash.refresh_from_db()
    assert old_cash.paid_out_at is None and old_cash.paid_out_by is None
    assert "收费窗口未经手确认" in old_cash.explanation
    assert list(selectors.refunds_to_pay_out(w.cashier)) == [old_cash]
    reopened = AuditRecord.objects.filter(action="fees.refund_cash_reopened", object_id=str(old_cash.pk))
    assert reopened.count() == 1
    assert reopened.get().at == clock.now()  # stamped by the project's clock (fixed here), not the wall clock
    confirmed_before = (confirmed.paid_out_at, confirmed.paid_out_by_id)
    confirmed.refresh_from_db()
    assert (confirmed.paid_out_at, confirmed.paid_out_by_id) == confirmed_before

    # the cashier sees why it is on the list again, and confirms it
    client.force_login(w.cashier)
    home = client.get("/workbench/fees/").content.decode()
    assert "待收费窗口退还现金" in home
    page = client.get(f"/workbench/fees/notices/{old_cash.payment.notice.code}/").content.decode()
    assert "请核实是否已退还" in page and "确认已退还现金" in page
    services.pay_out_cash(refund=old_cash, by=w.cashier)

    migration.forwards(apps, None)  # twice changes nothing
    old_cash.refresh_from_db()
    assert old_cash.paid_out_by == w.cashier and old_cash.explanation.count("【系统迁移】") == 1


@pytest.mark.django_db
def test_going_back_reopened_cash_refunds_read_paid_at_their_approval_again(fees_world):
    refund = _approved(fees_world, "cash")
    Refund.objects.filter(pk=refund.pk).update(paid_out_at=refund.decided_at)
    migration.forwards(apps, None)
    migration.backwards(apps, None)
    refund.refresh_from_db()
    assert refund.paid_out_at == refund.decided_at and refund.explanation == "多收"
