"""Supervision of a disclosure request in a browser: the supervisor filters the alerts by 依申请公开, opens the
overdue request, orders the office to act (督办); the disclosure officer finds the order on the request and
answers it."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from zhengwu.core import clock


@pytest.fixture
def overdue_request(demo_county):
    """A request to the county government's office received on 2026-09-28 (reply due 2026-10-30), still unanswered
    when the scan runs on 2026-11-02."""
    from zhengwu.core.models import Organisation
    from zhengwu.disclosure import services as disclosure
    from zhengwu.supervision import services

    office = Organisation.objects.get(name="贵溪市人民政府办公室")
    clock.set_now(dt.datetime(2026, 9, 28, 10, tzinfo=clock.LOCAL))
    request = disclosure.file_request(
        organisation=office,
        channel="in_person",
        requester_kind="natural_person",
        requester_name="张三",
        description="2026年城区道路改造工程的招标文件",
        phone="13800138000",
    )
    clock.set_now(dt.datetime(2026, 11, 2, 10, tzinfo=clock.LOCAL))
    services.scan()
    yield request
    clock.set_now(None)


def as_user(page, sign_in, username):
    page.context.clear_cookies()
    sign_in(username, "zhengwu2026")


def test_supervisor_orders_on_an_overdue_disclosure_request_and_the_office_answers(
    page, overdue_request, sign_in, visit, shot
):
    as_user(page, sign_in, "supervisor")
    visit("/workbench/supervision/")
    expect(
        page.get_by_test_id("deadline-levels").locator("tr[data-rule='disclosure.reply_overdue']")
    ).to_contain_text("依申请公开答复期限")
    visit("/workbench/supervision/alerts/")
    with page.expect_navigation():
        page.get_by_label("业务").select_option(label="依申请公开")
    alerts = page.get_by_test_id("alert")
    expect(alerts).to_have_count(1)
    expect(alerts.first).to_contain_text("依申请公开超过答复期限")
    expect(alerts.first).to_contain_text(f"依申请公开 {overdue_request.number}")
    shot()

    with page.expect_navigation():
        alerts.first.get_by_test_id("alert-subject").click()
    expect(page.locator("#request-status")).to_have_text("办理中")
    expect(page.locator("#due-on")).to_have_text("2026-10-30")
    shot()
    page.go_back()
    page.wait_for_load_state("networkidle")

    page.get_by_label("说明、排除理由或督办要求").fill("该申请已超过答复期限,请立即答复并说明超期原因")
    with page.expect_navigation():
        page.get_by_role("button", name="转督办").click()
    expect(page.get_by_test_id("order-state")).to_have_text("待反馈")
    expect(page.get_by_test_id("order-subject")).to_contain_text(overdue_request.number)
    shot()

    as_user(page, sign_in, "disclosure")
    visit("/workbench/")  # the office's home lists the order to answer
    expect(page.get_by_role("link", name=f"DB-2026-0001 依申请公开 {overdue_request.number}")).to_be_visible()
    visit(f"/workbench/disclosure/requests/{overdue_request.pk}/")
    orders = page.get_by_test_id("request-orders")
    expect(orders).to_contain_text("待反馈")
    with page.expect_navigation():
        orders.get_by_role("link", name="DB-2026-0001").click()
    page.get_by_label("整改反馈", exact=True).fill("已于今日作出答复,超期系检索档案耗时,已改进登记流程")
    shot()
    with page.expect_navigation():
        page.get_by_role("button", name="提交反馈").click()
    expect(page.get_by_test_id("order-state")).to_have_text("已反馈")
    expect(page.get_by_test_id("order-response")).to_contain_text("已于今日作出答复")
    shot()
