"""好差评 and the first-inquiry ledger in a browser: a citizen rates a completed case 2 from the notification link;
the department verifies, rectifies and replies; the citizen's follow-up turns it satisfied; a window clerk
records a first inquiry and prints a one-time notice."""

import pytest
from playwright.sync_api import expect

from tests.cases.conftest import INSTANT, ITEM, publish, resident_id
from tests.factories import paper_checklist
from zhengwu.cases import services as cases
from zhengwu.core.models import Organisation, Staff, Window
from zhengwu.evaluation import links

PASSWORD = "zhengwu2026"


@pytest.fixture
def completed_case(demo_county):
    """A 市场监管局 instant case taken by the demo clerk at general window 1, decided on the spot by the bureau's
    chief representative (a general-window clerk does not decide for the bureau) and completed by the clerk."""
    bureau = Organisation.objects.get(short_name="市场监管局")
    publish(ITEM, bureau)
    item = publish(INSTANT, bureau)
    clerk = Staff.objects.get(user__username="clerk")
    window = Window.objects.get(pk=clerk.window_id)
    applicant = cases.register_applicant(
        kind="natural", name="张三", id_number=resident_id(), phone="13800138000"
    )
    case = cases.submit_case(
        item=item,
        applicant=applicant,
        by=clerk.user,
        channel="counter",
        window=window,
        form={"subject": "变更个体工商户名称"},
    )
    cases.accept_case(case=case, paper=paper_checklist(case), by=clerk.user)
    cases.decide_case(case=case, by=Staff.objects.get(user__username="market").user, grant=True)
    cases.deliver_result(case=case, by=clerk.user, method="window")
    return cases.complete_case(case=case, by=clerk.user)


def as_user(page, sign_in, username):
    page.context.clear_cookies()
    sign_in(username, PASSWORD)


def test_a_bad_rating_is_rectified_and_the_citizen_ends_satisfied(page, completed_case, sign_in, shot):
    link = links.rating_path("case", completed_case.pk)
    # The citizen opens the link from the completion message and rates 不满意 with a tag and a comment.
    page.goto(link)
    expect(page.locator("#subject")).to_contain_text(completed_case.number)
    page.get_by_label("多次跑动").check()  # ticking a tag of 不满意 chooses that level
    expect(page.get_by_label("不满意", exact=True)).to_be_checked()
    page.get_by_label("评价内容(选填)").fill("材料来回补了三次才办成")
    shot()
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#rating-level")).to_have_text("不满意")
    expect(page.locator("#rect-state")).to_have_text("待核实")
    shot()

    # The department head finds it in the queue, verifies, rectifies and replies.
    as_user(page, sign_in, "head")
    page.goto("/workbench/evaluation/")
    queue = page.locator("#rectification-queue")
    expect(queue).to_contain_text("个体工商户名称变更登记")
    with page.expect_navigation():
        queue.get_by_role("link", name=completed_case.number).click()
    page.get_by_label("情况属实").check()
    page.get_by_label("核实情况").fill("窗口未一次性告知全部材料,申请人往返三次")
    with page.expect_navigation():
        page.get_by_role("button", name="提交核实").click()
    expect(page.locator("#rect-state")).to_have_text("待整改")
    page.get_by_label("整改措施").fill("对综合窗口开展一次性告知培训,材料清单上墙")
    with page.expect_navigation():
        page.get_by_role("button", name="提交整改").click()
    page.get_by_label("反馈评价人").fill("经核实情况属实,已对窗口人员培训并向您致歉")
    with page.expect_navigation():
        page.get_by_role("button", name="发送反馈").click()
    expect(page.locator("#rect-state")).to_have_text("待回访")
    expect(page.locator("#rect-history")).to_contain_text("反馈评价人")
    shot()

    # Back on the link, the citizen reads the reply and says they are now satisfied.
    page.context.clear_cookies()
    page.goto(link)
    expect(page.locator("#rect-reply")).to_contain_text("已对窗口人员培训")
    page.get_by_label("满意", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="提交回访意见").click()
    expect(page.locator("#rect-state")).to_have_text("已办结")
    expect(page.locator("#follow-up-result")).to_contain_text("满意")
    shot()


def test_a_clerk_records_a_first_inquiry_and_prints_a_one_time_notice(page, completed_case, sign_in, shot):
    as_user(page, sign_in, "clerk")
    page.goto("/workbench/evaluation/ledger/")
    page.get_by_label("咨询事由").fill("开小吃店要办什么证")
    page.get_by_label("涉及事项").select_option(label="食品经营许可(市场监管局)")
    page.get_by_label("处理结果").select_option(label="当场解答")
    page.get_by_label("答复内容").fill("需办理食品经营许可,材料见一次性告知书")
    page.get_by_label("询问人(选填)").fill("赵六")
    shot()
    with page.expect_navigation():
        page.get_by_role("button", name="记录").click()
    expect(page.locator("#entry-state")).to_have_text("已答复")
    expect(page.locator("#entry")).to_contain_text("赵*")
    with page.expect_navigation():
        page.get_by_role("link", name="出具一次性告知书").click()
    page.get_by_label("营业执照复印件").check()
    shot()
    with page.expect_navigation():
        page.get_by_role("button", name="出具告知书").click()
    expect(page.locator("#notice-materials")).to_contain_text("尚缺")
    row = page.locator("#notice-materials tr").filter(has_text="营业执照复印件")
    expect(row).to_contain_text("尚缺")
    expect(page.locator("#notice-materials tr").filter(has_text="食品经营许可申请书")).to_contain_text(
        "已具备"
    )
    shot()
    pdf = page.request.get(page.get_by_role("link", name="打印告知书(PDF)").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    page.goto("/workbench/evaluation/ledger/?q=小吃店")
    expect(page.locator("#ledger")).to_contain_text("开小吃店要办什么证")
    expect(page.locator("#counts-staff")).to_contain_text("张丽华")
    shot()
