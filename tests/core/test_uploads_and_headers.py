"""Issue 14.6: a body larger than the limit is refused by its Content-Length before it is read; uploads are served
as attachments with nosniff."""

import time

import pytest
from django.test import Client

from zhengwu.core import files

pytestmark = pytest.mark.django_db

DECLARED = 200 * 1024 * 1024


class Unreadable:
    """A request body that fails the test if anything reads it."""

    read_bytes = 0

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read

    def __iter__(self):
        raise AssertionError("the body was read")


def declare(client, path, content_type):
    started = time.perf_counter()
    response = client.generic(
        "POST",
        path,
        b"",
        content_type=content_type,
        CONTENT_LENGTH=str(DECLARED),
        **{"wsgi.input": Unreadable()},
    )
    return response, time.perf_counter() - started


def test_a_200_mb_api_upload_is_refused_unread_with_a_chinese_413():
    response, _ = declare(Client(), "/api/tickets/", "multipart/form-data; boundary=x")
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_large" and "每次提交不能超过 50 MB" in body["message"]


def test_a_200_mb_page_upload_is_refused_unread_with_the_chinese_page():
    response, _ = declare(Client(), "/cases/apply/anything/", "multipart/form-data; boundary=x")
    html = response.content.decode()
    assert response.status_code == 413 and "上传内容过大" in html and "200.0 MB" in html


def test_the_limit_is_a_setting(settings):
    settings.ZHENGWU_REQUEST_MAX_BYTES = 300 * 1024 * 1024
    assert files.request_limit() == 300 * 1024 * 1024
    client = Client(raise_request_exception=False)
    response = client.post("/api/tickets/", {"a": "b"})  # small bodies pass on to the view as before
    assert response.status_code != 413


# ---- headers ---------------------------------------------------------------------------------------------------


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else "" for d in header.split("; ")}


@pytest.mark.parametrize("url", ["/", "/services/", "/api/catalog/items", "/api/docs"])
def test_pages_and_the_api_carry_a_policy_that_allows_no_inline_script(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == "'self'" and "unsafe-inline" not in policy["script-src"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_holds_inline_script_or_event_handlers():
    import pathlib
    import re

    src = pathlib.Path(files.__file__).parents[1]
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+=\"", re.I)
    found = [
        str(path.relative_to(src))
        for path in src.rglob("*.html")
        if inline.search(path.read_text()) or handler.search(path.read_text())
    ]
    assert found == []


def test_hsts_with_zhengwu_secure(client, settings):
    import subprocess
    import sys

    code = "import zhengwu.settings as s; print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    env = {**__import__("os").environ, "ZHENGWU_SECURE": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["31536000", "True"]
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
