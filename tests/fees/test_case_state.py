"""The case page says where the fees stand: a payment notice issued is 待缴费 (amount, notice, due date), not
collected; paid it is 已缴费 with its receipt; refunded 已退费. The applicant's messages say 已收取费用 only for
what was paid."""

from tests.fees.conftest import decide, land_case
from zhengwu.cases import selectors as case_selectors
from zhengwu.cases import services as case_services
from zhengwu.cases.models import OutboxMessage
from zhengwu.fees import services


def lookup(client, case) -> str:
    return client.get(
        "/cases/lookup/", {"number": case.number, "query_code": case.query_code}
    ).content.decode()


def staff_page(client, user, case) -> str:
    client.force_login(user)
    return client.get(f"/workbench/cases/{case.number}/").content.decode()


def test_an_unpaid_notice_is_due_not_collected(fees_world, client):
    w = fees_world
    case = land_case(w)
    notice = services.issue_notice(case=case, by=w.land_clerk)
    html = lookup(client, case)
    assert "已收取费用" not in html
    assert "待缴费" in html and f"应缴 90.00 元,缴款通知书 {notice.code},缴款期限 2026年10月13日" in html
    page = staff_page(client, w.land_clerk, case)
    assert "已收取费用" not in page and "已登记收费" not in page
    assert "待缴费" in page and "缴款期限 2026-10-13" in page
    # decided before payment: the decision message says nothing was collected
    decide(w, case)
    [decision] = OutboxMessage.objects.filter(case=case, body__contains="已作出决定")[:1]
    assert "费用" not in decision.body
    summary = case_selectors.case_summary(case)
    assert summary["fees"]["items"] == [] and summary["fees"]["notice"]["label"] == "待缴费"


def test_paid_then_refunded(fees_world, client):
    w = fees_world
    case = land_case(w)
    notice = services.issue_notice(case=case, by=w.land_clerk)
    payment = services.record_at_window(code=notice.code, by=w.cashier, channel="cash")
    receipt = services.current_receipt(payment)
    html = lookup(client, case)
    assert (
        "已缴费" in html and "已缴 90.00 元(2026年9月28日)" in html and f"票据号码 {receipt.number}" in html
    )
    assert "待缴费" not in html
    page = staff_page(client, w.land_clerk, case)
    assert "已缴费" in page and f"票据号码 {receipt.number}" in page
    decide(w, case)
    case_services.deliver_result(case=case, by=w.land_clerk, method="window")
    case_services.complete_case(case=case, by=w.land_clerk)
    done = OutboxMessage.objects.filter(case=case, body__contains="已办结").first().body
    assert "已收取费用：90.00 元（不动产登记费(住宅类)、不动产权属证书工本费(每增加一本)）。" in done
    # a partial refund keeps it paid and says so; the whole refunded says 已退费
    part = services.request_refund(
        payment=payment, by=w.cashier, amount="10", reason="overpaid", explanation="多收"
    )
    services.decide_refund(refund=part, by=w.land_head, approve=True)
    assert "已缴费(已退费 10.00 元)" in lookup(client, case)
    rest = services.request_refund(
        payment=payment, by=w.cashier, amount="80", reason="overpaid", explanation="全部退还"
    )
    services.decide_refund(refund=rest, by=w.land_head, approve=True)
    html = lookup(client, case)
    assert "已退费 90.00 元" in html and "已缴 90.00" not in html
    assert case_selectors.fees_charged(case)["items"] == []
