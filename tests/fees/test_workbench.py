"""Staff pages: issue a notice from the case page, record at the fee window, void a receipt, refund, reconcile."""

import datetime as dt

from tests.fees.conftest import land_case
from zhengwu.fees.models import Discrepancy, Notice, Payment, Refund


def test_issue_from_the_case_page_and_collect_at_the_window(fees_world, client):
    w = fees_world
    case = land_case(w)
    client.force_login(w.land_clerk)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert (
        f"/workbench/fees/cases/{case.number}/issue/" in page and "按收费目录登记实际收取的费用" not in page
    )
    page = client.get(f"/workbench/fees/cases/{case.number}/issue/").content.decode()
    assert "不动产权属证书工本费" in page and "小微企业" in page
    response = client.post(f"/workbench/fees/cases/{case.number}/issue/", {"q_BDC-003": "0"})
    assert response.status_code == 422 and "数量" in response.content.decode()
    response = client.post(f"/workbench/fees/cases/{case.number}/issue/", {"q_BDC-003": "2"})
    notice = Notice.objects.get(case=case)
    assert response.status_code == 302 and str(notice.total) == "100.00"
    assert notice.code in client.get(f"/workbench/cases/{case.number}/").content.decode()
    # The fee window of the centre collects it in cash.
    client.force_login(w.cashier)
    page = client.get("/workbench/fees/").content.decode()
    assert "收费窗口收款" in page and notice.code in page
    # The window opened from its menu, before a code is typed, says nothing is wrong (it said 缴款码应为20位数字,现为0位)
    opened = client.get("/workbench/fees/window/", follow=True).content.decode()
    assert "缴款码应为20位数字" not in opened and "收费窗口收款" in opened
    # First the code: the clerk reads the payer and the amount due before taking the money.
    page = client.get("/workbench/fees/window/", {"code": notice.code}).content.decode()
    assert notice.payer in page and "100.00" in page and "实收金额" in page
    assert not Payment.objects.exists()
    # Then the amount received: less than due is refused, saying both amounts.
    response = client.post(
        "/workbench/fees/window/", {"code": notice.code, "channel": "cash", "received": "90"}
    )
    assert response.status_code == 422 and "少于应缴金额 100.00 元" in response.content.decode()
    assert not Payment.objects.exists()
    response = client.post(
        "/workbench/fees/window/", {"code": notice.code, "channel": "cash", "received": "100.00"}, follow=True
    )
    assert "已收款 100.00 元" in response.content.decode()
    payment = Payment.objects.get()
    receipt = payment.receipts.get()
    response = client.post(
        f"/workbench/fees/receipts/{receipt.number}/void/",
        {"reason": "交款人有误", "payer": "张三"},
        follow=True,
    )
    assert "已作废" in response.content.decode() and payment.receipts.count() == 2
    # A refund asked at the window, approved by the organisation's head.
    client.post(
        f"/workbench/fees/notices/{notice.code}/refund/",
        {"amount": "10", "reason": "overpaid", "explanation": "多收一本证书工本费"},
    )
    refund = Refund.objects.get()
    client.force_login(w.land_head)
    response = client.post(
        f"/workbench/fees/refunds/{refund.pk}/decide/", {"approve": "1", "opinion": "同意"}, follow=True
    )
    assert "退付已审批" in response.content.decode()
    # The other department's clerk sees none of it.
    client.force_login(w.clerk)
    assert client.get(f"/workbench/fees/notices/{notice.code}/").status_code == 404


def test_the_reconciliation_page_imports_and_clears(fees_world, client):
    w = fees_world
    case = land_case(w)
    client.force_login(w.land_clerk)
    client.post(f"/workbench/fees/cases/{case.number}/issue/", {})
    notice = Notice.objects.get()
    client.force_login(w.cashier)
    client.post("/workbench/fees/window/", {"code": notice.code, "channel": "cash", "received": notice.total})
    payment = Payment.objects.get()
    client.force_login(w.manager)
    page = client.get("/workbench/fees/reconcile/?date=2026-09-28").content.decode()
    assert "已登记缴款,银行未到账" in page and "90.00" in page and "未登记" in page
    assert not Discrepancy.objects.exists()  # looking writes nothing
    client.post("/workbench/fees/reconcile/", {"date": "2026-09-28", "run": "1"})
    assert Discrepancy.objects.count() == 2
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = f"记账日期,交易流水号,缴款码,金额,类型\n2026-09-28,{payment.reference},{notice.code},90.00,收款\n".encode()
    response = client.post(
        "/workbench/fees/reconcile/",
        {"date": "2026-09-28", "file": SimpleUploadedFile("s.csv", csv, content_type="text/csv")},
        follow=True,
    )
    assert "导入 1 行" in response.content.decode()
    for d in Discrepancy.objects.filter(cleared_at__isnull=True):
        client.post(
            "/workbench/fees/reconcile/", {"date": "2026-09-28", "clear": d.pk, "note": "银行次日到账"}
        )
    assert not Discrepancy.objects.filter(cleared_at__isnull=True, kind="not_in_bank").exists()


def test_importing_a_statement_goes_to_its_day_and_shows_its_differences(fees_world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhengwu.core import clock

    w = fees_world
    case = land_case(w)
    client.force_login(w.land_clerk)
    client.post(f"/workbench/fees/cases/{case.number}/issue/", {})
    notice = Notice.objects.get()
    client.force_login(w.cashier)
    client.post("/workbench/fees/window/", {"code": notice.code, "channel": "cash", "received": notice.total})
    payment = Payment.objects.get()
    paid_on = clock.local_date(payment.paid_at)
    # The bank booked less than was paid, and remitted it the next day; the page was on its default day.
    next_day = paid_on + dt.timedelta(days=1)
    csv = (
        "记账日期,交易流水号,缴款码,金额,类型\n"
        f"{paid_on},{payment.reference},{notice.code},80.00,收款\n"
        f"{next_day},{payment.reference},{notice.code},80.00,缴库\n"
    ).encode()
    client.force_login(w.cashier)
    response = client.post(
        "/workbench/fees/reconcile/",
        {"file": SimpleUploadedFile("bank.csv", csv, content_type="text/csv")},
        follow=True,
    )
    page = response.content.decode()
    assert f"{paid_on.isoformat()} 对账" in page  # the statement's first day, not yesterday
    assert "金额不符" in page and "无差异" not in page
    assert f"对账单日期 {paid_on.isoformat()}、{next_day.isoformat()}" in page
    assert f"?date={next_day.isoformat()}" in page  # the statement's other day, one click away


def test_a_mistyped_amount_names_the_field_it_was_typed_in(fees_world, client):
    """Walked on a working day: the cashier typed letters in 实收金额 and read "金额须为数字" — the page has
    应缴金额, 实收金额 and (further down) 退付金额. The refusal now names 实收金额; a refund names 退付金额."""
    w = fees_world
    case = land_case(w)
    client.force_login(w.land_clerk)
    client.post(f"/workbench/fees/cases/{case.number}/issue/", {"q_BDC-003": "1"})
    notice = Notice.objects.get(case=case)
    client.force_login(w.cashier)
    response = client.post(
        "/workbench/fees/window/", {"code": notice.code, "channel": "cash", "received": "九十"}
    )
    assert response.status_code == 422 and "实收金额须为数字" in response.content.decode()
    assert not Payment.objects.exists()
    client.post("/workbench/fees/window/", {"code": notice.code, "channel": "cash", "received": notice.total})
    page = client.post(
        f"/workbench/fees/notices/{notice.code}/refund/",
        {"amount": "十元", "reason": "overpaid", "explanation": "多收"},
        follow=True,
    ).content.decode()
    assert "退付金额须为数字" in page and not Refund.objects.exists()
