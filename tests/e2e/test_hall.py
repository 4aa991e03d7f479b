"""The hall in a browser: a citizen finds an item and books it on a phone (390 px) at one of the groups handling it,
checks in from the booking page, the window clerk calls the number and sees the item booked, the hall screen shows
and announces it, the phone says which window, the clerk serves it."""

import re

import pytest
from playwright.sync_api import expect

from tests.cases.conftest import resident_id
from tests.e2e.conftest import BUSY_TIMEOUT_MS, SCREENSHOTS
from tests.factories import make_user, paper_checklist
from zhengwu.cases import services as cases
from zhengwu.core.models import ServiceCentre
from zhengwu.hall import demo, services
from zhengwu.hall.models import QueueNumber

PASSWORD = "zhengwu2026"
CITIZEN_PASSWORD = "Citizen-2026-hall"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def hall(demo_catalogue):
    centre = ServiceCentre.objects.get(name=demo.CENTRE)
    demo._setup(centre)
    services.generate_slots(centre=centre)
    user = make_user("13800138000", password=CITIZEN_PASSWORD)
    applicant = cases.register_applicant(
        kind="natural", name="张三", id_number=resident_id(), phone="13800138000"
    )
    applicant.user = user
    applicant.save()
    return centre


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_book_check_in_called_on_the_screen_and_served(browser, live_server, page, hall, sign_in, shot):
    phone = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, base_url=live_server.url
    )
    phone.set_default_timeout(BUSY_TIMEOUT_MS)
    phone.set_default_navigation_timeout(30_000)
    mobile = phone.new_page()
    try:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # On the phone: sign in, choose 综合受理, today (10:00 on a working Wednesday), the 10:30 slot.
        mobile.goto("/hall/book/")
        expect(mobile).to_have_url(re.compile(r"/cases/signin/"))
        mobile.get_by_label("手机号码或电子邮箱").fill("13800138000")
        mobile.get_by_label("密码").fill(CITIZEN_PASSWORD)
        mobile.get_by_role("button", name="登录").click()
        expect(mobile.get_by_role("heading", name="预约办事")).to_be_visible()
        # The citizen books for the item they need, found as on the catalogue; two groups handle it (the market
        # bureau's windows and the general windows): they choose 综合受理.
        mobile.get_by_label("搜索事项(名称、拼音首字母或事项编码)").fill("药品零售")
        mobile.get_by_role("button", name="搜索").click()
        mobile.get_by_role("link", name=re.compile("药品零售企业经营许可")).first.click()
        expect(mobile.get_by_text("以下窗口都可办理该事项,请选择一处。")).to_be_visible()
        no_sideways_scroll(mobile)
        mobile.get_by_role("link", name=re.compile("综合受理")).click()
        mobile.get_by_role("link", name=re.compile(r"11月18日 星期三")).click()
        mobile.get_by_label(re.compile("10:30–11:00")).check()
        no_sideways_scroll(mobile)
        mobile.screenshot(path=str(SCREENSHOTS / "hall-phone-book.png"), full_page=True)
        mobile.get_by_role("button", name="确认预约").click()
        expect(mobile.get_by_text(re.compile("预约成功,预约码"))).to_be_visible()
        expect(mobile.get_by_test_id("booking-state")).to_have_text("已预约")
        no_sideways_scroll(mobile)

        # The hall screen is on in the hall.
        screen = page.context.new_page()
        screen.goto(f"/hall/{hall.pk}/")
        expect(screen.locator("#calls")).to_contain_text("暂无叫号")

        # At the hall the citizen checks in from the booking page and gets a number.
        mobile.get_by_role("button", name="我已到大厅,签到取号").click()
        expect(mobile.get_by_test_id("number")).to_have_text("A001")
        expect(mobile.get_by_test_id("ahead")).to_have_text("前面没有人")
        no_sideways_scroll(mobile)

        # The clerk at window 1 calls the next number.
        sign_in("clerk", PASSWORD)
        page.goto("/workbench/hall/terminal/")
        page.get_by_role("button", name="下一位").click()
        expect(page.get_by_test_id("current")).to_have_text("A001")
        expect(page.locator("#current-item")).to_contain_text(
            "预约事项:药品零售企业经营许可"
        )  # what was booked
        shot()

        # The screen shows it and reads it out in Chinese; the phone tells the citizen where to go.
        call = screen.get_by_test_id("call").first
        expect(call).to_contain_text("A001")
        expect(call).to_contain_text("1 号窗口")
        expect(screen.locator("body")).to_have_attribute("data-last-said", "请A 0 0 1号到1号窗口办理")
        screen.screenshot(path=str(SCREENSHOTS / "hall-screen.png"))
        mobile.reload()
        expect(mobile.get_by_test_id("called")).to_have_text("请到 1 号窗口办理")
        no_sideways_scroll(mobile)

        # Not there yet: the clerk calls again; the terminal says so, the screen reads it out once more.
        screen.evaluate("document.body.dataset.lastSaid = ''")
        page.get_by_role("button", name="重呼").click()
        expect(
            page.get_by_role("status").filter(has_text="已重呼 A001 到 1 号窗口:第 2 次呼叫")
        ).to_be_visible()
        expect(page.get_by_test_id("calls")).to_contain_text("已呼叫 2 次")
        expect(screen.locator("body")).to_have_attribute("data-last-said", "请A 0 0 1号到1号窗口办理")

        # The hall screen also fits a phone: nothing sideways, figures readable.
        mobile.goto(f"/hall/{hall.pk}/")
        expect(mobile.get_by_test_id("call").first).to_contain_text("A001")
        no_sideways_scroll(mobile)
        mobile.screenshot(path=str(SCREENSHOTS / "hall-screen-phone.png"), full_page=True)

        # Served and finished at the window.
        page.get_by_role("button", name="开始办理").click()
        page.get_by_role("button", name="办结").click()
        expect(page.get_by_text("当前没有叫到的号码")).to_be_visible()
        assert QueueNumber.objects.get(display="A001").state == QueueNumber.State.DONE
    finally:
        phone.close()


@pytest.fixture
def decided_case(hall):
    """张三's application at window 1 for a 市场监管局 item whose guide offers post, decided by the bureau."""
    from tests.cases.conftest import ITEM, publish
    from zhengwu.core.models import Organisation, Staff, Window

    bureau = Organisation.objects.get(short_name="市场监管局")
    item = publish(ITEM, bureau)
    clerk = Staff.objects.get(user__username="clerk")
    applicant = cases.register_applicant(
        kind="natural", name="张三", id_number=resident_id(), phone="13800138000"
    )
    case = cases.submit_case(
        item=item,
        applicant=applicant,
        by=clerk.user,
        channel="counter",
        window=Window.objects.get(pk=clerk.window_id),
        form={"subject": "申请食品经营许可"},
    )
    cases.accept_case(case=case, paper=paper_checklist(case), by=clerk.user)
    approver = Staff.objects.get(user__username="approver").user
    head = Staff.objects.get(user__username="head").user
    cases.claim_step(case=case, by=approver)
    cases.complete_step(case=case, by=approver, opinion="审查通过")
    cases.claim_step(case=case, by=head)
    return cases.decide_case(case=case, by=head, grant=True, reasons="符合条件")


def test_the_citizen_chooses_post_and_sees_the_tracking_number(
    browser, live_server, page, decided_case, sign_in, shot
):
    phone = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, base_url=live_server.url
    )
    phone.set_default_timeout(BUSY_TIMEOUT_MS)
    phone.set_default_navigation_timeout(30_000)
    mobile = phone.new_page()
    try:
        mobile.goto(f"/hall/delivery/{decided_case.number}/")
        mobile.get_by_label("手机号码或电子邮箱").fill("13800138000")
        mobile.get_by_label("密码").fill(CITIZEN_PASSWORD)
        mobile.get_by_role("button", name="登录").click()
        mobile.get_by_label("邮寄送达").check()
        mobile.get_by_label(re.compile("送达地址")).fill("贵溪市雄石街道建设路")
        mobile.get_by_role("button", name="保存").click()
        expect(mobile.locator("#id_delivery-address_error")).to_contain_text("送达地址不完整")
        mobile.get_by_label(re.compile("送达地址")).fill("贵溪市雄石街道建设路12号")
        mobile.get_by_role("button", name="保存").click()
        expect(mobile.get_by_text("已选择「邮寄送达」")).to_be_visible()
        no_sideways_scroll(mobile)

        sign_in("clerk", PASSWORD)
        page.goto("/workbench/hall/delivery/")
        expect(page.get_by_text("贵溪市雄石街道建设路12号")).to_have_count(0)  # masked in the list
        page.get_by_role("button", name=re.compile("显示办件 .* 的完整地址")).click()  # one click, no reason
        expect(page.get_by_text("贵溪市雄石街道建设路12号")).to_be_visible()
        page.get_by_label("邮件单号").fill("EA123456785CN")
        page.get_by_role("button", name="寄出").click()
        expect(page.get_by_text(f"{decided_case.number} 已登记寄出 EA123456785CN")).to_be_visible()
        shot()

        mobile.goto(f"/hall/delivery/{decided_case.number}/")
        expect(mobile.get_by_test_id("dispatch")).to_contain_text("EA123456785CN")
        no_sideways_scroll(mobile)
        mobile.screenshot(path=str(SCREENSHOTS / "hall-phone-posted.png"), full_page=True)
    finally:
        phone.close()


def _fits(page, test_id: str) -> str:
    """The figure is shown whole inside a 390 px screen (no sideways scroll, not cut off); its text."""
    figure = page.get_by_test_id(test_id).first
    expect(figure).to_be_visible()
    box = figure.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (test_id, box)
    no_sideways_scroll(page)
    return figure.inner_text()


def test_the_wait_and_no_show_figures_fit_a_phone(browser, live_server, hall):
    """The 90th-percentile wait and the no-shows at 390 px: the centre manager's hall overview and the supervision
    dashboard (today, and the month's 爽约率 with one decimal)."""
    # the morning's queue in progress at 10:00 on a working Wednesday, and its bookings for 09:00 and 09:30: two came
    # and checked in, one did not (爽约, past the 15 minutes' grace)
    demo.load_demo()
    phone = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, base_url=live_server.url
    )
    phone.set_default_timeout(BUSY_TIMEOUT_MS)
    phone.set_default_navigation_timeout(30_000)
    mobile = phone.new_page()
    try:
        for username in ("manager", "supervisor"):
            phone.clear_cookies()
            mobile.goto("/accounts/login/")
            mobile.get_by_label("用户名").fill(username)
            mobile.get_by_label("密码").fill(PASSWORD)
            with mobile.expect_navigation():
                mobile.get_by_role("button", name="登录").click()
            if username == "manager":
                mobile.goto("/workbench/hall/")
                assert re.fullmatch(r"\d+(\.\d)?", _fits(mobile, "p90-wait"))
                assert _fits(mobile, "no-shows").replace("\n", " ") == "1 (33.3%)"
                mobile.screenshot(path=str(SCREENSHOTS / "hall-overview-phone.png"), full_page=True)
            else:
                mobile.goto("/workbench/supervision/")
                assert "1(33.3%)" in _fits(mobile, "hall-no-shows")
                assert _fits(mobile, "hall-month").endswith("33.3%")  # the month's 爽约率, one decimal
                mobile.screenshot(path=str(SCREENSHOTS / "hall-dashboard-phone.png"), full_page=True)
    finally:
        phone.close()


def test_the_kiosk_takes_one_number_for_a_double_tap_and_a_reload(page, hall):
    """At the kiosk (large print): a double tap on a group takes one number; the ticket is a page of its own, so a
    reload shows the same number and takes none; 完成 (or 30 s) returns to the start, still in large print."""
    page.goto(f"/hall/{hall.pk}/kiosk/?large=1")
    page.get_by_role("button", name=re.compile("取号:综合受理")).dblclick()
    expect(page.get_by_test_id("number")).to_have_text("A001")
    expect(page).to_have_url(re.compile(rf"/hall/{hall.pk}/kiosk/number/[\w-]+/\?large=1$"))
    page.reload()
    expect(page.get_by_test_id("number")).to_have_text("A001")
    assert QueueNumber.objects.count() == 1
    assert page.locator('meta[http-equiv="refresh"]').get_attribute("content") == (
        f"30;url=/hall/{hall.pk}/kiosk/?large=1"
    )
    expect(page.locator("#kiosk-back")).to_have_text("30 秒后自动返回首页")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "hall-kiosk-ticket.png"))
    page.get_by_role("link", name="完成").click()
    expect(page).to_have_url(re.compile(rf"/hall/{hall.pk}/kiosk/\?large=1$"))
    expect(page.locator("body")).to_have_class(re.compile("zw-kiosk-large"))
    page.get_by_role("button", name=re.compile("取号:综合受理")).click()
    expect(page.get_by_test_id("number")).to_have_text("A002")  # the next person's number
    assert QueueNumber.objects.count() == 2
    # the number and a booking code (eight characters) fit a narrow screen whole, in large print too
    general = hall.window_groups.get(prefix="A")
    slot = general.slots.filter(booked=0).order_by("start").last()
    item = demo._items_of(general, 1)[0]
    booked = services.book(slot=slot, item=item, channel="kiosk", name="李四", phone="13900001111")
    page.set_viewport_size(PHONE)
    for path in (page.url, f"/hall/{hall.pk}/kiosk/booked/{booked.token}/?large=1"):
        page.goto(path)
        no_sideways_scroll(page)
    expect(page.get_by_test_id("booking-code")).to_have_text(booked.code)
    box = page.get_by_test_id("booking-code").evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert box[0] <= box[1], box  # not cut off inside the ticket either


def test_the_screen_left_on_says_when_a_group_pauses_for_lunch(page, hall):
    """The hall screen stays on through the day: when 企业开办 (B) stops at 12:00 while 综合受理 (A) serves on (午间
    延时服务), its row says so and when it opens again, without reloading (screen.js redraws it from the feed)."""
    import datetime as dt

    from zhengwu.core import clock

    clock.set_now(dt.datetime(2026, 11, 18, 11, 50, tzinfo=clock.LOCAL))  # a working Wednesday
    page.goto(f"/hall/{hall.pk}/")
    rows = page.locator("#waiting tr")
    expect(rows.filter(has_text="B 企业开办")).to_be_visible()
    expect(page.get_by_test_id("group-paused")).to_have_count(0)
    clock.set_now(dt.datetime(2026, 11, 18, 12, 30, tzinfo=clock.LOCAL))
    paused = rows.filter(has_text="B 企业开办").get_by_test_id("group-paused")
    expect(paused).to_have_text("暂停取号 · 今天 13:30 开放")  # the feed is read every 3 seconds
    expect(rows.filter(has_text="A 综合受理").get_by_test_id("group-paused")).to_have_count(0)
