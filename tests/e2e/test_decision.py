"""食品经营许可(新办) handled in a browser as the item says: the general-window clerk accepts it, the 市场监管局
approver reviews and inspects, the clerk is not offered the decision, the department head decides at 决定, the
bureau's window makes the licence (制证), the clerk delivers and completes, the citizen sees the result — and the
platform's supervision raises nothing on this ordinary path."""

import pytest
from playwright.sync_api import expect

from tests.demo_site.test_normal_paths import filled_form
from zhengwu.core import ids

DEMO_PASSWORD = "zhengwu2026"
CITIZEN_PASSWORD = "Xiuying-2026!"


@pytest.fixture
def food_case(demo_county):
    """The demo's 市场监管局 catalogue, and a citizen's online application for 食品经营许可(新办)."""
    from zhengwu.cases import services
    from zhengwu.catalog.demo import DEMO_DIR, load_demo_catalogue
    from zhengwu.catalog.models import ServiceItem

    report = load_demo_catalogue([DEMO_DIR / "shichang.json"])
    assert not report.problems, report.problems[:3]
    item = ServiceItem.objects.get(
        organisation__short_name="市场监管局",
        current_version__name="食品经营许可",
        current_version__sub_name="新办",
    )
    body = "360681" + "19880808" + "246"
    citizen = services.register_applicant(
        kind="natural",
        name="李秀英",
        id_number=body + ids.ric_check_character(body),
        phone="13979711111",
        password=CITIZEN_PASSWORD,
    )
    services.verify_real_name(applicant=citizen)
    return services.submit_case(
        item=item, applicant=citizen, by=citizen.user, form=filled_form(item.current_version)
    )


def as_staff(page, sign_in, username, number):
    page.context.clear_cookies()
    sign_in(username, DEMO_PASSWORD)
    page.goto(f"/workbench/cases/{number}/")


def work_the_open_step(page, opinion):
    page.get_by_role("button", name="认领").click()
    page.get_by_label("办理意见").fill(opinion)
    page.get_by_role("button", name="完成本环节").click()


def test_food_licence_is_decided_at_its_decision_step_by_the_head(
    page, food_case, sign_in, citizen_sign_in, shot
):
    from zhengwu.supervision.models import Alert

    number = food_case.number
    page.on("dialog", lambda dialog: dialog.accept())  # every action asks for confirmation: say yes

    # The clerk at the general window (政务服务办) accepts; the steps say who does what.
    as_staff(page, sign_in, "clerk", number)
    for box in page.locator('#accept-form input[name="paper"][data-needed]').all():
        box.check()  # the applicant hands the materials over on paper at the window
    page.get_by_role("button", name="受理").click()
    expect(page.locator("#case-status")).to_have_text("办理中")
    expect(page.locator("#steps")).to_contain_text("决定环节")
    expect(page.locator("#steps")).to_contain_text("决定后制证")
    shot()

    # The bureau's approver reviews and inspects (审查, 现场核查).
    as_staff(page, sign_in, "approver", number)
    work_the_open_step(page, "材料齐全,符合法定形式")
    expect(page.locator("#current-step")).to_contain_text("现场核查")
    work_the_open_step(page, "现场核查:经营场所布局合理,符合要求")
    expect(page.locator("#current-step")).to_contain_text("当前环节:决定")
    expect(page.locator("#decide-form")).to_have_count(0)

    # The general-window clerk is not offered the decision and is told who makes it.
    as_staff(page, sign_in, "clerk", number)
    expect(page.locator("#decide-form")).to_have_count(0)
    expect(page.get_by_role("button", name="认领")).to_have_count(0)
    expect(page.locator("#step-note")).to_contain_text("「决定」环节由贵溪市市场监督管理局的部门负责人办理")
    shot()

    # The department head decides at 决定.
    as_staff(page, sign_in, "head", number)
    expect(page.locator("#current-step")).to_contain_text("决定环节")
    expect(page.get_by_role("button", name="完成本环节")).to_have_count(0)
    page.get_by_label("准予许可").check()
    page.get_by_label("决定意见").fill("经审查和现场核查,符合食品经营许可条件,准予许可。")
    shot()
    page.get_by_role("button", name="作出决定").click()
    expect(page.locator("#case-status")).to_have_text("已决定")
    expect(page.locator("#notices")).to_contain_text("准予行政许可决定书")
    expect(page.locator("#current-step")).to_contain_text("当前环节:制证")

    # Delivery waits for the licence, which the bureau's window makes.
    as_staff(page, sign_in, "clerk", number)
    expect(page.get_by_role("button", name="登记送达")).to_have_count(0)
    as_staff(page, sign_in, "market", number)
    work_the_open_step(page, "已制作食品经营许可证")
    expect(page.locator("#steps")).not_to_contain_text("办理中")

    # The clerk delivers at the window and completes.
    as_staff(page, sign_in, "clerk", number)
    page.get_by_label("送达方式").select_option("window")
    page.get_by_role("button", name="登记送达").click()
    expect(page.locator("#case-status")).to_have_text("已送达")
    page.get_by_role("button", name="办结").click()
    expect(page.locator("#case-status")).to_have_text("已办结")
    expect(page.locator("#alerts")).to_have_count(0)
    shot()
    assert not Alert.objects.filter(case__number=number).exists()

    # The citizen sees the result and the decision.
    citizen_sign_in("13979711111", CITIZEN_PASSWORD)
    page.goto(f"/cases/mine/{number}/")
    expect(page.locator("#case-status")).to_have_text("已办结")
    expect(page.get_by_role("link", name="下载 准予行政许可决定书")).to_be_visible()
    shot()
