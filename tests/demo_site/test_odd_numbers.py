"""A number typed as ², ３ or ① — which str.isdigit() accepts and int() refuses — in an address or a posted field is
not a number the page can use, never a 500 (a stranger's pass found eight such pages after the forms moved to
Django forms; core.inputs.whole is the one reading of a typed whole number)."""

import pytest

from zhengwu.core.demo import demo_password

SUPERSCRIPT_TWO = "²"

GETS = [
    ("clerk", "/workbench/evaluation/notices/new/?item=²"),
    ("clerk", "/workbench/evaluation/notices/new/?entry=²"),
    ("manager", "/workbench/catalog/new/windows/?organisation=²"),
    ("manager", "/workbench/fees/catalogue/?organisation=²"),
    ("disclosure", "/workbench/disclosure/catalogue/?org=²"),
    (None, "/disclosure/?category=²"),
]


@pytest.mark.parametrize("username, url", GETS)
def test_an_address_with_a_superscript_number_is_answered(demo_site, client, username, url):
    if username:
        client.post("/accounts/login/", {"username": username, "password": demo_password()})
    assert client.get(url).status_code < 500


POSTS = [
    ("manager", "/workbench/joint/bundles/new/", {"lead_organisation": SUPERSCRIPT_TWO, "name": "开办餐馆"}),
    ("disclosure", "/workbench/disclosure/publications/new/", {"title": "通知", "category": SUPERSCRIPT_TWO}),
]


@pytest.mark.parametrize("username, url, data", POSTS)
def test_a_posted_superscript_number_is_refused_or_ignored(demo_site, client, username, url, data):
    client.post("/accounts/login/", {"username": username, "password": demo_password()})
    assert client.post(url, data).status_code < 500
