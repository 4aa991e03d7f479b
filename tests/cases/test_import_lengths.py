"""`zhengwu cases import`: a value longer than the column it goes into is refused on its line, naming the field —
the applicant's name, address, the query code, an event's actor were cut to their columns before, silently."""

import json

from tests.cases.conftest import resident_id, world  # noqa: F401 — fixtures
from zhengwu.cases import importer
from zhengwu.cases.models import Applicant, Case


def _line(world, *, name="陈六", address="贵溪市建设路 1 号", actor="", query_code=None, digits="321"):  # noqa: F811
    record = {
        "item": {"code": world.item.code, "version": world.item.current_version.number},
        "applicant": {
            "kind": "natural",
            "name": name,
            "id_number": resident_id("19700505", digits),
            "address": address,
        },
        "events": [{"at": "2025-09-26T09:30:00+08:00", "action": "submit", "actor": actor}],
    }
    if query_code is not None:
        record["query_code"] = query_code
    return json.dumps(record, ensure_ascii=False)


def test_a_value_too_long_for_its_column_refuses_its_line_naming_the_field(world, tmp_path):  # noqa: F811
    lines = [
        _line(world),
        _line(world, name="欧阳" * 51, digits="332"),
        _line(world, address="贵溪市" * 67, digits="343"),
        _line(world, actor="窗口" * 76, digits="354"),
        _line(world, query_code="ABCDEFGHJ", digits="365"),
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = importer.import_file(path)
    assert report.imported == 0
    assert report.errors == [
        (2, "applicant.name", "「姓名/名称 applicant.name」最长 100 个字符,现有 102 个"),
        (3, "applicant.address", "「地址 applicant.address」最长 200 个字符,现有 201 个"),
        (4, "events[1].actor", "第 1 个事件:「操作人 actor」最长 150 个字符,现有 152 个"),
        (5, "query_code", "「查询码 query_code」最长 8 个字符,现有 9 个"),
    ]
    # a file with a bad line imports nothing (the good line 1 neither), nothing cut
    assert not Case.objects.filter(channel="import").exists()
    assert not Applicant.objects.filter(name="陈六").exists()
    assert not Applicant.objects.filter(address__startswith="贵溪市贵溪市").exists()
