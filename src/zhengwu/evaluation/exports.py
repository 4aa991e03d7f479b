"""The monthly Excel workbook (docs/data-formats.md, "Evaluation"): ratings, rectifications, figures per
organisation, the first-inquiry ledger and its counts, for the user's scope. Names and phones are masked."""

from __future__ import annotations

import io

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
            "评价时间",
            "办件/工单编号",
            "事项/诉求",
            "机构",
            "窗口",
            "工作人员",
            "等级",
            "等级名称",
            "标签",
            "评价内容",
            "渠道",
            "评价人",
            "计入统计",
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
                "否(申诉成立)" if r.excluded else "是",
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
            "办件/工单编号",
            "机构",
            "差评日期",
            "时限(工作日)",
            "反馈期限",
            "状态",
            "情况属实",
            "核实情况",
            "整改措施",
            "反馈内容",
            "反馈时间",
            "回访满意",
        ],
        (
            [
                r.rating.subject_number,
                r.organisation.name,
                r.opened_on.isoformat(),
                r.limit_days,
                r.due.isoformat(),
                r.get_state_display(),
                {True: "是", False: "否", None: ""}[r.founded],
                r.finding,
                r.measures,
                r.reply,
                _local(r.replied_at),
                {True: "满意", False: "不满意", None: ""}[r.satisfied],
            ]
            for r in rects
        ),
    )
    orgs = access.visible_organisations(user).values_list("name", flat=True)
    visible_names = set(orgs)
    _sheet(
        wb,
        SHEETS[2],
        ["机构", "评价数", "好评数", "差评数", "好评率", "差评率", "已整改差评", "整改率"],
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
            "编号",
            "询问时间",
            "首问人",
            "首问机构",
            "方式",
            "询问人",
            "联系电话",
            "咨询事由",
            "事项",
            "答复或导办",
            "导办去向",
            "处理结果",
            "当前负责机构",
            "状态",
            "答复时间",
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
        ["统计对象", "机构", "首问数", "跟踪中"],
        [
            ["工作人员:" + r["staff__name"], r["organisation__name"], r["total"], r["open"]]
            for r in counts["staff"]
        ]
        + [["机构合计", r["organisation__name"], r["total"], r["open"]] for r in counts["organisations"]],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
