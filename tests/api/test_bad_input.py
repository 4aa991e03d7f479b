"""Bad input to /api answers a clear Chinese {code, message, field}, never a 500 (found by schemathesis fuzzing)."""

import datetime as dt
import inspect

import pytest
from ninja import Schema

from zhengwu.api import calendar, cases, catalog, disclosure, evaluation, ids, supervision, tickets
from zhengwu.core import clock
from zhengwu.disclosure import services as disclosure_services
from zhengwu.tickets import services as ticket_services

pytestmark = pytest.mark.django_db

HUGE = 10**23  # past a 64-bit database integer


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def error(response, status: int, field: str | None = None, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"code", "message", "field"}, body
    assert chinese(body["message"]), body
    assert body["field"] == field, body
    if code:
        assert body["code"] == code, body
    return body


def post(client, url, data, **kw):
    return client.post(url, data, content_type="application/json", **kw)


# ---- the OpenAPI document


def test_every_schema_name_is_one_schema():
    """OpenAPI names components by class name: two routers' different `DueOut`s became one, so the document
    described /api/disclosure/due with /api/cases/due's answer (and ticket extensions with case extensions)."""
    seen: dict[str, dict] = {}
    for module in (calendar, cases, catalog, disclosure, evaluation, ids, supervision, tickets):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls is not Schema and cls.__module__ == module.__name__:
                shape = cls.model_json_schema()
                assert seen.setdefault(name, shape) == shape, f"two different schemas are called {name}"


def test_the_openapi_document_describes_each_router_own_schemas(client):
    spec = client.get("/api/openapi.json").json()
    components = spec["components"]["schemas"]

    def body_of(path, method="post"):
        ref = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return components[ref.rsplit("/", 1)[-1]]

    assert "workdays" in body_of("/api/tickets/{number}/extensions")["properties"]
    assert "spec" in body_of("/api/catalog/items")["properties"]
    assert body_of("/api/catalog/items/{code}/return")["required"] == ["note"]
    due = spec["paths"]["/api/disclosure/due"]["get"]["responses"]["200"]["content"]["application/json"]
    answer = components[due["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert answer["properties"]["explanation"]["items"] == {"type": "string"}


# ---- bodies the parser cannot read


def test_a_body_that_is_not_json_says_so_in_chinese(client):
    body = error(client.post("/api/evaluation/ratings", "{bad", content_type="application/json"), 400)
    assert body["code"] == "invalid_json" and "JSON" in body["message"]
    error(client.post("/api/evaluation/ratings", b"\xff\xfe", content_type="application/json"), 400)


def test_a_multipart_body_without_boundary_is_a_clear_400_not_an_html_page(client, world):
    client.force_login(world.operator)
    r = client.post("/api/tickets/", "x", content_type="multipart/form-data")
    assert r["Content-Type"].startswith("application/json")
    assert error(r, 400)["code"] == "invalid_body"


# ---- NUL characters (PostgreSQL text cannot hold them: a 500 there)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/catalog/changes?code=%00", "code"),
        ("/api/catalog/items?type=a%00b", "type"),
        ("/api/disclosure/publications?number=%00", "number"),
        ("/api/cases/status?number=%00&query_code=X", "number"),
        ("/api/tickets/track/%00?code=X", None),
        ("/api/catalog/items/%00", None),
        ("/api/cases/verify/%00", None),
    ],
)
def test_nul_in_the_query_or_path_is_refused(client, url, field):
    body = error(client.get(url), 422, field, code="validation_failed")
    assert "空字符" in body["message"]


def test_nul_in_a_json_body_names_the_field(client, world):
    client.force_login(world.operator)
    r = post(client, "/api/tickets/", {"kind": "complaint", "category": "city.\u0000", "content": "噪音"})
    assert "空字符" in error(r, 422, "category")["message"]
    r = post(
        client, "/api/tickets/", {"kind": "complaint", "category": "x", "content": "噪音", "tags": ["a\x00"]}
    )
    error(r, 422, "tags.0")


# ---- numbers past a database integer, offsets


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/catalog/items?offset={HUGE}", "offset"),
        (f"/api/catalog/items?limit={HUGE}", "limit"),
        (f"/api/catalog/items?organisation={HUGE}", "organisation"),
        (f"/api/catalog/items?organisation=-{HUGE}", "organisation"),
        (f"/api/catalog/changes?offset={HUGE}", "offset"),
        (f"/api/disclosure/publications?offset={HUGE}", "offset"),
        (f"/api/disclosure/publications?organisation={HUGE}", "organisation"),
        (f"/api/tickets/public/mailbox?offset={HUGE}", "offset"),
    ],
)
def test_numbers_too_large_for_the_database_are_a_422(client, url, field):
    body = error(client.get(url), 422, field, code="validation_failed")
    assert body["message"].startswith(f"{field}:不能")


def test_case_and_ticket_lists_take_any_offset_without_a_500(client, world):
    client.force_login(world.manager)
    assert client.get("/api/cases?offset=-5").status_code == 200  # counts as 0, as the ticket list does
    error(client.get(f"/api/cases?offset={HUGE}"), 422, "offset")
    assert client.get("/api/tickets/?offset=-5").status_code == 200
    error(client.get(f"/api/tickets/?offset={HUGE}"), 422, "offset")


# ---- schema errors in Chinese


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("/api/catalog/items?limit=0", "limit", "limit:不能小于 1"),
        ("/api/catalog/items?offset=-1", "offset", "offset:不能小于 0"),
        ("/api/catalog/changes?since=-1", "since", "since:日期格式应为 YYYY-MM-DD"),
        ("/api/disclosure/due?received=2026-02-30", "received", "received:日期格式应为 YYYY-MM-DD"),
    ],
)
def test_schema_errors_are_in_chinese(client, url, field, message):
    assert error(client.get(url), 422, field)["message"] == message


def test_wrong_types_in_a_body_are_in_chinese(client):
    r = post(client, "/api/evaluation/ratings", {"token": 5, "level": 1.5, "tags": "x"})
    body = error(r, 422, "token")
    assert [e["message"] for e in body["errors"]] == ["token:应为文本", "level:应为整数", "tags:应为列表"]


# ---- the rest, one endpoint each


def test_a_query_code_in_chinese_is_just_wrong(client, org):
    r = disclosure_services.file_request(
        organisation=org,
        channel="in_person",
        requester_kind="natural_person",
        requester_name="张三",
        description="2025年城区土地征收补偿标准",
        phone="13800138000",
    )
    body = error(
        client.get(f"/api/disclosure/requests/{r.number}", {"code": "查询码é"}), 404, code="not_found"
    )
    assert body["message"] == "申请编号或查询码不正确"


def _ticket(world):
    return ticket_services.file_ticket(
        kind="complaint",
        channel="hotline",
        category=world.noise,
        content="工地夜间施工噪音",
        caller_name="张伟",
        caller_phone="13979712345",
        by=world.operator,
    )


def test_closing_with_an_unknown_knowledge_entry_names_it(client, world):
    t = _ticket(world)
    client.force_login(world.operator)
    r = post(client, f"/api/tickets/{t.number}/close", {"answer": "已解答", "knowledge_entry": 999999})
    assert "999999" in error(r, 404, "knowledge_entry", code="not_found")["message"]


def test_hot_topics_until_far_out_of_range_is_a_422(client, world):
    client.force_login(world.operator)
    for until in ("0001-01-01", "9999-12-31"):
        body = error(client.get("/api/tickets/analysis/hot-topics", {"until": until}), 422, "until")
        assert "超出可计算的范围" in body["message"]


def test_supervision_due_without_a_time_zone_is_local_time(client, world):
    t = ticket_services.dispatch_ticket(
        ticket=_ticket(world), lead=world.housing, by=world.operator
    )  # 督办 needs one
    client.force_login(world.supervisor)
    later = (clock.today() + dt.timedelta(days=30)).isoformat()
    r = post(client, f"/api/tickets/{t.number}/supervise", {"due": f"{later}T17:00:00", "note": "请尽快处理"})
    assert r.status_code == 201, r.content
    assert r.json()["due"].startswith(f"{later}T")
    for due in ("0001-01-01", "9999-12-31"):
        r = post(client, f"/api/tickets/{t.number}/supervise", {"due": due, "note": "请尽快处理"})
        error(r, 422, "due")


def test_an_unknown_queue_is_a_422_naming_the_queues(client, world):
    client.force_login(world.manager)
    body = error(client.get("/api/cases", {"queue": "null"}), 422, "queue", code="validation_failed")
    assert "「null」" in body["message"] and "to_accept" in body["message"]


def test_every_operation_documents_its_schema_and_body_errors(client):
    spec = client.get("/api/openapi.json").json()
    assert set(spec["components"]["schemas"]["ApiError"]["required"]) == {"code", "message", "field"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "422" in operation["responses"], (method, path)
            if "requestBody" in operation:
                assert "400" in operation["responses"], (method, path)
            if operation.get("security"):
                assert "403" in operation["responses"], (method, path)
