"""The fee window (收费窗口) as its cashier finds it: every notice of the centre and the centres under it, collected
in two steps (read the payer and the amount due, then confirm the amount received), fee work on the home page and no
application queue; a refund's requester is not offered its approval; the receipt dated and signed as it should be."""

import datetime as dt
import subprocess

import pytest

from tests.factories import make_centre, make_staff, make_window, paper_checklist
from tests.fees.conftest import land_case
from zhengwu.cases import services as case_services
from zhengwu.core import clock
from zhengwu.core.errors import AccessDenied
from zhengwu.core.models import Role
from zhengwu.fees import documents, selectors, services, simulator
from zhengwu.fees.models import Notice, Payment


def _branch_case(w):
    """A land case received at a window of the 分中心 under the centre (not at the centre itself)."""
    branch = make_centre(
        "不动产登记分中心", w.county, managed_by=w.centre_org, kind="branch", parent=w.centre
    )
    window = make_window(branch, "1", organisations=[w.land])
    clerk = make_staff("branchclerk", w.land, roles=[Role.WINDOW_CLERK], window=window, name="桂分中心").user
    case = case_services.submit_case(
        item=w.land_item,
        applicant=w.citizen,
        by=clerk,
        channel="counter",
        window=window,
        form={"subject": "分中心受理的首次登记"},
    )
    case = case_services.accept_case(case=case, paper=paper_checklist(case), by=clerk)
    return services.issue_notice(case=case, by=clerk)


def test_the_fee_window_sees_every_notice_of_its_centre_and_those_under_it(fees_world, client):
    w = fees_world
    here = services.issue_notice(case=land_case(w), by=w.land_clerk)
    there = _branch_case(w)
    assert set(selectors.visible_notices(w.cashier)) == {here, there}
    # a clerk of another department, at a general window, sees neither
    assert not selectors.visible_notices(w.general_clerk).exists()
    client.force_login(w.cashier)
    page = client.get("/workbench/fees/").content.decode()
    assert here.code in page and there.code in page and "暂无缴款通知书" not in page
    page = client.get(f"/workbench/fees/notices/{there.code}/").content.decode()
    assert str(there.total) in page
    # not its case to open or its notice to correct
    assert f"/workbench/cases/{there.case.number}/" not in page
    assert f"/workbench/fees/notices/{there.code}/correct/" not in page
    assert client.get(f"/workbench/fees/notices/{there.code}/correct/").status_code == 404
    response = client.get(f"/fees/notices/{there.code}.pdf")  # printed for the payer at the counter
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(w.general_clerk)
    assert client.get(f"/workbench/fees/notices/{there.code}/").status_code == 404


def test_only_the_fee_window_takes_money_at_a_window(fees_world):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    with pytest.raises(AccessDenied, match="只有收费窗口"):
        services.record_at_window(code=notice.code, by=w.land_clerk, channel="cash")
    with pytest.raises(AccessDenied, match="只有收费窗口"):
        services.window_notice(code=notice.code, by=w.general_clerk)
    assert not Payment.objects.exists()


def test_the_cashier_s_home_shows_fee_work_not_applications(fees_world, client):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    client.force_login(w.cashier)
    page = client.get("/workbench/").content.decode()
    assert "待收款的缴款通知书" in page and notice.code in page and "待处理的对账差异" in page
    assert "待受理的办件" not in page and "待我办理的办件" not in page
    assert f"/workbench/fees/window/?code={notice.code}" in page  # one click to collect it


def test_a_refund_s_requester_is_not_offered_its_approval(fees_world, client):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    simulator.pay(notice)
    client.force_login(w.manager)
    client.post(
        f"/workbench/fees/notices/{notice.code}/refund/",
        {"amount": "10", "reason": "overpaid", "explanation": "多收一本证书工本费"},
    )
    page = client.get(f"/workbench/fees/notices/{notice.code}/").content.decode()
    assert "批准退付" not in page and "须由执收单位负责人或中心管理人员中的另一人审批" in page
    assert "待审批退付" not in client.get("/workbench/fees/").content.decode()
    # the organisation's head sees it on the notice, on the fee list and on the home page
    client.force_login(w.land_head)
    assert "批准退付" in client.get(f"/workbench/fees/notices/{notice.code}/").content.decode()
    assert "待审批退付" in client.get("/workbench/fees/").content.decode()
    assert "待审批的退付" in client.get("/workbench/").content.decode()


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_receipt_carries_the_china_day_and_names_the_collecting_organisation(
    fees_world, tmp_path, client
):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    # 01:30 in China is still the day before in UTC: the reference and the receipt both say the China day
    with clock.frozen(dt.datetime(2026, 9, 29, 1, 30, tzinfo=clock.LOCAL)):
        simulator.pay(notice)
    payment = Payment.objects.get()
    assert payment.reference.startswith("SIM20260929013")
    receipt = services.current_receipt(payment)
    text = _pdf_text(documents.receipt_pdf(receipt), tmp_path)
    assert "2026年9月29日" in text and payment.reference in text
    assert "贵溪市自然资源局" in text and "收费窗口" not in text.split("收款单位")[1].splitlines()[0]
    # The payment page, back from the payment provider, links the receipt it speaks of.
    client.force_login(w.citizen_user)
    page = client.get(f"/fees/pay/{notice.code}/?paid=1").content.decode()
    assert "缴款成功" in page and f"/fees/receipts/{receipt.number}.pdf" in page
    assert "请在办件页面下载票据" not in page


def test_a_cash_receipt_names_the_window_that_collected_it(fees_world, tmp_path):
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    payment = services.record_at_window(code=notice.code, by=w.cashier, channel="cash", received="90.00")
    text = _pdf_text(documents.receipt_pdf(services.current_receipt(payment)), tmp_path)
    assert "贵溪市自然资源局" in text and "代收" in text and "收费窗口" in text
    assert Notice.objects.get().state == Notice.State.PAID
