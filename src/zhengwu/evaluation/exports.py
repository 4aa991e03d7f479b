"""The monthly Excel workbook (docs/data-formats.md, "Evaluation"): ratings, rectifications, figures per
organisation, the first-inquiry ledger and its counts, for the user's scope. Names and phones are masked."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from zhengwu.core import access, clock
from zhengwu.core.masking import mask_name, mask_phone
from zhengwu.evaluation import rules, selectors
from zhengwu.evaluation.models import Rectification

SHEETS = (
    gettext_lazy("评价明细"),
    gettext_lazy("差评整改"),
    gettext_lazy("机构统计"),
    gettext_lazy("首问台账"),
    gettext_lazy("首问统计"),
)


def _local(moment) -> str:
    return moment.astimezone(clock.LOCAL).strftime("%Y-%m-%d %H:%M") if moment else ""


def _pct(value) -> str:
    return "" if value is None else f"{value}%"


def _sheet(wb: Workbook, title: str, header: list[str], rows) -> None:
    ws = wb.create_sheet(str(title))  # a sheet's title is a str (SHEETS are lazy)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
    ws.freeze_panes = "A2"


def monthly_workbook(user, month: str) -> bytes:
    """The month's workbook for what the user may see."""
    rules.month_bounds(month)
    start, end = selectors._local_range(month)
    ratings = (
        selectors.visible_ratings(user)
        .filter(rated_at__gte=start, rated_at__lt=end)
        .order_by("rated_at", "id")
    )
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(
        wb,
        SHEETS[0],
        [
            _("评价时间"),
            _("办件/工单编号"),
            _("事项/诉求"),
            _("机构"),
            _("窗口"),
            _("工作人员"),
            _("等级"),
            _("等级名称"),
            _("标签"),
            _("评价内容"),
            _("渠道"),
            _("评价人"),
            _("计入统计"),
        ],
        (
            [
                _local(r.rated_at),
                r.subject_number,
                r.subject_title,
                r.organisation.name,
                str(r.window or ""),
                r.staff.name if r.staff else "",
                r.level,
                r.get_level_display(),
                "、".join(r.tags),
                r.comment,
                r.get_channel_display(),
                mask_name(r.rater_name),
                _("否(申诉成立)") if r.excluded else _("是"),
            ]
            for r in ratings
        ),
    )
    rects = access.scope(
        user,
        Rectification.objects.select_related("rating", "organisation").filter(
            rating__rated_at__gte=start, rating__rated_at__lt=end
        ),
        "organisation",
    ).order_by("due", "id")
    _sheet(
        wb,
        SHEETS[1],
        [
            _("办件/工单编号"),
            _("机构"),
            _("差评日期"),
            _("时限(工作日)"),
            _("反馈期限"),
            _("状态"),
            _("情况属实"),
            _("核实情况"),
            _("整改措施"),
            _("反馈内容"),
            _("反馈时间"),
            _("回访满意"),
        ],
        (
            [
                r.rating.subject_number,
                r.organisation.name,
                r.opened_on.isoformat(),
                r.limit_days,
                r.due.isoformat(),
                r.get_state_display(),
                {True: _("是"), False: _("否"), None: ""}[r.founded],
                r.finding,
                r.measures,
                r.reply,
                _local(r.replied_at),
                {True: _("满意"), False: _("不满意"), None: ""}[r.satisfied],
            ]
            for r in rects
        ),
    )
    orgs = access.visible_organisations(user).values_list("name", flat=True)
    visible_names = set(orgs)
    _sheet(
        wb,
        SHEETS[2],
        [
            _("机构"),
            _("评价数"),
            _("好评数"),
            _("差评数"),
            _("好评率"),
            _("差评率"),
            _("已整改差评"),
            _("整改率"),
        ],
        (
            [
                name,
                f.rated,
                f.good,
                f.bad,
                _pct(f.good_rate),
                _pct(f.bad_rate),
                f.rectified,
                _pct(f.rectified_rate),
            ]
            for name, f in selectors.figures(month)
            if name in visible_names
        ),
    )
    entries = selectors.search_ledger(user, month=month).order_by("asked_at", "id")
    _sheet(
        wb,
        SHEETS[3],
        [
            _("编号"),
            _("询问时间"),
            _("首问人"),
            _("首问机构"),
            _("方式"),
            _("询问人"),
            _("联系电话"),
            _("咨询事由"),
            _("事项"),
            _("答复或导办"),
            _("导办去向"),
            _("处理结果"),
            _("当前负责机构"),
            _("状态"),
            _("答复时间"),
        ],
        (
            [
                e.pk,
                _local(e.asked_at),
                e.staff.name,
                e.organisation.name,
                e.get_channel_display(),
                mask_name(e.asker_name),
                mask_phone(e.asker_phone),
                e.topic,
                e.item.current_version.name if e.item and e.item.current_version else "",
                e.answer,
                e.guided_to,
                e.get_result_display(),
                e.holder.name,
                e.get_state_display(),
                _local(e.answered_at),
            ]
            for e in entries.select_related("item__current_version")
        ),
    )
    counts = selectors.ledger_counts(user, month)
    _sheet(
        wb,
        SHEETS[4],
        [_("统计对象"), _("机构"), _("首问数"), _("跟踪中")],
        [
            [_("工作人员:") + r["staff__name"], r["organisation__name"], r["total"], r["open"]]
            for r in counts["staff"]
        ]
        + [[_("机构合计"), r["organisation__name"], r["total"], r["open"]] for r in counts["organisations"]],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
