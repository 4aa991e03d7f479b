"""/api/catalog: the public catalogue with filters, detail by version, versions, change log; staff writes, 4xx errors."""

import pytest

from zhengwu.catalog import services
from zhengwu.catalog.models import ItemVersion

pytestmark = pytest.mark.django_db
API = "/api/catalog"


@pytest.fixture
def published(make_spec, water, market, publish_item):
    return {
        "water": publish_item(make_spec(), water),
        "licence": publish_item(
            make_spec(
                name="营业执照核发",
                basic_code="010100100000",
                themes=["开办企业"],
                target=["legal_person"],
                online_depth=["consult", "handle"],
            ),
            market,
        ),
        "grant": publish_item(
            make_spec(
                name="高龄津贴发放", type="05", basic_code="050100100000", themes=["养老"], target=["person"]
            ),
            market,
        ),
    }


def codes(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["items"]]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"取水许可", "营业执照核发", "高龄津贴发放"}),
        ("?type=05", {"高龄津贴发放"}),
        ("?theme=开办企业", {"营业执照核发"}),
        ("?target=person", {"取水许可", "高龄津贴发放"}),
        ("?online=handle", {"营业执照核发"}),
        ("?q=yyzz", {"营业执照核发"}),
        ("?q=營業執照", {"营业执照核发"}),
        ("?type=05&target=legal_person", set()),
    ],
)
def test_list_filters(client, published, query, expected):
    assert set(codes(client.get(f"{API}/items{query}"))) == expected


def test_list_by_organisation_and_paging(client, published, market):
    response = client.get(f"{API}/items?organisation={market.pk}&limit=1")
    assert response.json()["count"] == 2 and len(response.json()["items"]) == 1


def test_detail_shows_current_version_and_older_by_number(client, published, spec):
    item = published["water"]
    services.edit_item(item=item, spec={**spec, "conditions": "新条件"}, reason="调整条件")
    services.submit(item=item)
    services.publish(item=item)

    current = client.get(f"{API}/items/{item.code}").json()
    assert (current["version"], current["conditions"], current["current"]) == (2, "新条件", True)
    assert current["type_label"] == "行政许可" and current["fee_free"] is True
    assert [s["name"] for s in current["steps"]] == ["受理", "审查", "决定"]
    old = client.get(f"{API}/items/{item.code}?version=1").json()
    assert (old["version"], old["conditions"], old["current"]) == (1, spec["conditions"], False)
    versions = client.get(f"{API}/items/{item.code}/versions").json()
    assert [(v["number"], v["current"]) for v in versions] == [(2, True), (1, False)]


def test_drafts_are_hidden_from_the_public(client, published, spec):
    item = published["water"]
    services.edit_item(item=item, spec={**spec, "conditions": "草稿中"}, reason="x")
    assert client.get(f"{API}/items/{item.code}?version=2").status_code == 404
    assert [v["number"] for v in client.get(f"{API}/items/{item.code}/versions").json()] == [1]


def test_unknown_item_answers_404_with_code_message_field(client, db):
    body = client.get(f"{API}/items/NOPE").json()
    assert body["code"] == "not_found" and body["field"] == "code" and "NOPE" in body["message"]


def test_change_log_and_differences(client, published, spec, water):
    log = client.get(f"{API}/changes?kind=added").json()
    assert log["count"] == 3 and {e["kind_label"] for e in log["items"]} == {"新增"}
    assert client.get(f"{API}/changes?kind=cancelled").json()["count"] == 0
    assert client.get(f"{API}/items/{published['water'].code}/differences").json() == []


def test_staff_write_flow_with_errors(client, approver, manager, water, spec):
    assert (
        client.post(
            f"{API}/items", {"organisation_id": water.pk, "spec": spec}, content_type="application/json"
        ).status_code
        == 401
    )

    client.force_login(approver)
    bad = client.post(
        f"{API}/items",
        {"organisation_id": water.pk, "spec": {**spec, "promised_limit": 30}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "promised_limit" and "法定办结时限" in bad.json()["message"]
    assert (
        client.post(
            f"{API}/items", {"organisation_id": 999999, "spec": spec}, content_type="application/json"
        ).status_code
        == 404
    )

    created = client.post(
        f"{API}/items", {"organisation_id": water.pk, "spec": spec}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["status"] == "draft"
    code = created.json()["code"]
    assert (
        client.post(
            f"{API}/items", {"organisation_id": water.pk, "spec": spec}, content_type="application/json"
        ).status_code
        == 409
    )
    edited = client.put(
        f"{API}/items/{code}/draft", {"spec": {**spec, "conditions": "改过"}}, content_type="application/json"
    )
    assert edited.json()["conditions"] == "改过" and edited.json()["version"] == 1
    assert client.post(f"{API}/items/{code}/submit").json()["status"] == "submitted"
    denied = client.post(f"{API}/items/{code}/publish", {}, content_type="application/json")
    assert denied.status_code == 403 and denied.json()["code"] == "forbidden"

    client.force_login(manager)
    backdated = (
        client.post(  # the clock reads 2026-11-18: a change takes effect on its publication at the earliest
            f"{API}/items/{code}/publish", {"effective_on": "2025-05-01"}, content_type="application/json"
        )
    )
    assert backdated.status_code == 422 and backdated.json()["field"] == "effective_on"
    assert "早于今天(2026-11-18)" in backdated.json()["message"]
    assert ItemVersion.objects.get().status == "submitted"
    done = client.post(
        f"{API}/items/{code}/publish", {"effective_on": "2026-11-18"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["effective_on"] == "2026-11-18" and done.json()["current"]
    again = client.post(f"{API}/items/{code}/publish", {}, content_type="application/json")
    assert again.status_code == 409
    assert client.get(f"{API}/items?q=取水").json()["count"] == 1

    backdated = client.post(
        f"{API}/items/{code}/cancel",
        {"reason": "职能调整", "effective_on": "2024-01-01"},
        content_type="application/json",
    )
    assert backdated.status_code == 422 and backdated.json()["field"] == "effective_on"
    assert client.get(f"{API}/items?q=取水").json()["count"] == 1  # still in the catalogue
    cancelled = client.post(
        f"{API}/items/{code}/cancel", {"reason": "职能调整"}, content_type="application/json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["kind"] == "cancelled"
    assert client.get(f"{API}/items?q=取水").json()["count"] == 0
    assert ItemVersion.objects.get().status == "published"
