"""The guide's 办理窗口: each chosen window with its centre's address and hours, on the page and in the PDF; an item
with no window chosen keeps the general wording and its own address and hours."""

import copy
import re
import shutil
import subprocess

import pytest

from tests.catalog.conftest import SPEC
from tests.factories import make_centre, make_organisation, make_region, make_window
from zhengwu.catalog import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def water():
    county = make_region("360681", "贵溪市", parent=make_region("360600", "鹰潭市"))
    return make_organisation("贵溪市水利局", region=county, short_name="水利局")


def _publish(water, **changes):
    spec = {**copy.deepcopy(SPEC), **changes}
    version = services.create_item(spec=spec, organisation=water)
    services.submit(item=version.item)
    services.publish(item=version.item)
    return version.item


def _where(html: str) -> str:
    cell = re.search(r'data-testid="windows">(.*?)</td>', html, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()


def test_guide_lists_each_window_with_its_centres_address_and_hours(client, water, tmp_path):
    centre = make_centre(
        "贵溪市政务服务中心", water.region, address="民主路80号", opening_hours="周一至周五 9:00-17:00"
    )
    make_window(centre, "28", "水利专窗", [water])
    item = _publish(water, windows=[{"centre": "贵溪市政务服务中心", "number": "28"}])
    html = client.get(f"/services/{item.code}/").content.decode()
    assert (
        _where(html)
        == "贵溪市政务服务中心 28号窗口 (水利专窗) 地址:民主路80号 办公时间:周一至周五 9:00-17:00"
    )
    assert "政务服务中心综合窗口" not in html

    if shutil.which("pdftotext"):
        path = tmp_path / "guide.pdf"
        path.write_bytes(client.get(f"/services/{item.code}/guide.pdf").content)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "28号窗口" in text and "民主路80号" in text


def test_guide_without_windows_keeps_the_general_wording(client, water):
    item = _publish(water, address="市民服务中心二楼", opening_hours="工作日 9:00-17:00")
    html = client.get(f"/services/{item.code}/").content.decode()
    assert _where(html) == "政务服务中心综合窗口"
    assert "市民服务中心二楼" in html and "工作日 9:00-17:00" in html
