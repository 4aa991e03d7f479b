"""Issue 14.5: while the database (or Redis) is unavailable, clients get answers they can use — 503 with Retry-After,
JSON {code, message} on the API and the Chinese error page naming 12345 and the counter on pages — not the HTML 500."""

from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.test import Client

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def database_down():
    return mock.patch.object(
        connections["default"], "ensure_connection", side_effect=OperationalError("connection refused")
    )


@pytest.fixture
def anyone():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("url", ["/api/catalog/items", "/api/tickets/public/faq"])
def test_the_api_answers_json_503_with_retry_after(anyone, url, settings):
    settings.ZHENGWU_RETRY_AFTER_SECONDS = 45
    with database_down():
        response = anyone.get(url)
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "45"
    body = response.json()
    assert body["code"] == "unavailable" and "45 秒后重试" in body["message"]


def test_a_signed_in_api_call_whose_session_cannot_be_read_is_503_too(anyone):
    anyone.force_login(make_user("signed"))
    with database_down():
        response = anyone.post("/api/tickets/", {}, content_type="application/json")
    assert response.status_code == 503 and response.json()["code"] == "unavailable"


@pytest.mark.parametrize("url", ["/", "/services/"])
def test_pages_show_the_chinese_503_page_with_12345_and_the_counter(anyone, url):
    with database_down():
        response = anyone.get(url)
    html = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert '<html lang="zh-Hans"' in html and "系统暂时不可用" in html
    assert "12345" in html and "政务服务中心窗口" in html


def test_a_bug_is_still_a_500_and_json_on_the_api(anyone):
    with mock.patch("zhengwu.tickets.selectors.faq", side_effect=RuntimeError("bug")):
        response = anyone.get("/api/tickets/public/faq")
    assert response.status_code == 500 and response.json()["code"] == "server_error"
    assert "Retry-After" not in response
