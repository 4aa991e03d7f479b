"""The notice page as the fee window and the collecting organisation met it (a stranger's pass): a receipt whose
whole payment went back is not offered 作废并换开 and the service refuses it, saying why; a partly refunded one is
reissued for the amount paid and its check still names the refund; a refused 申请退付 or 作废并换开 is answered at its
field, the form open with what was typed, not at the page's top."""

import re

import pytest

from tests.fees.conftest import land_case
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.fees import services
from zhengwu.fees.models import Receipt, Refund


def _paid(w):
    """The land case's notice (不动产登记费 80 元) paid in cash at the fee window: the payment and its receipt."""
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk, only=["BDC-001"])
    payment = services.record_at_window(code=notice.code, by=w.cashier, channel="cash", received="80")
    return payment, services.current_receipt(payment)


def _refunded(w, payment, amount):
    refund = services.request_refund(
        payment=payment, by=w.land_clerk, amount=amount, reason="other", explanation="申请人放弃登记"
    )
    services.decide_refund(refund=refund, by=w.land_head, approve=True, opinion="同意")
    return services.pay_out_cash(refund=refund, by=w.cashier)


def _receipt_row(page: str, number: str) -> str:
    return re.search(
        rf'<li class="list-group-item">\s*<a href="[^"]*{number}[^"]*".*?</li>', page, re.S
    ).group(0)


# ---------------------------------------------------------------- 作废并换开


def test_a_fully_refunded_receipt_is_not_offered_for_reissue_and_is_refused(fees_world, client):
    w = fees_world
    payment, receipt = _paid(w)
    _refunded(w, payment, "80")
    client.force_login(w.cashier)
    url = f"/workbench/fees/notices/{payment.notice.code}/"
    row = _receipt_row(client.get(url).content.decode(), receipt.number)
    assert "作废并换开" not in row and "款项已全额退付,不再换开" in row
    with pytest.raises(Conflict, match=r"该票据款项已全额退付\(80.00 元\),没有可换开的金额,不能作废并换开"):
        services.void_and_reissue(receipt=receipt, by=w.cashier, reason="交款人名称有误")
    page = client.post(
        f"/workbench/fees/receipts/{receipt.number}/void/", {"reason": "交款人名称有误"}, follow=True
    ).content.decode()
    assert "没有可换开的金额,不能作废并换开" in page
    assert Receipt.objects.filter(payment=payment).count() == 1
    receipt.refresh_from_db()
    assert receipt.voided_at is None


def test_a_receipt_refunded_in_full_but_not_yet_paid_back_is_not_reissued_either(fees_world):
    """Approved is decided: the money is on its way back, nothing of it is kept to be receipted again."""
    w = fees_world
    payment, receipt = _paid(w)
    refund = services.request_refund(
        payment=payment, by=w.land_clerk, amount="80", reason="other", explanation="申请人放弃登记"
    )
    # asked, not approved: it may still be refused, so the receipt is still the payment's
    assert services.void_and_reissue(receipt=receipt, by=w.cashier, reason="交款人名称有误").amount == 80
    services.decide_refund(refund=refund, by=w.land_head, approve=True)
    with pytest.raises(Conflict, match="已全额退付"):
        services.void_and_reissue(
            receipt=services.current_receipt(payment), by=w.cashier, reason="交款人名称有误"
        )


def test_a_partly_refunded_receipt_is_reissued_for_the_amount_paid_and_its_check_names_the_refund(
    fees_world, client
):
    w = fees_world
    payment, receipt = _paid(w)
    _refunded(w, payment, "30")
    client.force_login(w.cashier)
    row = _receipt_row(
        client.get(f"/workbench/fees/notices/{payment.notice.code}/").content.decode(), receipt.number
    )
    assert "作废并换开" in row
    assert "其中 30.00 元已批准退付:换开的票据金额仍为缴款的 80.00 元,查验票据时注明已退付的部分。" in row
    client.post(
        f"/workbench/fees/receipts/{receipt.number}/void/",
        {"reason": "交款人名称有误", "payer": "张三丰"},
    )
    new = services.current_receipt(payment)
    assert new.replaces == receipt and new.amount == 80 and new.payer == "张三丰"
    page = client.get(f"/fees/receipts/{new.number}/").content.decode()
    assert "该票据真实有效" in page and "其中 30.00 元已退付" in page


def test_a_refused_reissue_is_answered_at_its_field_with_what_was_typed(fees_world, client):
    """作废并换开 without a reason: the receipt's form opens again with the refusal at 作废原因 and the payer as typed
    (it was said at the page's top, after a redirect that lost what was typed); nothing is voided."""
    w = fees_world
    payment, receipt = _paid(w)
    client.force_login(w.cashier)
    response = client.post(
        f"/workbench/fees/receipts/{receipt.number}/void/", {"reason": "  ", "payer": "张三丰"}
    )
    page = response.content.decode()
    assert response.status_code == 422
    row = _receipt_row(page, receipt.number)
    assert f'<details class="mt-1" id="void-{receipt.pk}" open>' in row
    marked = re.search(r'<input[^>]*name="reason"[^>]*>', row).group(0)
    assert 'aria-invalid="true"' in marked and f'aria-describedby="void-error-{receipt.pk}"' in marked
    assert re.search(rf'id="void-error-{receipt.pk}"[^>]*>请填写作废原因<', row)
    assert 'name="payer" value="张三丰"' in row
    assert "请填写作废原因" not in _messages(page)
    receipt.refresh_from_db()
    assert receipt.voided_at is None and Receipt.objects.filter(payment=payment).count() == 1


def test_a_reason_or_payer_too_long_is_refused_at_its_input_not_cut_short(fees_world, client):
    """作废原因 over 300 characters, a corrected 交款人 over 100: refused at that input with the length, what was typed
    kept, nothing voided — the service cut them short and voided the receipt without a word. The inputs say their
    limits (maxlength)."""
    w = fees_world
    payment, receipt = _paid(w)
    client.force_login(w.cashier)
    row = _receipt_row(
        client.get(f"/workbench/fees/notices/{payment.notice.code}/").content.decode(), receipt.number
    )
    assert re.search(r'<input[^>]*name="reason"[^>]*maxlength="300"', row)
    assert re.search(r'<input[^>]*name="payer"[^>]*maxlength="100"', row)
    url = f"/workbench/fees/receipts/{receipt.number}/void/"
    for posted, at, message in (
        ({"reason": "交" * 301, "payer": "张三丰"}, "reason", "「作废原因」最长 300 个字,现有 301 个字"),
        ({"reason": "交款人名称有误", "payer": "贵" * 101}, "payer", "「交款人」最长 100 个字,现有 101 个字"),
    ):
        response = client.post(url, posted)
        assert response.status_code == 422
        row = _receipt_row(response.content.decode(), receipt.number)
        marked = re.search(rf'<input[^>]*name="{at}"[^>]*>', row).group(0)
        assert 'aria-invalid="true"' in marked and f'value="{posted[at]}"' in marked
        assert re.search(rf'id="void-error-{receipt.pk}"[^>]*>{message}<', row)
    for reason, payer, at in (("交" * 301, "", "reason"), ("交款人名称有误", "贵" * 101, "payer")):
        with pytest.raises(ValidationFailed, match="最长") as err:  # the API's path, the same refusal
            services.void_and_reissue(receipt=receipt, by=w.cashier, reason=reason, payer=payer)
        assert err.value.field == at
    receipt.refresh_from_db()
    assert receipt.voided_at is None and Receipt.objects.filter(payment=payment).count() == 1
    new = services.void_and_reissue(receipt=receipt, by=w.cashier, reason="交" * 300, payer="贵" * 100)
    receipt.refresh_from_db()
    assert receipt.void_reason == "交" * 300 and new.payer == "贵" * 100  # at the limit: kept whole


# ---------------------------------------------------------------- 申请退付 refused at its field


def _refund_form(page: str) -> str:
    return re.search(r'<details id="refund".*?</details>', page, re.S).group(0)


def _messages(page: str) -> str:
    """What the page says above its heading (core/_messages.html)."""
    return page.split('<h1 class="h4">', 1)[0]


@pytest.mark.parametrize(
    "posted, field, message",
    [
        ({"amount": "100"}, "amount", "退付金额不能超过可退金额 80.00 元"),
        ({"amount": "8.001"}, "amount", "退付金额最多两位小数(到分)"),
        ({"explanation": ""}, "explanation", "请写明退付说明"),
        ({"reason": "withdrawn"}, "reason", "未撤回、终止或不予受理,不能以「申请撤回或终止」退付"),
    ],
)
def test_a_refused_refund_is_answered_at_its_field_with_what_was_typed(
    fees_world, client, posted, field, message
):
    w = fees_world
    payment, _ = _paid(w)
    client.force_login(w.land_clerk)
    typed = {"amount": "20", "reason": "overpaid", "explanation": "多收 20 元", **posted}
    response = client.post(f"/workbench/fees/notices/{payment.notice.code}/refund/", typed)
    page = response.content.decode()
    assert response.status_code == 422 and not Refund.objects.exists()
    form = _refund_form(page)
    assert form.startswith('<details id="refund" open>')
    # the field refused is marked and the refusal follows it; nothing is said at the page's top
    marked = re.search(rf'<(input|select)[^>]*name="{field}"[^>]*>', form).group(0)
    assert 'aria-invalid="true"' in marked and 'aria-describedby="refund-error"' in marked
    assert form.count('aria-invalid="true"') == 1
    assert re.search(rf'id="refund-error"[^>]*>[^<]*{re.escape(message)}', form)
    assert message not in _messages(page)
    # what was typed is there to correct
    if typed["amount"]:
        assert f'name="amount" inputmode="decimal" value="{typed["amount"]}"' in form
    assert f'<option value="{typed["reason"]}" selected>' in form
    if typed["explanation"]:
        assert f'value="{typed["explanation"]}"' in form


def test_a_refund_asked_right_is_filed_and_said_at_the_top(fees_world, client):
    w = fees_world
    payment, _ = _paid(w)
    client.force_login(w.land_clerk)
    page = client.post(
        f"/workbench/fees/notices/{payment.notice.code}/refund/",
        {"amount": "20", "reason": "overpaid", "explanation": "多收 20 元"},
        follow=True,
    ).content.decode()
    assert "已提交退付申请,待审批" in _messages(page)
    assert Refund.objects.get().amount == 20
