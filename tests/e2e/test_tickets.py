"""12345 in a browser: a consultation answered from the knowledge base, and a complaint's whole life."""

import re

import pytest
from playwright.sync_api import expect

from tests.tickets.conftest import make_org, make_staff
from zhengwu.core.models import Region, Role
from zhengwu.tickets import services
from zhengwu.tickets.models import Category

PASSWORD = "pw-for-tests-1"
pytestmark = pytest.mark.urls("tests.tickets.urls")


@pytest.fixture
def hotline(transactional_db, fast_passwords):
    county = Region.objects.create(code="360781", name="瑞金市", level=Region.Level.COUNTY)
    Region.objects.create(code="360781100", name="象湖镇", level=Region.Level.TOWNSHIP, parent=county)
    centre = make_org("瑞金市政务服务中心", county)
    housing = make_org("瑞金市住房和城乡建设局", county, "物业 小区 施工噪音 建筑工地")
    hrss = make_org("瑞金市人力资源和社会保障局", county, "社保 养老保险 工资")
    operator = make_staff("operator", centre, Role.HOTLINE_OPERATOR, name="话务员小王")
    make_staff("housing", housing, Role.APPROVER, name="住建经办")
    Category.objects.create(code="city.noise", name="施工噪音", default_organisation=housing)
    Category.objects.create(code="social", name="社会保障")
    services.save_knowledge_entry(
        title="社保卡丢失怎么补办",
        answer="携带本人身份证到人社局一楼窗口补办,当场制卡。",
        owner=hrss,
        by=operator,
    )
    return {"housing": housing}


def as_user(page, sign_in, username):
    page.context.clear_cookies()
    sign_in(username, PASSWORD)


def test_operator_answers_a_consultation_from_the_knowledge_base(page, hotline, sign_in, shot):
    as_user(page, sign_in, "operator")
    page.goto("/workbench/tickets/call/")
    page.get_by_label("来电号码").fill("13979712345")
    page.get_by_label("来电人").fill("李秀英")
    page.get_by_label("类型").select_option(label="咨询")
    page.get_by_label("分类").select_option(label="社会保障")
    page.get_by_label("诉求内容").fill("我的社保卡丢了,要去哪里补办?")
    page.get_by_role("searchbox", name="检索知识库").fill("sbk")
    entry = page.locator("#assist .kb-entry").filter(has_text="社保卡丢失怎么补办")
    expect(entry).to_be_visible()
    shot()
    with page.expect_navigation():
        entry.get_by_role("button", name="用此答复直接办结").click()
    expect(page.locator("#ticket-status")).to_have_text("已办结")
    expect(page.locator("#ticket-reply")).to_contain_text("人社局一楼窗口")
    expect(page.locator("#ticket-history")).to_contain_text("直接办结")
    shot()


def test_a_complaint_from_call_to_publication(page, hotline, sign_in, shot):
    as_user(page, sign_in, "operator")
    page.goto("/workbench/tickets/call/")
    page.get_by_label("来电号码").fill("13979712345")
    page.get_by_label("来电人").fill("张伟")
    page.get_by_label("类型").select_option(label="投诉")
    page.get_by_label("分类").select_option(label="施工噪音")
    page.get_by_label("诉求内容").fill(
        "我叫张伟,家住象湖镇红都大道18号,隔壁工地凌晨两点还在打桩,电话13979712345"
    )
    page.get_by_label("所属乡镇").select_option(label="象湖镇")
    page.get_by_label("同意公开答复").check()
    with page.expect_navigation():
        page.get_by_role("button", name="登记并转派单").click()
    expect(page.locator("#ticket-status")).to_have_text("已登记")
    number = re.search(r"/workbench/tickets/(\d+)/", page.url).group(1)
    expect(page.locator("#suggestions")).to_contain_text("住房和城乡建设局")
    page.get_by_label("主办单位").select_option(label="瑞金市住房和城乡建设局")
    with page.expect_navigation():
        page.get_by_role("button", name="派单", exact=True).click()
    expect(page.locator("#ticket-status")).to_have_text("已派单")
    shot()

    def organisation_replies(text):
        as_user(page, sign_in, "housing")
        page.goto(f"/workbench/tickets/{number}/")
        if page.get_by_role("button", name="签收").count():
            with page.expect_navigation():
                page.get_by_role("button", name="签收").click()
        page.get_by_label("答复内容").fill(text)
        with page.expect_navigation():
            page.get_by_role("button", name="答复", exact=True).click()
        expect(page.locator("#ticket-status")).to_have_text("已答复")

    def operator_follows_up(solved, note=""):
        as_user(page, sign_in, "operator")
        page.goto(f"/workbench/tickets/{number}/")
        page.get_by_role("radio", name="已解决" if solved else "未解决").check()
        page.get_by_role("radio", name="满意" if solved else "不满意", exact=True).check()
        page.get_by_label("回访意见").fill(note)
        with page.expect_navigation():
            page.get_by_role("button", name="记录回访").click()

    organisation_replies("已联系施工单位,要求停止夜间施工。")
    operator_follows_up(False, "昨晚仍在施工")
    expect(page.locator("#ticket-status")).to_have_text("重办中")
    expect(page.locator("#ticket-history")).to_contain_text("昨晚仍在施工")
    shot()
    organisation_replies("张伟您好,已对施工单位立案处罚,夜间施工已停止。如有问题请拨打13979712345回访。")
    operator_follows_up(True)
    expect(page.locator("#ticket-status")).to_have_text("已办结")

    as_user(page, sign_in, "housing")
    page.goto(f"/workbench/tickets/{number}/")
    preview = page.get_by_label("公开的答复")
    expect(preview).not_to_have_value(re.compile("张伟|13979712345"))
    with page.expect_navigation():
        page.get_by_role("button", name="审核通过并公开").click()
    expect(page.locator("#published-reply")).to_contain_text("张*您好")
    shot()

    page.context.clear_cookies()
    page.goto("/interaction/mailbox/")
    published = page.locator(".published-ticket").first
    expect(published).to_contain_text("已对施工单位立案处罚")
    expect(published).not_to_contain_text("张伟")
    expect(published).not_to_contain_text("13979712345")
    expect(published).not_to_contain_text("红都大道18号")
    shot()


def test_a_portal_message_gets_its_interim_answer_within_24_hours(page, hotline, sign_in, shot):
    ticket = services.file_ticket(
        kind="complaint",
        channel="portal",
        category=Category.objects.get(code="city.noise"),
        title="工地夜间施工",
        content="红都大道工地凌晨还在打桩。",
        caller_name="张伟",
        caller_phone="13979712345",
    )
    as_user(page, sign_in, "operator")
    page.goto("/workbench/tickets/first-answer/")
    expect(page.locator("#first-answer-table")).to_contain_text(ticket.number)
    page.goto(f"/workbench/tickets/{ticket.number}/")
    expect(page.locator("#first-answer")).to_contain_text("待首次答复")
    page.get_by_label("回复内容(诉求人可在进度查询中看到;留空则使用默认文字)").fill("已收到,已转住建局核查。")
    with page.expect_navigation():
        page.get_by_role("button", name="发送受理回复").click()
    expect(page.locator("#first-answer")).to_contain_text("首次答复于")
    expect(page.locator("#ticket-history")).to_contain_text("受理回复")
    shot()
    page.context.clear_cookies()
    page.goto(f"/interaction/track/?number={ticket.number}&code={ticket.query_code}")
    expect(page.locator("#track-steps .interim-reply")).to_have_text("已收到,已转住建局核查。")
    shot()


def test_the_dispatch_queue_fits_a_390_px_phone(page, hotline, sign_in, shot):
    """At 390 px the heading stood one character a line beside its buttons, the buttons ran off the screen, and each
    ticket's title stood one character a line: the heading now wraps its buttons and the table scrolls instead."""
    services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=Category.objects.get(code="city.noise"),
        title="户口迁移被要求重复提交材料",
        content="红都大道工地凌晨还在打桩。",
        caller_name="张伟",
        caller_phone="13979712345",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    as_user(page, sign_in, "operator")
    page.goto("/workbench/tickets/dispatch/")
    heading = page.get_by_role("heading", name="派单队列").bounding_box()
    assert heading["height"] < 60, heading  # one line, not 派/单/队/列 stacked
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    title = page.get_by_role("cell", name="户口迁移被要求重复提交材料").bounding_box()
    assert title["width"] > 100, title
    shot()


def test_a_repeat_call_is_recorded_as_an_urge_from_the_call_screen(page, demo_county, sign_in, shot):
    """陶国华 rings again about the night market on the pavement (the demo's 夜市占道经营, with 城管局): the operator
    types the matter, sees the ticket among the suspected duplicates and records the call on it as a 催办 without
    leaving the call screen or losing what was typed; at 390 px the card's button stays on the screen."""
    from zhengwu.tickets import demo as tickets_demo

    tickets_demo.load_demo()
    night_market = tickets_demo.demo_tickets().get(title="夜市占道经营")
    sign_in("hotline", "zhengwu2026")
    page.goto("/workbench/tickets/call/")
    page.get_by_label("来电号码").fill("18779019209")
    page.get_by_label("来电人").fill("陶国华")
    page.get_by_label("类型").select_option(label="投诉")
    matter = "人民路夜市的摊位还是占着盲道,上次反映过了到现在还没处理"
    page.get_by_label("诉求内容").fill(matter)
    card = page.locator("#assist-auto .dup-card").filter(has_text="夜市占道经营")
    expect(card).to_be_visible()
    expect(card).to_contain_text("已派单")
    expect(card).to_contain_text("贵溪市城市管理局")
    expect(card).to_contain_text("已超期")  # its limit passed yesterday: what the operator tells the caller
    expect(card).to_contain_text("催办 1 次")
    expect(card.get_by_label("催办人")).to_have_value("陶国华")
    expect(card.get_by_label("催办内容")).to_have_value(matter)
    shot()
    card.get_by_role("button", name="记为催办").click()
    done = card.get_by_role("status")
    expect(done).to_contain_text(f"已记为催办:工单 {night_market.number} 共催办 2 次")
    expect(done.get_by_role("link", name="查看工单")).to_have_attribute(
        "href", f"/workbench/tickets/{night_market.number}/"
    )
    # still on the call screen, the filing form as typed
    expect(page).to_have_url(re.compile(r"/workbench/tickets/call/$"))
    expect(page.get_by_label("来电号码")).to_have_value("18779019209")
    expect(page.get_by_label("来电人")).to_have_value("陶国华")
    expect(page.get_by_label("诉求内容")).to_have_value(matter)
    shot()
    night_market.refresh_from_db()
    assert night_market.urge_count == 2
    assert night_market.events.filter(action="urge").order_by("-seq").first().data["caller"] == "陶国华"

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_label("诉求内容").fill(matter + "。")  # the list again, the card with its button
    button = card.get_by_role("button", name="记为催办")
    expect(button).to_be_visible()
    expect(card).to_contain_text("催办 2 次")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    card_box = card.bounding_box()
    assert card_box["x"] >= 0 and card_box["x"] + card_box["width"] <= 390, card_box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot()
