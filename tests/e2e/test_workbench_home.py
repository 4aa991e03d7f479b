"""The workbench home in a browser: a department head signs in and finds, on the first page, the decision waiting
for them and the extension their approver asked for, each with its date; they open the case from the list, approve
the extension there, and the home page no longer lists it. Opening 办件 from the sidebar lands on 待我审批、决定."""

import re

from playwright.sync_api import expect

from tests.cases.conftest import accepted, submitted, world  # noqa: F401
from tests.factories import PASSWORD
from zhengwu.cases import services


def test_a_department_head_finds_the_decision_and_the_extension_on_the_home_page(
    transactional_db,  # the live server reads what the test writes
    world,  # noqa: F811
    accepted,  # noqa: F811
    page,
    sign_in,
    visit,
    shot,
    fast_passwords,
):
    services.claim_step(case=accepted, by=world.approver)
    services.request_extension(case=accepted, by=world.approver, days=5, reason="需要现场核查冷链设备")
    services.complete_step(case=accepted, by=world.approver, opinion="材料齐全,符合条件")
    page.on("dialog", lambda dialog: dialog.accept())  # every action asks for confirmation: say yes
    # A cold live server imports every view on its first request: on a busy machine that alone can pass the
    # 10 s a step may take, so the first page is given longer.
    page.goto("/accounts/login/", timeout=60_000)

    sign_in("head", PASSWORD)
    expect(page).to_have_url(re.compile(r"/workbench/$"))
    decisions = page.locator('[data-worklist="cases_to_handle"]')
    expect(decisions.get_by_role("heading")).to_have_text("待我审批、决定的办件")
    expect(decisions.locator('[data-count="cases_to_handle"]')).to_have_text("1")
    expect(decisions).to_contain_text("环节「决定」· 待认领")
    expect(decisions).to_contain_text("环节期限")
    extensions = page.locator('[data-worklist="extensions"]')
    expect(extensions.locator('[data-count="extensions"]')).to_have_text("1")
    expect(extensions).to_contain_text("申请延期 5 个工作日:需要现场核查冷链设备")
    expect(page.locator("#work-summary")).to_contain_text("共有 2 项工作等您处理")
    shot()

    # the decision: the case opens on its current step, the head's to take
    decisions.get_by_role("link", name=re.compile(accepted.number)).click()
    expect(page.locator("#case-number")).to_have_text(accepted.number)
    expect(page.get_by_role("heading", name=re.compile("当前环节:决定"))).to_be_visible()
    shot()

    # the extension: opened at the case's extensions, approved there
    visit("/workbench/")
    extensions.get_by_role("link", name=re.compile(accepted.number)).click()
    expect(page).to_have_url(re.compile(rf"/workbench/cases/{accepted.number}/#extensions$"))
    page.locator("#extensions").get_by_role("button", name="批准", exact=True).click()
    expect(page.locator("#extensions")).to_contain_text("已批准")
    shot()

    visit("/workbench/")
    expect(page.locator('[data-count="extensions"]')).to_have_text("0")
    expect(page.locator('[data-worklist="extensions"]')).to_contain_text("暂无")

    # 办件 in the sidebar opens on what a department head acts on
    page.get_by_role("link", name="办件").first.click()
    expect(page.locator('#queues a[aria-current="page"]')).to_contain_text("待我审批、决定")
    expect(page.locator("#queue-table")).to_contain_text(accepted.number)
    shot()


def test_at_390_px_the_menu_folds_behind_a_menu_button_and_the_page_starts_with_its_content(
    transactional_db,
    world,  # noqa: F811
    page,
    sign_in,
    shot,
    fast_passwords,
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/login/", timeout=60_000)
    sign_in("head", PASSWORD)
    expect(page).to_have_url(re.compile(r"/workbench/$"))
    menu = page.locator("#wb-sidenav")
    expect(menu).to_be_hidden()
    # the page's own heading is on the first screen, not below a column of menu items
    heading = page.locator("main h1").first
    expect(heading).to_be_in_viewport()
    assert heading.bounding_box()["y"] < 250
    shot()
    page.get_by_role("button", name="菜单").click()
    expect(menu).to_be_visible()
    expect(menu).to_have_class(
        re.compile(r"(^|\s)show(\s|$)")
    )  # slid in (Bootstrap drops "showing" when done)
    expect(menu).not_to_have_class(re.compile(r"showing"))
    expect(menu.get_by_role("link", name="电子证照")).to_be_in_viewport()
    shot()
    menu.get_by_role("link", name="办件").click()
    expect(page).to_have_url(re.compile(r"/workbench/cases/"))
    expect(page.locator("#wb-sidenav")).to_be_hidden()
