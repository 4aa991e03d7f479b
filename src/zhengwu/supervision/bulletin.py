"""The monthly bulletin (月度通报): indicator tables, rankings (organisations, red-flag windows), the overdue list and
the orders of the month. `content()` gathers it once; the PDF and the Excel are two renderings of the same content."""

from __future__ import annotations

import io

from django.db.models import Q
from django.utils.translation import gettext as _

from zhengwu.core import clock
from zhengwu.core.documents import render_pdf
from zhengwu.supervision import indicators
from zhengwu.supervision.models import SupervisionOrder

# Sections other domains add (the hall's waiting figures, the fees collected per organisation): each a function
# (period=, user=) returning {"title", "header": [...], "rows": [[...]]} or None (nothing to report); registered in
# their AppConfig.ready(), so supervision imports none.
SECTIONS: list = []
MIN_COMPLETED_TO_RANK = 1  # a window with nothing completed has no on-time rate to rank by
OVERDUE_LIST_LIMIT = 200


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _ranking(rows: list[dict]) -> list[dict]:
    ranked = [r for r in rows if (r["completed"] or 0) >= MIN_COMPLETED_TO_RANK]
    ranked.sort(key=lambda r: (-(r["on_time_rate"] or 0), -(r["completed"] or 0), r["label"]))
    return [
        {"rank": i, "label": r["label"], "completed": r["completed"], "on_time_rate": _pct(r["on_time_rate"])}
        for i, r in enumerate(ranked, start=1)
    ]


def content(year: int, month: int, *, user=None) -> dict:
    """Everything the bulletin says for a month, as plain values (scoped to `user` when given)."""
    period = indicators.Period.month(year, month)
    by_org = indicators.compute(period=period, by="organisation", user=user)
    by_window = indicators.compute(period=period, by="window", user=user)
    header, table = indicators.as_table(by_org, indicators.CASE_COLUMNS)
    overdue = indicators.drill(period=period, metric="overdue_open", user=user) | indicators.drill(
        period=period, metric="overdue_completed", user=user
    )
    overdue_rows = [
        {
            "number": c.number,
            "organisation": c.organisation.name,
            "item": c.version.name,
            "promised_due": c.promised_due.isoformat() if c.promised_due else "",
            "status": c.get_status_display(),
        }
        for c in overdue.order_by("promised_due", "id")[:OVERDUE_LIST_LIMIT]
    ]
    orders = SupervisionOrder.objects.filter(
        Q(issued_at__gte=period.start, issued_at__lt=period.end)
        | Q(state=SupervisionOrder.State.OPEN, issued_at__lt=period.end)
    ).select_related("organisation")
    if user is not None:
        from zhengwu.supervision.selectors import visible_orders

        orders = orders.filter(pk__in=visible_orders(user).values("pk"))
    order_rows = [
        {
            "number": o.number,
            "subject": o.subject_label,
            "organisation": o.organisation.name,
            "due_on": o.due_on.isoformat(),
            "state": o.get_state_display(),
            "level": o.level,
        }
        for o in orders.order_by("issued_at", "id")
    ]
    windows = _ranking(by_window["rows"])
    return {
        "title": _("%(year)s 年 %(month)s 月政务服务效能监察通报") % {"year": year, "month": month},
        "year": year,
        "month": month,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "generated_on": clock.today().isoformat(),
        "total": by_org["total"],
        "summary": {
            "received": by_org["total"]["received"],
            "completed": by_org["total"]["completed"],
            "on_time_rate": _pct(by_org["total"]["on_time_rate"]),
            "onsite_rate": _pct(by_org["total"]["onsite_rate"]),
            "overdue_open": by_org["total"]["overdue_open"],
            "orders": len(order_rows),
        },
        "header": header,
        "table": [[_cell(v) for v in row] for row in table],
        "organisation_ranking": _ranking(by_org["rows"]),
        "red_flag_windows": windows[:3],
        "window_ranking": windows,
        "overdue": overdue_rows,
        "orders": order_rows,
        "sections": [x for x in (section(period=period, user=user) for section in SECTIONS) if x],
    }


def _cell(value):
    if isinstance(value, float):
        return _pct(value)
    return "—" if value is None else value


def to_pdf(data: dict) -> bytes:
    return render_pdf("supervision/bulletin.html", {"b": data})


def to_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("概况")
    sheet.append([data["title"]])
    sheet.append(
        [
            _("统计期间 %(first)s 至 %(last)s,生成日期 %(on)s")
            % {"first": data["from"], "last": data["to"], "on": data["generated_on"]}
        ]
    )
    labels = {
        "received": _("收件数"),
        "completed": _("办结数"),
        "on_time_rate": _("按时办结率"),
        "onsite_rate": _("现场办结率"),
        "overdue_open": _("超期未办结"),
        "orders": _("督办单"),
    }
    for key, label in labels.items():
        sheet.append([label, data["summary"][key]])
    table = book.create_sheet(_("效能指标"))
    table.append(data["header"])
    for row in data["table"]:
        table.append(row)
    for name, rows, cols in (
        (
            _("部门排名"),
            data["organisation_ranking"],
            [
                ("rank", _("名次")),
                ("label", _("单位")),
                ("completed", _("办结数")),
                ("on_time_rate", _("按时办结率")),
            ],
        ),
        (
            _("窗口排名"),
            data["window_ranking"],
            [
                ("rank", _("名次")),
                ("label", _("窗口")),
                ("completed", _("办结数")),
                ("on_time_rate", _("按时办结率")),
            ],
        ),
        (
            _("超期办件"),
            data["overdue"],
            [
                ("number", _("办件编号")),
                ("organisation", _("实施机构")),
                ("item", _("事项")),
                ("promised_due", _("承诺期限")),
                ("status", _("状态")),
            ],
        ),
        (
            _("督办"),
            data["orders"],
            [
                ("number", _("督办编号")),
                ("subject", _("督办对象")),
                ("organisation", _("责任单位")),
                ("due_on", _("反馈期限")),
                ("state", _("状态")),
                ("level", _("层级")),
            ],
        ),
    ):
        sheet_ = book.create_sheet(name)
        sheet_.append([label for _key, label in cols])
        for row in rows:
            sheet_.append([row[key] for key, _label in cols])
    for section in data.get("sections", []):  # what other domains add (the hall's waiting figures)
        sheet_ = book.create_sheet(section["title"].split("、", 1)[-1][:31])
        sheet_.append(section["header"])
        for row in section["rows"]:
            sheet_.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
