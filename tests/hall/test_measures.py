"""The hall's figures on a worked example: five walk-ins at two windows, every minute set by hand; bookings made,
used and missed; a wait over the centre's limit raising a supervision alert to its managing office."""

import datetime as dt

from tests.hall.conftest import at
from zhengwu.core import clock
from zhengwu.hall import measures, queue, services
from zhengwu.hall.models import QueueNumber, Slot
from zhengwu.supervision import selectors as supervision


def now(hour: int, minute: int) -> None:
    clock.set_now(at("2026-11-18", hour, minute))


def came(window, clerk) -> QueueNumber:
    """下一位, and the person called comes to the window at once (开始办理)."""
    return queue.start(number=queue.call_next(window=window, by=clerk), by=clerk)


def test_waiting_and_service_times_on_a_worked_example(hall):
    for minute in (0, 2, 4, 10, 20):  # A001 09:00, A002 09:02, A003 09:04, A004 09:10, A005 09:20
        now(9, minute)
        queue.take_number(group=hall.general, source="kiosk")
    now(9, 5)
    came(hall.w1, hall.clerk1)  # A001 waited 5
    now(9, 6)
    came(hall.w2, hall.clerk2)  # A002 waited 4
    now(9, 15)
    came(hall.w1, hall.clerk1)  # A001 served 10; A003 waited 11
    now(9, 30)
    came(hall.w2, hall.clerk2)  # A002 served 24; A004 waited 20
    now(9, 40)
    came(hall.w1, hall.clerk1)  # A003 served 25; A005 waited 20
    now(9, 51)
    queue.finish(number=QueueNumber.objects.get(display="A005"), by=hall.clerk1)  # A005 served 11
    f = measures.figures(centre=hall.centre, first=clock.today(), last=clock.today())
    # waits 5, 4, 11, 20, 20: average 60 / 5 = 12; 90th percentile (nearest rank ⌈0.9 × 5⌉ = 5th of 4, 5, 11, 20, 20)
    assert (f["taken"], f["called"], f["average_wait"], f["p90_wait"], f["longest_wait"]) == (
        5,
        5,
        12.0,
        20,
        20,
    )
    # served 10, 24, 25, 11 (A004 is still at its window): average 70 / 4 = 17.5
    assert (f["served"], f["average_service"]) == (4, 17.5)
    by_window = per_window(hall)  # the indicator page's rows by window, from the same database aggregates
    assert by_window[str(hall.w1)] == (3, 12.0, 20.0, 3, 15.3)  # waits 5, 11, 20; served 10, 25, 11
    assert by_window[str(hall.w2)] == (2, 12.0, 20.0, 1, 24.0)  # waits 4, 20; served 24
    assert f["waiting_now"] == 0
    assert measures.per_number(QueueNumber.objects.get(display="A002")) == {"wait": 4.0, "service": 24.0}


def per_window(hall) -> dict:
    from zhengwu.supervision import indicators

    period = indicators.Period(clock.today().replace(day=1), clock.today())
    rows = indicators.compute(period=period, by="window")["rows"]
    names = ("hall_called", "hall_average_wait", "hall_p90_wait", "hall_served", "hall_average_service")
    return {r["label"]: tuple(r[n] for n in names) for r in rows}


def test_bookings_made_used_and_missed(hall):
    services.generate_slots(centre=hall.centre, first=clock.today(), days=2)
    slots = Slot.objects.filter(group=hall.general, day="2026-11-19").order_by("start")
    came, missed, cancelled = (
        services.book(item=hall.item, slot=slots[i], channel="hotline", name=n, phone=f"1390000000{i}")
        for i, n in enumerate(("李四", "王五", "赵六"))
    )
    services.cancel(booking=cancelled)
    clock.set_now(at("2026-11-19", 8, 45))
    queue.check_in(booking=came)
    clock.set_now(at("2026-11-19", 12))
    services.mark_no_shows()
    f = measures.figures(centre=hall.centre, first=dt.date(2026, 11, 19), last=dt.date(2026, 11, 19))
    assert (f["bookings"], f["bookings_used"], f["no_shows"], f["no_show_rate"]) == (2, 1, 1, 0.5)


def test_a_wait_over_the_limit_warns_the_centre_manager_once(hall):
    now(9, 0)
    late = queue.take_number(group=hall.general, source="kiosk")
    now(9, 20)
    queue.take_number(group=hall.general, source="kiosk")
    now(9, 30)
    assert measures.warn_long_waits() == []  # 30 minutes is the limit, not over it
    now(9, 31)
    [alert] = measures.warn_long_waits()
    assert alert.code == "hall.wait_over_limit" and alert.organisation == hall.office
    assert (
        alert.explanation
        == "贵溪市政务服务中心「综合受理」A001 号 09:00 取号,已等候 31 分钟,超过中心规定的 30 分钟"
    )
    now(9, 45)
    assert measures.warn_long_waits() == []  # once per number
    assert list(supervision.filtered_alerts(hall.manager, domain="hall")) == [alert]
    assert late.pk and "大厅等候超时" in supervision.filtered_alerts(hall.manager).first().title


def test_the_monthly_bulletin_carries_the_halls_figures(hall):
    from zhengwu.supervision import bulletin

    now(9, 0)
    queue.take_number(group=hall.general, source="kiosk")
    now(9, 12)
    queue.call_next(window=hall.w1, by=hall.clerk1)
    data = bulletin.content(2026, 11)
    [section] = [s for s in data["sections"] if s["title"] == "七、大厅等候与预约"]
    assert section["rows"] == [["贵溪市政务服务中心", 1, 12.0, 12.0, 0, 0, "—"]]
    assert bulletin.to_pdf(data).startswith(b"%PDF")
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(bulletin.to_xlsx(data)))
    rows = list(book["大厅等候与预约"].values)
    assert rows[1] == ("贵溪市政务服务中心", 1, 12, 12, 0, 0, "—")


def test_supervision_shows_waiting_now_and_today(hall, client):
    now(9, 0)
    queue.take_number(group=hall.general, source="kiosk")
    queue.take_number(group=hall.general, source="kiosk")
    now(9, 10)
    queue.call_next(window=hall.w1, by=hall.clerk1)
    client.force_login(hall.manager)
    page = client.get("/workbench/supervision/").content.decode()
    assert "大厅等候(今日)" in page
    row = page[page.index("大厅等候(今日)") :]
    assert ">1</td>" in row and ">10.0</td>" in row  # one waiting now; today's average wait 10 minutes


def test_a_long_wait_is_told_to_the_groups_lead_and_the_duty_manager_by_notice_and_sms(hall, client):
    from zhengwu.cases.models import OutboxMessage
    from zhengwu.hall.models import HallSettings, WaitNotice

    lead, duty = hall.clerk1, hall.manager
    lead.staff.phone, duty.staff.phone = "13911110001", "13911110002"
    lead.staff.save()
    duty.staff.save()
    hall.general.lead = lead
    hall.general.save()
    HallSettings.objects.filter(centre=hall.centre).update(duty_manager=duty)
    now(9, 0)
    queue.take_number(group=hall.general, source="kiosk")
    now(9, 31)
    [alert] = measures.warn_long_waits()
    notices = WaitNotice.objects.filter(number__display="A001")
    assert {n.recipient for n in notices} == {lead, duty} and all(n.alert == alert for n in notices)
    texts = {m.recipient: m.body for m in OutboxMessage.objects.filter(channel="sms")}
    assert set(texts) == {"13911110001", "13911110002"}
    assert "A001 号 09:00 取号,已等候 31 分钟(上限 30 分钟)" in texts["13911110001"]
    now(9, 50)
    assert measures.warn_long_waits() == []  # once per number: no second notice, no second SMS
    assert WaitNotice.objects.count() == 2 and OutboxMessage.objects.filter(channel="sms").count() == 2

    client.force_login(lead)  # a window clerk: the list appears because something waits for them
    home = client.get("/workbench/").content.decode()
    assert "大厅等候超时提醒" in home and "已等候 31 分钟" in home
    page = client.get("/workbench/hall/waits/").content.decode()
    assert "A001" in page and "知悉" in page
    mine = notices.get(recipient=lead)
    client.force_login(duty)
    assert client.post(f"/workbench/hall/waits/{mine.pk}/read/").status_code == 404  # not theirs
    client.force_login(lead)
    client.post(f"/workbench/hall/waits/{mine.pk}/read/")
    mine.refresh_from_db()
    assert mine.read_at == clock.now()
    assert "大厅等候超时提醒" not in client.get("/workbench/").content.decode()


def test_without_a_lead_or_duty_manager_the_centre_managers_are_told(hall):
    from zhengwu.hall.models import WaitNotice

    now(9, 0)
    queue.take_number(group=hall.dedicated, source="kiosk")
    now(10, 0)
    measures.warn_long_waits()
    assert [n.recipient for n in WaitNotice.objects.all()] == [hall.manager]


def test_the_indicators_carry_the_halls_figures_from_sql_aggregates(hall):
    from zhengwu.supervision import indicators

    test_waiting_and_service_times_on_a_worked_example(hall)  # its numbers, served and waiting, as set there
    period = indicators.Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    python = measures.figures(
        hall.centre, first=period.first, last=period.last
    )  # the bulletin's and screens' figures
    result = indicators.compute(period=period, by="centre")
    [row] = [r for r in result["rows"] if r["key"] == hall.centre.pk]
    assert (
        (row["hall_taken"], row["hall_called"], row["hall_average_wait"], row["hall_p90_wait"])
        == (
            python["taken"],
            python["called"],
            python["average_wait"],
            python["p90_wait"],
        )
        == (5, 5, 12.0, 20.0)
    )
    assert (row["hall_served"], row["hall_average_service"]) == (python["served"], python["average_service"])
    total = result["total"]
    assert (total["hall_average_wait"], total["hall_p90_wait"]) == (12.0, 20.0)  # the total's own, not a sum
    by_org = {r["key"]: r for r in indicators.compute(period=period, by="organisation")["rows"]}
    assert by_org[hall.office.pk]["hall_taken"] == 5
    header, _ = indicators.as_table(result)
    assert "平均等候(分钟)" in header and "90%等候(分钟)" in header and "爽约率" in header
    assert "平均等候(分钟)" in indicators.to_csv(result).splitlines()[0]


def test_no_show_rate_and_bookings_used_in_the_indicators_and_the_command(hall, tmp_path):
    import json

    from django.core.management import call_command

    services.generate_slots(centre=hall.centre, first=clock.today(), days=3)
    slot = Slot.objects.filter(group=hall.general, day=dt.date(2026, 11, 19)).order_by("start").first()
    used = services.book(
        item=hall.item, slot=slot, channel="hotline", name="甲", phone="13900000001", by=hall.operator
    )
    services.book(
        item=hall.item, slot=slot, channel="hotline", name="乙", phone="13900000002", by=hall.operator
    )
    clock.set_now(at("2026-11-19", 8, 50))
    queue.check_in(booking=used)
    clock.set_now(at("2026-11-19", 12))
    services.mark_no_shows()
    out = tmp_path / "indicators.json"
    call_command("indicators", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "centre", "-o", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    total = data["total"]
    assert (total["hall_bookings"], total["hall_bookings_used"], total["hall_no_shows"]) == (2, 1, 1)
    assert total["hall_no_show_rate"] == 0.5


def test_the_dashboard_shows_the_halls_month(hall, client):
    test_waiting_and_service_times_on_a_worked_example(hall)
    client.force_login(hall.manager)
    page = client.get("/workbench/supervision/").content.decode()
    row = page[page.index('data-testid="hall-month"') :]
    row = row[: row.index("</tr>")]
    assert "贵溪市政务服务中心" in row and ">12.0</td>" in row and ">20.0</td>" in row
    indicators_page = client.get("/workbench/supervision/indicators/?by=centre").content.decode()
    assert "平均等候(分钟)" in indicators_page and "1200.0%" not in indicators_page
