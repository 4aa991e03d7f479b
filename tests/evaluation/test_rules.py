"""The pure rules, table-driven: levels and tags, good and bad, the rectification clock over real holidays, the
lights, the state table and the rates."""

import datetime as dt
from decimal import Decimal

import pytest

from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.evaluation import rules

D = dt.date.fromisoformat


@pytest.fixture
def calendar(db):
    return current_calendar()


@pytest.mark.parametrize(
    ("level", "good", "bad"),
    [(5, True, False), (4, True, False), (3, True, False), (2, False, True), (1, False, True)],
)
def test_levels_three_to_five_are_good_one_and_two_bad(level, good, bad):
    assert rules.is_good(level) is good and rules.is_bad(level) is bad


@pytest.mark.parametrize(
    ("level", "tags", "message"),
    [
        (0, [], "1 至 5"),
        (6, [], "1 至 5"),
        ("", [], "请选择评价等级"),
        (5, ["态度恶劣"], "不适用于「非常满意」"),
        (1, ["服务热情"], "不适用于「非常不满意」"),
    ],
)
def test_a_rating_must_have_a_level_and_only_that_levels_tags(level, tags, message):
    with pytest.raises(ValidationFailed, match=message):
        rules.check_rating(level, tags, "")


def test_tags_are_kept_once_in_the_order_chosen():
    assert rules.check_rating("2", ["办事拖延", "态度冷淡", "办事拖延"], "  等了两个小时 ") == (
        2,
        ["办事拖延", "态度冷淡"],
        "等了两个小时",
    )


@pytest.mark.parametrize(
    ("rated_on", "days", "due"),
    [
        # National Day 2026: 10-01..10-07 off, 10-10 (Saturday) worked.
        ("2026-09-28", 15, "2026-10-23"),
        ("2026-09-28", 5, "2026-10-10"),
        # Spring Festival 2026: 02-15..02-23 off, 02-14 and 02-28 (Saturdays) worked.
        ("2026-02-13", 5, "2026-02-27"),
        ("2026-02-13", 7, "2026-03-02"),
        ("2026-02-13", 15, "2026-03-12"),
        # National Day 2025: 10-01..10-08 off, 10-11 (Saturday) worked.
        ("2025-09-30", 15, "2025-10-28"),
    ],
)
def test_the_rectification_clock_counts_working_days_after_the_rating(calendar, rated_on, days, due):
    assert rules.rectification_due(D(rated_on), days, calendar) == rules.Due(D(due), False)


@pytest.mark.parametrize(
    ("today", "due", "done", "light"),
    [
        ("2026-10-20", "2026-10-23", False, "green"),  # 3 working days left
        ("2026-10-21", "2026-10-23", False, "yellow"),  # 2 left
        ("2026-10-23", "2026-10-23", False, "yellow"),  # the due day itself
        ("2026-10-24", "2026-10-23", False, "red"),
        ("2026-10-30", "2026-10-23", True, "green"),  # done: no longer a warning
        # Across National Day: ten calendar days but three working days before 10-10, so still green.
        ("2026-09-30", "2026-10-10", False, "green"),
        ("2026-10-08", "2026-10-10", False, "yellow"),
    ],
)
def test_lights_turn_yellow_near_the_due_day_and_red_after_it(calendar, today, due, done, light):
    assert rules.light(D(today), D(due), calendar, done=done) == light


@pytest.mark.parametrize(
    ("answered_on", "light"),
    [
        ("2026-10-23", "green"),
        ("2026-10-26", "late"),
    ],  # on the due day is in time; after it is 逾期反馈, not 正常
)
def test_an_answer_after_the_due_day_is_late_not_green(calendar, answered_on, light):
    assert (
        rules.light(D("2026-10-30"), D("2026-10-23"), calendar, done=True, answered_on=D(answered_on))
        == light
    )


def test_the_state_table_rebuilds_a_rectification_and_refuses_skipped_steps():
    history = [("open", None), ("verify", True), ("rectify", True), ("reply", True), ("unsatisfied", True)]
    assert rules.replay(history) == rules.VERIFIED
    assert rules.replay([*history, ("rectify", True), ("reply", True), ("satisfied", True)]) == rules.CLOSED
    assert rules.replay([("open", None), ("verify", False), ("reply", False)]) == rules.REPLIED
    with pytest.raises(Conflict, match="须先整改"):
        rules.next_state(rules.VERIFIED, "reply", founded=True)
    with pytest.raises(Conflict, match="不能反馈评价人"):
        rules.next_state(rules.OPEN, "reply")
    with pytest.raises(Conflict, match="不能申诉成立"):
        rules.next_state(rules.CLOSED, "void")


def test_rates_are_percentages_with_one_decimal_and_none_when_nothing_counted():
    f = rules.Figures(rated=3, good=2, bad=1, rectified=0)
    assert (f.good_rate, f.bad_rate, f.rectified_rate) == (Decimal("66.7"), Decimal("33.3"), Decimal("0.0"))
    assert rules.Figures(0, 0, 0, 0).good_rate is None
    assert rules.Figures(4, 4, 0, 0).rectified_rate is None


def test_months_are_written_year_dash_month():
    assert rules.month_bounds("2026-12") == (D("2026-12-01"), D("2027-01-01"))
    with pytest.raises(ValidationFailed, match="YYYY-MM"):
        rules.month_bounds("2026/12")
