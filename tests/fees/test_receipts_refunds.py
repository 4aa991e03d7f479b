"""Receipts (财政电子票据) for every payment, downloaded by the payer, voided and reissued on the record; refunds
(退付) with approval against the original payment."""

import subprocess

import pytest

from tests.fees.conftest import land_case
from zhengwu.cases import services as case_services
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.fees import documents, services, simulator
from zhengwu.fees.models import Notice, Payment, Receipt, Refund


@pytest.fixture
def paid(fees_world):
    case = land_case(fees_world)
    notice = services.issue_notice(case=case, by=fees_world.land_clerk)
    simulator.pay(notice)
    return Payment.objects.get(notice=notice)


def test_every_payment_has_a_receipt_the_payer_downloads(fees_world, paid, client, tmp_path):
    receipt = services.current_receipt(paid)
    assert receipt.number.startswith("36062601") and len(receipt.number) == 18
    assert receipt.payer == "张三" and receipt.amount == paid.amount
    client.force_login(fees_world.citizen_user)
    page = client.get(f"/cases/mine/{paid.notice.case.number}/").content.decode()
    assert "已缴费" in page and f"/fees/receipts/{receipt.number}.pdf" in page
    response = client.get(f"/fees/receipts/{receipt.number}.pdf")
    assert response.status_code == 200
    path = tmp_path / "r.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "非税收入一般缴款书" in text and receipt.number in text and "玖拾元整" in text
    # The check page its QR code opens: the payer masked.
    page = client.get(f"/fees/receipts/{receipt.number}/").content.decode()
    assert "真实有效" in page and "张*" in page and "张三" not in page
    assert client.get("/fees/receipts/36062601999/").status_code == 404


def test_void_and_reissue_is_recorded(fees_world, paid, client):
    first = services.current_receipt(paid)
    with pytest.raises(ValidationFailed) as err:
        services.void_and_reissue(receipt=first, by=fees_world.cashier, reason=" ")
    assert err.value.field == "reason"
    second = services.void_and_reissue(
        receipt=first, by=fees_world.cashier, reason="交款人名称有误", payer="张三丰"
    )
    first.refresh_from_db()
    assert first.voided_at is not None and first.void_reason == "交款人名称有误"
    assert second.replaces == first and second.payer == "张三丰" and second.number != first.number
    assert services.current_receipt(paid) == second
    with pytest.raises(Conflict, match="已作废"):
        services.void_and_reissue(receipt=first, by=fees_world.cashier, reason="再次")
    page = client.get(f"/fees/receipts/{first.number}/").content.decode()
    assert "已作废" in page and second.number in page
    assert "已作废" in documents_text(first)


def test_a_voided_receipt_says_on_which_day_as_people_write_it(fees_world, paid):
    """The 已作废 stamp on a voided receipt's PDF (the payer may hold it) read 已作废 2026-11-18:…, an ISO day."""
    from zhengwu.core import clock

    first = services.current_receipt(paid)
    services.void_and_reissue(receipt=first, by=fees_world.cashier, reason="交款人名称有误", payer="张三丰")
    first.refresh_from_db()
    day = clock.local_date(first.voided_at)
    text = documents_text(first)
    assert f"已作废 {day:%Y年%-m月%-d日}:交款人名称有误" in text and day.isoformat() not in text


def test_the_receipt_s_labels_are_not_broken_over_two_lines(paid):
    """交易流水号 was set as 交易流水 / 号: the long payment code and transaction number beside it squeezed the label's
    column (seen on the demo's receipt)."""
    text = documents_text(services.current_receipt(paid))
    for label in ("交款人", "执收单位", "缴款码", "交易流水号", "缴款方式", "开票日期"):
        assert label in text


def documents_text(receipt: Receipt) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(documents.receipt_pdf(receipt))
        f.flush()
        return subprocess.run(["pdftotext", f.name, "-"], capture_output=True, text=True, check=True).stdout


def test_a_refund_for_a_withdrawal_needs_the_case_withdrawn(fees_world, paid):
    w = fees_world
    case = paid.notice.case
    with pytest.raises(ValidationFailed, match=f"办件 {case.number} 当前为「办理中」") as err:
        services.request_refund(
            payment=paid, by=w.land_clerk, amount="90", reason="withdrawn", explanation="申请人撤回申请"
        )
    assert err.value.field == "reason" and not Refund.objects.exists()
    case_services.withdraw_case(case=case, by=w.land_clerk, reason="申请人撤回申请")
    refund = services.request_refund(
        payment=paid, by=w.land_clerk, amount="90", reason="withdrawn", explanation="申请人撤回申请"
    )
    assert refund.state == Refund.State.REQUESTED


def test_a_refund_is_approved_by_someone_else_against_the_payment(fees_world, paid):
    w = fees_world
    case_services.withdraw_case(case=paid.notice.case, by=w.land_clerk, reason="申请人撤回申请")
    refund = services.request_refund(
        payment=paid, by=w.land_clerk, amount="90", reason="withdrawn", explanation="申请人撤回申请"
    )
    assert refund.state == Refund.State.REQUESTED
    with pytest.raises(AccessDenied, match="不能审批自己"):
        services.decide_refund(refund=refund, by=w.land_clerk, approve=True)
    with pytest.raises(AccessDenied):
        services.decide_refund(refund=refund, by=w.head, approve=True)  # another organisation's head
    refund = services.decide_refund(refund=refund, by=w.land_head, approve=True, opinion="同意退付")
    assert refund.state == Refund.State.APPROVED and refund.decided_by == w.land_head
    assert Notice.objects.get(pk=paid.notice_id).state == Notice.State.REFUNDED
    with pytest.raises(ValidationFailed, match="可退金额 0.00") as err:
        services.request_refund(
            payment=paid, by=w.land_clerk, amount="1", reason="overpaid", explanation="多缴"
        )
    assert err.value.field == "amount"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"amount": "100"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"reason": "whim"}, "reason"),
        ({"explanation": ""}, "explanation"),
    ],
)
def test_refund_input_is_checked(fees_world, paid, kwargs, field):
    data = {"amount": "10", "reason": "overpaid", "explanation": "多缴工本费", **kwargs}
    with pytest.raises(ValidationFailed) as err:
        services.request_refund(payment=paid, by=fees_world.land_clerk, **data)
    assert err.value.field == field


def test_a_rejected_refund_needs_reasons_and_leaves_the_payment(fees_world, paid):
    w = fees_world
    refund = services.request_refund(
        payment=paid, by=w.land_clerk, amount="10", reason="overpaid", explanation="多缴"
    )
    with pytest.raises(ValidationFailed) as err:
        services.decide_refund(refund=refund, by=w.land_head, approve=False)
    assert err.value.field == "opinion"
    services.decide_refund(refund=refund, by=w.land_head, approve=False, opinion="未多缴")
    assert Notice.objects.get(pk=paid.notice_id).state == Notice.State.PAID


def test_only_the_fee_window_is_offered_to_void_a_receipt_and_others_are_told_what_they_may_not(
    fees_world, paid, client
):
    receipt = services.current_receipt(paid)
    client.force_login(fees_world.land_head)
    page = client.get(f"/workbench/fees/notices/{paid.notice.code}/").content.decode()
    assert receipt.number in page and "作废并换开" not in page
    with pytest.raises(AccessDenied, match="只有收费窗口的工作人员可以作废并换开票据"):
        services.void_and_reissue(receipt=receipt, by=fees_world.land_head, reason="交款人名称有误")
    client.force_login(fees_world.cashier)
    assert "作废并换开" in client.get(f"/workbench/fees/notices/{paid.notice.code}/").content.decode()
