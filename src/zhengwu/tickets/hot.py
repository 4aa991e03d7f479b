"""Hot topics: counts by category and township for a day or a week, rising terms, a heat table; Excel export."""

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core.clock import LOCAL
from zhengwu.core.errors import ValidationFailed
from zhengwu.tickets import text
from zhengwu.tickets.models import Ticket

PERIODS = {"day": 1, "week": 7}
NO_REGION = gettext_lazy("未注明乡镇")


@dataclass
class HotReport:
    period: str
    since: dt.date
    until: dt.date
    total: int
    previous_total: int
    by_category: list[tuple[str, int, int]]  # name, count, previous count
    by_region: list[tuple[str, int, int]]
    columns: list[str]  # the heat table's categories
    heat: list[tuple[str, list[int], int]] = field(default_factory=list)  # township, counts per column, total
    rising: list[tuple[str, int, int]] = field(default_factory=list)  # term, count, previous count


def _window(since: dt.date, until: dt.date):
    start = dt.datetime.combine(since, dt.time.min, tzinfo=LOCAL)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL)
    return Ticket.objects.filter(received_at__gte=start, received_at__lt=end, merged_into__isnull=True)


def _rows(qs):
    return list(
        qs.values_list("category__parent__name", "category__name", "region__name", "title", "content")
    )


def report(*, period: str = "week", until: dt.date, top_terms: int = 20, columns: int = 8) -> HotReport:
    """The hot-topic report for the day or week ending `until`, compared with the period before it."""
    days = PERIODS.get(period, 7)
    if not dt.date(1971, 1, 1) <= until <= dt.date(2999, 12, 31):
        raise ValidationFailed(_("统计截止日期应在1971年至2999年之间"), field="until")
    since = until - dt.timedelta(days=days - 1)
    current = _rows(_window(since, until))
    previous = _rows(_window(since - dt.timedelta(days=days), since - dt.timedelta(days=1)))

    def category(row):
        return row[0] or row[1]

    cat_now, cat_before = Counter(map(category, current)), Counter(map(category, previous))
    no_region = str(NO_REGION)
    reg_now = Counter(row[2] or no_region for row in current)
    reg_before = Counter(row[2] or no_region for row in previous)
    cols = [name for name, _count in cat_now.most_common(columns)]
    cells = Counter((row[2] or no_region, category(row)) for row in current)
    heat = [(region, [cells[(region, c)] for c in cols], n) for region, n in reg_now.most_common()]
    terms_now = Counter(w for row in current for w in set(text.words(f"{row[3]} {row[4]}")) if len(w) > 1)
    terms_before = Counter(w for row in previous for w in set(text.words(f"{row[3]} {row[4]}")) if len(w) > 1)
    # Rising: seen at least twice now, ranked by growth over the previous period (add-one so new terms rank).
    rising = sorted(
        ((w, n, terms_before[w]) for w, n in terms_now.items() if n >= 2 and n > terms_before[w]),
        key=lambda r: (-(r[1] + 1) / (r[2] + 1), -r[1], r[0]),
    )[:top_terms]
    return HotReport(
        period=period if period in PERIODS else "week",
        since=since,
        until=until,
        total=len(current),
        previous_total=len(previous),
        by_category=[(c, n, cat_before[c]) for c, n in cat_now.most_common()],
        by_region=[(r, n, reg_before[r]) for r, n in reg_now.most_common()],
        columns=cols,
        heat=heat,
        rising=rising,
    )


def to_xlsx(r: HotReport) -> bytes:
    """The report as an Excel workbook: categories, townships, the heat table and rising terms."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("分类")
    ws.append(
        [
            _("统计区间"),
            _("%(since)s 至 %(until)s") % {"since": r.since, "until": r.until},
            _("总量"),
            r.total,
            _("上期"),
            r.previous_total,
        ]
    )
    ws.append([_("分类"), _("本期"), _("上期")])
    for row in r.by_category:
        ws.append(list(row))
    ws = wb.create_sheet(_("乡镇"))
    ws.append([_("乡镇"), _("本期"), _("上期")])
    for row in r.by_region:
        ws.append(list(row))
    ws = wb.create_sheet(_("热力表"))
    ws.append([_("乡镇"), *r.columns, _("合计")])
    for region, counts, total in r.heat:
        ws.append([region, *counts, total])
    ws = wb.create_sheet(_("上升热词"))
    ws.append([_("词语"), _("本期"), _("上期")])
    for row in r.rising:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
