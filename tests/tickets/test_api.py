"""The REST API for the ticket lifecycle, and citizens' tracking by number and query code."""

import pytest

from zhengwu.core import clock
from zhengwu.tickets import services
from zhengwu.tickets.models import Status, Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.tickets.urls")]

NEW = {
    "kind": "complaint",
    "category": "city.noise",
    "content": "红都大道工地夜间施工噪音扰民",
    "caller_name": "张伟",
    "caller_phone": "13979712345",
    "region": "360781100",
}


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_the_lifecycle_over_the_api(client, world):
    client.force_login(world.operator)
    r = post(client, "/api/tickets/", NEW)
    assert r.status_code == 201, r.content
    number, code = r.json()["number"], r.json()["query_code"]
    assert r.json()["caller_phone"] == "139****2345"  # staff lists show phones masked
    r = post(
        client,
        f"/api/tickets/{number}/dispatch",
        {"lead": world.housing.pk, "co_handlers": [world.transport.pk]},
    )
    assert r.json()["status"] == "dispatched" and r.json()["handle_due"]
    client.force_login(world.housing_clerk)
    assert number in client.get("/api/tickets/queues").json()["to_acknowledge"]
    assert post(client, f"/api/tickets/{number}/acknowledge", {}).json()["status"] == "acknowledged"
    assert (
        post(client, f"/api/tickets/{number}/reply", {"text": "已责令停工整改"}).json()["status"] == "replied"
    )
    # The citizen follows it and says it is not solved: it goes back to the same organisation.
    track = client.get(f"/api/tickets/track/{number}", {"code": code}).json()
    assert track["status"] == "replied" and track["reply"] == "已责令停工整改"
    r = post(
        client, f"/api/tickets/track/{number}/follow-up", {"code": code, "solved": False, "note": "仍在施工"}
    )
    assert r.json()["status"] == "reopened"
    detail = client.get(f"/api/tickets/{number}").json()
    assert detail["lead_organisation"] == world.housing.name
    assert [e["action"] for e in detail["events"]][-1] == "follow_up_unsolved"


def test_errors_answer_code_message_field(client, world):
    client.force_login(world.operator)
    r = post(client, "/api/tickets/", {**NEW, "caller_phone": ""})
    assert r.status_code == 422
    assert r.json() == {
        "code": "validation_failed",
        "message": "请填写联系电话,以便答复和回访",
        "field": "caller_phone",
    }
    r = post(client, "/api/tickets/", {**NEW, "category": "nope"})
    assert r.status_code == 404 and r.json()["field"] == "category"


def test_a_wrong_query_code_finds_nothing(client, world):
    t = services.file_ticket(
        kind="consult",
        channel="portal",
        category=world.bus,
        content="公交几点收班",
        caller_name="李四",
        caller_phone="13800000000",
    )
    r = client.get(f"/api/tickets/track/{t.number}", {"code": "AAAAAA"})
    assert r.status_code == 404 and r.json()["field"] == "query_code"
    assert client.get(f"/api/tickets/track/{t.number}", {"code": t.query_code.lower()}).status_code == 200


def test_an_organisation_sees_only_its_tickets(client, world):
    t = services.file_ticket(
        kind="consult",
        channel="portal",
        category=world.bus,
        content="公交几点收班",
        caller_name="李四",
        caller_phone="13800000000",
    )
    services.dispatch_ticket(ticket=t, lead=world.transport, by=world.operator)
    client.force_login(world.housing_clerk)
    assert client.get(f"/api/tickets/{t.number}").status_code == 404
    assert client.get("/api/tickets/").json()["count"] == 0
    client.force_login(world.transport_clerk)
    assert client.get("/api/tickets/").json()["count"] == 1
    r = post(client, f"/api/tickets/{t.number}/dispatch", {"lead": world.housing.pk})
    assert r.status_code == 403


def test_anonymous_visitors_cannot_use_staff_endpoints(client, world):
    assert client.get("/api/tickets/").status_code == 401
    assert post(client, "/api/tickets/", NEW).status_code == 401


def test_a_merged_ticket_is_tracked_through_its_primary(client, world):
    client.force_login(world.operator)
    first = post(client, "/api/tickets/", NEW).json()["number"]
    second = post(
        client, "/api/tickets/", {**NEW, "caller_name": "李秀英", "caller_phone": "13807970001"}
    ).json()
    dups = client.get(f"/api/tickets/{second['number']}/duplicates").json()
    assert dups and dups[0]["number"] == first
    assert (
        post(client, f"/api/tickets/{second['number']}/merge", {"into": first}).json()["status"] == "merged"
    )
    post(client, f"/api/tickets/{first}/dispatch", {"lead": world.housing.pk})
    track = client.get(f"/api/tickets/track/{second['number']}", {"code": second["query_code"]}).json()
    assert track["status"] == "dispatched" and track["merged_into"] == first


def test_published_replies_are_public_and_masked(client, world):
    t = services.file_ticket(
        kind="complaint",
        channel="portal",
        category=world.noise,
        public_allowed=True,
        content="我是张伟,电话13979712345,工地噪音",
        caller_name="张伟",
        caller_phone="13979712345",
    )
    services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
    services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
    services.reply_ticket(
        ticket=t, organisation=world.housing, text="张伟您好,已处理", by=world.housing_clerk
    )
    services.record_follow_up(ticket=t, solved=True, satisfied=True, by=None)
    client.force_login(world.housing_clerk)
    assert post(client, f"/api/tickets/{t.number}/publish", {}).status_code == 200
    client.logout()
    rows = client.get("/api/tickets/public/mailbox").json()
    assert rows[0]["reply"] == "张*您好,已处理"
    assert "13979712345" not in rows[0]["content"]


def test_knowledge_search_over_the_api(client, world):
    services.save_knowledge_entry(
        title="社保卡丢失怎么补办", answer="带身份证到人社局窗口", owner=world.hrss, by=world.operator
    )
    client.force_login(world.operator)
    for q in ("社保卡补办", "社保卡遺失", "sbk"):
        assert [e["title"] for e in client.get("/api/tickets/knowledge", {"q": q}).json()] == [
            "社保卡丢失怎么补办"
        ], q


def test_ticket_numbers_are_unique_under_load(world):
    with clock.frozen("2025-11-24T10:00"):
        for _ in range(30):
            services.file_ticket(
                kind="consult",
                channel="portal",
                category=world.bus,
                content="问",
                caller_name="李四",
                caller_phone="13800000000",
            )
    assert Ticket.objects.values("number").distinct().count() == 30
    assert Ticket.objects.filter(status=Status.NEW).count() == 30


def test_suggestions_and_hot_topics_for_the_centre_only(client, world):
    t = services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.noise,
        content="建筑工地施工噪音",
        caller_name="李四",
        caller_phone="13800000000",
        region=world.town,
    )
    client.force_login(world.operator)
    ranked = client.get(f"/api/tickets/{t.number}/suggestions").json()
    assert ranked[0]["organisation"] == world.housing.name
    hot = client.get("/api/tickets/analysis/hot-topics", {"period": "day"}).json()
    assert hot["total"] == 1 and hot["by_region"][0]["name"] == "象湖镇"
    services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
    client.force_login(world.housing_clerk)
    assert client.get(f"/api/tickets/{t.number}/suggestions").status_code == 403
    assert client.get("/api/tickets/analysis/hot-topics").status_code == 403


def test_public_tracking_is_rate_limited(client, world, one_rate_window):
    from django.core.cache import cache

    cache.clear()
    codes = [
        client.get("/api/tickets/track/2025000000001", {"code": "AAAAAA"}).status_code for _ in range(31)
    ]
    assert codes[:30] == [404] * 30 and codes[30] == 429
    cache.clear()


def test_repeated_returns_are_counted_for_supervisors(client, world):
    from zhengwu.tickets import selectors

    t = services.file_ticket(
        kind="consult",
        channel="portal",
        category=world.bus,
        content="公交几点收班",
        caller_name="李四",
        caller_phone="13800000000",
    )
    for org, clerk in ((world.housing, world.housing_clerk), (world.hrss, world.hrss_clerk)):
        services.dispatch_ticket(ticket=t, lead=org, by=world.operator)
        services.return_ticket(ticket=t, organisation=org, reason="非本单位职责", by=clerk)
    t.refresh_from_db()
    assert t.return_count == 2 and t.status == Status.RETURNED
    counts = {r["organisation__name"]: r["returns"] for r in selectors.return_counts(world.supervisor)}
    assert counts == {world.housing.name: 1, world.hrss.name: 1}
    assert selectors.return_counts(world.housing_clerk) == []


def _replied_over_the_api(client, world):
    client.force_login(world.operator)
    number = post(client, "/api/tickets/", NEW).json()["number"]
    post(client, f"/api/tickets/{number}/dispatch", {"lead": world.housing.pk})
    client.force_login(world.housing_clerk)
    post(client, f"/api/tickets/{number}/acknowledge", {})
    post(client, f"/api/tickets/{number}/reply", {"text": "已责令停工整改"})
    return number


def test_a_follow_up_solved_but_not_satisfied_needs_the_reason_over_the_api(client, world):
    number = _replied_over_the_api(client, world)
    client.force_login(world.operator)
    r = post(client, f"/api/tickets/{number}/follow-up", {"solved": True, "satisfied": False})
    assert r.status_code == 422
    assert r.json() == {"code": "validation_failed", "message": "请填写不满意的原因", "field": "note"}
    code = Ticket.objects.get(number=number).query_code
    r = post(
        client, f"/api/tickets/track/{number}/follow-up", {"code": code, "solved": True, "satisfied": False}
    )
    assert r.status_code == 422 and r.json()["field"] == "note"
    assert Ticket.objects.get(number=number).status == Status.REPLIED


def test_a_repeat_call_over_the_api(client, world):
    client.force_login(world.operator)
    number = post(client, "/api/tickets/", NEW).json()["number"]
    r = post(client, f"/api/tickets/{number}/urge", {"caller": "诉求人本人", "note": "问进度"})
    assert r.status_code == 409 and "请先派单" in r.json()["message"]
    post(client, f"/api/tickets/{number}/dispatch", {"lead": world.housing.pk})
    r = post(client, f"/api/tickets/{number}/urge", {"caller": "诉求人本人", "note": "问进度"})
    assert r.status_code == 200 and r.json()["urge_count"] == 1 and r.json()["status"] == "dispatched"
    r = post(client, f"/api/tickets/{number}/urge", {"caller": "诉求人本人", "note": ""})
    assert r.status_code == 422 and r.json()["field"] == "note"
