"""The fee window as cashiers, staff and payers expect it (issue 13, a stranger's pass): the issue form ticks nothing
and states the total it charges, alternatives of one fee (不动产登记费 住宅类 or 非住宅类) are never charged together,
cash above the amount due is taken and its change shown, a refunded receipt says so when checked, a supervisor does
not start a refund, money actions ask first naming the amount, and fines are not on the public fee list."""

import copy
import re
from decimal import Decimal

import pytest

from tests.cases.conftest import ITEM, publish
from tests.factories import make_staff, paper_checklist
from zhengwu.cases import services as case_services
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied, ValidationFailed
from zhengwu.core.models import Role
from zhengwu.fees import permissions, services
from zhengwu.fees.models import Notice, Payment


def _transfer_case(w):
    """A case of an item charging the three real 不动产登记 fees: 住宅类 80, 非住宅类 550, 工本费 每增加一本 10."""
    spec = copy.deepcopy(ITEM)
    spec.update(
        name="国有建设用地使用权及房屋所有权转移登记",
        fees=[services.item_line(code) for code in ("BDC-001", "BDC-002", "BDC-003")],
    )
    item = publish(spec, w.land)
    case = case_services.submit_case(
        item=item,
        applicant=w.citizen,
        by=w.land_clerk,
        channel="counter",
        window=w.general,
        form={"subject": "申请转移登记"},
    )
    return case_services.accept_case(case=case, paper=paper_checklist(case), by=w.land_clerk)


def _row(page: str, code: str) -> str:
    return re.search(rf'<tr data-fee="{code}".*?</tr>', page, re.S).group(0)


# ---------------------------------------------------------------- 1. 开具缴款通知书


def test_the_issue_form_ticks_nothing_and_extra_copies_start_at_zero(fees_world, client):
    w = fees_world
    case = _transfer_case(w)
    client.force_login(w.land_clerk)
    page = client.get(f"/workbench/fees/cases/{case.number}/issue/").content.decode()
    for code in ("BDC-001", "BDC-002", "BDC-003"):
        assert " checked" not in _row(page, code)
    assert 'name="q_BDC-003" value="0"' in _row(page, "BDC-003")
    assert "不动产登记费:择一收取" in _row(page, "BDC-001")
    # the button's confirmation states the total (none ticked: 0.00), and the page shows it
    assert "开具缴款通知书,合计 0.00 元。确认开具?" in page and 'id="issue-total">0.00<' in page


def test_two_alternatives_of_one_fee_are_refused_at_the_field(fees_world, client):
    w = fees_world
    case = _transfer_case(w)
    client.force_login(w.land_clerk)
    url = f"/workbench/fees/cases/{case.number}/issue/"
    response = client.post(
        url, {"select": "1", "c_BDC-001": "1", "c_BDC-002": "1", "c_BDC-003": "1", "q_BDC-003": "2"}
    )
    page = response.content.decode()
    assert response.status_code == 422 and not Notice.objects.exists()
    assert "「不动产登记费(住宅类)」与「不动产登记费(非住宅类)」只能收取其一" in page
    assert 'aria-invalid="true"' in _row(page, "BDC-002") and 'aria-invalid="true"' not in _row(
        page, "BDC-001"
    )
    # what was ticked stays ticked, and the total says what it would have charged: 80 + 550 + 2 × 10
    assert "合计 650.00 元" in page
    # the service refuses it whoever calls it (the API, a form that sends no selection)
    with pytest.raises(ValidationFailed) as refused:
        services.issue_notice(case=case, by=w.land_clerk)
    assert refused.value.field == "only.BDC-002"


def test_an_extra_copy_ticked_at_zero_is_refused_and_one_fee_is_issued(fees_world, client):
    w = fees_world
    case = _transfer_case(w)
    client.force_login(w.land_clerk)
    url = f"/workbench/fees/cases/{case.number}/issue/"
    response = client.post(url, {"select": "1", "c_BDC-001": "1", "c_BDC-003": "1", "q_BDC-003": "0"})
    assert response.status_code == 422 and "数量须为 1 至 10000 的整数" in response.content.decode()
    response = client.post(url, {"select": "1", "c_BDC-001": "1", "q_BDC-003": "0"})
    notice = Notice.objects.get(case=case)
    assert response.status_code == 302 and notice.total == Decimal("80.00")
    assert [line.name for line in notice.lines.all()] == ["不动产登记费(住宅类)"]


# ---------------------------------------------------------------- 4. cash and change at the fee window


def test_the_fee_window_takes_more_cash_and_shows_the_change(fees_world, client):
    w = fees_world
    notice = services.issue_notice(case=_transfer_case(w), by=w.land_clerk, only=["BDC-001", "BDC-003"])
    assert notice.total == Decimal("90.00")
    client.force_login(w.cashier)
    response = client.post(
        "/workbench/fees/window/", {"code": notice.code, "channel": "cash", "received": "80"}
    )
    assert (
        response.status_code == 422 and "实收现金 80.00 元少于应缴金额 90.00 元" in response.content.decode()
    )
    response = client.post(
        "/workbench/fees/window/", {"code": notice.code, "channel": "cash", "received": "100"}, follow=True
    )
    page = response.content.decode()
    assert "已收款 90.00 元,实收现金 100.00 元,找零 10.00 元" in page
    assert "实收现金 100.00 元,找零 10.00 元" in page.split("<h2", 1)[1]  # and on the notice's payment, kept
    payment = Payment.objects.get()
    assert (payment.amount, payment.received, payment.change) == (
        Decimal("90.00"),
        Decimal("100.00"),
        Decimal("10.00"),
    )


def test_a_card_is_charged_the_amount_due_exactly(fees_world):
    w = fees_world
    notice = services.issue_notice(case=_transfer_case(w), by=w.land_clerk, only=["BDC-001"])
    with pytest.raises(ValidationFailed) as refused:
        services.record_at_window(
            code=notice.code, by=w.cashier, channel="card", voucher="88001", received="100"
        )
    assert refused.value.field == "received" and not Payment.objects.exists()
    payment = services.record_at_window(
        code=notice.code, by=w.cashier, channel="card", voucher="88001", received="80"
    )
    assert payment.received is None and payment.change is None


# ---------------------------------------------------------------- 2. the public receipt check


def _paid(w, received="80"):
    notice = services.issue_notice(case=_transfer_case(w), by=w.land_clerk, only=["BDC-001"])
    payment = services.record_at_window(code=notice.code, by=w.cashier, channel="cash", received=received)
    return payment, services.current_receipt(payment)


def _refunded(w, payment, amount):
    refund = services.request_refund(
        payment=payment, by=w.land_clerk, amount=amount, reason="other", explanation="申请人放弃登记"
    )
    services.decide_refund(refund=refund, by=w.land_head, approve=True, opinion="同意")
    return services.pay_out_cash(refund=refund, by=w.cashier)


def test_a_fully_refunded_receipt_says_so_when_checked(fees_world, client):
    w = fees_world
    payment, receipt = _paid(w)
    refund = _refunded(w, payment, "80")
    page = client.get(f"/fees/receipts/{receipt.number}/").content.decode()
    day = clock.local_date(refund.paid_out_at)  # as people write a day (2026年11月18日), not ISO
    assert f"已全额退付 80.00 元({day:%Y年%-m月%-d日})" in page and "该票据真实有效" not in page
    assert day.isoformat() not in page


def test_a_partly_refunded_receipt_names_the_part(fees_world, client):
    w = fees_world
    payment, receipt = _paid(w)
    page = client.get(f"/fees/receipts/{receipt.number}/").content.decode()
    assert "该票据真实有效" in page and "退付" not in page
    _refunded(w, payment, "30")
    page = client.get(f"/fees/receipts/{receipt.number}/").content.decode()
    assert "该票据真实有效" in page and "其中 30.00 元已退付" in page and "已全额退付" not in page


def test_the_payment_page_names_a_refund_as_the_case_page_and_the_receipt_check_do(fees_world, client):
    """缴款 (the page a payer opens by the notice's code) read only 已缴费 after part of the money went back, where
    the case page said 已缴费(已退费 30.00 元) and the receipt check named it too."""
    w = fees_world
    payment, receipt = _paid(w)
    page = client.get(f"/fees/pay/{payment.notice.code}/").content.decode()
    assert "已缴费" in page and "退付" not in page
    refund = _refunded(w, payment, "30")
    page = client.get(f"/fees/pay/{payment.notice.code}/").content.decode()
    day = clock.local_date(refund.paid_out_at)
    refunded = re.search(r'data-testid="notice-refunded">([^<]*)<', page)
    assert refunded and refunded.group(1) == f"已退付 30.00 元({day:%Y年%-m月%-d日})"
    assert day.isoformat() not in page


# ---------------------------------------------------------------- 3. supervision reads


def test_a_supervisor_cannot_file_a_refund_and_is_not_offered_the_form(fees_world, client):
    w = fees_world
    payment, _ = _paid(w)
    supervisor = make_staff("jiancha", w.centre_org, roles=[Role.SUPERVISOR], name="周监察").user
    client.force_login(supervisor)
    page = client.get(f"/workbench/fees/notices/{payment.notice.code}/").content.decode()
    assert page.count("80.00") and "申请退付" not in page  # reads the notice, no form
    with pytest.raises(AccessDenied) as refused:
        services.request_refund(
            payment=payment, by=supervisor, amount="10", reason="overpaid", explanation="多收"
        )
    assert "监察人员" in refused.value.message
    assert permissions.refusal(supervisor, payment.notice, "refund") is not None
    response = client.post(
        f"/workbench/fees/notices/{payment.notice.code}/refund/",
        {"amount": "10", "reason": "overpaid", "explanation": "多收"},
        follow=True,
    )
    assert "监察人员负责监督" in response.content.decode() and not payment.refunds.exists()


# ---------------------------------------------------------------- 5. money actions ask first


def test_money_actions_ask_first_naming_the_amount(fees_world, client):
    w = fees_world
    payment, receipt = _paid(w)
    refund = services.request_refund(
        payment=payment, by=w.land_clerk, amount="30", reason="other", explanation="申请人放弃登记"
    )
    client.force_login(w.land_head)
    page = client.get(f"/workbench/fees/notices/{payment.notice.code}/").content.decode()
    assert 'data-confirm="批准退付 30.00 元?' in page and "zhengwu/confirm.js" in page
    services.decide_refund(refund=refund, by=w.land_head, approve=True)
    client.force_login(w.cashier)
    page = client.get(f"/workbench/fees/notices/{payment.notice.code}/").content.decode()
    assert 'data-confirm="确认已将 30.00 元现金当面退还交款人?' in page
    assert f'data-confirm="作废票据 {receipt.number}(金额 80.00 元)并换开新票据?' in page


# ---------------------------------------------------------------- 6. fines are not fees


def test_a_fine_is_not_on_the_public_fee_list(fees_world, client):
    w = fees_world
    index = client.get("/fees/").content.decode()
    assert f"/fees/{w.bureau.pk}/" not in index and "罚没收入(罚款)不属于行政事业性收费" in index
    page = client.get(f"/fees/{w.bureau.pk}/").content.decode()
    assert "未取得许可从事食品经营罚款" not in page and "罚没收入" not in page
    assert "不动产登记费(住宅类)" in client.get(f"/fees/{w.land.pk}/").content.decode()
