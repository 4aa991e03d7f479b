"""The case page on a phone (390 px): a material's file with a long name (a licence drawn from the library carries
its 21-digit number) breaks inside its own column instead of squeezing the material's name and rules to four
characters a line."""

import re

from playwright.sync_api import expect

from tests.cases.conftest import pdf_upload, submitted, world  # noqa: F401
from tests.factories import PASSWORD
from zhengwu.cases import services


def test_at_390_px_a_long_file_name_leaves_the_material_readable(
    transactional_db,  # the live server reads what the test writes
    world,  # noqa: F811
    submitted,  # noqa: F811
    page,
    sign_in,
    shot,
    fast_passwords,
):
    long_name = "已从电子证照库调取-食品经营许可证-360681002120220000001.pdf"
    services.upload_material(case=submitted, by=world.clerk, position=1, upload=pdf_upload(long_name))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/login/", timeout=60_000)
    sign_in("clerk", PASSWORD)
    expect(page).to_have_url(re.compile(r"/workbench/$"))
    page.goto(f"/workbench/cases/{submitted.number}/")
    first = page.locator("#materials tbody tr").first
    expect(first).to_contain_text("360681002120220000001")
    material = first.locator("td").nth(1).bounding_box()
    assert material["width"] >= 120  # 8rem: a line of the material's name, not four characters
    assert (
        page.evaluate("document.documentElement.scrollWidth") <= 390
    )  # and the page does not scroll sideways
    shot()


def test_at_390_px_the_outbox_reads_as_a_list_of_messages(
    transactional_db,  # the live server reads what the test writes
    world,  # noqa: F811
    submitted,  # noqa: F811
    page,
    sign_in,
    shot,
    fast_passwords,
):
    """通知发件箱 on a phone: each message a card of labelled lines, 内容 wrapping inside the screen (in six columns it
    ran off the screen's edge; a stranger's pass, issue 13)."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/login/", timeout=60_000)
    sign_in("clerk", PASSWORD)
    expect(page).to_have_url(re.compile(r"/workbench/$"))
    page.goto("/workbench/cases/outbox/")
    first = page.locator("#outbox-table tbody tr").first
    expect(first).to_contain_text(submitted.number)
    assert first.evaluate("row => getComputedStyle(row).display") == "block"  # a card, not a table row
    content = first.locator('td[data-label="内容"]')
    assert content.evaluate("cell => getComputedStyle(cell, '::before').content") == '"内容:"'
    assert content.bounding_box()["x"] + content.bounding_box()["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page does not scroll sideways
    shot()
