"""Warning levels turn with the calendar and the clock, across real 2025–2026 holidays."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.supervision.conftest import accepted_case, at
from zhengwu.core import clock
from zhengwu.supervision import levels, selectors
from zhengwu.supervision.levels import NORMAL, RED, YELLOW, Policy

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("today", "due", "expected", "why"),
    [
        ("2026-10-13", "2026-10-16", NORMAL, "3 working days left"),
        ("2026-10-14", "2026-10-16", YELLOW, "2 working days left"),
        ("2026-10-16", "2026-10-16", YELLOW, "due today"),
        ("2026-10-17", "2026-10-16", RED, "the day after, a Saturday"),
        # National Day 2026: 10-01 … 10-07 off, so a due date nine calendar days ahead is two working days away.
        ("2026-09-30", "2026-10-09", YELLOW, "only 10-08 and 10-09 are working days"),
        ("2026-09-29", "2026-10-09", NORMAL, "09-30, 10-08, 10-09: three"),
        # Saturday 2026-10-10 is a working day (调休): from Friday 10-09 a Monday due date is 2 working days away.
        ("2026-10-08", "2026-10-12", NORMAL, "10-09, Saturday 10-10 (worked) and 10-12: three"),
        ("2026-10-09", "2026-10-12", YELLOW, "Saturday 10-10 (worked) and 10-12: two"),
        # 2025: National Day and Mid-Autumn 10-01 … 10-08 off, Saturday 10-11 worked.
        ("2025-09-30", "2025-10-10", YELLOW, "10-09, 10-10"),
        ("2025-09-29", "2025-10-10", NORMAL, "09-30, 10-09, 10-10"),
        ("2025-10-11", "2025-10-10", RED, "overdue on the adjusted Saturday"),
    ],
)
def test_level_of_a_due_date(db, today, due, expected, why):
    from zhengwu.core.calendar import current_calendar

    assert levels.level(current_calendar(), D(today), D(due)) == expected, why


def test_no_due_date_is_normal(db):
    from zhengwu.core.calendar import current_calendar

    assert levels.level(current_calendar(), D("2026-10-20"), None) == NORMAL


def test_share_of_the_limit_turns_yellow_earlier(db):
    from zhengwu.core.calendar import current_calendar

    cal = current_calendar()
    # 10-day limit, 80 % used → yellow once 2 days are left; 20-day limit, 80 % → once 4 days are left.
    share = Policy(warn_workdays=2, warn_share=Decimal("0.80"))
    assert levels.level(cal, D("2026-10-13"), D("2026-10-19"), limit=20, policy=share) == YELLOW  # 4 left
    assert (
        levels.level(cal, D("2026-10-13"), D("2026-10-19"), limit=10, policy=share) == NORMAL
    )  # 4 left, room 2
    assert levels.level(cal, D("2026-10-13"), D("2026-10-19"), limit=20) == NORMAL  # share off by default


@pytest.mark.parametrize(
    "today", ["2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09", "2026-10-14", "2026-10-16"]
)
@pytest.mark.parametrize("room", [0, 1, 2, 4])
def test_last_yellow_due_agrees_with_the_level(db, today, room):
    """The cut-off the database uses gives the same answer as the rule, day by day over a month."""
    from zhengwu.core.calendar import current_calendar

    cal = current_calendar()
    policy = Policy(warn_workdays=room)
    cut = levels.last_yellow_due(cal, D(today), policy=policy)
    for offset in range(0, 30):
        due = D(today) + dt.timedelta(days=offset)
        by_rule = levels.level(cal, D(today), due, policy=policy) == YELLOW
        assert by_rule == (due <= cut), (today, room, due)


def test_a_case_due_yesterday_is_red_today_though_nothing_happened(world):
    case = accepted_case(world)  # accepted 2026-09-28: promised 10 working days → 2026-10-16
    assert case.promised_due == D("2026-10-16")
    seen = {}
    for day in ("2026-10-13", "2026-10-14", "2026-10-16", "2026-10-17", "2026-10-19"):
        clock.set_now(at(day))
        seen[day] = (
            selectors.case_level(case),
            selectors.level_counts(world.supervisor),
        )
    assert seen["2026-10-13"] == (NORMAL, {"red": 0, "yellow": 0})
    assert seen["2026-10-14"] == (YELLOW, {"red": 0, "yellow": 1})
    assert seen["2026-10-16"] == (YELLOW, {"red": 0, "yellow": 1})
    assert seen["2026-10-17"] == (RED, {"red": 1, "yellow": 0})
    assert seen["2026-10-19"] == (RED, {"red": 1, "yellow": 0})


def test_levels_are_scoped(world):
    accepted_case(world)
    clock.set_now(at("2026-10-19"))
    assert selectors.level_counts(world.supervisor)["red"] == 1
    assert selectors.level_counts(world.head)["red"] == 1
    assert selectors.level_counts(world.water_head)["red"] == 0  # another department
    assert selectors.level_counts(world.far_supervisor)["red"] == 0  # another county
    assert selectors.level_counts(world.clerk)["red"] == 1  # registered it
    assert selectors.level_counts(world.approver)["red"] == 0  # holds no step of it


def test_open_steps_have_levels(world):
    case = accepted_case(world)  # step 2 审查 (6 working days) opens 2026-09-28 → due 2026-10-13
    clock.set_now(at("2026-10-12"))
    step_levels = {s.name: lvl for s, lvl in selectors.step_levels(case)}
    assert step_levels == {"受理": NORMAL, "审查": YELLOW, "决定": NORMAL}
    clock.set_now(at("2026-10-14"))
    assert {s.name: lvl for s, lvl in selectors.step_levels(case)}["审查"] == RED
