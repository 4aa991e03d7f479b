"""Personal data on the case page in a browser: the window clerk opens a case and finds the applicant, the agent and
the form's 联系人 and 联系电话 masked; asks to see them in full, is told at the field that a reason is needed, gives
one, reads them, and masks them again. A centre manager finds the same case masked with no way to reveal it."""

import re

from playwright.sync_api import expect

from tests.cases.conftest import personal_case, world  # noqa: F401
from tests.factories import PASSWORD, make_staff
from zhengwu.core.models import AuditRecord, Role


def test_a_clerk_reveals_the_applicants_data_with_a_reason_and_a_manager_cannot(
    transactional_db,  # the live server reads what the test writes
    world,  # noqa: F811
    personal_case,  # noqa: F811
    page,
    sign_in,
    shot,
    fast_passwords,
):
    number = personal_case.number
    # A cold live server imports every view on its first request: the first page is given longer.
    page.goto("/accounts/login/", timeout=60_000)
    sign_in("clerk", PASSWORD)
    page.goto(f"/workbench/cases/{number}/")
    expect(page.locator("#applicant")).to_contain_text("张*")
    expect(page.locator("#agent")).to_contain_text("王**")
    expect(page.locator('[data-field="contact_phone"]')).to_have_text("139****5678")
    expect(page.locator("#materials")).to_contain_text("张*申请书.pdf")
    expect(page.locator("body")).not_to_contain_text("13912345678")
    shot()

    page.get_by_text("显示完整个人信息").click()
    page.get_by_role("button", name="显示完整信息").click()
    expect(page.locator("#reveal-reason-error")).to_have_text("请填写查看完整信息的理由(将记入审计日志)")
    expect(page.get_by_label("查看理由")).to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-field="contact_phone"]')).to_have_text("139****5678")
    shot()

    page.get_by_label("查看理由").fill("联系申请人补正材料")
    page.get_by_role("button", name="显示完整信息").click()
    expect(page.locator("#revealed-note")).to_contain_text("理由:联系申请人补正材料")
    expect(page.locator('[data-field="contact_phone"]')).to_have_text("13912345678")
    expect(page.locator('[data-field="contact_name"]')).to_have_text("李秀英")
    expect(page.locator("#applicant")).to_contain_text(world.citizen.id_number)
    expect(page.locator("#agent")).to_contain_text("王建国")
    expect(page.locator("#materials")).to_contain_text("张三申请书.pdf")
    shot()
    record = AuditRecord.objects.get(action="personal_data.view")
    assert record.actor == world.clerk and record.summary["reason"] == "联系申请人补正材料"

    page.get_by_role("link", name="恢复遮蔽").click()
    expect(page).to_have_url(re.compile(rf"/workbench/cases/{number}/$"))
    expect(page.locator('[data-field="contact_phone"]')).to_have_text("139****5678")

    make_staff("manager", world.bureau, roles=[Role.CENTRE_MANAGER], name="中心主任")
    page.context.clear_cookies()
    sign_in("manager", PASSWORD)
    page.goto(f"/workbench/cases/{number}/")
    expect(page.locator("#masked-note")).to_be_visible()
    expect(page.get_by_text("显示完整个人信息")).to_have_count(0)
    expect(page.locator("#materials").get_by_role("link")).to_have_count(0)
    shot()
    assert AuditRecord.objects.filter(action="personal_data.view").count() == 1
