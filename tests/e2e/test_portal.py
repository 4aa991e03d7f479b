"""The portal as citizens use it, in a browser: a citizen finds 个人登录 on the home page (desktop and a 390 px phone),
registers and signs in; follows a case through its stages (收件 → 受理 → 审查 → 决定 → 办结) on its page; rates the
completed case from that page, and another from the short link typed from a message; the guide of 食品经营许可(新办)
on a phone, in normal and 关怀模式, fits the screen with its material table as a list; in 关怀模式 at 800–1920 px
no cell of that table reads one character a line."""

import re

import pytest
from playwright.sync_api import expect

from tests.cases.conftest import pdf_upload, resident_id, world  # noqa: F401 — fixtures
from tests.e2e.conftest import BUSY_TIMEOUT_MS, Screenshots
from tests.evaluation.conftest import complete
from tests.factories import paper_checklist
from zhengwu.cases import services
from zhengwu.cases.models import Applicant
from zhengwu.evaluation.models import Rating

PHONE = {"width": 390, "height": 844}
PASSWORD = "Xiuying-2026!"


@pytest.fixture
def phone_page(browser, live_server):
    """A page in a 390 px wide phone screen."""
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, base_url=live_server.url
    )
    context.set_default_timeout(BUSY_TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_shot(phone_page, request):
    """phone_shot() saves a full-page screenshot of the phone page."""
    return Screenshots(phone_page, request.node.name + "-phone")


def stage_states(page) -> str:
    marks = {"done": "D", "current": "C", "pending": "-", "stopped": "X", "skipped": "s"}
    return "".join(
        marks[s]
        for s in page.locator("#case-progress li[data-state]").evaluate_all(
            "items => items.map(li => li.dataset.state)"
        )
    )


def fits_the_screen(page, width: int = PHONE["width"]) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_citizen_finds_personal_sign_in_registers_and_signs_in(
    page, phone_page, shot, phone_shot, viewport
):
    page, shot = (phone_page, phone_shot) if viewport == "phone" else (page, shot)
    page.goto("/")
    header = page.get_by_test_id("account-entrances")
    for label in ("个人登录", "法人登录", "注册"):
        expect(header.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="工作人员登录")).to_be_visible()  # still there, aside
    fits_the_screen(page, page.viewport_size["width"])
    shot()

    header.get_by_role("link", name="注册", exact=True).click()
    page.get_by_label("申请人类型").select_option("natural")
    page.get_by_label("姓名或单位名称").fill("李秀英")
    page.get_by_label("证件号码").fill(resident_id("19880808", "246"))
    page.get_by_label("手机号码").fill("13979711111")
    page.get_by_label("设置密码").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_role("button", name="实名核验并注册").click()
    expect(page.get_by_text("注册成功,已核验居民身份证号码的格式与校验位")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("替身")
    expect(page.get_by_test_id("account-entrances")).to_contain_text("李**")
    shot()

    page.get_by_test_id("account-entrances").get_by_role("button", name="退出").click()
    page.goto("/")
    page.get_by_test_id("account-entrances").get_by_role("link", name="个人登录").click()
    page.get_by_label("手机号码或电子邮箱(或身份证号码)").fill(resident_id("19880808", "246"))
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的办件")
    fits_the_screen(page, page.viewport_size["width"])
    shot()


def test_a_citizen_follows_the_case_through_its_stages_and_rates_it(page, world, shot):  # noqa: F811
    case = services.submit_case(
        item=world.item, applicant=world.citizen, by=world.citizen_user, form={"subject": "开一家面馆"}
    )
    for position in (1, 2):
        services.upload_material(case=case, by=world.citizen_user, position=position, upload=pdf_upload())
    page.goto("/cases/signin/")
    page.get_by_label("手机号码或电子邮箱(或身份证号码)").fill("13800138000")
    page.get_by_label("密码").fill(world.password)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name=case.number).click()

    def now_at(states: str, current: str, next_words: str):
        page.reload()
        assert stage_states(page) == states
        if current:
            expect(page.locator("#case-progress [aria-current=step]")).to_contain_text(current)
        expect(page.locator("#next-action")).to_contain_text(next_words)
        shot()

    now_at("DC----", "受理", "窗口将在受理决定期限前决定是否受理")
    expect(page.locator("#case-progress")).to_contain_text("受理决定期限")

    services.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    services.claim_step(case=case, by=world.approver)
    now_at("DDC---", "审查", "申请正在审查")
    expect(page.locator("#progress-holder")).to_have_text("贵溪市市场监督管理局 · 审批人员")
    expect(page.locator("#case-progress")).not_to_contain_text("赵审查")
    expect(page.locator("#case-progress")).to_contain_text("「审查」环节期限")

    services.complete_step(case=case, by=world.approver, opinion="材料齐全")
    now_at("DDDC--", "决定", "正在作出决定")
    expect(page.locator("#case-timeline")).to_contain_text("完成「审查」环节")

    services.claim_step(case=case, by=world.head)
    services.decide_case(case=case, by=world.head, grant=True, reasons="符合条件")
    now_at("DDDDC-", "送达", "领取结果")  # decided, not yet delivered: not 办结
    expect(page.locator("#next-action").get_by_role("link", name="准予行政许可决定书")).to_be_visible()

    services.deliver_result(case=case, by=world.clerk, method="window")
    services.complete_case(case=case, by=world.clerk)
    now_at("DDDDDD", "", "欢迎评价本次服务")
    page.locator("#rate-link").click()
    expect(page.locator("#subject")).to_contain_text(case.number)
    page.get_by_role("radio", name="非常满意").check()
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    expect(page.locator("#rating-level")).to_have_text("非常满意")
    page.goto(f"/cases/mine/{case.number}/")
    expect(page.locator("#rated")).to_have_text("已评价:非常满意")
    shot()


def test_a_citizen_types_the_short_link_from_the_message_and_rates(phone_page, world, phone_shot):  # noqa: F811
    case = complete(world)  # an instant case, done on the spot; the completion message carries the link
    message = case.messages.filter(body__contains="/r/").values_list("body", flat=True).first()
    code = re.search(r"/r/([0-9A-Z]+)", message).group(1)
    assert len(code) <= 12
    phone_page.goto(f"/r/{code.lower()}")  # typed on a phone keyboard, in lower case
    expect(phone_page.locator("#subject")).to_contain_text(case.number)
    fits_the_screen(phone_page)
    phone_page.get_by_role("radio", name="满意", exact=True).check()
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="提交评价").click()
    expect(phone_page.locator("#rating-level")).to_have_text("满意")
    assert Rating.objects.get(case=case).channel == "link"
    phone_shot()


CHECK_LAYOUT = """() => {
  const visible = el => el.offsetParent !== null && el.getBoundingClientRect().width > 0;
  const narrowCells = [...document.querySelectorAll('main th, main td')].filter(visible).filter(cell => {
    const text = cell.innerText.trim();
    if ([...text].length < 2) return false;
    const style = getComputedStyle(cell);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return inner < 2 * parseFloat(style.fontSize);  // room for fewer than two characters a line
  }).map(cell => cell.innerText.trim().slice(0, 12));
  const buttons = [...document.querySelectorAll('.btn')].filter(visible);
  const wrapping = buttons.filter(b => getComputedStyle(b).whiteSpace !== 'nowrap' || b.scrollWidth > b.clientWidth + 1)
    .map(b => b.innerText.trim());
  const outside = buttons.filter(b => b.getBoundingClientRect().right > window.innerWidth + 0.5).map(b => b.innerText.trim());
  const materials = document.querySelector('[data-testid=materials]');
  const firstRow = materials.querySelector('tbody tr');
  const cell = firstRow.querySelector('td[data-label]');
  return {
    scrollWidth: document.scrollingElement.scrollWidth,
    narrowCells, wrapping, outside, buttons: buttons.length,
    headerShown: getComputedStyle(materials.querySelector('thead')).position === 'absolute',
    rowDisplay: getComputedStyle(firstRow).display,
    cellLabel: getComputedStyle(cell, '::before').content,
  };
}"""


@pytest.mark.parametrize("care_mode", ["0", "1"], ids=["normal", "care-mode"])
def test_the_guide_fits_a_phone_with_its_materials_as_a_list(phone_page, phone_shot, catalogue, care_mode):
    phone_page.goto("/")
    phone_page.context.add_cookies([{"name": "care_mode", "value": care_mode, "url": phone_page.url}])
    for code in catalogue:
        phone_page.goto(f"/services/{code}/")
        phone_page.wait_for_load_state("networkidle")
        if care_mode == "1":
            expect(phone_page.locator("html")).to_have_class(re.compile("care-mode"))
        layout = phone_page.evaluate(CHECK_LAYOUT)
        phone_shot()
        assert layout["scrollWidth"] <= PHONE["width"], (code, layout)
        assert not layout["narrowCells"], (code, layout["narrowCells"])
        assert layout["buttons"] and not layout["wrapping"] and not layout["outside"], (code, layout)
        assert layout["headerShown"] and layout["rowDisplay"] == "block"  # the table reads as a list of cards
        assert "是否必需" in layout["cellLabel"]


@pytest.mark.parametrize("width", [800, 1280, 1920])
def test_in_care_mode_no_cell_of_the_guide_s_materials_reads_one_character_a_line(
    browser, live_server, catalogue, width
):
    """关怀模式's larger text at 1280 px left 序号, 份数, 材料形式 and 表格下载 one character a line and 纸质或电子 over
    three lines (a stranger's pass, issue 13): below 992 px the materials read as a list, above it the headers and
    short columns keep their words whole."""
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": width, "height": 900},
        base_url=live_server.url,
    )
    context.set_default_timeout(BUSY_TIMEOUT_MS)
    page = context.new_page()
    shot = Screenshots(page, f"care-materials-{width}")
    page.goto("/")
    context.add_cookies([{"name": "care_mode", "value": "1", "url": page.url}])
    try:
        for code in catalogue:
            page.goto(f"/services/{code}/")
            page.wait_for_load_state("networkidle")
            expect(page.locator("html")).to_have_class(re.compile("care-mode"))
            layout = page.evaluate(CHECK_LAYOUT)
            shot()
            assert layout["scrollWidth"] <= width, (code, layout)
            assert not layout["narrowCells"], (code, layout["narrowCells"])
            assert layout["headerShown"] == (width < 992), (code, layout)  # a list of cards below 992 px
    finally:
        context.close()


@pytest.fixture
def catalogue(demo_catalogue):
    """The demo catalogue's guides to look at on a phone: 食品经营许可(新办), the one with most materials, one with fees."""
    from django.db.models import Count

    from zhengwu.catalog.models import SearchEntry, ServiceItem

    food = SearchEntry.objects.get(display_name="食品经营许可(新办)").item.code
    items = ServiceItem.objects.filter(status="active", organisation__isnull=False)
    most = items.annotate(n=Count("current_version__materials")).order_by("-n", "code").first().code
    fees = items.filter(current_version__fees__isnull=False).order_by("code").first().code
    return list(dict.fromkeys([food, most, fees]))


def test_registration_of_a_company_then_company_sign_in(page, world, shot):  # noqa: F811
    from zhengwu.core import ids

    uscc = ids.make_uscc("9", "1", "360681", "MA37L3R5")
    page.goto("/cases/signin/legal/")
    page.get_by_role("link", name="注册法人账号").click()
    expect(page.get_by_label("申请人类型")).to_have_value("legal")
    page.get_by_label("姓名或单位名称").fill("贵溪市山泉饮品有限公司")
    page.get_by_label("证件号码").fill(uscc)
    page.get_by_label("法定代表人(法人填写)").fill("陈六")
    page.get_by_label("手机号码").fill("13922223333")
    page.get_by_label("设置密码").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_role("button", name="实名核验并注册").click()
    expect(page.get_by_text("注册成功,已核验统一社会信用代码的格式与校验位")).to_be_visible()
    page.get_by_test_id("account-entrances").get_by_role("button", name="退出").click()
    page.goto("/cases/signin/legal/")
    page.get_by_label("统一社会信用代码(或手机号码、电子邮箱)").fill(uscc)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("account-entrances")).to_contain_text("贵溪市山泉饮品有限公司")
    expect(page.get_by_test_id("account-entrances")).to_contain_text("本单位办件")
    assert Applicant.objects.get(id_number=uscc).kind == "legal"
    shot()
