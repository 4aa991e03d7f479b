"""The annual report (政府信息公开工作年度报告) in the 2021 national template, computed from the records.

`request_table` is pure (plain rows in, the table out, with the per-column check new + carried in = handled +
carried out); `build` gathers the rows from the database and assembles every section.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed
from zhengwu.disclosure import deadlines, outcomes, workflow

KINDS = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other")
COLUMNS = (*KINDS, "total")
COLUMN_LABELS = {
    "natural_person": gettext_lazy("自然人"),
    "commercial": gettext_lazy("商业企业"),
    "research": gettext_lazy("科研机构"),
    "public_interest": gettext_lazy("社会公益组织"),
    "legal_service": gettext_lazy("法律服务机构"),
    "other": gettext_lazy("其他"),
    "total": gettext_lazy("总计"),
}
REMEDY_RESULTS = ("upheld", "corrected", "other", "pending", "total")
REMEDY_RESULT_LABELS = {
    "upheld": gettext_lazy("结果维持"),
    "corrected": gettext_lazy("结果纠正"),
    "other": gettext_lazy("其他结果"),
    "pending": gettext_lazy("尚未审结"),
    "total": gettext_lazy("总计"),
}
REMEDY_KINDS = {
    "reconsideration": gettext_lazy("行政复议"),
    "litigation_direct": gettext_lazy("行政诉讼(未经复议直接起诉)"),
    "litigation_after": gettext_lazy("行政诉讼(复议后起诉)"),
}
SECTION_TITLES = {
    "overview": gettext_lazy("一、总体情况"),
    "proactive": gettext_lazy("二、主动公开政府信息情况"),
    "requests": gettext_lazy("三、收到和处理政府信息公开申请情况"),
    "remedies": gettext_lazy("四、政府信息公开行政复议、行政诉讼情况"),
    "problems": gettext_lazy("五、存在的主要问题及改进情况"),
    "other_matters": gettext_lazy("六、其他需要报告的事项"),
}
MANUAL_FIGURES = ("licensing", "penalty", "enforcement", "administrative_fees_10k_yuan")
# The decision rows of 第二十条第(五)(六)项 and the catalogue item type (ServiceItem.item_type) whose case decisions
# they count. 行政许可 always comes from the cases; 行政处罚 and 行政强制 only where cases of that type were decided in
# the year (penalties are seldom handled as cases), else from the publications of that genre as before.
DECISION_ITEM_TYPES = {"licensing": "01", "penalty": "02", "enforcement": "03"}
ALWAYS_FROM_CASES = ("licensing",)
SOURCE_LABELS = {
    "manual": gettext_lazy("人工填报"),
    "cases": gettext_lazy("办件记录"),
    "publications": gettext_lazy("公开信息"),
    "none": gettext_lazy("人工填报(未填)"),
}


@dataclass(frozen=True)
class RequestRow:
    requester_kind: str
    received_on: dt.date
    concluded_on: dt.date | None
    outcome: str
    reason: str


@dataclass(frozen=True)
class RemedyRow:
    kind: str
    filed_on: dt.date
    result: str
    concluded_on: dt.date | None


def _zero() -> dict[str, int]:
    return dict.fromkeys(COLUMNS, 0)


def request_table(rows: Iterable[RequestRow], year: int) -> dict:
    """Table 三: new, carried in, results by outcome and sub-reason, total handled, carried out, per column."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    new, carried_in, carried_out, handled = _zero(), _zero(), _zero(), _zero()
    results = {key: _zero() for key, *_rest in outcomes.report_rows()}
    for row in rows:
        if row.requester_kind not in KINDS:
            raise ValidationFailed(
                _("未知的申请人类型「%(requester_kind)s」") % {"requester_kind": row.requester_kind},
                field="requester_kind",
            )
        if row.received_on > last:
            continue
        if row.concluded_on is not None and row.concluded_on < first:
            continue
        cols = (row.requester_kind, "total")
        for c in cols:
            if row.received_on >= first:
                new[c] += 1
            else:
                carried_in[c] += 1
        if row.concluded_on is not None and row.concluded_on <= last:
            outcomes.validate(row.outcome, row.reason)
            for c in cols:
                handled[c] += 1
                results[row.outcome][c] += 1
                if row.reason:
                    results[f"{row.outcome}.{row.reason}"][c] += 1
        else:
            for c in cols:
                carried_out[c] += 1
    table = [
        {"key": "new", "label": "一、本年新收政府信息公开申请数量", "level": 0, "values": new},
        {"key": "carried_in", "label": "二、上年结转政府信息公开申请数量", "level": 0, "values": carried_in},
        {"key": "results", "label": "三、本年度办理结果", "level": 0, "values": None},
    ]
    for key, label, _outcome, level in outcomes.report_rows():
        table.append({"key": key, "label": label, "level": level, "values": results[key]})
    table.append({"key": "handled", "label": "(七)总计", "level": 1, "values": handled})
    table.append({"key": "carried_out", "label": "四、结转下年度继续办理", "level": 0, "values": carried_out})
    check = {
        c: {
            "new_plus_carried_in": new[c] + carried_in[c],
            "handled_plus_carried_out": handled[c] + carried_out[c],
            "ok": new[c] + carried_in[c] == handled[c] + carried_out[c],
        }
        for c in COLUMNS
    }
    return {
        "columns": [{"key": c, "label": str(COLUMN_LABELS[c])} for c in COLUMNS],
        "rows": table,
        "check": {"ok": all(v["ok"] for v in check.values()), "columns": check},
    }


def remedy_table(rows: Iterable[RemedyRow], year: int) -> dict:
    """Table 四: reconsideration and litigation by result; pending means not concluded by the year's end."""
    last = dt.date(year, 12, 31)
    table = {k: dict.fromkeys(REMEDY_RESULTS, 0) for k in REMEDY_KINDS}
    for row in rows:
        if row.kind not in table:
            raise ValidationFailed(_("未知的类型「%(kind)s」") % {"kind": row.kind}, field="kind")
        concluded_in_year = row.concluded_on is not None and row.concluded_on.year == year
        open_at_end = row.filed_on <= last and (row.concluded_on is None or row.concluded_on > last)
        if concluded_in_year and row.result != "pending":
            table[row.kind][row.result] += 1
        elif open_at_end:
            table[row.kind]["pending"] += 1
        else:
            continue
        table[row.kind]["total"] += 1
    return table


def decision_figure(key: str, *, entered, decided: int | None, published: int) -> dict:
    """One decision row of section 二 and where its number came from. `decided` is the count of case decisions of
    the row's item type in the year (None when the cases were not consulted); an entered number overrides it, and
    the figure from the records is kept beside it so the page can show both."""
    records = decided if decided is not None and (key in ALWAYS_FROM_CASES or decided > 0) else None
    if entered not in (None, ""):
        return {"value": entered, "source": "manual", "records": records}
    if records is not None:
        return {"value": records, "source": "cases", "records": records}
    return {"value": published, "source": "publications", "records": None}


def build(
    organisation,
    year: int,
    *,
    texts: dict | None = None,
    figures: dict | None = None,
    case_decisions: dict[str, int] | None = None,
    administrative_fees=None,
) -> dict:
    """Every section of the report for one organisation and year, from the records. `case_decisions` is the year's
    case decisions by item type for the organisation and its children (cases.selectors.decisions_by_type);
    `administrative_fees` the year's 行政事业性收费 collected in yuan, from the fee records (None: no records)."""
    from zhengwu.disclosure.models import DisclosureRequest, Publication, Remedy

    texts, figures = texts or {}, figures or {}
    first = dt.datetime(year, 1, 1, tzinfo=clock.LOCAL)
    after = dt.datetime(year + 1, 1, 1, tzinfo=clock.LOCAL)
    requests = [
        RequestRow(*row)
        for row in DisclosureRequest.objects.filter(organisation=organisation).values_list(
            "requester_kind", "received_on", "concluded_on", "outcome", "reason"
        )
    ]
    remedies = [
        RemedyRow(*row)
        for row in Remedy.objects.filter(organisation=organisation).values_list(
            "kind", "filed_on", "result", "concluded_on"
        )
    ]
    pubs = Publication.objects.filter(organisation=organisation, published_at__isnull=False)

    def made(genre):
        return (
            pubs.filter(genre=genre, published_at__gte=first, published_at__lt=after)
            .exclude(status=workflow.WITHDRAWN)
            .count()
        )

    def repealed(genre):
        return (
            pubs.filter(genre=genre, ledger__action="repeal", ledger__at__gte=first, ledger__at__lt=after)
            .distinct()
            .count()
        )

    def in_force(genre):
        return pubs.filter(
            genre=genre,
            status=workflow.PUBLISHED,
            published_at__lt=after,
            validity=Publication.Validity.VALID,
        ).count()

    def figure(key, genre=None):
        if key in figures and figures[key] not in (None, ""):
            return figures[key]
        return made(genre) if genre else 0

    sources = {
        key: decision_figure(
            key,
            entered=figures.get(key),
            decided=None if case_decisions is None else case_decisions.get(item_type, 0),
            published=made(key),
        )
        for key, item_type in DECISION_ITEM_TYPES.items()
    }
    sources["administrative_fees_10k_yuan"] = {
        "value": figure("administrative_fees_10k_yuan"),
        "source": "manual" if figures.get("administrative_fees_10k_yuan") not in (None, "") else "none",
        "records": None,
    }
    if administrative_fees is not None:  # collected through the fee window: the records decide the row
        in_10k = f"{(Decimal(administrative_fees) / 10000).quantize(Decimal('0.0001'))}"
        sources["administrative_fees_10k_yuan"] = {"value": in_10k, "source": "fees", "records": in_10k}

    fees_collected = (
        DisclosureRequest.objects.filter(organisation=organisation, fee_paid_on__year=year).aggregate(
            total=Sum("fee_amount")
        )["total"]
        or 0
    )
    is_government = organisation.kind == "government"
    return {
        "format": "zhengwu.disclosure.annual-report/1",
        "organisation": {"name": organisation.name, "uscc": organisation.uscc, "kind": organisation.kind},
        "year": year,
        "deadline": deadlines.annual_report_deadline(is_government=is_government, year=year).isoformat(),
        "sections": {
            "overview": {"title": str(SECTION_TITLES["overview"]), "text": texts.get("overview", "")},
            "proactive": {
                "title": str(SECTION_TITLES["proactive"]),
                "article_20_1": {
                    "regulation": {
                        "made": made("regulation"),
                        "repealed": repealed("regulation"),
                        "in_force": in_force("regulation"),
                    },
                    "normative": {
                        "made": made("normative"),
                        "repealed": repealed("normative"),
                        "in_force": in_force("normative"),
                    },
                },
                "article_20_5": {"licensing": sources["licensing"]["value"]},
                "article_20_6": {
                    "penalty": sources["penalty"]["value"],
                    "enforcement": sources["enforcement"]["value"],
                },
                "article_20_8": {
                    "administrative_fees_10k_yuan": sources["administrative_fees_10k_yuan"]["value"]
                },
                "sources": sources,
            },
            "requests": {"title": str(SECTION_TITLES["requests"]), **request_table(requests, year)},
            "processing_fees": {"collected_yuan": fees_collected},
            "remedies": {"title": str(SECTION_TITLES["remedies"]), "table": remedy_table(remedies, year)},
            "problems": {"title": str(SECTION_TITLES["problems"]), "text": texts.get("problems", "")},
            "other_matters": {
                "title": str(SECTION_TITLES["other_matters"]),
                "text": texts.get("other_matters", ""),
                "processing_fees_yuan": fees_collected,
            },
        },
    }
