"""The demo loader publishes every item through the services and may run again without changing anything."""

import json
from pathlib import Path

import pytest

from zhengwu.catalog import demo, selectors
from zhengwu.catalog.models import ChangeLogEntry, ItemVersion, ServiceItem

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).parent / "data" / "demo_water.json"


def test_loader_publishes_items_and_is_idempotent(water):
    first = demo.load_demo_catalogue([FIXTURE])
    assert (len(first.created), first.problems) == (2, [])
    assert sorted(e.display_name for e in selectors.published()) == [
        "取水许可",
        "河道管理范围内建设项目工程建设方案审批",
    ]
    assert all(
        i.code.startswith(water.uscc) and i.basic_code.startswith("01") for i in ServiceItem.objects.all()
    )

    again = demo.load_demo_catalogue([FIXTURE])
    assert (again.created, again.revised, len(again.unchanged)) == ([], [], 2)
    assert ItemVersion.objects.count() == 2
    assert ChangeLogEntry.objects.count() == 2


def test_changed_demo_file_gives_a_new_version(water, tmp_path):
    demo.load_demo_catalogue([FIXTURE])
    data = json.loads(FIXTURE.read_text("utf-8"))
    data["items"][0]["promised_limit"] = 12
    changed = tmp_path / "water.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), "utf-8")

    report = demo.load_demo_catalogue([changed])
    assert (len(report.revised), len(report.unchanged)) == (1, 1)
    item = ServiceItem.objects.filter(versions__name="取水许可").distinct().get()
    assert [v.promised_limit for v in item.versions.order_by("number")] == [10, 12]
    assert item.current_version.number == 2


def test_unknown_organisation_and_bad_items_are_reported(county, water, tmp_path):
    data = json.loads(FIXTURE.read_text("utf-8"))
    data["items"][1]["promised_limit"] = 30
    data["items"][1]["instant"] = False
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    nobody = tmp_path / "nobody.json"
    nobody.write_text(json.dumps({"organisation": "不存在局", "items": []}, ensure_ascii=False), "utf-8")

    report = demo.load_demo_catalogue([bad, nobody])
    assert len(report.created) == 1
    assert any("promised_limit" in p and "不能超过法定办结时限" in p for p in report.problems)
    assert any("不存在局" in p for p in report.problems)
