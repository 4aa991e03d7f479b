"""The catalogue editor in a browser: as a centre manager edits an item (and starts a new one), each change is
checked inline and the errors land next to their fields; htmx never reports an out-of-band error place the page
does not have (htmx:oobErrorNoTarget, as it did for 窗口授权, 联合审批, 事项类型, 基本编码, 实施机构 and 常见问题)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_catalog import catalogue  # noqa: F401 — fixture
from zhengwu.core.demo import demo_password

LISTEN = """
window.zwOobMissing = [];
document.addEventListener('htmx:oobErrorNoTarget', event => {
  window.zwOobMissing.push(event.detail.content ? event.detail.content.id : '?');
});
"""


@pytest.fixture
def editor(page, sign_in, catalogue):  # noqa: F811 — the demo (and its manager) first
    page.add_init_script(LISTEN)
    sign_in("manager", demo_password())
    return page


def checked(page, change) -> None:
    """Make a change and wait for the inline check's answer to be swapped in."""
    with page.expect_response(lambda r: "/check/" in r.url and r.request.method == "POST"):
        change()
    page.wait_for_load_state("networkidle")


def test_editing_an_item_swaps_errors_only_into_places_the_page_has(editor, catalogue, shot):  # noqa: F811
    page = editor
    page.goto(f"/workbench/catalog/{catalogue.code}/edit/")
    legal = catalogue.current_version.legal_limit
    checked(
        page,
        lambda: page.get_by_label("承诺办结时限(工作日)").fill(str(legal + 5)) or page.keyboard.press("Tab"),
    )
    expect(page.locator("#err-promised_limit")).to_contain_text("不能超过法定办结时限")
    checked(page, lambda: page.get_by_label("窗口授权").check())
    checked(page, lambda: page.get_by_label("联合审批").check())
    checked(
        page, lambda: page.get_by_label("常见问题").first.fill("要带什么材料?") or page.keyboard.press("Tab")
    )
    checked(
        page, lambda: page.get_by_label("承诺办结时限(工作日)").fill(str(legal)) or page.keyboard.press("Tab")
    )
    expect(page.locator("#err-promised_limit")).to_be_empty()
    expect(page.locator("#check-summary")).not_to_be_empty()
    shot()
    assert page.evaluate("window.zwOobMissing") == []


def test_starting_a_new_item_swaps_errors_only_into_places_the_page_has(editor, catalogue, shot):  # noqa: F811
    page = editor
    page.goto("/workbench/catalog/new/")
    checked(
        page, lambda: page.get_by_label("事项名称").fill("农村宅基地使用审批") or page.keyboard.press("Tab")
    )
    checked(page, lambda: page.get_by_label("基本编码").fill("12ab") or page.keyboard.press("Tab"))
    expect(page.locator("#err-basic_code")).not_to_be_empty()
    checked(page, lambda: page.get_by_label("联合审批").check())
    shot()
    assert page.evaluate("window.zwOobMissing") == []


def test_the_application_form_is_edited_as_a_table_of_fields(editor, catalogue, shot):  # noqa: F811
    """The manager adds a field to the item's application form in the table — a wrong 字段名 is said at its input as
    it is typed — saves, and finds it again; no JSON to write."""
    page = editor
    page.goto(f"/workbench/catalog/{catalogue.code}/edit/")
    table = page.locator("#form-fields")
    blank = table.locator("input[name$='-key'][value='']").first
    row = blank.get_attribute("name").split("-")[1]
    checked(page, lambda: blank.fill("2shop") or page.keyboard.press("Tab"))
    expect(page.locator(f"#err-fields-{row}-key")).to_contain_text("字段名只能由英文字母、数字和下划线组成")
    checked(page, lambda: page.locator(f"#fields-{row}-key").fill("shop_area") or page.keyboard.press("Tab"))
    expect(page.locator(f"#err-fields-{row}-key")).to_be_empty()
    page.locator(f"#fields-{row}-title").fill("经营场所面积(平方米)")
    page.locator(f"#fields-{row}-kind").select_option(label="数字(可带小数)")
    page.locator(f"#fields-{row}-required").select_option(label="必填")
    page.locator(f"#fields-{row}-minimum").fill("1")
    page.get_by_label("调整理由").fill("申请表增加经营场所面积")
    shot()
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert")).first).to_contain_text("草稿已保存")
    page.goto(f"/workbench/catalog/{catalogue.code}/edit/")
    saved = page.locator("#form-fields input[name$='-key'][value='shop_area']")
    expect(saved).to_have_count(1)
    again = saved.get_attribute("name").split("-")[1]
    expect(page.locator(f"#fields-{again}-minimum")).to_have_value("1")
    assert page.evaluate("window.zwOobMissing") == []
