"""Supervision in a browser: a supervisor opens the dashboard, drills into an overdue case and issues an order; the
department head sees it and responds; the supervisor closes it."""

import copy
import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.factories import paper_checklist
from zhengwu.core import clock

ITEM = {
    "name": "食品经营许可",
    "type": "01",
    "basic_code": "",
    "target": ["legal_person"],
    "legal_basis": [
        {"law": "《中华人民共和国食品安全法》", "article": "第三十五条", "text": "从事食品销售……"}
    ],
    "conditions": "有与经营的食品品种相适应的经营场所。",
    "legal_limit": 20,
    "promised_limit": 10,
    "extension_days": 10,
    "instant": False,
    "materials": [{"name": "食品经营许可申请书", "required": True, "medium": "either"}],
    "steps": [
        {"name": "受理", "role": "window_clerk", "days": 1},
        {"name": "审查", "role": "approver", "days": 6},
        {"name": "决定", "role": "department_head", "days": 3},
    ],
    "result": {"name": "食品经营许可证", "kind": "licence", "delivery": ["window"]},
}


@pytest.fixture
def overdue_case(demo_county):
    """A case of 市场监管局 accepted on 2026-09-28 (promised by 2026-10-16), still undecided on 2026-10-19."""
    from zhengwu.cases import services as cases
    from zhengwu.catalog import services as catalog
    from zhengwu.core import ids
    from zhengwu.core.models import Organisation, Window

    bureau = Organisation.objects.get(short_name="市场监管局", region__code="360681")
    clock.set_now(dt.datetime(2026, 9, 28, 10, tzinfo=clock.LOCAL))
    version = catalog.create_item(spec=copy.deepcopy(ITEM), organisation=bureau)
    catalog.submit(item=version.item)
    catalog.publish(item=version.item)
    version.item.refresh_from_db()
    applicant = cases.register_applicant(
        kind="legal", name="贵溪市好味道餐饮有限公司", id_number=ids.make_uscc("9", "1", "360681", "MA35X7Q2")
    )
    window = Window.objects.filter(centre__name="贵溪市政务服务中心", number="1").first()
    case = cases.submit_case(
        item=version.item,
        applicant=applicant,
        by=None,
        channel="counter",
        window=window,
        form={"subject": "申请"},
    )
    case = cases.accept_case(case=case, paper=paper_checklist(case), by=None)
    clock.set_now(dt.datetime(2026, 10, 19, 10, tzinfo=clock.LOCAL))
    yield case
    clock.set_now(None)


def as_user(page, sign_in, username):
    page.context.clear_cookies()
    sign_in(username, "zhengwu2026")


def test_supervisor_orders_the_department_responds_the_supervisor_closes(
    page, overdue_case, sign_in, visit, shot
):
    as_user(page, sign_in, "supervisor")
    visit("/workbench/supervision/")
    expect(page.get_by_test_id("red-count")).to_contain_text("1")
    page.wait_for_function("document.querySelector('#org-chart canvas') !== null")
    shot()
    with page.expect_navigation():
        page.get_by_test_id("red-count").click()
    with page.expect_navigation():
        page.get_by_role("link", name=overdue_case.number).click()
    expect(page.get_by_test_id("case-level")).to_have_text("超期(红牌)")
    page.get_by_label("督办要求").fill("该件已超过承诺期限,请说明原因并于 2 个工作日内办结")
    page.get_by_label("反馈时限(工作日)").fill("2")
    shot()
    with page.expect_navigation():
        page.get_by_role("button", name="下达督办").click()
    expect(page.get_by_test_id("order-state")).to_have_text("待反馈")
    order_url = page.url
    shot()

    as_user(page, sign_in, "head")
    visit("/workbench/supervision/orders/")
    with page.expect_navigation():
        page.get_by_role("link", name="DB-2026-0001").click()
    page.get_by_label("整改反馈", exact=True).fill("已约谈承办人,10 月 20 日作出准予许可决定")
    with page.expect_navigation():
        page.get_by_role("button", name="提交反馈").click()
    expect(page.get_by_test_id("order-state")).to_have_text("已反馈")
    shot()

    as_user(page, sign_in, "supervisor")
    visit(order_url)
    expect(page.get_by_test_id("order-response")).to_contain_text("已约谈承办人")
    page.get_by_label("办结意见或退回理由").fill("整改到位,予以办结")
    with page.expect_navigation():
        page.get_by_role("button", name="办结督办").click()
    expect(page.get_by_test_id("order-state")).to_have_text("已办结")
    shot()
