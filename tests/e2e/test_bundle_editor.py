"""The bundle editor (一件事) in a browser: a centre manager puts two departments' items together with a
prerequisite, is stopped at the field that is wrong, fixes it and submits; another centre manager reads the draft
and publishes it; applicants then find the new bundle on the portal."""

import re

import pytest
from playwright.sync_api import expect

from zhengwu.core.demo import demo_password
from zhengwu.joint import demo

pytestmark = pytest.mark.e2e


def test_a_manager_builds_a_bundle_that_applicants_then_find(page, sign_in, demo_catalogue, shot):
    registration = demo._item("市场监管局", "企业登记", "设立登记").code
    hygiene = demo._item("卫健委", "公共场所卫生许可").code
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in("manager", demo_password())
    page.goto("/workbench/joint/bundles/")
    page.get_by_role("link", name="新建一件事").click()
    page.get_by_label("一件事名称").fill("开办宾馆")
    page.get_by_label("类别").select_option(label="企业一件事")
    page.get_by_label("牵头(主办)部门").select_option(label="贵溪市市场监督管理局")
    page.get_by_label("阶段名称(每行一个,可不填)").fill("设立登记\n经营许可")
    page.get_by_label("第1行 事项").select_option(registration)
    page.get_by_label("第1行 阶段").fill("1")
    page.get_by_label("第2行 事项").select_option(hygiene)
    page.get_by_label("第2行 阶段").fill("2")
    page.get_by_label("第2行 前置成员").fill("3")  # a slip: row 3 is empty
    page.get_by_role("button", name="保存草稿").click()

    # stopped at the prerequisite of row 2, said in Chinese beside it; nothing typed is lost
    needs = page.get_by_label("第2行 前置成员")
    expect(needs).to_have_class(re.compile("is-invalid"))
    expect(page.locator('tr[data-row="2"] .invalid-feedback')).to_contain_text("不是本一件事的成员")
    expect(page.locator("#bundle-errors")).to_contain_text("有 1 处需要修改")
    expect(page.get_by_label("一件事名称")).to_have_value("开办宾馆")
    expect(page.get_by_label("第2行 事项")).to_have_value(hygiene)
    shot()

    needs.fill("1")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存一件事「开办宾馆」第1版草稿")
    row = page.locator("tr", has_text="开办宾馆")
    row.get_by_role("button", name="提交审核").click()
    expect(page.locator(".alert-success")).to_contain_text("已将一件事「开办宾馆」的修订提交审核")
    shot()

    # another centre manager opens the draft, reads what it holds, and publishes it
    page.context.clear_cookies()
    sign_in("manager2", demo_password())
    page.goto("/workbench/joint/bundles/")
    page.locator("tr", has_text="开办宾馆").get_by_role("link", name="开办宾馆").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("开办宾馆")
    expect(page.locator("#bundle-version")).to_contain_text("待审核")
    stages = page.locator("#bundle-stages")
    expect(stages).to_contain_text("企业登记")
    expect(stages).to_contain_text("公共场所卫生许可")
    shot()
    page.get_by_label("调整理由").fill("新增开办宾馆一件事")
    page.get_by_role("button", name="发布").click()
    expect(page.locator(".alert-success")).to_contain_text("已发布一件事「开办宾馆」")

    # applicants find it among the bundles, with both departments and the prerequisite said
    page.context.clear_cookies()
    page.goto("/bundles/")
    page.get_by_role("link", name=re.compile("开办宾馆")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("开办宾馆")
    body = page.locator("main")
    expect(body).to_contain_text("贵溪市市场监督管理局")
    expect(body).to_contain_text("贵溪市卫生健康委员会")
    shot()
