"""`zhengwu catalog ...` for operators."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).parent / "data" / "demo_water.json"


def test_load_demo_search_and_export(water, tmp_path, capsys):
    call_command("catalog", "load-demo", str(FIXTURE))
    assert "新增2项" in capsys.readouterr().out
    call_command("catalog", "load-demo", str(FIXTURE))
    assert "新增0项,更新0项,未变2项" in capsys.readouterr().out

    call_command("catalog", "search", "qsxk")
    assert "取水许可" in capsys.readouterr().out

    out = tmp_path / "catalogue.json"
    call_command("catalog", "export", "--format", "json", "-o", str(out))
    document = json.loads(out.read_text("utf-8"))
    assert document["format"] == "zhengwu-catalogue"
    assert sorted(i["name"] for i in document["items"]) == [
        "取水许可",
        "河道管理范围内建设项目工程建设方案审批",
    ]
    assert all(i["organisation"]["uscc"] == water.uscc and i["version"] == 1 for i in document["items"])

    xlsx = tmp_path / "catalogue.xlsx"
    call_command("catalog", "export", "--format", "xlsx", "-o", str(xlsx))
    capsys.readouterr()
    call_command("catalog", "import", str(xlsx), "--publish")
    assert "新增0项,更新0项" in capsys.readouterr().out


def test_import_of_a_bad_file_fails_and_lists_problems(db, tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"nope")
    with pytest.raises(CommandError, match="未做任何修改"):
        call_command("catalog", "import", str(bad))
    assert "无法读取" in capsys.readouterr().err
