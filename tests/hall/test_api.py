"""The hall API: a kiosk or app books, checks in, takes numbers and follows them; windows call; OpenAPI lists it."""

import datetime as dt

from tests.hall.conftest import at
from zhengwu.core import clock
from zhengwu.hall import services
from zhengwu.hall.models import Booking, QueueNumber, Slot


def test_book_check_in_and_follow_a_number_through_the_api(hall, client):
    clock.set_now(at("2026-11-18", 8, 30))  # numbers are given from half an hour before opening
    services.generate_slots(centre=hall.centre, first=clock.today(), days=3)
    groups = client.get(f"/api/appointments/centres/{hall.centre.pk}/groups").json()
    assert [g["prefix"] for g in groups] == ["A", "B"] and groups[1]["items"] == [hall.item.code]
    # the citizen finds the item, then the groups that handle it: the bureau's window 8 (B, no slots) and the
    # general windows (A); only A has slots to book
    [found] = client.get("/api/appointments/items", {"q": "食品经营", "centre": hall.centre.pk}).json()
    assert found["code"] == hall.item.code and "食品经营" in found["name"]
    where = client.get(f"/api/appointments/items/{hall.item.code}/groups").json()
    assert [(g["prefix"], g["centre"]) for g in where] == [("A", "贵溪市政务服务中心")]
    slots = client.get(
        "/api/appointments/slots", {"group": hall.general.pk, "day": "2026-11-18", "item": hall.item.code}
    ).json()
    assert slots[0]["start"].startswith("2026-11-18T01:00") and slots[0]["left"] == 2  # 09:00 China time
    body = {"slot": slots[0]["id"], "channel": "kiosk", "name": "李四", "phone": "13900001111"}
    unnamed = client.post("/api/appointments/bookings", body, content_type="application/json")
    assert unnamed.status_code == 422 and unnamed.json() == {
        "code": "validation_failed",
        "message": "请选择办理事项",
        "field": "item",
    }
    made = client.post(
        "/api/appointments/bookings", {**body, "item": hall.item.code}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["state"] == "booked"
    assert made.json()["item"] == hall.item.code and "食品经营" in made.json()["item_name"]
    token = made.json()["token"]
    clock.set_now(at("2026-11-18", 8, 45))
    number = client.post(f"/api/appointments/bookings/{token}/check-in").json()
    assert (number["number"], number["booked"], number["ahead"]) == ("A001", True, 0)
    assert number["item"] == hall.item.code  # the number carries the booked item to the window
    assert client.get(f"/api/appointments/bookings/{token}").json()["number"] == "A001"
    walk_in = client.post(
        "/api/queue/numbers", {"group": hall.general.pk, "source": "kiosk"}, content_type="application/json"
    ).json()
    assert walk_in["number"] == "A002" and walk_in["ahead"] == 1 and walk_in["minutes"] == 5
    client.force_login(hall.clerk1)
    called = client.post(f"/api/queue/windows/{hall.w1.pk}/next").json()
    assert called["number"] == "A001" and called["window"] == "1"
    state = client.get(f"/api/queue/centres/{hall.centre.pk}").json()
    assert state["calls"][0]["number"] == "A001" and state["waiting_now"] == 1
    absent = client.post(f"/api/queue/numbers/{QueueNumber.objects.get(display='A001').pk}/absent").json()
    assert absent["state"] == "waiting"


def test_api_errors_are_chinese_with_the_field(hall, client):
    services.generate_slots(centre=hall.centre, first=clock.today(), days=3)
    slot = Slot.objects.filter(group=hall.general, day=dt.date(2026, 11, 19)).first()
    bad = client.post(
        "/api/appointments/bookings",
        {"slot": slot.pk, "channel": "kiosk", "name": "李四", "phone": "123"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "phone"
    online = client.post(
        "/api/appointments/bookings",
        {"slot": slot.pk, "channel": "online", "name": "李四", "phone": "13900001111"},
        content_type="application/json",
    )
    assert online.status_code == 403
    hotline = client.post(
        "/api/appointments/bookings",
        {"slot": slot.pk, "channel": "hotline", "name": "李四", "phone": "13900001111"},
        content_type="application/json",
    )
    assert hotline.status_code == 403 and not Booking.objects.exists()
    desk = client.post(
        "/api/queue/numbers",
        {"group": hall.general.pk, "source": "desk", "green": "elderly"},
        content_type="application/json",
    )
    assert desk.status_code == 403
    assert client.post(f"/api/queue/windows/{hall.w1.pk}/next").status_code in (401, 403)
    assert client.get("/api/queue/numbers/nothing").status_code == 404


def test_openapi_lists_the_hall(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/appointments/bookings" in paths and "/api/queue/numbers/{token}" in paths
    assert "/api/queue/windows/{window_id}/next" in paths


def test_a_number_of_another_centre_is_not_found_at_a_terminal(hall, client):
    """The terminal's actions on a number (重呼, 开始办理, 办结, 过号, 转窗) find it among the centres where the person
    sees a window: another county's clerk is answered 404, as for a number that does not exist — it used to be told
    the number's display and state (「A001 当前等候中,不能这样操作」); this centre's clerks are answered as before."""
    from tests.factories import make_centre, make_organisation, make_region, make_staff, make_window
    from zhengwu.core.models import Role
    from zhengwu.hall import queue

    clock.set_now(at("2026-11-18", 9, 0))
    first = queue.take_number(group=hall.general, source="kiosk")
    waiting = queue.take_number(group=hall.general, source="kiosk")
    elsewhere = make_region("360602", "月湖区", parent=hall.county.parent)
    office = make_organisation("月湖区政务服务管理局", region=elsewhere)
    their_window = make_window(make_centre("月湖区政务服务中心", elsewhere, managed_by=office), "1")
    stranger = make_staff("yh-clerk", office, roles=[Role.WINDOW_CLERK], window=their_window).user
    client.force_login(hall.clerk1)
    assert client.post(f"/api/queue/windows/{hall.w1.pk}/next").json()["number"] == first.display
    missing = {"code": "not_found", "message": "找不到该号码", "field": "number"}
    client.force_login(stranger)
    for number in (first, waiting):
        for action in ("recall", "start", "finish", "absent"):
            answer = client.post(f"/api/queue/numbers/{number.pk}/{action}")
            assert answer.status_code == 404 and answer.json() == missing
        answer = client.post(
            f"/api/queue/numbers/{number.pk}/transfer",
            {"group": hall.dedicated.pk},
            content_type="application/json",
        )
        assert answer.status_code == 404 and answer.json() == missing
    # this centre's clerk at another window: refused as before (the number is not at their window)
    client.force_login(hall.clerk2)
    refused = client.post(f"/api/queue/numbers/{first.pk}/recall")
    assert refused.status_code == 403 and refused.json()["message"] == "只有该窗口的工作人员可以操作叫号"
    assert client.post(f"/api/queue/numbers/{waiting.pk}/recall").status_code == 409
    client.force_login(hall.clerk1)
    assert client.post(f"/api/queue/numbers/{first.pk}/recall").json()["state"] == "called"
