"""The hall's pages read what is posted through forms (issue 15.2): a time typed as people type it is taken, bad
input is answered at its field in Chinese and writes nothing, an action a page does not have is a 404."""

import datetime as dt

from tests.hall.test_opening_hours import SUMMER
from zhengwu.core import clock
from zhengwu.hall import queue, services
from zhengwu.hall.models import Booking, OpeningHours, QueueNumber, SlotRule


def _rule(hall):
    return SlotRule.objects.get(group=hall.general, start=dt.time(9), days="workdays")


def _rule_form(rule, **changes):
    return {
        "rule": str(rule.pk),
        "start": "09:00",
        "end": "12:00",
        "slot_minutes": "60",
        "capacity": "2",
        "weekdays": ["1", "2", "3", "4", "5"],
        "is_active": "on",
        **changes,
    }


def test_the_rules_page_takes_a_time_typed_with_a_chinese_colon(hall, client):
    """8：30 (the colon of a Chinese input method) was refused as not 24-hour time on the rules page."""
    client.force_login(hall.manager)
    rule = _rule(hall)
    done = client.post("/workbench/hall/rules/", _rule_form(rule, start="8：30", end="11：30"))
    assert done.status_code == 302
    rule.refresh_from_db()
    assert (rule.start, rule.end) == (dt.time(8, 30), dt.time(11, 30))


def test_the_rules_page_refuses_bad_numbers_and_times_at_their_field_and_changes_nothing(hall, client):
    client.force_login(hall.manager)
    rule = _rule(hall)
    for changes, message, field in (
        ({"capacity": "abc"}, "请填写每时段名额(整数)", "cap"),
        ({"slot_minutes": ""}, "请填写每时段分钟数(整数)", "len"),
        ({"slot_minutes": "7"}, "不能设为 7 分钟", "len"),
        ({"start": "25:00"}, "开始时间应为24小时制的 时:分", "start"),
        ({"weekdays": ["8"]}, "请至少勾选一天(周一至周日)", None),
    ):
        page = client.post("/workbench/hall/rules/", _rule_form(rule, **changes))
        html = page.content.decode()
        assert page.status_code == 422 and message in html
        if field:
            assert f'is-invalid" id="{field}-{rule.pk}"' in html
    assert client.post("/workbench/hall/rules/", {**_rule_form(rule), "rule": "abc"}).status_code == 404
    rule.refresh_from_db()
    assert (rule.start, rule.capacity, rule.weekdays) == (dt.time(9), 2, _rule(hall).weekdays)


def test_the_hours_page_takes_9_00_and_8_30_as_typed(hall, client):
    client.force_login(hall.manager)
    form = {"name": "夏季作息", "from_month": "5", "from_day": "1", **SUMMER}
    done = client.post("/workbench/hall/hours/", {**form, "morning_open": "9:00", "morning_close": "11：30"})
    assert done.status_code == 302
    row = OpeningHours.objects.get()
    assert (row.morning_open, row.morning_close) == (dt.time(9), dt.time(11, 30))
    bad = client.post("/workbench/hall/hours/", {**form, "name": "冬季作息", "afternoon_open": "2点半"})
    html = bad.content.decode()
    assert bad.status_code == 422 and "下午上班时间应为24小时制时间,如 08:30" in html
    assert 'class="form-control is-invalid" id="afternoon_open"' in html
    bad = client.post("/workbench/hall/hours/", {**form, "group": "abc"})
    assert bad.status_code == 422 and "请选择本中心的窗口分组" in bad.content.decode()
    gone = client.post("/workbench/hall/hours/", {"action": "remove", "hours": "abc"})
    assert gone.status_code == 422 and "找不到该办公时间" in gone.content.decode()
    assert OpeningHours.objects.count() == 1


def test_booking_for_a_caller_asks_for_the_slot(hall, client):
    services.generate_slots(centre=hall.centre, first=clock.today(), days=3)
    client.force_login(hall.operator)
    chosen = {"item": hall.item.pk, "group": hall.general.pk, "day": "2026-11-19"}
    page = client.post(
        "/workbench/hall/book/", {**chosen, "slot": "abc", "name": "赵大妈", "phone": "13900003333"}
    )
    html = page.content.decode()
    assert "请选择预约时段" in html and 'class="form-select is-invalid" name="slot"' in html
    assert 'value="赵大妈"' in html  # what was typed stays
    page = client.post("/workbench/hall/book/", {"item": "abc", "slot": "1"}).content.decode()
    assert "请选择办理事项" in page
    assert not Booking.objects.exists()


def test_an_action_a_page_does_not_have_is_not_found(hall, client):
    """An unknown 送达 action was silently ignored, an unknown terminal action answered 请选择号码."""
    queue.take_number(group=hall.general, source="kiosk")
    client.force_login(hall.clerk1)
    assert client.post("/workbench/hall/terminal/print/", {"number": ""}).status_code == 404
    client.post("/workbench/hall/terminal/next/")
    page = client.post("/workbench/hall/terminal/start/", {"number": "abc"}, follow=True).content.decode()
    assert "请选择号码" in page
    assert QueueNumber.objects.get().state == QueueNumber.State.CALLED
    page = client.post(
        "/workbench/hall/terminal/transfer/", {"number": QueueNumber.objects.get().pk}, follow=True
    )
    assert "请选择转入的窗口分组" in page.content.decode()
    client.force_login(hall.manager)
    assert client.post("/workbench/hall/delivery/", {"action": "print"}).status_code == 404
    page = client.post(
        "/workbench/hall/delivery/", {"action": "helper", "number": "nothing", "helper": "x"}, follow=True
    ).content.decode()
    assert "找不到该办件编号" in page


def test_the_public_pages_ask_for_what_is_missing(hall, client):
    page = client.post(f"/hall/{hall.centre.pk}/take/", {"group": "abc", "phone": "13900001111"})
    html = page.content.decode()
    assert page.status_code == 200 and "请选择办理业务" in html and 'value="13900001111"' in html
    page = client.post(f"/hall/{hall.centre.pk}/kiosk/", {"group": "", "large": "1"}).content.decode()
    assert "请选择办理业务" in page
    page = client.post(f"/hall/{hall.centre.pk}/kiosk/", {"action": "checkin"}).content.decode()
    assert "请输入预约码" in page
    assert not QueueNumber.objects.exists()
    client.force_login(hall.citizen_user)
    assert client.post("/hall/mine/", {"booking": "abc"}).status_code == 404


def test_the_desk_checks_in_by_code(hall, client):
    client.force_login(hall.operator)
    page = client.post("/workbench/hall/desk/", {"action": "checkin", "code": ""}).content.decode()
    assert "请输入预约码" in page and not QueueNumber.objects.exists()


def test_each_slot_rule_is_titled_by_its_hours_so_a_morning_and_an_afternoon_rule_differ(hall, client):
    """Two rules of one window group on workdays were both titled 综合窗口 · 工作日 (a stranger's pass)."""
    import re

    client.force_login(hall.manager)
    page = client.get("/workbench/hall/rules/").content.decode()
    titles = [
        re.sub(r"<[^>]+>|\s+", " ", t).strip()
        for t in re.findall(r'<h2 class="h6" id="rule-\d+">(.*?)</h2>', page)
    ]
    assert len(titles) == SlotRule.objects.count() >= 2
    assert len(set(titles)) == len(titles), titles
    assert any("09:00–12:00" in t for t in titles)
