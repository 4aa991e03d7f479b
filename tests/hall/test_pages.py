"""The hall's pages as people use them: a citizen books online and checks in on the phone, the clerk calls from the
terminal, the screen shows the call, the desk records 绿色通道, the hotline books for a caller, the kiosk."""

import datetime as dt
import re

import pytest

from tests.factories import make_centre, make_window, paper_checklist
from tests.hall.conftest import at
from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed
from zhengwu.hall import queue, services
from zhengwu.hall.models import Booking, DayKinds, QueueNumber, Slot, SlotRule, WindowGroup


def signed_in(client, user):
    client.force_login(user)
    return client


def test_a_citizen_books_checks_in_on_the_phone_and_is_called(hall, client):
    clock.set_now(at("2026-11-18", 8))
    services.generate_slots(centre=hall.centre, first=clock.today(), days=14)
    signed_in(client, hall.citizen_user)
    found = client.get("/hall/book/", {"q": "食品"}).content.decode()  # the item, found as on the catalogue
    assert f'href="?item={hall.item.pk}">食品经营许可</a>' in found
    page = client.get("/hall/book/", {"item": hall.item.pk}).content.decode()
    # only the general windows (A) have slots: they are chosen at once, and their days offered
    assert "贵溪市政务服务中心 · 综合受理" in page and "市场监管" not in page and "11月18日 星期三" in page
    page = client.get("/hall/book/", {"item": hall.item.pk, "day": "2026-11-18"})
    assert page.status_code == 200 and "09:00–10:00" in page.content.decode()
    slot = Slot.objects.get(group=hall.general, start=at("2026-11-18", 9))
    response = client.post(
        "/hall/book/", {"item": hall.item.pk, "group": hall.general.pk, "day": "2026-11-18", "slot": slot.pk}
    )
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hall/booking/{booking.token}/"
    assert (booking.channel, booking.user, booking.id_number, booking.item) == (
        "online",
        hall.citizen_user,
        hall.citizen.id_number,
        hall.item,
    )
    client.logout()  # the SMS link works without signing in
    clock.set_now(at("2026-11-18", 8, 40))
    page = client.get(f"/hall/booking/{booking.token}/").content.decode()
    assert "签到取号" in page and booking.code in page
    response = client.post(f"/hall/booking/{booking.token}/", {"action": "checkin"})
    number = QueueNumber.objects.get()
    assert response["Location"] == f"/hall/number/{number.token}/"
    page = client.get(response["Location"]).content.decode()
    assert "A001" in page and "前面没有人" in page and "下一位就是您" in page and "约 0 分钟" not in page
    signed_in(client, hall.clerk1)
    client.post("/workbench/hall/terminal/next/")
    number.refresh_from_db()
    assert number.state == QueueNumber.State.CALLED and number.window == hall.w1 and number.item == hall.item
    terminal = client.get("/workbench/hall/terminal/").content.decode()
    assert "预约事项:</span>食品经营许可</p>" in terminal  # the clerk sees what was booked
    calls = client.get(f"/hall/{hall.centre.pk}/calls/").json()["calls"]
    assert calls[0]["number"] == "A001" and calls[0]["say"] == "请A 0 0 1号到1号窗口办理"
    screen = client.get(f"/hall/{hall.centre.pk}/").content.decode()
    assert 'data-testid="call"><div class="n">A001</div><div class="w">1 号窗口' in screen
    assert "<script>" not in screen and "zhengwu/hall/screen" in screen
    client.logout()
    assert "请到 1 号窗口办理" in client.get(f"/hall/number/{number.token}/").content.decode()


def test_the_booking_page_refuses_bad_input_with_a_chinese_message(hall, client):
    services.generate_slots(centre=hall.centre, first=clock.today(), days=14)
    signed_in(client, hall.citizen_user)
    page = client.post("/hall/book/", {"group": hall.general.pk, "day": "2026-11-19", "slot": ""})
    assert page.status_code == 422 and "请选择办理事项" in page.content.decode()
    chosen = {"item": hall.item.pk, "group": hall.general.pk, "day": "2026-11-19"}
    page = client.post("/hall/book/", {**chosen, "slot": ""})
    assert page.status_code == 422 and "请选择预约时段" in page.content.decode()
    slot = Slot.objects.get(group=hall.general, start=at("2026-11-19", 9))
    page = client.post("/hall/book/", {**chosen, "slot": slot.pk, "phone": "12345"})
    assert "手机号码应为11位数字" in page.content.decode()


def test_when_several_groups_handle_the_item_the_citizen_chooses(hall, client):
    """食品经营许可 is handled at the bureau's window 8 (B) and at the general windows (A): with slots at both, the
    page offers both and shows no day until one is chosen; a group that does not handle the item is refused."""
    SlotRule.objects.create(
        group=hall.dedicated, days=DayKinds.WORKDAYS, start=dt.time(14), end=dt.time(16), slot_minutes=60
    )
    services.generate_slots(centre=hall.centre, first=clock.today(), days=3)
    signed_in(client, hall.citizen_user)
    page = client.get("/hall/book/", {"item": hall.item.pk}).content.decode()
    assert "以下窗口都可办理该事项" in page and "综合受理" in page and "市场监管" in page
    assert "三、选择日期" not in page
    page = client.get("/hall/book/", {"item": hall.item.pk, "group": hall.dedicated.pk}).content.decode()
    assert "三、选择日期" in page and "11月19日 星期四" in page
    other = WindowGroup.objects.create(centre=hall.centre, name="公安户政", prefix="D")
    other.items.set([])
    other.windows.set([make_window(hall.centre, "14", organisations=[hall.office])])
    SlotRule.objects.create(
        group=other, days=DayKinds.WORKDAYS, start=dt.time(9), end=dt.time(10), slot_minutes=60
    )
    services.generate_slots(centre=hall.centre, first=clock.today(), days=3)
    elsewhere = Slot.objects.filter(group=other).first()
    with pytest.raises(ValidationFailed, match="「公安户政」不办理「食品经营许可」"):
        services.book(slot=elsewhere, item=hall.item, channel="hotline", name="李四", phone="13900001111")


def test_cancelling_from_the_link(hall, client):
    services.generate_slots(centre=hall.centre, first=clock.today(), days=3)
    slot = Slot.objects.get(group=hall.general, start=at("2026-11-19", 9))
    booking = services.book(item=hall.item, slot=slot, channel="hotline", name="李四", phone="13900001111")
    client.post(f"/hall/booking/{booking.token}/", {"action": "cancel"})
    booking.refresh_from_db()
    assert booking.state == Booking.State.CANCELLED
    page = client.get(f"/hall/booking/{booking.token}/").content.decode()
    assert "已取消" in page and f'href="/hall/book/?group={hall.general.pk}"' in page and "重新预约" in page
    assert client.get("/hall/booking/nonsense/").status_code == 404


def test_the_hotline_operator_books_for_a_caller(hall, client):
    services.generate_slots(centre=hall.centre, first=clock.today(), days=3)
    slot = Slot.objects.get(group=hall.general, start=at("2026-11-19", 10))
    signed_in(client, hall.operator)
    found = client.get(
        "/workbench/hall/book/", {"q": "食品经营"}
    ).content.decode()  # the caller names the item
    assert f'href="?item={hall.item.pk}">食品经营许可</a>' in found
    url = f"/workbench/hall/book/?item={hall.item.pk}&group={hall.general.pk}&day=2026-11-19"
    assert "10:00–11:00" in client.get(url).content.decode()
    client.post(
        "/workbench/hall/book/",
        {
            "item": hall.item.pk,
            "group": hall.general.pk,
            "day": "2026-11-19",
            "slot": slot.pk,
            "name": "赵大妈",
            "phone": "13900003333",
            "green": "elderly",
        },
    )
    booking = Booking.objects.get()
    assert (booking.channel, booking.green, booking.created_by, booking.item) == (
        "hotline",
        "elderly",
        hall.operator,
        hall.item,
    )
    page = client.get(url).content.decode()
    assert "赵**" in page and "赵大妈" not in page  # staff see the name masked
    assert '<td data-label="事项">食品经营许可</td>' in page


def test_the_desk_records_green_channel_and_the_terminal_calls_it_first(hall, client):
    queue.take_number(group=hall.general, source="kiosk")
    signed_in(client, hall.operator)
    client.post("/workbench/hall/desk/", {"group": hall.general.pk, "green": "disabled"})
    green = QueueNumber.objects.get(green="disabled")
    assert green.source == "desk" and green.display == "A002"
    signed_in(client, hall.clerk1)
    page = client.get("/workbench/hall/terminal/").content.decode()
    assert page.index("A002") < page.index("A001")
    client.post("/workbench/hall/terminal/next/")
    assert "A002" in client.get("/workbench/hall/terminal/").content.decode()
    client.post("/workbench/hall/terminal/absent/", {"number": green.pk})
    green.refresh_from_db()
    assert green.state == QueueNumber.State.WAITING and green.absences == 1


def test_the_kiosk_gives_a_number_with_a_qr_code_and_checks_in_by_code(hall, client):
    page = client.post(f"/hall/{hall.centre.pk}/kiosk/", {"group": hall.dedicated.pk}, follow=True)
    assert "B001" in page.content.decode() and "<svg" in page.content.decode()
    services.generate_slots(centre=hall.centre, first=clock.today(), days=1)
    slot = Slot.objects.get(group=hall.general, start=at("2026-11-18", 10))
    booking = services.book(item=hall.item, slot=slot, channel="kiosk", name="李四", phone="13900001111")
    clock.set_now(at("2026-11-18", 9, 45))
    checked_in = client.post(f"/hall/{hall.centre.pk}/kiosk/", {"action": "checkin", "code": booking.code})
    number = QueueNumber.objects.get(booking=booking)
    assert checked_in["Location"] == f"/hall/{hall.centre.pk}/kiosk/number/{number.token}/"
    assert "A001" in client.get(checked_in["Location"]).content.decode()
    page = client.post(
        f"/hall/{hall.centre.pk}/kiosk/", {"action": "checkin", "code": "XXXX"}
    ).content.decode()
    assert "找不到该预约码" in page


def test_a_reload_or_a_second_tap_on_the_kiosk_ticket_takes_no_other_number(hall, client):
    """Post/Redirect/Get: the number taken is shown on its own page (by the number's token); reloading it, or tapping
    it again, shows the same number and takes none; it leads back to the kiosk's start, by itself after 30 s, and
    keeps the large print."""
    kiosk = f"/hall/{hall.centre.pk}/kiosk/"
    taken = client.post(kiosk, {"group": hall.general.pk, "large": "1"})
    number = QueueNumber.objects.get()
    assert taken.status_code == 302
    assert taken["Location"] == f"{kiosk}number/{number.token}/?large=1"
    first = client.get(taken["Location"]).content.decode()
    again = client.get(taken["Location"]).content.decode()
    assert QueueNumber.objects.count() == 1  # two looks at the ticket, one number
    for page in (first, again):
        assert 'data-testid="number"' in page and ">A001</p>" in page and "<svg" in page
        assert "zw-kiosk-large" in page and f'content="30;url={kiosk}?large=1"' in page
        assert f'id="kiosk-done" href="{kiosk}?large=1">完成</a>' in page
    other = client.post(kiosk, {"group": hall.general.pk})  # the next person
    assert QueueNumber.objects.count() == 2 and ">A002</p>" in client.get(other["Location"]).content.decode()
    elsewhere = make_centre("贵溪市雷溪镇便民服务中心", hall.county, managed_by=hall.office)
    assert client.get(f"/hall/{elsewhere.pk}/kiosk/number/{number.token}/").status_code == 404
    assert client.get(f"{kiosk}number/nonsense/").status_code == 404


def test_taking_a_number_on_the_phone(hall, client):
    response = client.post(
        f"/hall/{hall.centre.pk}/take/", {"group": hall.general.pk, "phone": "13900001111"}
    )
    number = QueueNumber.objects.get()
    assert response["Location"] == f"/hall/number/{number.token}/" and number.source == "phone"
    page = client.post(f"/hall/{hall.centre.pk}/take/", {"group": hall.general.pk}).content.decode()
    assert "手机取号请填写手机号码" in page
    again = client.post(
        f"/hall/{hall.centre.pk}/take/", {"group": hall.general.pk, "phone": "13900001111"}, follow=True
    )
    assert QueueNumber.objects.count() == 1  # a second tap took a second number and pushed the hall back
    assert "该手机号已取得 A001 号,仍在排队,无需重复取号" in again.content.decode()


def test_staff_pages_need_a_hall_role(hall, client):
    from tests.factories import make_staff
    from zhengwu.core.models import Role

    approver = make_staff("approver", hall.bureau, roles=[Role.APPROVER]).user
    signed_in(client, approver)
    assert client.get("/workbench/hall/").status_code == 403
    signed_in(client, hall.manager)
    page = client.get("/workbench/hall/").content.decode()
    assert "各分组排队" in page
    signed_in(client, hall.clerk8)
    assert client.get("/workbench/hall/book/").status_code == 403
    assert re.search(r"叫号终端", client.get("/workbench/hall/terminal/").content.decode())


def test_a_role_without_the_hall_gets_the_403_page_and_no_logged_traceback(hall, client, caplog):
    """An ordinary refusal is no error: the Chinese 403 page with the reason, nothing logged at ERROR and no
    traceback (a WARNING with the exception's stack was logged for every such 403)."""
    import logging

    from tests.factories import make_staff
    from zhengwu.core.models import Role

    approver = make_staff("approver", hall.bureau, roles=[Role.APPROVER]).user
    signed_in(client, approver)
    with caplog.at_level(logging.INFO):
        response = client.get("/workbench/hall/")
        signed_in(client, hall.clerk8)
        booking = client.get("/workbench/hall/book/")
    assert response.status_code == 403 and booking.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "您没有执行该操作所需的角色" in page  # with its reason
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]


def test_the_public_home_links_the_hall_screen_and_it_opens_without_signing_in(hall, client):
    """The home page's 到大厅办事 card leads to the main centre's queue screen (大屏): shown to anyone, it must open
    for anyone (the crawl's rule for every link a page shows)."""
    home = client.get("/").content.decode()
    href = re.search(r'<a href="([^"]+)" id="home-hall-screen">查看大厅实时排队叫号</a>', home).group(1)
    assert href == f"/hall/{hall.centre.pk}/"
    screen = client.get(href)
    assert screen.status_code == 200 and hall.centre.name in screen.content.decode()


def test_staff_opening_the_citizens_booking_go_to_their_workbench(hall, client):
    from tests.factories import make_staff
    from zhengwu.core.models import Role

    approver = make_staff("approver", hall.bureau, roles=[Role.APPROVER]).user
    signed_in(client, approver)
    assert client.get("/hall/book/")["Location"] == "/workbench/"


def test_the_applicant_chooses_delivery_and_the_clerk_posts_it(world, client):
    from zhengwu.cases import services as cases
    from zhengwu.hall.models import Dispatch

    signed_in(client, world.citizen_user)
    case = cases.submit_case(
        item=world.item,
        applicant=world.citizen,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "申请"},
    )
    assert "选择结果送达方式" in client.get(f"/cases/mine/{case.number}/").content.decode()
    bad = client.post(
        f"/hall/delivery/{case.number}/", {"delivery-method": "post", "delivery-address": "贵溪市建设路"}
    )
    assert bad.status_code == 422 and "送达地址不完整" in bad.content.decode()
    ok = client.post(
        f"/hall/delivery/{case.number}/",
        {"delivery-method": "post", "delivery-address": "贵溪市雄石街道建设路12号"},
    )
    assert ok["Location"] == f"/cases/mine/{case.number}/"
    cases.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    cases.claim_step(case=case, by=world.approver)
    cases.complete_step(case=case, by=world.approver, opinion="审查通过")
    cases.claim_step(case=case, by=world.head)
    cases.decide_case(case=case, by=world.head, grant=True, reasons="符合条件")
    signed_in(client, world.clerk)
    page = client.get("/workbench/hall/delivery/").content.decode()
    assert case.number in page and "贵溪市雄石街道建设路12号" not in page  # the address is masked in the list
    assert "显示完整地址" in page
    client.post(
        "/workbench/hall/delivery/",
        {"action": "post", "case": case.pk, "carrier": "EMS", "tracking_number": "EA123456785CN"},
    )
    dispatch = Dispatch.objects.get(case=case)
    signed_in(client, world.citizen_user)
    assert "EA123456785CN" in client.get(f"/hall/delivery/{case.number}/").content.decode()
    signed_in(client, world.clerk)
    client.post("/workbench/hall/delivery/", {"action": "confirm", "dispatch": dispatch.pk})
    case.refresh_from_db()
    assert case.status == "delivered"


def test_the_hotline_of_the_region_books_for_its_centre(hall, client):
    from tests.factories import make_organisation, make_staff
    from zhengwu.core.models import Role

    hotline = make_organisation("贵溪市12345热线", region=hall.county)
    operator = make_staff("hotline", hotline, roles=[Role.HOTLINE_OPERATOR]).user
    signed_in(client, operator)
    assert "贵溪市政务服务中心" in client.get("/workbench/hall/").content.decode()
    assert client.get("/workbench/hall/book/").status_code == 200


def test_booking_at_the_kiosk(hall, client):
    services.generate_slots(centre=hall.centre, first=clock.today(), days=3)
    kiosk = f"/hall/{hall.centre.pk}/kiosk/"
    home = client.get(kiosk).content.decode()
    assert 'href="?book=1" id="kiosk-book">按事项预约</a>' in home
    found = client.get(kiosk, {"book": "1", "q": "食品"}).content.decode()
    assert f'href="?book=1&amp;item={hall.item.pk}">食品经营许可</a>' in found
    page = client.get(kiosk, {"book": "1", "item": hall.item.pk}).content.decode()
    slot = Slot.objects.filter(group=hall.general, start__gt=clock.now()).order_by("start").first()
    assert "办理窗口:综合受理" in page and "11月18日 星期三" in page and "11:00–12:00" in page
    chosen = {"action": "book", "book": "1", "item": hall.item.pk, "group": hall.general.pk, "slot": slot.pk}
    bad = client.post(kiosk, {**chosen, "name": "李四", "phone": "1"}).content.decode()
    assert "手机号码应为11位数字" in bad
    made = client.post(kiosk, {**chosen, "name": "李四", "phone": "13900001111"})
    booking = Booking.objects.get()
    assert made.status_code == 302 and made["Location"] == f"{kiosk}booked/{booking.token}/"
    for _ in range(2):  # the answer is a page of its own: a reload books nothing
        done = client.get(made["Location"]).content.decode()
        assert booking.channel == "kiosk" and booking.code in done and "预约成功" in done
        assert booking.item == hall.item and '<p id="booked-item">食品经营许可</p>' in done
        assert f'content="30;url={kiosk}"' in done and "30 秒后自动返回首页" in done
    assert Booking.objects.count() == 1


def test_the_clerk_who_posts_reveals_the_address_with_one_click_audited(world, client):
    from zhengwu.cases import services as cases
    from zhengwu.core.models import AuditRecord
    from zhengwu.hall import delivery

    case = cases.submit_case(
        item=world.item,
        applicant=world.citizen,
        by=world.clerk,
        channel="counter",
        window=world.dedicated,
        form={"subject": "申请"},
    )
    delivery.choose(case=case, method="post", address="贵溪市雄石街道建设路12号", by=None)
    cases.accept_case(case=case, paper=paper_checklist(case), by=world.clerk)
    cases.claim_step(case=case, by=world.approver)
    cases.complete_step(case=case, by=world.approver, opinion="审查通过")
    cases.claim_step(case=case, by=world.head)
    cases.decide_case(case=case, by=world.head, grant=True, reasons="符合条件")
    signed_in(client, world.clerk)
    shown = client.post(f"/workbench/hall/delivery/{case.pk}/reveal/", {"reason": ""})  # one click, no reason
    html = shown.content.decode()
    assert shown.status_code == 200 and "贵溪市雄石街道建设路12号" in html and "张三" in html
    assert "已记入审计日志" in html
    record = AuditRecord.objects.filter(action="personal_data.view", object_id=str(case.pk)).get()
    assert record.summary["reason"] == "寄递送达结果" and "delivery_address" in record.summary["fields"]
    assert record.actor == world.clerk
    client.post(f"/workbench/hall/delivery/{case.pk}/reveal/", {"reason": "核对门牌号"})
    assert AuditRecord.objects.filter(action="personal_data.view", summary__reason="核对门牌号").exists()
    again = client.get("/workbench/hall/delivery/").content.decode()
    assert "贵溪市雄石街道建设路12号" not in again  # masked again on the next page
    signed_in(client, world.outsider)  # a clerk of another organisation
    refused = client.post(f"/workbench/hall/delivery/{case.pk}/reveal/", {"reason": "寄递"})
    assert refused.status_code in (403, 404)
    assert "贵溪市雄石街道建设路12号" not in refused.content.decode()
    assert AuditRecord.objects.filter(action="personal_data.view").count() == 2


def test_the_kiosk_speaks_to_screen_readers_and_has_a_large_print_mode(hall, client):
    services.generate_slots(centre=hall.centre, first=clock.today(), days=3)
    queue.take_number(group=hall.general, source="kiosk")
    page = client.get(f"/hall/{hall.centre.pk}/kiosk/").content.decode()
    assert 'aria-label="取号:综合受理,当前等候 1 人"' in page  # the button says what it does, not just "A"
    assert 'class="zw-kiosk-prefix" aria-hidden="true"' in page
    assert 'aria-describedby="code-hint"' in page and 'href="?large=1"' in page
    assert "zw-kiosk-large" not in page.split("<body")[1][:60]
    large = client.get(f"/hall/{hall.centre.pk}/kiosk/?large=1").content.decode()
    assert 'class="zw-kiosk zw-kiosk-large"' in large and 'name="large" value="1"' in large
    assert 'href="?book=1&amp;large=1" id="kiosk-book"' in large
    found = client.get(
        f"/hall/{hall.centre.pk}/kiosk/", {"book": "1", "q": "食品", "large": "1"}
    ).content.decode()
    assert f'href="?book=1&amp;item={hall.item.pk}&amp;large=1"' in found  # large print kept while booking
    taken = client.post(
        f"/hall/{hall.centre.pk}/kiosk/", {"group": hall.general.pk, "large": "1"}, follow=True
    ).content.decode()
    assert 'aria-label="号码 A 0 0 2"' in taken and 'aria-live="polite"' in taken
    assert "zw-kiosk-large" in taken and f"/hall/{hall.centre.pk}/kiosk/?large=1" in taken
    bad = client.post(
        f"/hall/{hall.centre.pk}/kiosk/", {"action": "checkin", "code": "XXXX"}
    ).content.decode()
    assert 'role="alert" aria-live="assertive"' in bad


def test_the_kiosk_offers_the_coming_working_days_and_says_when_an_item_takes_no_bookings(hall, client):
    """Booking at the kiosk: the coming working days to choose from (not only tomorrow), the slots of the day
    chosen; an item no group with slots handles is not offered, and a hall with no slots at all says 暂不提供预约."""
    kiosk = f"/hall/{hall.centre.pk}/kiosk/"
    home = client.get(kiosk).content.decode()
    assert 'id="kiosk-book"' not in home and "暂不提供预约" in home  # no slots made yet
    services.generate_slots(centre=hall.centre, first=clock.today(), days=7)
    page = client.get(kiosk, {"book": "1", "item": hall.item.pk}).content.decode()
    for label in ("11月18日 星期三", "11月19日 星期四", "11月20日 星期五", "11月23日 星期一"):
        assert label in page
    friday = client.get(kiosk, {"book": "1", "item": hall.item.pk, "day": "2026-11-20"}).content.decode()
    friday_slot = Slot.objects.filter(group=hall.general, day=dt.date(2026, 11, 20)).order_by("start").first()
    assert f'value="{friday_slot.pk}"' in friday and 'aria-current="date"' in friday
    hall.general.windows.clear()  # the general windows gone: nobody with slots handles the item
    none = client.get(kiosk, {"book": "1", "item": hall.item.pk}).content.decode()
    assert "没有找到可预约的事项" in none and 'name="phone"' not in none


def test_a_signed_in_citizen_lists_and_cancels_their_bookings(hall, client):
    services.generate_slots(centre=hall.centre, first=clock.today(), days=3)
    slot = Slot.objects.get(group=hall.general, start=at("2026-11-19", 9))
    mine = services.book(
        item=hall.item,
        slot=slot,
        channel="online",
        name="张三",
        id_number=hall.citizen.id_number,
        phone="13800138000",
        user=hall.citizen_user,
        by=hall.citizen_user,
    )
    other = services.book(
        item=hall.item, slot=slot, channel="hotline", name="李四", phone="13900001111", by=hall.operator
    )
    client.force_login(hall.citizen_user)
    home = client.get("/").content.decode()
    assert 'href="/hall/mine/"' in home and "我的预约" in home  # in the portal's navigation
    page = client.get("/hall/mine/").content.decode()
    assert "2026年11月19日 09:00–10:00" in page and mine.code in page and other.code not in page
    # the day as people read it, on the list and on the booking's own page (the SMS links to it), not 2026-11-19
    booking = client.get(f"/hall/booking/{mine.token}/").content.decode()
    assert "2026年11月19日 09:00–10:00" in booking and "2026-11-19" not in page + booking
    assert client.post("/hall/mine/", {"booking": other.pk}).status_code == 404  # not theirs
    done = client.post("/hall/mine/", {"booking": mine.pk}, follow=True).content.decode()
    assert f"预约 {mine.code} 已取消" in done and "暂无待办理的预约" in done and "重新预约" in done
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.state, other.state) == (Booking.State.CANCELLED, Booking.State.BOOKED)


def test_recalling_shows_the_clerk_the_new_call_and_the_screen_announces_it_again(hall, client):
    """重呼: the terminal says the number was called again, when, and how many times; the hall screen's call
    carries the new time, so the screen reads it out once more."""
    queue.take_number(group=hall.general, source="kiosk")
    signed_in(client, hall.clerk1)
    client.post("/workbench/hall/terminal/next/")
    number = QueueNumber.objects.get(display="A001")
    page = client.get("/workbench/hall/terminal/").content.decode()
    assert "已呼叫 1 次 · 最近一次 09:00:00" in page and "已重呼" not in page
    first = client.get(f"/hall/{hall.centre.pk}/calls/").json()["calls"][0]["at"]
    clock.set_now(at("2026-11-18", 9, 3))
    done = client.post(
        "/workbench/hall/terminal/recall/", {"number": number.pk}, follow=True
    ).content.decode()
    assert "已重呼 A001 到 1 号窗口:第 2 次呼叫,09:03:00,大厅屏幕正在播报。" in done
    assert 'role="status"' in done  # read out by a screen reader
    assert "已呼叫 2 次 · 最近一次 09:03:00" in done and "已重呼" in done
    again = client.get(f"/hall/{hall.centre.pk}/calls/").json()["calls"][0]
    assert again["number"] == "A001" and again["at"] != first


def test_the_desk_takes_a_number_for_the_item_the_walk_in_needs(hall, client):
    """导服台: find the item by name, choose among the groups that handle it (综合受理 A and 市场监管 B both do), and
    the number carries the item, which the window's terminal shows."""
    from zhengwu.hall import services

    services.generate_slots(centre=hall.centre)  # the items found are those the hall serves
    signed_in(client, hall.operator)
    found = client.get("/workbench/hall/desk/", {"q": "食品经营"}).content.decode()
    assert f'href="?item={hall.item.pk}"' in found
    chosen = client.get("/workbench/hall/desk/", {"item": hall.item.pk}).content.decode()
    assert "食品经营许可" in chosen and "A 综合受理" in chosen and "B 市场监管" in chosen
    none = client.post("/workbench/hall/desk/", {"item": hall.item.pk}, follow=True).content.decode()
    assert "请选择「办理窗口分组」" in none
    client.post("/workbench/hall/desk/", {"item": hall.item.pk, "group": hall.dedicated.pk, "phone": ""})
    number = QueueNumber.objects.get(source="desk")
    assert (number.display, number.item_id) == ("B001", hall.item.pk)
    signed_in(client, hall.clerk8)
    client.post("/workbench/hall/terminal/next/")
    assert "食品经营许可" in client.get("/workbench/hall/terminal/").content.decode()


def test_the_desk_keeps_the_green_channel_and_phone_when_the_group_is_missing(hall, client):
    """Walked on a working day: the desk chose 临时居民身份证申领 (two groups handle it), picked 老年人, forgot the
    group, and was told "请选择办理业务" — a field the page does not have — with 绿色通道 back to 否. Now the
    message names the field, the field is marked, and the choices made stay."""
    from zhengwu.hall import services

    services.generate_slots(centre=hall.centre)
    signed_in(client, hall.operator)
    page = client.post(
        "/workbench/hall/desk/",
        {"item": hall.item.pk, "green": "elderly", "phone": "13800138000"},
        follow=True,
    ).content.decode()
    assert "请选择「办理窗口分组」" in page and "请选择办理业务" not in page
    assert 'class="form-select is-invalid" name="group"' in page
    assert '<option value="elderly" selected>' in page and 'value="13800138000"' in page
    assert not QueueNumber.objects.filter(source="desk").exists()
    page = client.post("/workbench/hall/desk/", {"green": "elderly"}).content.decode()
    assert "请查找办理事项,或选择「业务分组」" in page


def test_the_terminal_names_the_transfer_list_on_screen(hall, client):
    """转窗: the list of groups said only 请选择 (its label hidden); it is labelled 转至窗口 where the clerk sees it,
    tied to the list so a screen reader reads it too."""
    queue.take_number(group=hall.general, source="kiosk")
    signed_in(client, hall.clerk1)
    client.post("/workbench/hall/terminal/next/")
    page = client.get("/workbench/hall/terminal/").content.decode()
    label = re.search(r'<label([^>]*) for="transfer-group">([^<]*)</label>', page)
    assert label and label.group(2) == "转至窗口" and "visually-hidden" not in label.group(1)
    assert '<select class="form-select" name="group" id="transfer-group">' in page
