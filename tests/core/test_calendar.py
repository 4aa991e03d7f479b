import datetime as dt

import chinese_calendar
import pytest
from django.db.models.signals import pre_save

from zhengwu.core import calendar, clock
from zhengwu.core.calendar import Calendar, DayKind, YearOrigin
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.models import AuditRecord, CalendarYear

D = dt.date.fromisoformat
LIBRARY = Calendar.build()

# A made-up 2027 arrangement (the real one is not published yet): 元旦 01-01..03, 国庆 10-01..07 with
# adjusted working days Sun 09-26 and Sat 10-09.
ARRANGEMENT_2027 = {
    "year": 2027,
    "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"] + [f"2027-10-0{d}" for d in range(1, 8)],
    "workdays": ["2027-09-26", "2027-10-09"],
    "source": "测试用安排",
}


# 2026: 国庆 10-01..07, adjusted Sun 09-20 and Sat 10-10; 春节 02-15..23, adjusted Sat 02-14 and 02-28;
# 元旦 01-01..03, adjusted Sun 01-04. 2025: 国庆+中秋 10-01..08, adjusted Sun 09-28 and Sat 10-11.
@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-09-30", 20, "2026-11-03"),
        ("2026-09-30", 1, "2026-10-08"),  # 10-01..07 National Day
        ("2026-10-09", 1, "2026-10-10"),  # Saturday, adjusted working day
        ("2026-10-10", 1, "2026-10-12"),  # Sunday 10-11 is a rest day again
        ("2026-09-18", 1, "2026-09-20"),  # Sunday 09-20, adjusted working day
        ("2026-02-13", 1, "2026-02-14"),  # Saturday before the Spring Festival, adjusted working day
        ("2026-02-14", 1, "2026-02-24"),  # 02-15..23 Spring Festival
        ("2026-02-27", 1, "2026-02-28"),  # Saturday after the Spring Festival, adjusted working day
        ("2026-02-13", 6, "2026-02-28"),
        ("2025-09-26", 1, "2025-09-28"),  # Saturday 09-27 rest, Sunday 09-28 adjusted working day
        ("2025-09-30", 1, "2025-10-09"),  # 10-01..08 National Day and Mid-autumn
        ("2025-10-10", 1, "2025-10-11"),  # Saturday, adjusted working day
        ("2025-12-31", 1, "2026-01-04"),  # across the year: 01-01..03 New Year, Sunday 01-04 adjusted
        ("2025-12-30", 3, "2026-01-05"),
        ("2026-10-01", 0, "2026-10-01"),  # n = 0 gives d, even on a holiday
        ("2026-11-03", 0, "2026-11-03"),
    ],
)
def test_add_workdays_with_real_holidays(start, n, expected):
    result = LIBRARY.add_workdays(D(start), n)
    assert result.value == D(expected)
    assert result.provisional is False


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2026-09-30", "2026-11-03", 20),
        ("2026-09-30", "2026-10-07", 0),  # the whole National Day holiday
        ("2026-09-30", "2026-10-10", 3),  # 10-08, 10-09 and Saturday 10-10
        ("2026-02-13", "2026-02-28", 6),  # 02-14, 02-24..27, 02-28
        ("2026-02-14", "2026-02-23", 0),
        ("2025-09-30", "2025-10-12", 3),  # 10-09, 10-10 and Saturday 10-11
        ("2025-09-26", "2025-09-30", 3),  # Sunday 09-28, 09-29, 09-30
        ("2025-12-31", "2026-01-05", 2),  # across the year: Sunday 01-04 and 01-05
        ("2026-11-03", "2026-11-03", 0),  # a < w ≤ a is empty, though 11-03 is a working day
        ("2026-10-01", "2026-10-01", 0),
        ("2026-11-03", "2026-09-30", -20),  # a > b: minus the count the other way round
        ("2026-01-05", "2025-12-31", -2),
    ],
)
def test_workdays_between_with_real_holidays(a, b, expected):
    result = LIBRARY.workdays_between(D(a), D(b))
    assert result.value == expected
    assert result.provisional is False


@pytest.mark.parametrize("year", range(2004, 2027))
def test_counting_agrees_with_the_library_day_by_day(year):
    start, end = dt.date(year - 1, 12, 31), dt.date(year, 12, 31)
    days = [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]
    expected = sum(chinese_calendar.is_workday(d) for d in days)
    assert LIBRARY.workdays_between(start, end) == calendar.WorkdayCount(expected, provisional=False)
    assert LIBRARY.add_workdays(start, expected).value == max(
        d for d in days if chinese_calendar.is_workday(d)
    )


@pytest.mark.parametrize(
    ("day", "workday", "kind", "name"),
    [
        ("2026-10-01", False, DayKind.HOLIDAY, "国庆节"),
        ("2026-10-03", False, DayKind.HOLIDAY, "国庆节"),  # a holiday on a Saturday
        ("2026-10-10", True, DayKind.ADJUSTED_WORKDAY, "国庆节"),
        ("2026-10-11", False, DayKind.WEEKEND, None),
        ("2026-10-12", True, DayKind.WORKDAY, None),
        ("2026-02-17", False, DayKind.HOLIDAY, "春节"),
        ("2026-02-14", True, DayKind.ADJUSTED_WORKDAY, "春节"),
        ("2025-10-06", False, DayKind.HOLIDAY, "中秋"),
        ("2025-09-28", True, DayKind.ADJUSTED_WORKDAY, "国庆节"),
    ],
)
def test_check_names_the_day(day, workday, kind, name):
    result = LIBRARY.check(D(day))
    assert (result.workday, result.kind, result.name, result.provisional) == (workday, kind, name, False)


def test_special_days_list_what_a_count_stepped_over():
    days = LIBRARY.special_days(D("2026-09-30"), D("2026-11-03"))
    assert [(d.date.isoformat(), d.kind, d.name) for d in days.value] == [
        *[(f"2026-10-0{i}", DayKind.HOLIDAY, "国庆节") for i in range(1, 8)],
        ("2026-10-10", DayKind.ADJUSTED_WORKDAY, "国庆节"),
    ]
    assert days.provisional is False
    assert str(days.value[-1]) == "2026-10-10(星期六) 国庆节·调休上班日"


def test_special_days_exclude_the_start_and_include_the_end():
    assert [d.date for d in LIBRARY.special_days(D("2026-10-01"), D("2026-10-02")).value] == [D("2026-10-02")]
    assert LIBRARY.special_days(D("2026-10-07"), D("2026-10-09")).value == ()


@pytest.mark.parametrize(
    ("start", "n", "expected", "provisional"),
    [
        ("2026-12-30", 5, "2027-01-06", True),  # 2027 unknown: Monday to Friday, 2027-01-01 counted
        ("2026-12-30", 1, "2026-12-31", False),  # the answer never left 2026
        ("2027-09-30", 1, "2027-10-01", True),
        ("2003-12-30", 1, "2003-12-31", True),  # before the library's first year
        ("2027-10-01", 0, "2027-10-01", False),  # n = 0 looks at no day
    ],
)
def test_unknown_years_count_monday_to_friday_and_are_provisional(start, n, expected, provisional):
    result = LIBRARY.add_workdays(D(start), n)
    assert (result.value, result.provisional) == (D(expected), provisional)


def test_a_count_touching_an_unknown_year_is_provisional():
    assert LIBRARY.workdays_between(D("2026-12-25"), D("2027-01-08")) == calendar.WorkdayCount(10, True)
    assert LIBRARY.workdays_between(D("2003-12-30"), D("2004-01-02")).provisional is True
    assert LIBRARY.workdays_between(D("2003-12-31"), D("2004-01-02")).provisional is False
    assert LIBRARY.check(D("2027-10-01")).provisional is True
    assert LIBRARY.check(D("2027-10-01")).workday is True


@pytest.mark.parametrize(
    ("n", "message"), [(-1, "不能为负数"), (-20, "「-20」"), (10_001, "过大"), ("5", "整数")]
)
def test_add_workdays_rejects_bad_counts(n, message):
    with pytest.raises(ValidationFailed) as exc:
        LIBRARY.add_workdays(D("2026-09-30"), n)
    assert message in exc.value.message
    assert exc.value.field == "days"


def test_calendar_is_immutable():
    with pytest.raises(TypeError):
        LIBRARY.holidays[D("2026-10-08")] = "加班"
    with pytest.raises(AttributeError):
        LIBRARY.years = {}


# ---- the current calendar: loaded years on top of the library ----


@pytest.mark.django_db
def test_loading_2027_makes_results_final():
    before = calendar.add_workdays(D("2027-09-30"), 1)
    assert (before.value, before.provisional) == (D("2027-10-01"), True)
    assert calendar.add_workdays(D("2026-12-31"), 1) == calendar.WorkdayDate(D("2027-01-01"), True)

    calendar.load_year(**ARRANGEMENT_2027)

    assert calendar.add_workdays(D("2027-09-30"), 1) == calendar.WorkdayDate(D("2027-10-08"), False)
    assert calendar.add_workdays(D("2026-12-31"), 1) == calendar.WorkdayDate(D("2027-01-04"), False)
    assert calendar.add_workdays(D("2027-09-24"), 1) == calendar.WorkdayDate(D("2027-09-26"), False)
    assert calendar.workdays_between(D("2027-09-30"), D("2027-10-09")) == calendar.WorkdayCount(2, False)
    check = calendar.is_workday(D("2027-10-01"))
    assert (check.workday, check.kind, check.name, check.provisional) == (False, DayKind.HOLIDAY, None, False)
    assert calendar.current_calendar().years[2027].origin == YearOrigin.LOADED


@pytest.mark.django_db
def test_a_loaded_year_replaces_the_library_for_that_year_only():
    assert calendar.add_workdays(D("2026-09-30"), 20).value == D("2026-11-03")
    calendar.load_year(year=2026, holidays=["2026-01-01"], workdays=[], source="更正")

    assert calendar.add_workdays(D("2026-09-30"), 20) == calendar.WorkdayDate(D("2026-10-28"), False)
    assert calendar.is_workday(D("2026-10-01")).workday is True
    assert calendar.is_workday(D("2026-10-10")).kind == DayKind.WEEKEND
    assert calendar.is_workday(D("2025-10-01")).name == "国庆节"  # other years keep the library's data
    assert [d.date for d in calendar.current_calendar().year_days(2026)] == [D("2026-01-01")]


@pytest.mark.django_db
def test_reloading_a_year_replaces_it():
    with clock.frozen("2026-11-20T10:00:00"):
        calendar.load_year(**ARRANGEMENT_2027)
        assert calendar.add_workdays(D("2027-09-30"), 1).value == D("2027-10-08")
        calendar.load_year(**{**ARRANGEMENT_2027, "holidays": ["2027-01-01", "2027-10-01"], "workdays": []})
    assert CalendarYear.objects.count() == 1
    assert calendar.add_workdays(D("2027-09-30"), 1).value == D("2027-10-04")
    assert calendar.add_workdays(D("2027-09-24"), 1).value == D("2027-09-27")


@pytest.mark.django_db
def test_the_cache_notices_a_year_loaded_by_another_process():
    assert calendar.add_workdays(D("2027-09-30"), 1).provisional is True  # warms this process's cache
    # bulk_create and update send no signals: this is what another process's load looks like from here.
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=2027, holidays=["2027-10-01"], workdays=[], loaded_at=clock.now())]
    )
    assert calendar.add_workdays(D("2027-09-30"), 1) == calendar.WorkdayDate(D("2027-10-04"), False)
    CalendarYear.objects.filter(year=2027).update(
        holidays=["2027-10-01", "2027-10-04"], loaded_at=clock.now() + dt.timedelta(seconds=1)
    )
    assert calendar.add_workdays(D("2027-09-30"), 1).value == D("2027-10-05")


@pytest.mark.django_db
def test_load_year_writes_an_audit_record_and_sends_the_signal(django_user_model):
    user = django_user_model.objects.create_user("admin1", password="x" * 12)
    seen = []

    def on_loaded(sender, year, **kwargs):
        seen.append((year, calendar.is_workday(D("2027-10-01")).provisional))

    calendar.calendar_year_loaded.connect(on_loaded)
    try:
        with clock.frozen("2026-11-20T10:00:00"):
            row = calendar.load_year(**ARRANGEMENT_2027, by=user)
    finally:
        calendar.calendar_year_loaded.disconnect(on_loaded)

    assert seen == [(2027, False)]  # receivers already see the new year
    assert (row.loaded_by, row.source, row.loaded_at) == (
        "admin1",
        "测试用安排",
        clock._as_moment("2026-11-20T10:00:00"),
    )
    audit_row = AuditRecord.objects.get(action="calendar.load_year")
    assert (audit_row.object_id, audit_row.actor_id) == ("2027", user.pk)
    assert audit_row.summary["workdays"] == ["2027-09-26", "2027-10-09"]
    assert audit_row.summary["replaced"] is None


@pytest.mark.django_db
def test_the_audit_record_of_a_reload_keeps_what_was_replaced():
    calendar.load_year(**ARRANGEMENT_2027)
    calendar.load_year(year=2027, holidays=["2027-01-01"], workdays=[], source="更正")
    last = AuditRecord.objects.filter(action="calendar.load_year").last()
    assert last.summary["holidays"] == ["2027-01-01"]
    assert last.summary["replaced"]["workdays"] == ["2027-09-26", "2027-10-09"]
    assert last.summary["replaced"]["source"] == "测试用安排"


def _bad(**changes):
    return {**ARRANGEMENT_2027, **changes}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arrangement", "field", "words"),
    [
        (_bad(holidays=["2027-01-01", "2026-12-31"]), "holidays", ["「2026-12-31」", "不在 2027 年内"]),
        (_bad(workdays=["2028-01-08"]), "workdays", ["「2028-01-08」", "不在 2027 年内"]),
        (_bad(holidays=["2027-01-01", "2027-01-01"]), "holidays", ["「2027-01-01」", "重复"]),
        (_bad(workdays=["2027-09-26", "2027-09-26"]), "workdays", ["「2027-09-26」", "重复"]),
        (
            _bad(holidays=["2027-01-01", "2027-02-06"], workdays=["2027-02-06"]),
            "workdays",
            ["「2027-02-06」", "同时"],
        ),
        (_bad(holidays=["2027-02-30"]), "holidays", ["第 1 项", "「2027-02-30」", "不是有效日期"]),
        (_bad(holidays=["2027-01-01", "2027/10/01"]), "holidays", ["第 2 项", "「2027/10/01」"]),
        (_bad(holidays=[20270101]), "holidays", ["「20270101」"]),
        (_bad(workdays=["2027-02-08"]), "workdays", ["「2027-02-08」", "星期一", "本来就是工作日"]),
        (_bad(holidays=[]), "holidays", ["为空"]),
        (_bad(holidays="2027-01-01"), "holidays", ["日期列表"]),
        (_bad(year="2027"), "year", ["「2027」"]),
        (_bad(year=1999), "year", ["2000 至 2099"]),
        (_bad(source="依" * 201), "source", ["200"]),
    ],
)
def test_load_year_rejects_bad_input_and_writes_nothing(arrangement, field, words):
    with pytest.raises(ValidationFailed) as exc:
        calendar.load_year(**arrangement)
    assert exc.value.field == field
    for word in words:
        assert word in exc.value.message
    assert not CalendarYear.objects.exists()
    assert not AuditRecord.objects.exists()


@pytest.mark.django_db
def test_a_holiday_on_a_weekend_is_allowed():
    calendar.load_year(year=2027, holidays=["2027-01-01", "2027-01-02", "2027-01-03"], workdays=[])
    assert calendar.is_workday(D("2027-01-02")).kind == DayKind.HOLIDAY


@pytest.mark.django_db
def test_a_rejected_reload_keeps_the_year_as_it_was():
    calendar.load_year(**ARRANGEMENT_2027)
    with pytest.raises(ValidationFailed):
        calendar.load_year(**_bad(workdays=["2027-02-08"]))
    assert CalendarYear.objects.get().workdays == ["2027-09-26", "2027-10-09"]
    assert calendar.add_workdays(D("2027-09-30"), 1).value == D("2027-10-08")


@pytest.mark.parametrize(
    ("document", "field", "words"),
    [
        ([], None, ["JSON 对象"]),
        ({"holidays": []}, "year", ["缺少字段「year」"]),
        ({"year": 2027}, "holidays", ["缺少字段「holidays」"]),
        ({"year": 2027, "holidays": [], "holiday": []}, "holiday", ["未知字段「holiday」"]),
    ],
)
def test_parse_year_document_rejects_bad_documents(document, field, words):
    with pytest.raises(ValidationFailed) as exc:
        calendar.parse_year_document(document)
    assert exc.value.field == field
    for word in words:
        assert word in exc.value.message


def test_parse_year_document_defaults():
    assert calendar.parse_year_document({"year": 2027, "holidays": ["2027-01-01"]}) == {
        "year": 2027,
        "holidays": ["2027-01-01"],
        "workdays": [],
        "source": "",
    }


@pytest.mark.django_db
def test_a_concurrent_first_load_of_the_same_year_answers_conflict():
    def another_administrator_got_there_first(sender, instance, **kwargs):
        CalendarYear.objects.bulk_create(
            [CalendarYear(year=instance.year, holidays=["2027-01-01"], workdays=[], loaded_at=clock.now())]
        )

    pre_save.connect(another_administrator_got_there_first, sender=CalendarYear)
    try:
        with pytest.raises(Conflict) as exc:
            calendar.load_year(**ARRANGEMENT_2027)
    finally:
        pre_save.disconnect(another_administrator_got_there_first, sender=CalendarYear)
    assert exc.value.status == 409
    assert "2027 年的节假日安排正由他人同时载入" in exc.value.message
    assert not AuditRecord.objects.exists()
