"""/favicon.ico is served (browsers ask for it on every site), and the pages name their icons."""

import pytest
from PIL import Image

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_a_real_icon(client, tmp_path):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert "max-age" in response["Cache-Control"]
    path = tmp_path / "favicon.ico"
    path.write_bytes(b"".join(response.streaming_content))
    with Image.open(path) as icon:
        assert icon.format == "ICO" and (16, 16) in icon.info["sizes"] and (32, 32) in icon.info["sizes"]


def test_portal_and_workbench_pages_link_their_icons(client):
    for path in ("/", "/accounts/login/"):
        html = client.get(path).content.decode()
        assert '<link rel="icon" href="/favicon.ico"' in html and 'type="image/svg+xml"' in html
    assert client.get("/static/zhengwu/favicon.svg").status_code == 200
