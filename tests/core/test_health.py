import pytest


@pytest.mark.django_db
def test_health_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_api_docs_served(client):
    assert client.get("/api/docs").status_code == 200
    assert "Zhengwu" in client.get("/api/openapi.json").json()["info"]["title"]


@pytest.mark.django_db
def test_schema_errors_answer_code_message_field(client):
    response = client.get("/api/calendar/add", {"date": "2026-09-30"})  # days missing
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed" and body["field"] and body["message"]
