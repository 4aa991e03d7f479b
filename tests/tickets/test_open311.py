"""Open311 GeoReport v2: services, service definitions, requests (POST with an API key, GET) in JSON and XML."""

import xml.etree.ElementTree as ET

import pytest

from zhengwu.core import clock
from zhengwu.tickets import open311, services

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.tickets.urls")]

# GeoReport v2 field lists (http://wiki.open311.org/GeoReport_v2).
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
}  # fmt: skip
POST_RESPONSE_FIELDS = {"service_request_id", "token", "service_notice", "account_id"}
ATTRIBUTE_FIELDS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
}


@pytest.fixture
def key(world):
    return services.create_api_key(name="测试客户端")[1]


def file_request(client, key, **extra):
    data = {
        "api_key": key,
        "service_code": "city.noise",
        "lat": "25.885",
        "long": "116.027",
        "address_string": "瑞金市象湖镇红都大道18号",
        "description": "工地夜间施工噪音,联系我13979712345",
        "first_name": "伟",
        "last_name": "张",
        "phone": "13979712345",
        "attribute[kind]": "complaint",
        **extra,
    }
    return client.post("/open311/v2/requests.json", data)


def test_services_list_in_json_and_xml(client, world):
    rows = client.get("/open311/v2/services.json").json()
    assert {r["service_code"] for r in rows} >= {"city.noise", "traffic.bus"}
    assert all(set(r) == SERVICE_FIELDS for r in rows)
    noise = next(r for r in rows if r["service_code"] == "city.noise")
    assert noise["group"] == "城乡建设" and noise["metadata"] is True and noise["type"] == "batch"
    r = client.get("/open311/v2/services.xml")
    assert r["Content-Type"].startswith("text/xml")
    tree = ET.fromstring(r.content)
    assert tree.tag == "services"
    assert {child.tag for child in tree.find("service")} == SERVICE_FIELDS


def test_service_definition_with_attributes(client, world):
    d = client.get("/open311/v2/services/city.noise.json").json()
    assert d["service_code"] == "city.noise"
    assert all(ATTRIBUTE_FIELDS <= set(a) for a in d["attributes"])
    kinds = next(a for a in d["attributes"] if a["code"] == "kind")
    assert {v["key"] for v in kinds["values"]} == {
        "consult",
        "help",
        "complaint",
        "report",
        "suggestion",
        "praise",
    }
    tree = ET.fromstring(client.get("/open311/v2/services/city.noise.xml").content)
    assert tree.tag == "service_definition" and tree.find("attributes/attribute/values/value/key") is not None
    assert client.get("/open311/v2/services/nope.json").status_code == 404


def test_post_needs_an_api_key(client, world):
    r = file_request(client, "wrong-key")
    assert r.status_code == 403
    assert set(r.json()[0]) == {"code", "description"}


def test_post_then_the_filer_gets_the_request_with_its_token(client, world, key):
    with clock.frozen("2025-11-24T10:00"):
        r = file_request(client, key)
        assert r.status_code == 201, r.content
        row = r.json()[0]
        assert set(row) == POST_RESPONSE_FIELDS and row["token"]
        number = row["service_request_id"]
        got = client.get(f"/open311/v2/requests/{number}.json", {"token": row["token"]}).json()[0]
    assert set(got) == REQUEST_FIELDS
    assert got["status"] == "open" and got["service_code"] == "city.noise"
    assert got["requested_datetime"] == "2025-11-24T10:00:00+08:00"
    assert "13979712345" not in got["description"]  # masked as a published text would be
    assert got["lat"] == 25.885 and got["address"].startswith("瑞金市象湖镇")


def test_expected_datetime_comes_from_the_limit_and_published_requests_carry_the_reviewed_reply(
    client, world, key
):
    with clock.frozen("2025-09-30T10:00"):
        row = file_request(client, key, **{"attribute[public_allowed]": "true"}).json()[0]
        number, token = row["service_request_id"], row["token"]
        from zhengwu.tickets.models import Ticket

        t = Ticket.objects.get(number=number)
        services.dispatch_ticket(ticket=t, lead=world.housing, by=world.operator)
        got = client.get(f"/open311/v2/requests/{number}.json", {"token": token}).json()[0]
        assert got["expected_datetime"] == "2025-10-14T23:59:59+08:00"
        assert got["agency_responsible"] == world.housing.name
        services.acknowledge(ticket=t, organisation=world.housing, by=world.housing_clerk)
        services.reply_ticket(ticket=t, organisation=world.housing, text="已责令停工", by=world.housing_clerk)
        services.record_follow_up(ticket=t, solved=True, satisfied=True, by=None)
        assert (
            client.get("/open311/v2/requests.xml", {"service_request_id": number}).content.count(b"<request>")
            == 0
        )
        services.publish_reply(ticket=t, by=world.housing_clerk)
        closed = client.get("/open311/v2/requests.xml", {"service_request_id": number, "status": "closed"})
    tree = ET.fromstring(closed.content)
    assert tree.tag == "service_requests"
    request = tree.find("request")
    assert {c.tag for c in request} == REQUEST_FIELDS
    assert request.findtext("status") == "closed" and request.findtext("status_notes") == "已责令停工"
    assert request.findtext("expected_datetime") == ""


def test_invalid_posts_are_400_with_a_description(client, world, key):
    assert file_request(client, key, service_code="nope").status_code == 400
    r = file_request(client, key, lat="", long="", address_string="")
    assert r.status_code == 400 and "lat" in r.json()[0]["description"]
    r = file_request(client, key, first_name="", last_name="")
    assert r.status_code == 400 and "姓名" in r.json()[0]["description"]
    r = client.post("/open311/v2/requests.xml", {"api_key": key, "service_code": "nope"})
    assert ET.fromstring(r.content).tag == "errors"


def test_get_requests_filters_by_status_and_service_among_published_requests(client, world, key):
    from zhengwu.tickets.models import Ticket

    for code, text in (("city.noise", "工地夜间施工"), ("traffic.bus", "公交车不按站停靠")):
        number = file_request(
            client, key, service_code=code, description=text, **{"attribute[public_allowed]": "true"}
        )
        t = services.close_directly(
            ticket=Ticket.objects.get(number=number.json()[0]["service_request_id"]),
            answer="已答复",
            by=world.operator,
        )
        services.publish_reply(ticket=t, by=world.operator)
    file_request(client, key, service_code="traffic.bus", description="不公开的诉求")
    assert len(client.get("/open311/v2/requests.json", {"service_code": "traffic.bus"}).json()) == 1
    assert len(client.get("/open311/v2/requests.json", {"status": "closed"}).json()) == 2
    assert client.get("/open311/v2/requests.json", {"status": "open"}).json() == []


def test_only_the_hash_of_a_key_is_kept(world):
    key, raw = services.create_api_key(name="客户端")
    assert key.key_hash == open311.hash_key(raw) and raw not in (key.key_hash, key.prefix + "x")


def test_a_retried_post_with_the_same_idempotency_key_files_once(client, world, key):
    from zhengwu.tickets.models import Ticket

    headers = {"Idempotency-Key": "open311-retry-1"}
    data = {"api_key": key, "service_code": "city.noise", "description": "夜间施工噪音", "phone": "13979712345",
            "address_string": "瑞金市象湖镇红都大道18号",
            "first_name": "伟", "last_name": "张", "attribute[kind]": "complaint"}  # fmt: skip
    first = client.post("/open311/v2/requests.json", data, headers=headers)
    again = client.post("/open311/v2/requests.json", data, headers=headers)
    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json() and Ticket.objects.count() == 1
