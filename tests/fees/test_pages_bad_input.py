"""The fee pages read what was posted through their forms: an amount in yuan that is not one, a number out of range,
a record that is not there or a choice left out is answered with a message naming the field (or a 404), never a
500 and never by doing something else; nothing is written."""

import pytest

from tests.fees.conftest import land_case
from zhengwu.core.errors import ValidationFailed
from zhengwu.fees import services, simulator
from zhengwu.fees.models import CatalogueFee, Discrepancy, Notice, Payment, Refund


def _paid(w):
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    simulator.pay(notice)
    notice.refresh_from_db()
    return notice


@pytest.mark.parametrize(
    "received, message",
    [
        ("1e999", "实收金额不能超过 9999999999.99 元"),
        ("NaN", "实收金额须为数字"),
        ("90.001", "实收金额最多两位小数(到分)"),
        ("", "请填写实收金额"),
    ],
)
def test_the_window_refuses_an_amount_received_that_is_not_one(fees_world, client, received, message):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    client.force_login(w.cashier)
    answer = client.post(
        "/workbench/fees/window/", {"code": notice.code, "channel": "cash", "received": received}
    )
    assert answer.status_code == 422 and message in answer.content.decode()
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    "amount, message",
    [("1e30", "退付金额不能超过 9999999999.99 元"), ("sNaN", "退付金额须为数字"), ("", "请填写退付金额")],
)
def test_a_refund_amount_that_is_not_one_is_named(fees_world, client, amount, message):
    w = fees_world
    notice = _paid(w)
    client.force_login(w.cashier)
    page = client.post(
        f"/workbench/fees/notices/{notice.code}/refund/",
        {"amount": amount, "reason": "overpaid", "explanation": "多收"},
        follow=True,
    ).content.decode()
    assert message in page and not Refund.objects.exists()


def test_a_refund_decision_without_approve_or_refuse_decides_nothing(fees_world, client):
    """It used to be taken as 不予退付: an opinion posted without the button refused the refund."""
    w = fees_world
    notice = _paid(w)
    refund = services.request_refund(
        payment=notice.payment, by=w.cashier, amount="10", reason="overpaid", explanation="多收"
    )
    client.force_login(w.land_head)
    for approve in ({}, {"approve": "yes"}):
        page = client.post(
            f"/workbench/fees/refunds/{refund.pk}/decide/", {"opinion": "同意", **approve}, follow=True
        ).content.decode()
        assert "请选择批准退付或不予退付" in page
    refund.refresh_from_db()
    assert refund.state == Refund.State.REQUESTED and refund.decided_by is None


def test_a_band_fee_s_decided_amount_is_an_amount(fees_world, client):
    w = fees_world
    CatalogueFee.objects.filter(pk=w.fees["BDC-003"].pk).update(standard_kind="band", upper="50")
    case = land_case(w)
    client.force_login(w.land_clerk)
    url = f"/workbench/fees/cases/{case.number}/issue/"
    for amount, message in (
        ("NaN", "决定金额须为数字"),  # was a 500 (a NaN compared with the band)
        ("12.345", "决定金额最多两位小数(到分)"),  # was charged as 12.35 without a word
    ):
        answer = client.post(url, {"d_BDC-003": amount, "doc_BDC-003": "处罚决定书 1 号"})
        assert answer.status_code == 422 and message in answer.content.decode()
    # a decision's document without its amount was dropped without a word (charged at the lower bound)
    answer = client.post(url, {"d_BDC-003": "", "doc_BDC-003": "处罚决定书 1 号"})
    assert answer.status_code == 422 and "写明了决定文书,请填写决定金额" in answer.content.decode()
    # the refused input is marked and keeps what was typed
    answer = client.post(url, {"q_BDC-003": "两本"})
    page = answer.content.decode()
    assert answer.status_code == 422 and "数量须为 1 至 10000 的整数" in page
    assert 'name="q_BDC-003" value="两本" aria-invalid="true"' in page
    # a waiver the fee does not have is the service's refusal: its select is marked all the same
    answer = client.post(url, {"w_BDC-001": "NOPE"})
    page = answer.content.decode()
    assert answer.status_code == 422 and "没有减免情形「NOPE」" in page
    assert 'name="w_BDC-001" aria-invalid="true"' in page
    assert not Notice.objects.filter(case=case).exists()
    # a row not charged in this case is not read: what it says does not stop the notice
    answer = client.post(url, {"select": "1", "c_BDC-001": "1", "q_BDC-003": "两本"})
    assert answer.status_code == 302 and str(Notice.objects.get(case=case).total) == "80.00"


def test_reconciliation_answers_a_difference_or_a_day_that_is_not_there(fees_world, client):
    w = fees_world
    client.force_login(w.manager)
    for clear in ("abc", "99999999999999999999999", "424242"):  # "abc" was a 500
        page = client.post(
            "/workbench/fees/reconcile/", {"clear": clear, "note": "已核对"}, follow=True
        ).content.decode()
        assert "找不到该差异" in page
    # a day that is not a date is refused, not replaced by another day's reconciliation
    page = client.post(
        "/workbench/fees/reconcile/", {"date": "2026-02-30", "run": "1"}, follow=True
    ).content.decode()
    assert "对账日期「2026-02-30」不是有效日期" in page and "对账完成" not in page
    assert not Discrepancy.objects.exists()


def test_the_catalogue_refuses_an_amount_beyond_its_columns_and_a_waiver_not_there(fees_world, client):
    from tests.fees.test_catalogue_keeping import NEW

    w = fees_world
    client.force_login(w.land_head)
    answer = client.post(
        "/workbench/fees/catalogue/new/", {**NEW, "organisation": w.land.pk, "amount": "1e20"}
    )
    assert answer.status_code == 422
    assert 'data-testid="error-amount">金额不能超过 9999999999.99 元</div>' in answer.content.decode()
    assert not CatalogueFee.objects.filter(code="BDC-NEW").exists()
    fee = w.fees["BDC-001"]
    for waiver in ("abc", "424242", ""):  # "abc" was a 500
        answer = client.post(
            f"/workbench/fees/catalogue/{fee.pk}/",
            {"form": "drop_waiver", "waiver": waiver, "reason": "政策到期"},
        )
        assert answer.status_code == 404
    assert fee.waivers.exists()
    answer = client.post(
        f"/workbench/fees/catalogue/{fee.pk}/revise/",
        {**NEW, "amount": "40", "upper": "很多", "valid_from": "2026-11-01", "reason": "降费"},
    )
    assert answer.status_code == 422 and "幅度上限须为数字" in answer.content.decode()
    assert not CatalogueFee.objects.filter(code="BDC-001", version=2).exists()


def test_a_refund_explanation_or_opinion_too_long_is_refused_naming_the_field_and_its_limit(
    fees_world, client
):
    """The service cut them at 500 characters without a word; the rest of what was typed was lost."""
    w = fees_world
    notice = _paid(w)
    client.force_login(w.cashier)
    page = client.post(
        f"/workbench/fees/notices/{notice.code}/refund/",
        {"amount": "10", "reason": "overpaid", "explanation": "多" * 501},
        follow=True,
    ).content.decode()
    assert "「退付说明」最长 500 个字,现有 501 个字" in page and not Refund.objects.exists()
    with pytest.raises(ValidationFailed, match="退付说明最长 500 个字") as err:
        services.request_refund(
            payment=notice.payment, by=w.cashier, amount="10", reason="overpaid", explanation="多" * 501
        )
    assert err.value.field == "explanation"
    refund = services.request_refund(
        payment=notice.payment, by=w.cashier, amount="10", reason="overpaid", explanation="多收"
    )
    client.force_login(w.land_head)
    page = client.post(
        f"/workbench/fees/refunds/{refund.pk}/decide/", {"approve": "0", "opinion": "不" * 501}, follow=True
    ).content.decode()
    assert "「审批意见」最长 500 个字,现有 501 个字" in page
    refund.refresh_from_db()
    assert refund.state == "requested"


def test_a_card_voucher_too_long_is_refused_not_cut_to_another_number(fees_world, client):
    """A 刷卡凭证号 or POS 退货凭证号 over 40 characters (the terminal prints far fewer: a slip of the keyboard) is
    refused at its input; the service cut it to its first 40 characters and recorded that as the voucher."""
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    client.force_login(w.cashier)
    long = "8" * 41
    answer = client.post(
        "/workbench/fees/window/", {"code": notice.code, "channel": "card", "voucher": long, "received": "80"}
    )
    page = answer.content.decode()
    assert answer.status_code == 422 and "「刷卡凭证号」最长 40 个字,现有 41 个字" in page
    assert 'is-invalid" id="pay-voucher"' in page and f'value="{long}" aria-invalid="true"' in page
    with pytest.raises(ValidationFailed, match="刷卡凭证号最长 40 个字") as err:
        services.record_at_window(code=notice.code, by=w.cashier, channel="card", voucher=long)
    assert err.value.field == "voucher" and not Payment.objects.exists()
    payment = services.record_at_window(code=notice.code, by=w.cashier, channel="card", voucher="8" * 40)
    refund = services.request_refund(
        payment=payment, by=w.cashier, amount="10", reason="overpaid", explanation="多收"
    )
    services.decide_refund(refund=refund, by=w.land_head, approve=True, opinion="同意")
    page = client.post(f"/workbench/fees/refunds/{refund.pk}/card/", {"voucher": long}, follow=True)
    assert "「POS 退货凭证号」最长 40 个字,现有 41 个字" in page.content.decode()
    with pytest.raises(ValidationFailed, match="POS 退货凭证号最长 40 个字"):
        services.pay_out_card(refund=refund, by=w.cashier, voucher=long)
    refund.refresh_from_db()
    assert refund.paid_out_at is None


def test_a_difference_s_note_too_long_is_refused_not_cut_short(fees_world, client):
    """处理情况 over 500 characters: refused naming the field and its limit, the difference still open; the service
    kept the first 500 characters without a word. The input says its limit."""
    from zhengwu.core import clock
    from zhengwu.fees import reconcile

    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    services.record_at_window(code=notice.code, by=w.cashier, channel="cash")
    reconcile.reconcile(clock.today())  # not in the bank, not remitted: differences
    row = Discrepancy.objects.filter(notice=notice).first()
    client.force_login(w.manager)
    url = f"/workbench/fees/reconcile/?date={clock.today().isoformat()}"
    assert 'name="note" placeholder="处理情况" aria-label="处理情况" maxlength="500" required' in (
        client.get(url).content.decode()
    )
    page = client.post(
        "/workbench/fees/reconcile/",
        {"date": clock.today().isoformat(), "clear": row.pk, "note": "核" * 501},
        follow=True,
    ).content.decode()
    assert "「处理情况」最长 500 个字,现有 501 个字" in page and "差异已处理" not in page
    with pytest.raises(ValidationFailed, match="处理情况最长 500 个字") as err:
        reconcile.clear(discrepancy=row, by=w.manager, note="核" * 501)
    assert err.value.field == "note"
    row.refresh_from_db()
    assert row.cleared_at is None and row.cleared_note == ""


def test_a_decision_document_too_long_is_refused_not_cut_short_on_the_notice(fees_world, client):
    """A band fee's 决定文书及文号 over 200 characters: refused at its input, no notice — the notice line kept the
    document and amount cut at 300 characters without a word. The input says its limit."""
    w = fees_world
    CatalogueFee.objects.filter(pk=w.fees["BDC-003"].pk).update(standard_kind="band", upper="50")
    case = land_case(w)
    client.force_login(w.land_clerk)
    url = f"/workbench/fees/cases/{case.number}/issue/"
    assert 'name="doc_BDC-003" maxlength="200"' in client.get(url).content.decode()
    long = "罚" * 201
    answer = client.post(url, {"d_BDC-003": "20", "doc_BDC-003": long})
    page = answer.content.decode()
    assert (
        answer.status_code == 422 and "工本费(每增加一本)」决定文书及文号最长 200 个字,现有 201 个字" in page
    )
    assert f'name="doc_BDC-003" maxlength="200" value="{long}" aria-invalid="true"' in page
    with pytest.raises(ValidationFailed, match="决定文书及文号最长 200 个字,现有 201 个字") as err:
        services.issue_notice(
            case=case, by=w.land_clerk, decisions={"BDC-003": {"amount": "20", "document": long}}
        )
    assert err.value.field.endswith("document") and not Notice.objects.filter(case=case).exists()
    notice = services.issue_notice(
        case=case, by=w.land_clerk, decisions={"BDC-003": {"amount": "20", "document": "罚" * 200}}
    )
    assert notice.lines.get(fee__code="BDC-003").decision == "罚" * 200 + "(20.00元)"  # kept whole
