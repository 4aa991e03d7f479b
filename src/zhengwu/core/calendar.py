"""The working-day calendar (工作日历): statutory holidays and adjusted working days, and arithmetic on working days.

Data comes from the `chinesecalendar` package (the State Council's yearly notices, 2004 onwards) with the years an
administrator loaded (`CalendarYear`) on top: a loaded year replaces the package's data for that year entirely.
A year neither source knows is counted Monday to Friday, and every result that touched it is *provisional*: it may
change once the year's arrangement is published and loaded.

`Calendar` is immutable data with pure methods (tests and bulk work use it directly); `add_workdays`,
`workdays_between`, `is_workday` and `special_days` answer with the current calendar, which is cached in this
process and rebuilt when any process loads a year.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import chinese_calendar
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import IntegerField, TextField
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils import dateformat
from django.utils.translation import gettext_lazy as _

from zhengwu.core import audit, clock, prepared
from zhengwu.core.context import current
from zhengwu.core.errors import Conflict, ValidationFailed
from zhengwu.core.models import CalendarYear

# Sent inside load_year's transaction, after the year is written (kwargs: year). Receivers see the new calendar
# through current_calendar(); anything they do that leaves the process must wait for transaction.on_commit.
calendar_year_loaded = Signal()

MIN_LOADABLE_YEAR, MAX_LOADABLE_YEAR = 2000, 2099
MAX_WORKDAYS = 10_000  # about forty years: more is a typing mistake, not a time limit
DOCUMENT_KEYS = ("year", "holidays", "workdays", "source")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WEEKDAY_NAMES = "一二三四五六日"  # 星期一 … 星期日, by date.weekday()
_CHINESE_HOLIDAY_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


class DayKind(models.TextChoices):
    WORKDAY = "workday", _("工作日")
    ADJUSTED_WORKDAY = "adjusted_workday", _("调休上班日")
    HOLIDAY = "holiday", _("法定节假日")
    WEEKEND = "weekend", _("周休息日")


class YearOrigin(models.TextChoices):
    LIBRARY = "library", _("国务院办公厅节假日安排(chinesecalendar)")
    LOADED = "loaded", _("管理员载入")


@dataclass(frozen=True)
class WorkdayDate:
    """A date found by counting working days; provisional if the count crossed a year whose arrangement is unknown."""

    value: dt.date
    provisional: bool


@dataclass(frozen=True)
class WorkdayCount:
    """A number of working days; provisional if the span touched a year whose arrangement is unknown."""

    value: int
    provisional: bool


@dataclass(frozen=True)
class DayCheck:
    """What one date is: a working day or not, why, and the holiday's name where known."""

    date: dt.date
    workday: bool
    kind: DayKind
    name: str | None
    provisional: bool


def day_words(day: dt.date, today: dt.date) -> str:
    """A day as people say it: 12月10日(星期四), with the year when it is not `today`'s (2027年1月4日(星期一)) — the
    hall's next opening and a joint meeting's date say it so."""
    words = {"year": day.year, "month": day.month, "day": day.day, "weekday": WEEKDAY_NAMES[day.weekday()]}
    if day.year != today.year:
        return _("%(year)s年%(month)s月%(day)s日(星期%(weekday)s)") % words
    return _("%(month)s月%(day)s日(星期%(weekday)s)") % words


def chinese_date(day: dt.date) -> str:
    """2026年11月20日: a date as people read it — on the pages applicants see, the documents and the SMS they get
    (the templates write it date:"Y年n月j日"). The API, JSON and CSV keep ISO dates (2026-11-20)."""
    return dateformat.format(day, "Y年n月j日")


@dataclass(frozen=True)
class SpecialDay:
    """A statutory holiday or an adjusted working day (调休上班), with the holiday's name where known."""

    date: dt.date
    kind: DayKind
    name: str | None

    def __str__(self) -> str:
        weekday = WEEKDAY_NAMES[self.date.weekday()]
        label = f"{self.name}·{self.kind.label}" if self.name else str(self.kind.label)
        return _("%(date)s(星期%(weekday)s) %(label)s") % {
            "date": self.date.isoformat(),
            "weekday": weekday,
            "label": label,
        }


@dataclass(frozen=True)
class SpecialDays:
    """The holidays and adjusted working days inside a span, in date order."""

    value: tuple[SpecialDay, ...]
    provisional: bool


@dataclass(frozen=True)
class YearSource:
    """Where a known year's arrangement comes from."""

    year: int
    origin: YearOrigin
    basis: str = ""
    loaded_at: dt.datetime | None = None
    loaded_by: str = ""


def _weekdays_through(ordinal: int) -> int:
    """Mondays to Fridays among the day ordinals 1..ordinal (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _count_in(sorted_dates: tuple[dt.date, ...], after: dt.date, upto: dt.date) -> int:
    """How many of the sorted dates d satisfy after < d <= upto."""
    return bisect_right(sorted_dates, upto) - bisect_right(sorted_dates, after)


@dataclass(frozen=True)
class Calendar:
    """Immutable holiday and adjusted-working-day data for the known years, with working-day arithmetic."""

    holidays: Mapping[dt.date, str | None]
    workdays: Mapping[dt.date, str | None]
    years: Mapping[int, YearSource]
    _weekday_holidays: tuple[dt.date, ...] = field(init=False, repr=False, compare=False)
    _weekend_workdays: tuple[dt.date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_special_memo", {})  # special_days answers: the data never changes
        object.__setattr__(self, "holidays", MappingProxyType(dict(self.holidays)))
        object.__setattr__(self, "workdays", MappingProxyType(dict(self.workdays)))
        object.__setattr__(self, "years", MappingProxyType(dict(self.years)))
        weekday_holidays = sorted(d for d in self.holidays if d.weekday() < 5 and d not in self.workdays)
        weekend_workdays = sorted(d for d in self.workdays if d.weekday() >= 5)
        object.__setattr__(self, "_weekday_holidays", tuple(weekday_holidays))
        object.__setattr__(self, "_weekend_workdays", tuple(weekend_workdays))

    def __copy__(self) -> Calendar:
        return self

    def __deepcopy__(self, memo) -> Calendar:
        """Immutable, so a copy is the calendar itself: a case just written keeps the state it derived with its
        calendar (cases.records), and the tests' replayed worlds copy such cases (a mapping proxy cannot be copied)."""
        return self

    @classmethod
    def build(cls, loaded: Iterable[CalendarYear] = ()) -> Calendar:
        """The package's data for 2004 onwards, each loaded year replacing that year's data entirely."""
        holidays, workdays, years = dict(_LIBRARY.holidays), dict(_LIBRARY.workdays), dict(_LIBRARY.years)
        for row in loaded:
            holidays = {d: n for d, n in holidays.items() if d.year != row.year}
            workdays = {d: n for d, n in workdays.items() if d.year != row.year}
            holidays.update((dt.date.fromisoformat(d), None) for d in row.holidays)
            workdays.update((dt.date.fromisoformat(d), None) for d in row.workdays)
            years[row.year] = YearSource(
                row.year, YearOrigin.LOADED, row.source, loaded_at=row.loaded_at, loaded_by=row.loaded_by
            )
        return cls(holidays=holidays, workdays=workdays, years=years)

    def knows(self, year: int) -> bool:
        return year in self.years

    def _provisional(self, first: dt.date, last: dt.date) -> bool:
        return any(y not in self.years for y in range(first.year, last.year + 1))

    # 国务院关于职工工作时间的规定 第七条: Saturday and Sunday are the weekly rest days of state organs;
    # 全国年节及纪念日放假办法 第二条、第六条 and the State Council's yearly notice: holidays and adjusted working days.
    def _is_workday(self, day: dt.date) -> bool:
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)

    def check(self, day: dt.date) -> DayCheck:
        """Whether the day is a working day, what kind of day it is, and the holiday's name where known."""
        if day in self.workdays:
            kind, name = DayKind.ADJUSTED_WORKDAY, self.workdays[day]
        elif day in self.holidays:
            kind, name = DayKind.HOLIDAY, self.holidays[day]
        else:
            kind, name = (DayKind.WORKDAY if day.weekday() < 5 else DayKind.WEEKEND), None
        workday = kind in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY)
        return DayCheck(day, workday, kind, name, provisional=not self.knows(day.year))

    # 行政许可法 第八十二条: time limits count working days, statutory holidays excluded;
    # 民法典 第二百零一条: the day the period starts is not counted.
    def add_workdays(self, d: dt.date, n: int) -> WorkdayDate:
        """The n-th working day after d, d itself not counted; n = 0 gives d."""
        if isinstance(n, bool) or not isinstance(n, int):
            raise ValidationFailed(_("工作日数必须是整数,收到「%(n)s」") % {"n": n}, field="days")
        if n < 0:
            raise ValidationFailed(_("工作日数不能为负数,收到「%(n)s」") % {"n": n}, field="days")
        if n > MAX_WORKDAYS:
            raise ValidationFailed(
                _("工作日数「%(n)s」过大,最多 %(max)s 个工作日") % {"n": n, "max": MAX_WORKDAYS}, field="days"
            )
        day, found = d, 0
        try:
            while found < n:
                day += dt.timedelta(days=1)
                found += self._is_workday(day)
        except OverflowError:
            raise ValidationFailed(_("结果超出可表示的日期范围"), field="days") from None
        return WorkdayDate(day, provisional=n > 0 and self._provisional(d + dt.timedelta(days=1), day))

    # 行政许可法 第八十二条 and 民法典 第二百零一条, as for add_workdays.
    def workdays_between(self, a: dt.date, b: dt.date) -> WorkdayCount:
        """The number of working days w with a < w ≤ b; when a > b, minus the number with b < w ≤ a."""
        if a > b:
            count = self.workdays_between(b, a)
            return WorkdayCount(-count.value, count.provisional)
        if a == b:
            return WorkdayCount(0, provisional=False)
        count = (
            _weekdays_through(b.toordinal())
            - _weekdays_through(a.toordinal())
            - _count_in(self._weekday_holidays, a, b)
            + _count_in(self._weekend_workdays, a, b)
        )
        return WorkdayCount(count, provisional=self._provisional(a + dt.timedelta(days=1), b))

    def special_days(self, a: dt.date, b: dt.date) -> SpecialDays:
        """The holidays and adjusted working days d with a < d ≤ b (what a count over that span stepped over)."""
        if a >= b:
            return SpecialDays((), provisional=False)
        memo = self._special_memo
        found = memo.get((a, b))
        if found is None:
            found = memo[(a, b)] = self._special_days(a, b)
            if len(memo) > 4096:  # a long-running process answering about many spans: start over
                memo.clear()
        return found

    def _special_days(self, a: dt.date, b: dt.date) -> SpecialDays:
        days = [SpecialDay(d, DayKind.HOLIDAY, name) for d, name in self.holidays.items() if a < d <= b]
        days += [
            SpecialDay(d, DayKind.ADJUSTED_WORKDAY, name) for d, name in self.workdays.items() if a < d <= b
        ]
        days.sort(key=lambda s: s.date)
        return SpecialDays(tuple(days), provisional=self._provisional(a + dt.timedelta(days=1), b))

    def year_days(self, year: int) -> tuple[SpecialDay, ...]:
        """All holidays and adjusted working days of one year, in date order."""
        return self.special_days(dt.date(year, 1, 1) - dt.timedelta(days=1), dt.date(year, 12, 31)).value


def _library_calendar() -> Calendar:
    def named(source: dict) -> dict:
        return {d: _CHINESE_HOLIDAY_NAMES.get(n, n) for d, n in source.items()}

    first, last = min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year
    years = {
        y: YearSource(y, YearOrigin.LIBRARY, f"chinesecalendar {_library_version()}")
        for y in range(first, last + 1)
    }
    return Calendar(
        holidays=named(chinese_calendar.holidays), workdays=named(chinese_calendar.workdays), years=years
    )


def _library_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chinesecalendar")
    except PackageNotFoundError:
        return ""


_LIBRARY = _library_calendar()
_cached: tuple[tuple, Calendar] | None = None
# Inside `pinned()`: a one-item list holding the calendar already checked against the database in this block.
_pinned: contextvars.ContextVar[list | None] = contextvars.ContextVar("zhengwu_calendar_pinned", default=None)


def current_calendar() -> Calendar:
    """The package's data with every loaded year on top; rebuilt when any process has loaded or removed a year.
    Inside `pinned()` the database is asked once for the whole block."""
    global _cached
    pin = _pinned.get()
    if pin is not None and pin[0] is not None:
        return pin[0]
    calendar = _calendar_for(_freshness())
    if pin is not None:
        pin[0] = calendar
    return calendar


def _freshness() -> tuple:
    """Has a year been loaded anywhere? A loaded year is deleted and inserted anew, so (count, max id, max loaded_at)
    changes on every load in any process. One constant statement, the same as freshness_columns' (asked by every
    write and many reads: built by the ORM it cost ~0.5 ms of CPU to compile, run as written 0.07 ms; issue 20)."""
    table = CalendarYear._meta.db_table
    connection = connections[router.db_for_read(CalendarYear)]
    with prepared.cursor(connection) as cursor:
        cursor.execute(
            f'SELECT COUNT("id"), MAX("id"), CAST(MAX("loaded_at") AS TEXT) FROM "{table}"'  # noqa: S608
        )
        return cursor.fetchone()


def _calendar_for(key: tuple) -> Calendar:
    global _cached
    n, last_id, last_at = key
    key = (int(n or 0), None if last_id is None else int(last_id), None if last_at is None else str(last_at))
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    calendar = Calendar.build(CalendarYear.objects.order_by("year"))
    _cached = (key, calendar)
    return calendar


FRESHNESS = ("_zw_calendar_n", "_zw_calendar_last_id", "_zw_calendar_last_at")


def freshness_columns() -> dict:
    """current_calendar's question to the database (has a year been loaded anywhere?) as three columns another
    query carries (issue 20: the locked read of a case in cases.records), answered with `known_freshness`."""
    table = CalendarYear._meta.db_table
    return {
        FRESHNESS[0]: RawSQL(f'SELECT COUNT("id") FROM "{table}"', (), output_field=IntegerField()),
        FRESHNESS[1]: RawSQL(f'SELECT MAX("id") FROM "{table}"', (), output_field=IntegerField()),
        FRESHNESS[2]: RawSQL(
            f'SELECT CAST(MAX("loaded_at") AS TEXT) FROM "{table}"', (), output_field=TextField()
        ),
    }


def known_freshness(row) -> None:
    """Inside `pinned()` before the calendar was checked: the check is the one `row` carried (freshness_columns;
    nothing when it carried none)."""
    pin = _pinned.get()
    if pin is None or pin[0] is not None:
        return
    key = tuple(getattr(row, name, _MISSING) for name in FRESHNESS)
    if _MISSING not in key:
        pin[0] = _calendar_for(key)


_MISSING = object()


@contextlib.contextmanager
def pinned():
    """One check of the calendar for a whole block (a service's write and what runs inside it): the first
    current_calendar() in the block asks the database whether a year was loaded anywhere, the others reuse its
    answer. A year loaded inside the block (in this process) is seen at once, as outside. Nested blocks share it."""
    if _pinned.get() is not None:
        yield
        return
    token = _pinned.set([None])
    try:
        yield
    finally:
        _pinned.reset(token)


def checked_once(function):
    """`function` run inside `pinned()`: one check of the calendar against the database for the whole call, however
    many days it looks at (a service or selector looping over days: the hall's slots for a booking horizon asked the
    database once per day, ~13,000 times in the hall's tests)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with pinned():
            return function(*args, **kwargs)

    return wrapper


@receiver([post_save, post_delete], sender=CalendarYear, dispatch_uid="zhengwu.calendar.forget")
def _forget_cached_calendar(**kwargs) -> None:
    global _cached
    _cached = None
    pin = _pinned.get()
    if pin is not None:
        pin[0] = None


def add_workdays(d: dt.date, n: int) -> WorkdayDate:
    """The n-th working day after d, d itself not counted; n = 0 gives d."""
    return current_calendar().add_workdays(d, n)


def workdays_between(a: dt.date, b: dt.date) -> WorkdayCount:
    """The number of working days w with a < w ≤ b; when a > b, minus the number with b < w ≤ a."""
    return current_calendar().workdays_between(a, b)


def is_workday(d: dt.date) -> DayCheck:
    """Whether d is a working day (`.workday`), with its kind, holiday name and provisional flag."""
    return current_calendar().check(d)


def special_days(a: dt.date, b: dt.date) -> SpecialDays:
    """The holidays and adjusted working days d with a < d ≤ b, for explaining a due date."""
    return current_calendar().special_days(a, b)


def known_years() -> list[YearSource]:
    """Every year whose arrangement is known, with where it comes from."""
    calendar = current_calendar()
    return [calendar.years[y] for y in sorted(calendar.years)]


def parse_date(value, *, field: str, label: str = "") -> dt.date:
    """A date written YYYY-MM-DD (or a date object), or ValidationFailed naming the bad value."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    label = label or _("日期")
    if value is None or value == "":
        raise ValidationFailed(_("%(label)s为空,应写作 YYYY-MM-DD") % {"label": label}, field=field)
    raise ValidationFailed(
        _("%(label)s「%(value)s」不是有效日期,应写作 YYYY-MM-DD") % {"label": label, "value": value},
        field=field,
    )


_LIST_LABELS = {"holidays": _("法定节假日"), "workdays": _("调休上班日")}


def _dates_of_year(values, *, year: int, field: str) -> list[dt.date]:
    label = _LIST_LABELS[field]
    if not isinstance(values, list | tuple):
        raise ValidationFailed(_("%(label)s必须是日期列表") % {"label": label}, field=field)
    seen: set[dt.date] = set()
    dates = []
    for index, value in enumerate(values, start=1):
        item = _("%(label)s第 %(n)s 项") % {"label": label, "n": index}
        day = parse_date(value, field=field, label=item)
        if day.year != year:
            raise ValidationFailed(
                _("%(item)s「%(day)s」不在 %(year)s 年内")
                % {"item": item, "day": day.isoformat(), "year": year},
                field=field,
            )
        if day in seen:
            raise ValidationFailed(
                _("%(label)s「%(day)s」重复出现") % {"label": label, "day": day.isoformat()}, field=field
            )
        seen.add(day)
        dates.append(day)
    return sorted(dates)


def _validated(*, year, holidays, workdays, source) -> tuple[int, list[dt.date], list[dt.date], str]:
    if (
        isinstance(year, bool)
        or not isinstance(year, int)
        or not MIN_LOADABLE_YEAR <= year <= MAX_LOADABLE_YEAR
    ):
        raise ValidationFailed(
            _("年份必须是 %(min)s 至 %(max)s 之间的整数,收到「%(year)s」")
            % {"min": MIN_LOADABLE_YEAR, "max": MAX_LOADABLE_YEAR, "year": year},
            field="year",
        )
    holiday_dates = _dates_of_year(holidays, year=year, field="holidays")
    workday_dates = _dates_of_year(workdays, year=year, field="workdays")
    if not holiday_dates:
        raise ValidationFailed(
            _("%(year)s 年的法定节假日列表为空:每年至少有元旦、春节等法定节假日") % {"year": year},
            field="holidays",
        )
    both = sorted(set(holiday_dates) & set(workday_dates))
    if both:
        raise ValidationFailed(
            _("「%(day)s」同时出现在法定节假日和调休上班日中") % {"day": both[0].isoformat()},
            field="workdays",
        )
    for day in workday_dates:
        if day.weekday() < 5:
            raise ValidationFailed(
                _("调休上班日「%(day)s」是星期%(weekday)s,本来就是工作日;调休上班日只能是星期六或星期日")
                % {"day": day.isoformat(), "weekday": WEEKDAY_NAMES[day.weekday()]},
                field="workdays",
            )
    source = "" if source is None else source
    if not isinstance(source, str):
        raise ValidationFailed(_("依据必须是文字"), field="source")
    source = source.strip()
    max_length = CalendarYear._meta.get_field("source").max_length
    if len(source) > max_length:
        raise ValidationFailed(
            _("依据最长 %(max)s 个字,现有 %(n)s 个字") % {"max": max_length, "n": len(source)}, field="source"
        )
    return year, holiday_dates, workday_dates, source


def load_year(*, year: int, holidays, workdays, source: str = "", by=None) -> CalendarYear:
    """Validate and store one year's holidays and adjusted working days, replacing any earlier load of that year."""
    year, holiday_dates, workday_dates, source = _validated(
        year=year, holidays=holidays, workdays=workdays, source=source
    )
    actor = by if getattr(by, "is_authenticated", False) else None
    loaded_by = actor.get_username() if actor is not None else (current().label or "")
    with transaction.atomic():
        previous = CalendarYear.objects.select_for_update().filter(year=year).first()
        if previous is not None:
            previous.delete()  # delete and insert, so the new row's id tells every process the calendar changed
        try:
            with transaction.atomic():
                row = CalendarYear.objects.create(
                    year=year,
                    holidays=[d.isoformat() for d in holiday_dates],
                    workdays=[d.isoformat() for d in workday_dates],
                    source=source,
                    loaded_at=clock.now(),
                    loaded_by=loaded_by[:150],
                )
        except IntegrityError:
            # Two administrators loading the same new year at once: the second insert meets the unique year.
            raise Conflict(
                _("%(year)s 年的节假日安排正由他人同时载入,请刷新后重试") % {"year": year}, field="year"
            ) from None
        replaced = (
            {"holidays": previous.holidays, "workdays": previous.workdays, "source": previous.source}
            if previous is not None
            else None
        )
        summary = {"holidays": row.holidays, "workdays": row.workdays, "source": source, "replaced": replaced}
        audit.record(
            "calendar.load_year", row, actor=actor, object_id=str(year), summary={"year": year, **summary}
        )
        calendar_year_loaded.send(sender=CalendarYear, year=year)
    return row


def parse_year_document(data) -> dict:
    """The keyword arguments of load_year from a year document {"year", "holidays", "workdays", "source"?}."""
    if not isinstance(data, dict):
        raise ValidationFailed(_("节假日安排必须是一个 JSON 对象,含 year、holidays、workdays"), field=None)
    unknown = [k for k in data if k not in DOCUMENT_KEYS]
    if unknown:
        raise ValidationFailed(
            _("未知字段「%(key)s」,可用字段:year、holidays、workdays、source") % {"key": unknown[0]},
            field=str(unknown[0]),
        )
    for key in ("year", "holidays"):
        if key not in data:
            raise ValidationFailed(_("缺少字段「%(key)s」") % {"key": key}, field=key)
    return {
        "year": data["year"],
        "holidays": data["holidays"],
        "workdays": data.get("workdays", []),
        "source": data.get("source", ""),
    }
