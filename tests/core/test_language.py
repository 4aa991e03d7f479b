"""The interface speaks Chinese whatever language the browser asks for: Django's own strings (sizes, form errors)
never appear in English among ours."""

import pytest
from django.template import Context, Template

pytestmark = pytest.mark.django_db


def test_a_browser_asking_for_english_is_answered_in_chinese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200 and response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-Hans">' in response.content.decode()


def test_django_s_own_strings_are_chinese_too(client, settings):
    from django.utils import translation

    with translation.override(translation.get_language_from_request(_english_request())):
        assert Template("{{ n|filesizeformat }}").render(Context({"n": 303})) == "303\xa0字节"


def _english_request():
    from django.test import RequestFactory

    return RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
