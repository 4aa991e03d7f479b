"""统一收费 in a browser: the applicant signs in, finds the payment notice on the case, downloads it (a PDF), pays
through the simulator's payment page, downloads the electronic receipt (a PDF), and the case moves on — the
result, held while unpaid, is delivered."""

import pytest
from playwright.sync_api import expect

from tests.cases.conftest import world  # noqa: F401 — fixture
from tests.fees.conftest import decide, fees_world, land_case  # noqa: F401 — fixture
from zhengwu.cases import services as case_services
from zhengwu.cases.models import Status
from zhengwu.core.errors import Conflict
from zhengwu.fees import services
from zhengwu.fees.models import Notice


def test_applicant_pays_through_the_simulator_and_downloads_the_receipt(page, fees_world, shot):  # noqa: F811
    w = fees_world
    case = land_case(w)
    decide(w, case)
    notice = services.issue_notice(case=case, by=w.land_clerk, quantities={"BDC-003": 2})
    with pytest.raises(Conflict):
        case_services.deliver_result(case=case, by=w.land_clerk, method="window")

    page.goto("/cases/signin/")
    page.get_by_label("手机号码或电子邮箱(或身份证号码)").fill("13800138000")
    page.get_by_label("密码").fill(w.password)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name=case.number).click()
    panel = page.get_by_test_id("fee-panel")
    expect(panel).to_contain_text(notice.code)
    expect(panel).to_contain_text("100.00")
    expect(panel.get_by_test_id("fee-state")).to_have_text("待缴费")
    # the case's status block says it is due, not collected
    expect(page.get_by_test_id("case-fee-state")).to_have_text("待缴费")
    expect(page.locator("#case-fee-state")).to_contain_text(f"缴款通知书 {notice.code}")
    expect(page.locator("body")).not_to_contain_text("已收取费用")
    shot()

    with page.expect_download() as download:
        panel.get_by_test_id("notice-pdf").click()
    assert download.value.suggested_filename == f"缴款通知书-{notice.code}.pdf"
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"

    panel.get_by_test_id("pay-link").click()
    expect(page.get_by_test_id("notice-state")).to_have_text("待缴费")
    shot()
    page.get_by_role("link", name="模拟缴款渠道").click()
    shot()
    page.get_by_test_id("confirm-pay").click()
    expect(page.get_by_test_id("paid-message")).to_contain_text("缴款成功")
    expect(page.get_by_test_id("notice-state")).to_have_text("已缴费")
    shot()

    page.goto(f"/cases/mine/{case.number}/")
    panel = page.get_by_test_id("fee-panel")
    expect(panel.get_by_test_id("fee-state")).to_have_text("已缴费")
    expect(page.get_by_test_id("case-fee-state")).to_have_text("已缴费")
    with page.expect_download() as download:
        panel.get_by_test_id("receipt-pdf").click()
    receipt = Notice.objects.get(pk=notice.pk).payment.receipts.get()
    assert download.value.suggested_filename == f"财政电子票据-{receipt.number}.pdf"
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    shot()

    # The case moves on: the result is delivered now that it is paid.
    assert (
        case_services.deliver_result(case=case, by=w.land_clerk, method="window").status == Status.DELIVERED
    )
    page.reload()
    expect(page.locator("body")).to_contain_text("已送达")
    shot()


def test_two_alternatives_ticked_are_refused_at_the_box_before_the_total_is_confirmed(
    page,
    sign_in,
    fees_world,  # noqa: F811
    shot,
):
    """择一收取: the clerk who ticks 住宅类 and 非住宅类 together is told so at the second box, without first being
    asked to confirm a total that charges both; with one of them the confirmation names its total."""
    from tests.fees.test_a_strangers_pass_issue_13 import _transfer_case

    w = fees_world
    case = _transfer_case(w)
    asked: list[str] = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    sign_in("landclerk", w.password)
    page.goto(f"/workbench/fees/cases/{case.number}/issue/")
    page.get_by_label("本件收取 不动产登记费(住宅类)").check()
    page.get_by_label("本件收取 不动产登记费(非住宅类)").check()
    refused = page.locator("#c-BDC-002-error")
    expect(refused).to_have_text(
        "「不动产登记费(住宅类)」与「不动产登记费(非住宅类)」只能收取其一(不动产登记费),请只勾选本件适用的一项"
    )
    expect(page.get_by_label("本件收取 不动产登记费(非住宅类)")).to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("issue-notice").click()
    shot()
    assert asked == [] and not Notice.objects.filter(case=case).exists()
    page.get_by_label("本件收取 不动产登记费(非住宅类)").uncheck()
    expect(refused).to_be_hidden()
    with page.expect_navigation():
        page.get_by_test_id("issue-notice").click()
    assert asked == ["开具缴款通知书,合计 80.00 元。确认开具?"]
    notice = Notice.objects.get(case=case)
    assert notice.total == 80
    expect(page.locator("body")).to_contain_text(notice.code)
    shot()
