import pytest

pytestmark = pytest.mark.django_db


def test_fee_and_due_endpoints(client):
    assert client.get("/api/disclosure/fee", {"items": 45}).json()["amount"] == 5500
    both = client.get("/api/disclosure/fee", {"items": 45, "pages": 40})
    assert both.status_code == 422 and both.json()["field"] == "items"
    data = client.get(
        "/api/disclosure/due", {"received": "2026-09-14", "third_party": "2026-09-18:2026-10-12"}
    ).json()
    assert data["due"] == "2026-11-03" and data["paused_workdays"] == 12
    too_long = client.get("/api/disclosure/due", {"received": "2026-09-14", "extension": 30})
    assert too_long.status_code == 422 and too_long.json()["field"] == "extension"


def test_request_status_needs_the_code(client, org):
    from zhengwu.disclosure import services

    r = services.file_request(
        organisation=org,
        channel="in_person",
        requester_kind="natural_person",
        requester_name="甲",
        description="a",
        phone="13800138000",
    )
    ok = client.get(f"/api/disclosure/requests/{r.number}", {"code": r.access_code})
    assert ok.json()["status"] == "processing"
    assert client.get(f"/api/disclosure/requests/{r.number}", {"code": "x"}).status_code == 404
