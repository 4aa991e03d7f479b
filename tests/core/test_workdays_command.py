import io
import json

import pytest
from django.core.management import CommandError, call_command

from zhengwu.core.management.commands.workdays import Command
from zhengwu.core.models import AuditRecord, CalendarYear

pytestmark = pytest.mark.django_db

YEAR_2027 = {
    "year": 2027,
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"] + [f"2027-10-0{d}" for d in range(1, 8)],
    "workdays": ["2027-09-26", "2027-10-09"],
    "source": "测试用安排",
}


def run(*args) -> str:
    out = io.StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "printed"),
    [
        (["add", "2026-09-30", "20"], "2026-11-03"),
        (["add", "2026-02-13", "1"], "2026-02-14"),
        (["add", "2026-10-01", "0"], "2026-10-01"),
        (["add", "2026-12-30", "5"], "2027-01-06 provisional"),
        (["count", "2026-09-30", "2026-11-03"], "20"),
        (["count", "2026-11-03", "2026-09-30"], "-20"),
        (["count", "2025-09-30", "2025-10-12"], "3"),
        (["count", "2026-12-25", "2027-01-08"], "10 provisional"),
        (["count", "2027-03-01", "2027-03-01"], "0"),
        (["check", "2026-10-10"], "workday"),
        (["check", "2026-10-01"], "rest day"),
        (["check", "2025-10-08"], "rest day"),
        (["check", "2027-01-02"], "rest day provisional"),
        (["check", "2027-01-01"], "workday provisional"),
    ],
)
def test_prints_exactly(args, printed):
    assert run(*args) == printed + "\n"


def test_load_then_results_are_final(tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(YEAR_2027, ensure_ascii=False), encoding="utf-8")
    assert run("check", "2027-01-01") == "workday provisional\n"

    printed = run("load", str(path))

    assert printed == "已载入 2027 年节假日安排:法定节假日 10 天,调休上班日 2 天,依据:测试用安排\n"
    assert run("check", "2027-01-01") == "rest day\n"
    assert run("add", "2027-09-30", "1") == "2027-10-08\n"
    assert run("check", "2027-10-09") == "workday\n"
    assert CalendarYear.objects.get().loaded_by == "zhengwu workdays load"
    assert AuditRecord.objects.get().actor_label == "zhengwu workdays load"


def test_show_lists_holidays_and_adjusted_days():
    printed = run("show", "2026").splitlines()
    assert printed[0].startswith("2026 年节假日安排")
    assert "2026-10-10(星期六) 国庆节·调休上班日" in printed
    assert "2026-02-17(星期二) 春节·法定节假日" in printed


def _write(tmp_path, content) -> str:
    path = tmp_path / "year.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"year": 2027, "holidays": [', "不是有效的 JSON:第 1 行"),
        ("[2027]", "JSON 对象"),
        (b"\xff\xfe{}", "UTF-8"),
        ({"year": 2027}, "缺少字段「holidays」"),
        ({**YEAR_2027, "holiday": []}, "未知字段「holiday」"),
        ({**YEAR_2027, "year": "2027"}, "年份必须是 2000 至 2099 之间的整数,收到「2027」"),
        (
            {**YEAR_2027, "holidays": ["2027-01-01", "2026-12-31"]},
            "法定节假日第 2 项「2026-12-31」不在 2027 年内",
        ),
        ({**YEAR_2027, "holidays": ["2027-01-01", "2027-01-01"]}, "法定节假日「2027-01-01」重复出现"),
        ({**YEAR_2027, "workdays": ["2027-10-01"]}, "「2027-10-01」同时出现在法定节假日和调休上班日中"),
        ({**YEAR_2027, "holidays": ["2027-13-01"]}, "法定节假日第 1 项「2027-13-01」不是有效日期"),
        ({**YEAR_2027, "workdays": ["2027-02-08"]}, "调休上班日「2027-02-08」是星期一,本来就是工作日"),
        ({**YEAR_2027, "holidays": []}, "法定节假日列表为空"),
    ],
)
def test_load_rejects_each_bad_file_and_writes_nothing(tmp_path, content, message):
    with pytest.raises(CommandError) as exc:
        run("load", _write(tmp_path, content))
    assert message in str(exc.value)
    assert not CalendarYear.objects.exists()
    assert not AuditRecord.objects.exists()


def test_load_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run("load", str(tmp_path / "nope.json"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "2026-09-31", "3"], "「2026-09-31」不是有效日期"),
        (["add", "2026-09-30", "-3"], "工作日数不能为负数"),
        (["add", "2026-09-30", "三"], "「三」不是整数"),
        (["count", "2026-09-30", "tomorrow"], "「tomorrow」不是有效日期"),
        (["check", "20261001"], "应写作 YYYY-MM-DD"),
        (["show", "2030"], "2030 年的节假日安排尚未载入"),
    ],
)
def test_bad_arguments_are_explained(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_from_the_command_line_an_error_goes_to_stderr_with_exit_code_1(tmp_path, capsys, monkeypatch):
    # run_from_argv closes every connection when done; keep the test's transaction open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    path = _write(tmp_path, {**YEAR_2027, "workdays": ["2027-02-08"]})
    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["zhengwu", "workdays", "--skip-checks", "load", path])
    captured = capsys.readouterr()
    assert exc.value.code == 1
    assert "调休上班日「2027-02-08」是星期一" in captured.err
    assert captured.out == ""
    assert not CalendarYear.objects.exists()
