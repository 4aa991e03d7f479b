"""The legal clock over real 2025–2026 holidays: Spring Festival 2026 (02-15..02-23 off, 02-14 and 02-28 worked),
National Day 2025 (10-01..10-08 off, 09-28 and 10-11 worked), National Day 2026 (10-01..10-07 off, 10-10 worked).
Expected dates were counted by hand on the State Council's schedules."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from zhengwu.cases import deadlines
from zhengwu.cases.deadlines import Extension, Suspension
from zhengwu.core.calendar import Calendar
from zhengwu.core.errors import ValidationFailed

CAL = Calendar.build()
D = dt.date.fromisoformat


@pytest.mark.parametrize(
    "accepted, limit, extensions, suspensions, due",
    [
        # Spring Festival 2026: the Saturday 02-14 counts, 02-15..02-23 do not.
        ("2026-02-12", 5, [], [], "2026-02-26"),
        ("2026-02-12", 10, [], [], "2026-03-04"),  # 02-28 (Saturday) is worked and counts
        ("2026-02-13", 1, [], [], "2026-02-14"),
        # National Day 2025: 09-28 (Sunday) and 10-11 (Saturday) worked, 10-01..10-08 off.
        ("2025-09-26", 5, [], [], "2025-10-10"),
        ("2025-09-26", 6, [], [], "2025-10-11"),
        # National Day 2026: 10-10 (Saturday) worked.
        ("2026-09-28", 20, [], [], "2026-10-30"),
        # 第四十二条: 20 + 10 extension.
        ("2026-09-28", 20, [10], [], "2026-11-13"),
        # 第四十五条: suspended 10-09..10-16: 10-10 and 10-12..16 are not counted (6 days).
        ("2026-09-28", 20, [], [("2026-10-09", "2026-10-16")], "2026-11-09"),
        # A suspension over the holidays only costs the working days inside it (10-08, 10-09).
        ("2026-09-28", 20, [], [("2026-09-30", "2026-10-09")], "2026-11-03"),
        # The day of suspension counts; the day of resumption does not (09-30, 10-09, 10-10 skipped).
        ("2025-09-26", 5, [], [("2025-09-29", "2025-10-10")], "2025-10-14"),
        # Two suspensions (10-10, 10-12; 10-21) and an extension: 20 + 5 + 3.
        ("2026-09-28", 20, [5], [("2026-10-09", "2026-10-12"), ("2026-10-20", "2026-10-21")], "2026-11-11"),
        # 即办件: limit 0 is the day of acceptance itself.
        ("2026-02-14", 0, [], [], "2026-02-14"),
    ],
)
def test_due_dates_over_real_holidays(accepted, limit, extensions, suspensions, due):
    result = deadlines.due_date(
        CAL,
        start=D(accepted),
        limit=limit,
        extensions=[Extension(e) for e in extensions],
        suspensions=[Suspension(D(a), D(b)) for a, b in suspensions],
    )
    assert result.due == D(due)
    assert result.provisional is False


def test_explanation_names_every_holiday_adjusted_day_extension_and_suspension():
    result = deadlines.due_date(
        CAL,
        start=D("2026-09-28"),
        limit=20,
        extensions=[Extension(10, D("2026-10-20"))],
        suspensions=[Suspension(D("2026-10-09"), D("2026-10-16"), "expert_review")],
    )
    kinds = [line.kind for line in result.explanation]
    assert kinds[:4] == ["start", "limit", "extension", "suspension"]
    holidays = [line.date for line in result.explanation if line.kind == "holiday"]
    assert holidays == [D(f"2026-10-0{d}") for d in range(1, 8)]
    assert [line.date for line in result.explanation if line.kind == "adjusted_workday"] == [D("2026-10-10")]
    suspension = next(line for line in result.explanation if line.kind == "suspension")
    assert suspension.days == 6 and "专家评审" in suspension.text
    assert "国庆节" in " ".join(result.lines())
    assert result.explanation[-1].kind == "total" and result.explanation[-1].days == 36
    assert result.due == D("2026-11-23")


def test_open_suspension_leaves_the_due_date_open_and_freezes_the_days_left():
    result = deadlines.due_date(
        CAL, start=D("2026-09-28"), limit=20, suspensions=[Suspension(D("2026-10-09"), None, "testing")]
    )
    # 09-29, 09-30, 10-08, 10-09 used: 16 left whatever day it is now.
    assert result.due is None and result.remaining == 16
    assert any(line.kind == "suspended" and "16" in line.text for line in result.explanation)


def test_a_count_reaching_an_unpublished_year_is_provisional():
    last_known = max(CAL.years)
    result = deadlines.due_date(CAL, start=dt.date(last_known, 12, 20), limit=20)
    assert result.provisional is True
    assert any(line.kind == "provisional" and str(last_known + 1) in line.text for line in result.explanation)


@pytest.mark.parametrize(
    "received, intake_due, deemed_on",
    [
        # 第三十二条: 5 working days for the intake decision, deemed accepted the day after they run out.
        ("2026-02-12", "2026-02-26", "2026-02-27"),
        ("2025-09-30", "2025-10-14", "2025-10-15"),
        ("2026-09-30", "2026-10-13", "2026-10-14"),
    ],
)
def test_intake_due_and_deemed_acceptance(received, intake_due, deemed_on):
    assert deadlines.intake_due(CAL, D(received)).due == D(intake_due)
    assert not deadlines.deemed_accepted(CAL, D(received), D(intake_due))
    assert deadlines.deemed_accepted(CAL, D(received), D(deemed_on))


@pytest.mark.parametrize(
    "suspensions, message",
    [
        ([("2026-09-20", "2026-09-30")], "早于起算日"),
        ([("2026-10-12", "2026-10-09")], "早于开始日期"),
        ([("2026-10-09", None), ("2026-10-20", "2026-10-21")], "尚未恢复"),
        ([("2026-10-09", "2026-10-16"), ("2026-10-14", "2026-10-20")], "早于起算日或上一次中止的恢复日"),
    ],
)
def test_impossible_suspensions_are_refused(suspensions, message):
    with pytest.raises(ValidationFailed, match=message):
        deadlines.due_date(
            CAL,
            start=D("2026-09-28"),
            limit=20,
            suspensions=[Suspension(D(a), D(b) if b else None) for a, b in suspensions],
        )


def test_time_state():
    due = D("2026-10-09")
    assert deadlines.time_state(CAL, D("2026-09-25"), due) == "on_time"
    assert deadlines.time_state(CAL, D("2026-09-30"), due) == "due_soon"  # 10-08 and 10-09 left
    assert deadlines.time_state(CAL, D("2026-10-10"), due) == "overdue"
    assert deadlines.time_state(CAL, D("2026-10-10"), None) == "suspended"


# ---- the command and the API answer with the same function


@pytest.mark.django_db
def test_due_command_prints_the_date_alone_then_the_explanation(capsys):
    call_command(
        "cases", "due", "--accepted", "2026-09-28", "--limit", "20", "--suspended", "2026-10-09:2026-10-16"
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2026-11-09"
    assert any("2026年10月10日(星期六) 国庆节·调休上班日(计入)" in line for line in lines[1:])
    assert any("2026年10月9日 至 2026年10月16日,不计入 6 个工作日" in line for line in lines[1:])


@pytest.mark.django_db
def test_due_command_json_and_provisional_flag(capsys):
    last_known = max(CAL.years)
    call_command("cases", "due", "--accepted", f"{last_known}-12-20", "--limit", "20", "--extension", "10")
    assert capsys.readouterr().out.splitlines()[0].endswith(" provisional")
    call_command("cases", "due", "--accepted", "2026-09-28", "--limit", "20", "--extension", "10", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["due"] == "2026-11-13" and data["provisional"] is False
    assert {"kind": "extension", "text": "延期:+10 个工作日", "days": 10} in data["explanation"]


@pytest.mark.django_db
def test_due_command_refuses_bad_input_in_chinese():
    with pytest.raises(CommandError, match="受理日期「2026-13-01」不是有效日期"):
        call_command("cases", "due", "--accepted", "2026-13-01", "--limit", "20")
    with pytest.raises(CommandError, match="中止期间"):
        call_command("cases", "due", "--accepted", "2026-09-28", "--limit", "20", "--suspended", "2026-10-09")


@pytest.mark.django_db
def test_due_api_matches_the_command(client):
    response = client.get(
        "/api/cases/due",
        {
            "accepted": "2026-09-28",
            "limit": "20",
            "extension": ["10"],
            "suspended": ["2026-10-09:2026-10-16"],
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["due"] == "2026-11-23" and body["provisional"] is False
    assert body["explanation"][0]["kind"] == "start"
    bad = client.get("/api/cases/due", {"accepted": "2026-09-28", "limit": "二十"})
    assert bad.status_code == 422 and bad.json()["field"] == "limit"
    opened = client.get(
        "/api/cases/due", {"accepted": "2026-09-28", "limit": "20", "suspended": "2026-10-09:"}
    )
    assert opened.json()["due"] is None
