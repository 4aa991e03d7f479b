import pytest


@pytest.mark.django_db
def test_health_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_api_docs_served(client):
    assert client.get("/api/docs").status_code == 200
    assert "Zhengwu" in client.get("/api/openapi.json").json()["info"]["title"]
