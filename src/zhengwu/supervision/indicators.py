"""Efficiency indicators (效能指标), computed by the database: one aggregate query over cases grouped by the chosen
key (Count / Sum with FILTER conditions), one over the catalogue, one over complaints, one over orders — never a loop
over cases in Python. Definitions and formulas: docs/indicators.md. The same conditions (`METRICS`) serve the
drill-down, so the cases behind a figure are exactly the ones counted.

Working days in SQL: WorkdayIndex holds, for every day, the number of working days since 2000-01-01; the working days
between two dates are the difference of their two numbers (rebuilt from the calendar whenever a year is loaded).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import Case as When_
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import TruncDate
from django.utils.translation import gettext, gettext_lazy

from zhengwu.cases.models import Case, CaseEvent, Channel, Status
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import access, clock, thresholds
from zhengwu.core.calendar import current_calendar
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.models import Organisation, Region, ServiceCentre, Staff, Window
from zhengwu.supervision.models import SupervisionOrder, WorkdayIndex

EPOCH = dt.date(2000, 1, 1)
GROUPINGS = {
    # key: (field on Case, model of the key, label field)
    "organisation": ("organisation_id", Organisation, "name"),
    "region": ("organisation__region_id", Region, "name"),
    "centre": ("window__centre_id", ServiceCentre, "name"),
    "window": ("window_id", Window, "name"),
    "staff": ("acceptor", Staff, "name"),
}


# Figures other domains add beside the case indicators (the fees collected, refunded and outstanding per
# organisation per month): each a function (period=, user=) returning {"key", "title", "header": [...],
# "rows": [[...]]} or None; registered in their AppConfig.ready(), so supervision imports none. `sections()` runs
# them; `zhengwu indicators` prints them after the case indicators.
SECTIONS: list = []


def sections(*, period: Period, user=None) -> list[dict]:
    return [found for section in SECTIONS if (found := section(period=period, user=user))]


@dataclass(frozen=True)
class Period:
    """From `first` to `last`, both days included (China time)."""

    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(0), tzinfo=clock.LOCAL)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(0), tzinfo=clock.LOCAL)

    @property
    def as_of(self) -> dt.date:
        """The day overdue-open is judged on: the day after the period, or today if the period has not ended."""
        return min(self.last + dt.timedelta(days=1), clock.today())

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - dt.timedelta(days=1))

    @classmethod
    def parse(cls, first, last) -> Period:
        from zhengwu.core.calendar import parse_date

        a = parse_date(first, field="from", label=gettext("开始日期"))
        b = parse_date(last, field="to", label=gettext("结束日期"))
        if b < a:
            raise ValidationFailed(gettext("结束日期早于开始日期"), field="to")
        if (b - a).days > 3660:
            raise ValidationFailed(gettext("统计期间最长十年"), field="to")
        return cls(a, b)


# ---- the conditions each count uses (also the drill-down)


def received(p: Period) -> Q:
    return Q(received_at__gte=p.start, received_at__lt=p.end)


def accepted(p: Period) -> Q:
    return Q(accepted_on__gte=p.first, accepted_on__lte=p.last)


def completed(p: Period) -> Q:
    return Q(status=Status.COMPLETED, finished_at__gte=p.start, finished_at__lt=p.end)


def on_time_promised(p: Period) -> Q:
    return completed(p) & Q(decided_on__lte=F("promised_due"))


def on_time_legal(p: Period) -> Q:
    return completed(p) & Q(decided_on__lte=F("legal_due"))


def overdue_completed(p: Period) -> Q:
    return completed(p) & Q(decided_on__gt=F("promised_due"))


def overdue_open(p: Period) -> Q:
    return Q(received_at__lt=p.end) & (
        Q(status=Status.RECEIVED, intake_due__lt=p.as_of)
        | Q(status=Status.ACCEPTED, promised_due__lt=p.as_of)
    )


def instant(p: Period) -> Q:
    return completed(p) & Q(version__instant=True)


def onsite(p: Period) -> Q:
    # 现场办结: decided at the window — an instant item, or decided by window-authorised staff stationed in the centre
    # (Case.decided_onsite, stamped with the decision).
    return completed(p) & (Q(version__instant=True) | Q(decided_onsite=True))


def online(p: Period) -> Q:
    return received(p) & Q(channel=Channel.ONLINE)


def timed(p: Period) -> Q:
    """Completed cases with a promised limit (not instant): the base of the speed-up rate."""
    return completed(p) & Q(version__promised_limit__gt=0) & Q(decided_on__isnull=False)


METRICS = {
    "received": (gettext_lazy("收件数"), received),
    "accepted": (gettext_lazy("受理数"), accepted),
    "completed": (gettext_lazy("办结数"), completed),
    "on_time_promised": (gettext_lazy("承诺时限内办结"), on_time_promised),
    "on_time_legal": (gettext_lazy("法定时限内办结"), on_time_legal),
    "overdue_completed": (gettext_lazy("超期办结"), overdue_completed),
    "overdue_open": (gettext_lazy("超期未办结"), overdue_open),
    "instant": (gettext_lazy("即办件办结"), instant),
    "onsite": (gettext_lazy("现场办结"), onsite),
    "online": (gettext_lazy("网上申请"), online),
}

RATES = {
    # name: (label, numerator, denominator)
    "on_time_rate": (gettext_lazy("按时办结率"), "on_time_promised", "completed"),
    "legal_on_time_rate": (gettext_lazy("法定时限内办结率"), "on_time_legal", "completed"),
    "instant_share": (gettext_lazy("即办件占比"), "instant", "completed"),
    "onsite_rate": (gettext_lazy("现场办结率"), "onsite", "completed"),
    "online_share": (gettext_lazy("网上申请占比"), "online", "received"),
    "speedup_rate": (gettext_lazy("提速率"), "workdays_saved", "promised_workdays"),
    "window_authorisation_rate": (gettext_lazy("窗口授权率"), "items_window_authorised", "items"),
    "centre_coverage": (gettext_lazy("进驻率"), "items_in_centre", "items"),
    "full_online_share": (gettext_lazy("全程网办事项占比"), "items_full_online", "items"),
    "entry_rate": (gettext_lazy("项目录入率"), "items_with_cases", "items"),
    "good_rating_rate": (gettext_lazy("测评满意率"), "ratings_good", "ratings"),
    "bad_rating_rate": (gettext_lazy("不满意率"), "ratings_bad", "ratings"),
    "complaint_rate": (gettext_lazy("投诉率"), "complaints", "received"),
}

LABELS = {
    **{k: v[0] for k, v in METRICS.items()},
    **{k: v[0] for k, v in RATES.items()},
    "workdays_saved": gettext_lazy("比承诺提前的工作日合计"),
    "promised_workdays": gettext_lazy("承诺工作日合计"),
    "items": gettext_lazy("在办事项数"),
    "items_window_authorised": gettext_lazy("窗口授权事项数"),
    "items_in_centre": gettext_lazy("进驻中心事项数"),
    "items_full_online": gettext_lazy("全程网办事项数"),
    "items_with_cases": gettext_lazy("有办件的事项数"),
    "ratings": gettext_lazy("评价数"),
    "ratings_good": gettext_lazy("满意评价数"),
    "ratings_bad": gettext_lazy("不满意评价数"),
    "complaints": gettext_lazy("投诉数"),
    "orders_open": gettext_lazy("未办结督办"),
    "orders_overdue": gettext_lazy("逾期未反馈督办"),
}


# Metrics other domains add (joint approval: 联办件 and their member cases), registered from their AppConfig.ready()
# through `add_metric`: counted in the same grouped aggregate, shown as columns, drillable like the others. A metric
# counted as distinct values of `field` (not cases) is not additive over organisations — a 联办件 with members in three
# departments counts once in each — so its total is counted apart (`DISTINCT`).
FIELDS: dict[str, str] = {}
DISTINCT: set[str] = set()


def add_metric(name: str, label: str, condition, *, field: str = "pk", distinct: bool = False) -> None:
    """Register a metric: `condition(period)` is a Q on Case; counted as cases, or as distinct `field` values."""
    METRICS[name] = (label, condition)
    LABELS[name] = label
    if field != "pk":
        FIELDS[name] = field
    if distinct:
        DISTINCT.add(name)
    if name not in COLUMNS:
        COLUMNS.append(name)


# ---- the working-day index


def ensure_workday_index(first: dt.date, last: dt.date) -> None:
    """Make sure WorkdayIndex covers whole years from `first` to `last` (numbers counted from 2000-01-01)."""
    first, last = dt.date(max(first.year, EPOCH.year), 1, 1), dt.date(last.year, 12, 31)
    have = WorkdayIndex.objects.filter(day__gte=first, day__lte=last).count()
    if have == (last - first).days + 1:
        return
    calendar = current_calendar()
    with transaction.atomic():
        WorkdayIndex.objects.filter(day__gte=first, day__lte=last).delete()
        n = calendar.workdays_between(EPOCH, first - dt.timedelta(days=1)).value if first > EPOCH else 0
        rows, day = [], first
        while day <= last:
            if calendar.check(day).workday:
                n += 1
            rows.append(WorkdayIndex(day=day, n=n))
            day += dt.timedelta(days=1)
        WorkdayIndex.objects.bulk_create(rows, batch_size=2000)


def _index_of(expression) -> Subquery:
    return Subquery(WorkdayIndex.objects.filter(day=expression).values("n")[:1], output_field=IntegerField())


# ---- the queries


def _annotated(cases: QuerySet[Case], by: str, period: Period | None = None) -> QuerySet[Case]:
    """Cases with what the conditions need: the decision day (China time), the working days decided ahead of the
    promised date (only for the speed-up base), and the acceptor for `staff`. (Whether it was decided on site is the
    case's own column, stamped with the decision: a per-row sub-select over the events and the decider's staff
    record cost ~100 ms of the month's statement at 10^6 cases, and read the decider's authorisation as it is now.)"""
    cases = cases.annotate(decided_on=TruncDate("decided_at", tzinfo=clock.LOCAL))
    if period is not None:
        cases = cases.annotate(
            workdays_ahead=When_(
                When(
                    timed(period),
                    then=_index_of(OuterRef("promised_due")) - _index_of(OuterRef("decided_on")),
                ),
                default=None,
                output_field=IntegerField(),
            )
        )
    if by == "staff":
        acceptor = CaseEvent.objects.filter(
            case=OuterRef("pk"), action__in=("accept", "submit"), actor__staff__isnull=False
        )
        cases = cases.annotate(acceptor=Subquery(acceptor.order_by("-seq").values("actor__staff__id")[:1]))
    return cases


def _case_counts(p: Period, cases: QuerySet[Case], by: str) -> dict:
    """{key: {metric: value}} from one grouped aggregate."""
    ensure_workday_index(p.first - dt.timedelta(days=400), p.last + dt.timedelta(days=400))
    touched = received(p) | accepted(p) | completed(p) | overdue_open(p)
    base = _annotated(cases.filter(touched).order_by(), by, p)
    counts = {
        name: Count(FIELDS.get(name, "pk"), filter=cond(p), distinct=name in DISTINCT)
        for name, (_, cond) in METRICS.items()
    }
    counts["workdays_saved"] = Sum("workdays_ahead", filter=timed(p))
    counts["promised_workdays"] = Sum("version__promised_limit", filter=timed(p))
    # A case's item is always one of its organisation's items, so this counts the organisation's items with cases.
    counts["items_with_cases"] = Count("item_id", filter=received(p), distinct=True)
    field = GROUPINGS[by][0]
    # The transaction only scopes SET LOCAL: it is opened on the database the read goes to (a replica when one is
    # configured, core.dbrouter), so the heaviest read of the dashboards stays off the primary.
    using = router.db_for_read(base.model)
    with transaction.atomic(using=using), _no_jit(using):
        return {row.pop(field): row for row in base.using(using).values(field).annotate(**counts)}


@contextmanager
def _no_jit(using: str = DEFAULT_DB_ALIAS):
    """PostgreSQL's JIT compiles this wide aggregate for seconds to save milliseconds (3.5 s of compilation against a
    0.3 s scan at 10^6 cases): switch it off for the statement's transaction only."""
    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cur:
            cur.execute("SET LOCAL jit = off")
    yield


def _catalogue_counts(p: Period, organisations: QuerySet[Organisation], by: str) -> dict:
    if by not in ("organisation", "region"):
        return {}
    field = {"organisation": "organisation_id", "region": "organisation__region_id"}[by]
    items = ServiceItem.objects.filter(
        status=ServiceItem.Status.ACTIVE,
        organisation__in=organisations.values("pk"),
        current_version__isnull=False,
    ).order_by()
    counts = {
        "items": Count("pk", distinct=True),
        "items_window_authorised": Count(
            "pk", filter=Q(current_version__window_authorised=True), distinct=True
        ),
        "items_in_centre": Count("pk", filter=Q(current_version__windows__isnull=False), distinct=True),
        # 全程网办: the published online depth reaches 办理 (handled online, not only received or pre-reviewed).
        "items_full_online": Count(
            "pk", filter=Q(current_version__online_depth__icontains='"handle"'), distinct=True
        ),
    }
    return {row.pop(field): row for row in items.values(field).annotate(**counts)}


def _complaint_counts(p: Period, organisations: QuerySet[Organisation], by: str | None) -> dict:
    if by not in ("organisation", "region"):
        return {}
    from zhengwu.tickets.models import Kind, Ticket

    field = {"organisation": "lead_organisation_id", "region": "lead_organisation__region_id"}[by]
    rows = Ticket.objects.filter(
        kind=Kind.COMPLAINT,
        received_at__gte=p.start,
        received_at__lt=p.end,
        lead_organisation__in=organisations.values("pk"),
    ).order_by()
    return {row.pop(field): row for row in rows.values(field).annotate(complaints=Count("pk"))}


def _rating_counts(p: Period, organisations, by: str | None) -> dict:
    """Good and bad ratings (好差评) in the period; ratings removed by an upheld appeal are not counted."""
    from zhengwu.evaluation.models import Rating

    field = {"organisation": "organisation_id", "region": "organisation__region_id"}.get(by)
    if field is None:
        return {}
    rows = Rating.objects.filter(
        organisation__in=organisations.values("pk"), excluded=False, rated_at__gte=p.start, rated_at__lt=p.end
    ).order_by()
    counts = {
        "ratings": Count("pk"),
        # 国办发〔2019〕51号: 非常满意 5, 满意 4, 基本满意 3 count as good; 不满意 2, 非常不满意 1 as bad.
        "ratings_good": Count("pk", filter=Q(level__gte=thresholds.GOOD_RATING_MIN)),
        "ratings_bad": Count("pk", filter=Q(level__lte=thresholds.BAD_RATING_MAX)),
    }
    return {row.pop(field): row for row in rows.values(field).annotate(**counts)}


def _order_counts(organisations, by: str | None) -> dict:
    if by not in ("organisation", "region"):
        return {}
    field = {"organisation": "organisation_id", "region": "organisation__region_id"}[by]
    rows = SupervisionOrder.objects.filter(organisation__in=organisations.values("pk")).order_by()
    open_ = Q(state=SupervisionOrder.State.OPEN)
    counts = {
        "orders_open": Count("pk", filter=~Q(state=SupervisionOrder.State.CLOSED)),
        "orders_overdue": Count("pk", filter=open_ & Q(due_on__lt=clock.today())),
    }
    return {row.pop(field): row for row in rows.values(field).annotate(**counts)}


def _rate(numerator, denominator) -> float | None:
    if not denominator or numerator is None:
        return None
    return round(numerator / denominator, 4)


def _labels(by: str, keys) -> dict:
    model, label_field = GROUPINGS[by][1], GROUPINGS[by][2]
    keys = [k for k in keys if k is not None]
    if by == "window":
        return window_labels(keys)
    return dict(model.objects.filter(pk__in=keys).values_list("pk", label_field))


def window_labels(keys) -> dict:
    """Each window as people know it, "1号窗口 综合受理窗口"; where two centres have a window of that name, the centre
    is named first so the rows can be told apart."""
    windows = list(Window.objects.filter(pk__in=keys).select_related("centre"))
    seen: dict[str, int] = {}
    for w in windows:
        seen[str(w)] = seen.get(str(w), 0) + 1
    return {w.pk: (f"{w.centre.name} {w}" if seen[str(w)] > 1 else str(w)) for w in windows}


def compute(
    *, period: Period, by: str | None = "organisation", user=None, cases: QuerySet[Case] | None = None
) -> dict:
    """The indicators for a period, one row per group (and a total), scoped to what `user` may see (None: all)."""
    if by is not None and by not in GROUPINGS:
        raise ValidationFailed(
            gettext("分组应为 %(choices)s 之一") % {"choices": "、".join(GROUPINGS)}, field="by"
        )
    if cases is None:
        cases = Case.objects.all()
    organisations = Organisation.objects.all()
    if user is not None:
        cases = access.scope(user, cases, "organisation")
        organisations = access.visible_organisations(user)

    def gather(grouping: str) -> list[dict]:
        return [
            _case_counts(period, cases, grouping),
            _catalogue_counts(period, organisations, grouping),
            _complaint_counts(period, organisations, grouping),
            _rating_counts(period, organisations, grouping),
            _order_counts(organisations, grouping),
            *[source(period=period, organisations=organisations, by=grouping) for source in SOURCES],
        ]

    # Every count is additive over organisations, so the total is the sum of the organisation rows.
    by_organisation = gather("organisation")
    sources = by_organisation if by in (None, "organisation") else gather(by)
    total_parts: dict = {}
    for source in by_organisation:
        for values in source.values():
            for name, value in values.items():
                total_parts[name] = (total_parts.get(name) or 0) + (value or 0)
    if DISTINCT:  # counted once in the whole, not once per organisation (one query for them all)
        touched = received(period) | accepted(period) | completed(period) | overdue_open(period)
        total_parts.update(
            cases.filter(touched)
            .order_by()
            .aggregate(
                **{
                    name: Count(FIELDS.get(name, "pk"), filter=METRICS[name][1](period), distinct=True)
                    for name in sorted(DISTINCT)
                }
            )
        )
    for source in SOURCES:  # their averages and percentiles are not sums: each source gives its own total
        total_parts.update(source(period=period, organisations=organisations, by=None).get(None, {}))
    total = _row(None, "合计", [{None: total_parts}])
    rows = []
    if by is not None:
        keys = set(sources[0]) | {k for s in sources[1:] for k in s if any(s[k].values())}
        labels = _labels(by, keys)
        rows = [_row(k, labels.get(k, "(未指定)" if k is None else str(k)), sources) for k in keys]
        rows.sort(key=lambda r: (-(r["received"] or 0), r["label"]))
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "by": by,
        "rows": rows,
        "total": total,
    }


def _row(key, label, sources) -> dict:
    row = {"key": key, "label": label}
    for name in list(METRICS) + ["workdays_saved", "promised_workdays"]:
        row[name] = 0
    merged: dict = {}
    for source in sources:
        merged.update(source.get(key, {}))
    for name, value in merged.items():
        row[name] = value if value is not None or name in NULLABLE else 0
    for name, (_, num, den) in RATES.items():
        row[name] = _rate(row.get(num), row.get(den)) if num in row and den in row else None
    return row


def drill(*, period: Period, metric: str, by: str | None = None, key=None, user=None) -> QuerySet[Case]:
    """The cases behind one figure: the same condition the count used, for the same group."""
    if metric not in METRICS:
        raise ValidationFailed(
            gettext("没有名为「%(metric)s」的指标可以下钻") % {"metric": metric}, field="metric"
        )
    cases = Case.objects.all() if user is None else access.scope(user, Case.objects.all(), "organisation")
    cases = _annotated(cases, by or "", period).filter(METRICS[metric][1](period))
    if by and key not in (None, ""):
        cases = cases.filter(**{GROUPINGS[by][0]: key})
    return cases.select_related("organisation", "version", "window").order_by("-received_at", "-id")


# ---- output formats


COLUMNS = [
    "received",
    "accepted",
    "completed",
    "on_time_promised",
    "on_time_legal",
    "on_time_rate",
    "legal_on_time_rate",
    "overdue_completed",
    "overdue_open",
    "speedup_rate",
    "instant_share",
    "onsite_rate",
    "online_share",
    "window_authorisation_rate",
    "centre_coverage",
    "full_online_share",
    "entry_rate",
    "good_rating_rate",
    "bad_rating_rate",
    "complaint_rate",
    "orders_open",
    "orders_overdue",
]


# Figures other domains add (the hall's waiting and bookings): each source a function (period=, organisations=, by=)
# returning {key: {name: value}} for the grouping `by`, and with by=None {None: {...}} for the total (its averages
# and percentiles are not sums of the rows); registered in the domain's AppConfig.ready() with `add_source`, so
# supervision imports none (the bulletin's SECTIONS work the same way).
SOURCES: list = []
NULLABLE: set[str] = set()  # averages and rates: "—" when nothing was measured, never 0
PLAIN: set[str] = set()  # figures that are not shares (minutes): shown as they are, not as a percentage
CASE_COLUMNS = list(COLUMNS)  # the bulletin's indicator table (the hall has its own section there)


def add_source(source, columns: dict[str, str], *, nullable=(), plain=()) -> None:
    """Register a source with its columns (name → Chinese label), added after the case columns."""
    if source not in SOURCES:
        SOURCES.append(source)
    for name, label in columns.items():
        LABELS[name] = label
        if name not in COLUMNS:
            COLUMNS.append(name)
    NULLABLE.update(nullable)
    PLAIN.update(plain)


def as_table(result: dict, columns: list[str] | None = None) -> tuple[list[str], list[list]]:
    """Header and rows (each group, then the total) for CSV, Excel and the bulletin."""
    columns = COLUMNS if columns is None else columns
    header = [gettext("分组")] + [str(LABELS[c]) for c in columns]  # str: the CSV's and the workbook's cells
    body = [[r["label"]] + [r.get(c) for c in columns] for r in result["rows"] + [result["total"]]]
    return header, body


def to_json(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2, default=str)


def to_csv(result: dict) -> str:
    """The case indicators; then each added section (result["sections"]) after a blank line: its title, header,
    rows."""
    header, body = as_table(result)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["key"] + header)
    for row, data in zip(result["rows"] + [result["total"]], body, strict=True):
        writer.writerow(
            [row["key"] if row["key"] is not None else ""] + ["" if v is None else v for v in data]
        )
    for section in result.get("sections") or []:
        writer.writerow([])
        writer.writerow([section["title"]])
        writer.writerow(section["header"])
        writer.writerows(section["rows"])
    return out.getvalue()


def to_xlsx(result: dict) -> bytes:
    from openpyxl import Workbook

    header, body = as_table(result)
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("效能指标")
    sheet.append(
        [gettext("统计期间 %(first)s 至 %(last)s") % {"first": result["from"], "last": result["to"]}]
    )
    sheet.append(header)
    for data in body:
        sheet.append(data)
    for section in result.get("sections") or []:
        extra = book.create_sheet(section["title"][:31])
        extra.append(section["header"])
        for data in section["rows"]:
            extra.append(data)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
