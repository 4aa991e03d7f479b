"""`zhengwu cases import`: a file goes in whole or not at all. Every line is checked first and every bad one reported
with its line, its column (the key at fault) and the reason; while any is bad nothing is written — a file with an
error on its last line used to leave the lines before it written. A number given twice in the file is a bad line,
and a line without a number never takes one a later line gives. The file is read and written in batches: the
statements grow with the batches, not with the lines (they were some eight a line)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.conftest import resident_id, world  # noqa: F401 — fixtures
from zhengwu.cases import importer
from zhengwu.cases.models import Applicant, Case, CaseEvent


def _line(world, number=None, digits="321", **changes):  # noqa: F811
    record = {
        "item": {"code": world.item.code, "version": 1},
        "applicant": {"kind": "natural", "name": "陈六", "id_number": resident_id("19700505", digits)},
        "events": [
            {"at": "2025-09-26T09:30:00+08:00", "action": "submit", "actor": "王窗口"},
            {"at": "2025-09-26T10:00:00+08:00", "action": "accept", "actor": "王窗口"},
        ],
        **changes,
    }
    if number is not None:
        record["number"] = number
    return json.dumps(record, ensure_ascii=False)


def _file(tmp_path, lines):
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_bad_last_line_keeps_the_whole_file_out(world, tmp_path):  # noqa: F811
    good = [_line(world, f"360681-2025-{n:06d}") for n in range(1, 5)]
    late = json.loads(_line(world, "360681-2025-000005"))
    late["events"][1]["at"] = "2025-09-26T09:00:00+08:00"  # before the submit
    report = importer.import_file(_file(tmp_path, [*good, json.dumps(late, ensure_ascii=False)]))
    assert report.imported == 0
    assert report.errors == [(5, "events[2].at", "第 2 个事件的时间早于上一个事件")]
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    assert not Applicant.objects.filter(name="陈六").exists()


def test_every_bad_line_is_reported_with_its_column(world, tmp_path):  # noqa: F811
    lines = [
        _line(world, "360681-2025-000001"),
        _line(world, "360681-2025-000001", digits="332"),  # the same number again
        _line(world, channel="fax"),
        _line(world, item={"code": world.item.code, "version": 9}),
        _line(world, "2025-1"),
    ]
    report = importer.import_file(_file(tmp_path, lines))
    assert report.imported == 0 and not Case.objects.exists()
    assert [(line, column) for line, column, _reason in report.errors] == [
        (2, "number"),
        (3, "channel"),
        (4, "item.version"),
        (5, "number"),
    ]
    assert report.errors[0][2] == "办件编号「360681-2025-000001」与第 1 行重复"


def test_a_line_without_a_number_never_takes_one_a_later_line_gives(world, tmp_path):  # noqa: F811
    # line 1 took 360681-2025-000001 and line 2, giving that number, was then skipped as 已存在: a case lost
    report = importer.import_file(_file(tmp_path, [_line(world), _line(world, "360681-2025-000001", "332")]))
    assert (report.imported, report.skipped, report.errors) == (2, 0, [])
    numbers = dict(Case.objects.values_list("applicant__id_number", "number"))
    assert numbers[resident_id("19700505", "332")] == "360681-2025-000001"
    assert numbers[resident_id("19700505", "321")] == "360681-2025-000002"


def _statements(world, tmp_path, count, start):  # noqa: F811
    lines = [_line(world, f"360681-2025-{start + n:06d}", digits=f"{start + n:03d}") for n in range(count)]
    path = _file(tmp_path, lines)
    with CaptureQueriesContext(connection) as queries:
        report = importer.import_file(path)
    assert report.imported == count
    return len(queries)


def test_the_statements_do_not_grow_with_the_lines(world, tmp_path):  # noqa: F811
    few = _statements(world, tmp_path, 3, 100)
    many = _statements(world, tmp_path, 30, 200)
    assert many - few <= 4  # one more INSERT of a batch here and there, not 27 lines' worth
    assert Case.objects.count() == 33 and Applicant.objects.filter(name="陈六").count() == 33


def test_a_failure_while_writing_leaves_nothing_written(world, tmp_path, monkeypatch):  # noqa: F811
    from zhengwu.core import audit

    recorded = []

    def power_cut(action, obj=None, **kwargs):
        recorded.append(action)
        if len(recorded) == 2:
            raise RuntimeError("数据库连接中断")

    monkeypatch.setattr(audit, "record", power_cut)
    lines = [_line(world, f"360681-2025-{n:06d}", digits=f"{n:03d}") for n in range(1, 4)]
    with pytest.raises(RuntimeError):
        importer.import_file(_file(tmp_path, lines))
    assert not Case.objects.exists() and not Applicant.objects.filter(name="陈六").exists()
