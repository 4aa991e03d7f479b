"""The legal clock of a case: pure functions over dates and a working-day Calendar (no clock, no database).

With acceptance date A, limit N, approved extensions E and suspensions (S1..R1), (S2..R2) …:

    due = add_workdays(A, N + E + Σ workdays_between(Si, Ri))

Counting stops on the day of suspension and resumes the day after resumption. While a suspension is open the due
date is open and the working days left are frozen. Every result carries its explanation: the start, the limit,
each extension and suspension with the working days it added, and the holidays and adjusted working days crossed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core import thresholds
from zhengwu.core.calendar import WEEKDAY_NAMES, Calendar, DayKind, chinese_date
from zhengwu.core.errors import ValidationFailed

# 行政许可法 第三十二条: without an intake decision within 5 working days of receipt, the case is deemed accepted.
INTAKE_WORKDAYS = thresholds.INTAKE_WORKDAYS
# 行政许可法 第四十二条: a decision within 20 working days of acceptance, extendable by 10 with the head's approval.
DEFAULT_LEGAL_LIMIT = 20
DEFAULT_EXTENSION_LIMIT = 10
# 行政许可法 第四十五条: hearings, tenders, auctions, inspection, testing, quarantine, appraisal and expert review
# are not counted toward the limit.
SUSPENSION_KINDS = {
    "hearing": gettext_lazy("听证"),
    "tender": gettext_lazy("招标"),
    "auction": gettext_lazy("拍卖"),
    "inspection": gettext_lazy("检验"),
    "testing": gettext_lazy("检测"),
    "quarantine": gettext_lazy("检疫"),
    "appraisal": gettext_lazy("鉴定"),
    "expert_review": gettext_lazy("专家评审"),
}


def day_label(d: dt.date) -> str:
    """2026年10月9日(星期五): the explanation is read by the applicant beside the dates it explains."""
    return _("%(date)s(星期%(weekday)s)") % {"date": chinese_date(d), "weekday": WEEKDAY_NAMES[d.weekday()]}


@dataclass(frozen=True)
class Extension:
    """Approved extra working days (延期), and the day they were approved when known."""

    days: int
    approved_on: dt.date | None = None


@dataclass(frozen=True)
class Suspension:
    """Time not counted (中止): from `start` (counted) to `end` (not counted); `end` None while still suspended."""

    start: dt.date
    end: dt.date | None = None
    kind: str = ""


@dataclass(frozen=True)
class Line:
    """One line of a due date's explanation; `kind` is start, limit, extension, suspension, suspended, holiday,
    adjusted_workday, provisional or total."""

    kind: str
    text: str
    date: dt.date | None = None
    until: dt.date | None = None
    days: int | None = None

    def as_dict(self) -> dict:
        out: dict = {"kind": self.kind, "text": self.text}
        if self.date is not None:
            out["date"] = self.date.isoformat()
        if self.until is not None:
            out["until"] = self.until.isoformat()
        if self.days is not None:
            out["days"] = self.days
        return out


@dataclass(frozen=True)
class Due:
    """A due date with its explanation. `due` is None while suspended; `remaining` is then the frozen days left."""

    due: dt.date | None
    provisional: bool
    start: dt.date
    limit: int
    extension_days: int = 0
    suspended_days: int = 0
    remaining: int | None = None
    explanation: tuple[Line, ...] = field(default=())

    @property
    def total(self) -> int:
        return self.limit + self.extension_days + self.suspended_days

    def as_dict(self) -> dict:
        return {
            "due": self.due.isoformat() if self.due else None,
            "provisional": self.provisional,
            "start": self.start.isoformat(),
            "limit": self.limit,
            "extension_days": self.extension_days,
            "suspended_days": self.suspended_days,
            "remaining": self.remaining,
            "explanation": [line.as_dict() for line in self.explanation],
        }

    def lines(self) -> list[str]:
        """The explanation as plain text lines (for the command line and notices)."""
        return [line.text for line in self.explanation]


def _check_suspensions(start: dt.date, suspensions: Sequence[Suspension]) -> None:
    previous_end = start
    for index, s in enumerate(suspensions, start=1):
        where = _("第 %(index)s 次中止") % {"index": index}
        if s.start < previous_end:
            raise ValidationFailed(
                _("%(where)s的开始日期 %(start)s 早于起算日或上一次中止的恢复日 %(previous_end)s")
                % {"where": where, "start": s.start.isoformat(), "previous_end": previous_end.isoformat()},
                field="suspended",
            )
        if s.end is None:
            if index != len(suspensions):
                raise ValidationFailed(
                    _("%(where)s尚未恢复,其后不能再有中止") % {"where": where}, field="suspended"
                )
            continue
        if s.end < s.start:
            raise ValidationFailed(
                _("%(where)s的恢复日期 %(end)s 早于开始日期 %(start)s")
                % {"where": where, "end": s.end.isoformat(), "start": s.start.isoformat()},
                field="suspended",
            )
        previous_end = s.end


def _check_days(value: int, *, field: str, label: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationFailed(
            _("%(label)s必须是不小于 0 的整数,收到「%(value)s」") % {"label": label, "value": value},
            field=field,
        )


def due_date(
    calendar: Calendar,
    *,
    start: dt.date,
    limit: int,
    extensions: Iterable[Extension] = (),
    suspensions: Iterable[Suspension] = (),
    start_label: str = gettext_lazy("受理"),
) -> Due:
    """The due date of a limit of working days counted from the day after `start`, with its explanation."""
    extensions, suspensions = tuple(extensions), tuple(suspensions)
    _check_days(limit, field="limit", label=_("时限"))
    for e in extensions:
        _check_days(e.days, field="extension", label=_("延期天数"))
    _check_suspensions(start, suspensions)

    lines = [
        Line(
            "start",
            _("起算:%(day_label)s%(start_label)s,自次日起计算")
            % {"day_label": day_label(start), "start_label": start_label},
            date=start,
        ),
        Line("limit", _("时限:%(limit)s 个工作日") % {"limit": limit}, days=limit),
    ]
    provisional = False
    extension_days = 0
    for e in extensions:
        extension_days += e.days
        when = (
            _("(%(approved_on)s 批准)") % {"approved_on": e.approved_on.isoformat()} if e.approved_on else ""
        )
        lines.append(
            Line(
                "extension",
                _("延期:+%(days)s 个工作日%(when)s") % {"days": e.days, "when": when},
                date=e.approved_on,
                days=e.days,
            )
        )
    suspended_days = 0
    open_suspension: Suspension | None = None
    for s in suspensions:
        kind = f"({SUSPENSION_KINDS.get(s.kind, s.kind)})" if s.kind else ""
        if s.end is None:
            open_suspension = s
            continue
        counted = calendar.workdays_between(s.start, s.end)
        provisional |= counted.provisional
        suspended_days += counted.value
        lines.append(
            Line(
                "suspension",
                _("中止%(kind)s:%(start)s 至 %(end)s,不计入 %(counted)s 个工作日(行政许可法第四十五条)")
                % {
                    "kind": kind,
                    "start": chinese_date(s.start),
                    "end": chinese_date(s.end),
                    "counted": counted.value,
                },
                date=s.start,
                until=s.end,
                days=counted.value,
            )
        )
    total = limit + extension_days + suspended_days

    if open_suspension is not None:
        used = calendar.workdays_between(start, open_suspension.start)
        provisional |= used.provisional
        remaining = total - used.value
        kind = SUSPENSION_KINDS.get(open_suspension.kind, open_suspension.kind)
        kind = f"({kind})" if kind else ""
        lines.append(
            Line(
                "suspended",
                _(
                    "中止中%(kind)s:自 %(start)s 起暂停计算,已用 %(used)s 个工作日,剩余 %(remaining)s 个工作日;恢复后重新推算期限"
                )
                % {
                    "kind": kind,
                    "start": chinese_date(open_suspension.start),
                    "used": used.value - suspended_days,
                    "remaining": remaining,
                },
                date=open_suspension.start,
                days=remaining,
            )
        )
        lines += _special_lines(calendar, start, open_suspension.start)
        if provisional:
            lines.append(_provisional_line(calendar, start, open_suspension.start))
        return Due(None, provisional, start, limit, extension_days, suspended_days, remaining, tuple(lines))

    found = calendar.add_workdays(start, total)
    provisional |= found.provisional
    lines += _special_lines(calendar, start, found.value)
    if provisional:
        lines.append(_provisional_line(calendar, start, found.value))
    parts = [f"{limit}"] + [f"{e.days}" for e in extensions]
    if suspended_days:
        parts.append(f"{suspended_days}")
    sum_text = " + ".join(parts) + f" = {total}" if len(parts) > 1 else f"{total}"
    lines.append(
        Line(
            "total",
            _("合计 %(sum_text)s 个工作日,期限 %(day_label)s")
            % {"sum_text": sum_text, "day_label": day_label(found.value)},
            date=found.value,
            days=total,
        )
    )
    return Due(found.value, provisional, start, limit, extension_days, suspended_days, None, tuple(lines))


def _special_lines(calendar: Calendar, start: dt.date, end: dt.date) -> list[Line]:
    lines = []
    for day in calendar.special_days(start, end).value:
        kind = "holiday" if day.kind == DayKind.HOLIDAY else "adjusted_workday"
        verb = _("不计") if kind == "holiday" else _("计入")
        label = f"{day.name}·{day.kind.label}" if day.name else str(day.kind.label)
        said = {"day": day_label(day.date), "label": label, "verb": verb}
        lines.append(Line(kind, _("%(day)s %(label)s(%(verb)s)") % said, date=day.date))
    return lines


def _provisional_line(calendar: Calendar, start: dt.date, end: dt.date) -> Line:
    unknown = [str(y) for y in range(start.year, end.year + 1) if not calendar.knows(y)]
    years = "、".join(unknown) or "相关年份"
    return Line(
        "provisional",
        _("暂定:%(years)s 年节假日安排尚未公布,按周一至周五计算,公布后将重新推算") % {"years": years},
    )


# 行政许可法 第三十二条: the intake decision is due within 5 working days of receipt (or of the complete supplement).
def intake_due(calendar: Calendar, received_on: dt.date) -> Due:
    """When the intake decision (受理 / 补正 / 不予受理) is due."""
    return due_date(calendar, start=received_on, limit=INTAKE_WORKDAYS, start_label=_("收件"))


# 行政许可法 第三十二条: 逾期不告知的,自收到申请材料之日起即为受理.
def deemed_accepted(calendar: Calendar, received_on: dt.date, today: dt.date) -> bool:
    """True once the 5 working days for the intake decision have passed without one."""
    due = intake_due(calendar, received_on).due
    return due is not None and today > due


# 行政许可法 第三十二条: 补正 told at once within 5 days; the written 受理 / 不予受理 notice (书面凭证) of the same
# article has no period of its own and takes the same 5 working days.
SERVE_INTAKE_WORKDAYS = INTAKE_WORKDAYS
# 行政许可法 第四十四条: the decision served within 10 days of it (不予许可, 第三十八条第二款, likewise).
SERVE_DECISION_WORKDAYS = 10
INTAKE_NOTICES = ("acceptance", "supplement", "refusal")


# 行政许可法 第八十二条: the Act's periods are working days (no statutory holidays).
def written_notice_due(calendar: Calendar, kind: str, issued_on: dt.date) -> dt.date:
    """The last day to serve on paper a notice (a Notice.Kind) issued on `issued_on` that no message delivered."""
    days = SERVE_INTAKE_WORKDAYS if kind in INTAKE_NOTICES else SERVE_DECISION_WORKDAYS
    return calendar.add_workdays(issued_on, days).value


def remaining_workdays(calendar: Calendar, today: dt.date, due: dt.date) -> int:
    """Working days left until `due` (today not counted); negative when overdue."""
    return calendar.workdays_between(today, due).value


class TimeState:
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    SUSPENDED = "suspended"


TIME_STATE_LABELS = {
    TimeState.ON_TIME: gettext_lazy("未到期"),
    TimeState.DUE_SOON: gettext_lazy("即将到期"),
    TimeState.OVERDUE: gettext_lazy("已超期"),
    TimeState.SUSPENDED: gettext_lazy("中止中"),
}


def time_state(
    calendar: Calendar,
    today: dt.date,
    due: dt.date | None,
    *,
    warn_workdays: int = thresholds.DUE_SOON_WORKDAYS,
) -> str:
    """On time, due soon (at most `warn_workdays` working days left), overdue, or suspended (no due date)."""
    if due is None:
        return TimeState.SUSPENDED
    if today > due:
        return TimeState.OVERDUE
    return (
        TimeState.DUE_SOON if remaining_workdays(calendar, today, due) <= warn_workdays else TimeState.ON_TIME
    )


def parse_suspension(text: str) -> Suspension:
    """'2026-10-09:2026-10-16' (closed) or '2026-10-09:' (still suspended)."""
    start, sep, end = (text or "").partition(":")
    if not sep:
        raise ValidationFailed(
            _(
                "中止期间「%(text)s」应写作 开始日期:恢复日期,例如 2026-10-09:2026-10-16;"
                "尚未恢复的写作 2026-10-09:"
            )
            % {"text": text},
            field="suspended",
        )
    try:
        return Suspension(
            dt.date.fromisoformat(start.strip()), dt.date.fromisoformat(end.strip()) if end.strip() else None
        )
    except ValueError:
        raise ValidationFailed(
            _("中止期间「%(text)s」中的日期无效,日期应写作 年-月-日,例如 2026-12-07") % {"text": text},
            field="suspended",
        ) from None
