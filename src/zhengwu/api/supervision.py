"""Electronic supervision (电子监察) over HTTP: levels, indicators (JSON, CSV, Excel), the cases behind a figure,
alerts and their review, supervision orders. Staff only, each call scoped by zhengwu.core.access."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from zhengwu.api.common import ERRORS, staff_only
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.thresholds import ORDER_RESPONSE_WORKDAYS
from zhengwu.supervision import indicators, permissions, rules, selectors, services

router = Router()


class LevelsOut(Schema):
    today: dt.date
    red: int
    yellow: int


@router.get("/levels", auth=staff_only, response={200: LevelsOut, **ERRORS}, summary="今日红牌、黄牌办件数")
def level_counts(request):
    from zhengwu.core import clock

    counts = selectors.level_counts(request.user)
    return {"today": clock.today(), **counts}


class DeadlineLevelsOut(Schema):
    code: str
    label: str
    domain: str
    domain_label: str
    red: int
    yellow: int


@router.get(
    "/deadlines",
    auth=staff_only,
    response={200: list[DeadlineLevelsOut], **ERRORS},
    summary="各类期限(依申请公开、工单、差评整改、督办)今日红牌、黄牌数",
)
def deadline_levels(request):
    return selectors.deadline_counts(request.user)


@router.get(
    "/indicators",
    auth=staff_only,
    response={200: dict, **ERRORS},
    summary="效能指标(format=json|csv|xlsx)",
    description="参数 from、to 为 YYYY-MM-DD(含);by 为分组;定义见 docs/indicators.md。",
)
def indicator_table(
    request,
    to: str,
    by: Literal["organisation", "region", "centre", "window", "staff"] = "organisation",
    format: Literal["json", "csv", "xlsx"] = "json",
    from_: str = Query(..., alias="from"),
):
    period = indicators.Period.parse(from_, to)
    result = indicators.compute(period=period, by=by, user=request.user)
    name = f"indicators-{period.first}-{period.last}-{by}"
    if format == "csv":
        response = HttpResponse(indicators.to_csv(result), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if format == "xlsx":
        response = HttpResponse(
            indicators.to_xlsx(result),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    return result


class CaseRow(Schema):
    id: int
    number: str | None
    status: str
    status_label: str = ""
    organisation: str
    item: str
    promised_due: dt.date | None
    legal_due: dt.date | None


def _case_row(case) -> dict:
    return {
        "id": case.pk,
        "number": case.number,
        "status": case.status,
        "status_label": case.get_status_display(),
        "organisation": case.organisation.name,
        "item": case.version.name,
        "promised_due": case.promised_due,
        "legal_due": case.legal_due,
    }


@router.get(
    "/indicators/cases",
    auth=staff_only,
    response={200: list[CaseRow], **ERRORS},
    summary="下钻:某项指标背后的办件",
)
def indicator_cases(
    request,
    metric: str,
    to: str,
    from_: str = Query(..., alias="from"),
    by: str | None = None,
    key: int | None = None,
    limit: int = 200,
):
    period = indicators.Period.parse(from_, to)
    rows = indicators.drill(period=period, metric=metric, by=by, key=key, user=request.user)[
        : max(1, min(limit, 1000))
    ]
    return [_case_row(c) for c in rows]


@router.get(
    "/levels/{level}/cases",
    auth=staff_only,
    response={200: list[CaseRow], **ERRORS},
    summary="红牌或黄牌办件",
)
def level_cases(request, level: Literal["red", "yellow"], limit: int = 200):
    return [_case_row(c) for c in selectors.cases_at_level(request.user, level)[: max(1, min(limit, 1000))]]


class AlertOut(Schema):
    id: int
    code: str
    domain: str
    severity: str
    severity_label: str = ""
    title: str
    explanation: str
    state: str
    state_label: str = ""
    case_number: str | None
    request_number: str | None
    ticket_number: str | None
    order_number: str | None
    provisional: bool
    organisation: str
    raised_at: dt.datetime
    review_note: str


def _alert(a) -> dict:
    return {
        "id": a.pk,
        "code": a.code,
        "domain": rules.domain_of(a.code),
        "severity": a.severity,
        "severity_label": a.get_severity_display(),
        "title": a.title,
        "explanation": a.explanation,
        "state": a.state,
        "state_label": a.get_state_display(),
        "case_number": a.case.number if a.case_id else None,
        "request_number": a.request.number if a.request_id else None,
        "ticket_number": a.ticket.number if a.ticket_id else None,
        "order_number": a.subject_order.number if a.subject_order_id else None,
        "provisional": bool((a.data or {}).get("provisional")),
        "organisation": a.organisation.name,
        "raised_at": a.raised_at,
        "review_note": a.review_note,
    }


@router.get(
    "/alerts",
    auth=staff_only,
    response={200: list[AlertOut], **ERRORS},
    summary="监察异常",
    description="domain:case、disclosure、ticket、rating、supervision(规则代码的第一段);code:规则代码。",
)
def alert_list(
    request, state: str | None = None, code: str | None = None, domain: str | None = None, limit: int = 200
):
    if domain and domain not in rules.DOMAINS:
        raise ValidationFailed(
            _("domain 只能是 %(choices)s 之一") % {"choices": "、".join(rules.DOMAINS)}, field="domain"
        )
    rows = selectors.filtered_alerts(request.user, state=state or "", domain=domain or "", code=code or "")
    return [_alert(a) for a in rows[: max(1, min(limit, 1000))]]


class ReviewIn(Schema):
    action: Literal["explain", "dismiss", "escalate"]
    note: str = ""
    response_days: int = ORDER_RESPONSE_WORKDAYS


@router.post("/alerts/{alert_id}/review", auth=staff_only, response={200: dict, **ERRORS}, summary="审核异常")
def review_alert(request, alert_id: int, payload: ReviewIn):
    alert = selectors.alert_for(request.user, alert_id)
    if payload.action == "explain":
        return {"alert": _alert(services.explain_alert(alert=alert, by=request.user, note=payload.note))}
    if payload.action == "dismiss":
        return {"alert": _alert(services.dismiss_alert(alert=alert, by=request.user, reason=payload.note))}
    order = services.escalate_alert(
        alert=alert, by=request.user, instruction=payload.note, response_days=payload.response_days
    )
    return {"order": _order(order)}


class OrderOut(Schema):
    number: str
    subject: str
    subject_label: str
    organisation: str
    level: int
    instruction: str
    due_on: dt.date
    state: str
    state_label: str = ""
    response: str
    response_kind: str = Field("", description="rectified 整改完成 / explanation 情况说明(未反馈时为空)")
    response_kind_label: str = ""
    outcome: str


def _order(o) -> dict:
    return {
        "number": o.number,
        "subject": o.subject,
        "subject_label": o.subject_label,
        "organisation": o.organisation.name,
        "level": o.level,
        "instruction": o.instruction,
        "due_on": o.due_on,
        "state": o.state,
        "state_label": o.get_state_display(),
        "response": o.response,
        "response_kind": o.response_kind,
        "response_kind_label": o.get_response_kind_display() if o.response_kind else "",
        "outcome": o.outcome,
    }


@router.get("/orders", auth=staff_only, response={200: list[OrderOut], **ERRORS}, summary="督办单")
def order_list(request, state: str | None = None):
    rows = selectors.visible_orders(request.user)
    return [_order(o) for o in (rows.filter(state=state) if state else rows)[:500]]


class OrderIn(Schema):
    case_id: int | None = None
    ticket: str | None = None
    request: str | None = None
    instruction: str
    response_days: int = ORDER_RESPONSE_WORKDAYS


@router.post(
    "/orders",
    auth=staff_only,
    response={201: OrderOut, **ERRORS},
    summary="下达督办(办件、工单或依申请公开)",
    description="三选一:case_id(办件 id)、ticket(工单编号)、request(依申请公开申请编号)。",
)
def order_create(request, payload: OrderIn):
    common = {"by": request.user, "instruction": payload.instruction, "response_days": payload.response_days}
    if payload.case_id is not None:
        order = services.issue_order(case=selectors.case_for(request.user, payload.case_id), **common)
    elif payload.ticket:
        permissions.require_issuer(request.user)
        order = services.issue_order(
            ticket=services.order_subject(request.user, ticket=payload.ticket), **common
        )
    elif payload.request:
        permissions.require_issuer(request.user)
        found = services.order_subject(request.user, request=payload.request)
        order = services.issue_order(request_ref=found.number, organisation=found.organisation, **common)
    else:
        raise ValidationFailed(_("请填写 case_id、ticket 或 request 之一"), field="subject")
    return Status(201, _order(order))


class OrderActionIn(Schema):
    action: Literal["respond", "close", "return"]
    text: str
    response_days: int = ORDER_RESPONSE_WORKDAYS
    # respond: 整改完成 only once the record shows it (an order on a case: the case decided), else 情况说明
    response_kind: Literal["rectified", "explanation"] = "explanation"


@router.post(
    "/orders/{number}", auth=staff_only, response={200: OrderOut, **ERRORS}, summary="反馈、退回或办结督办"
)
def order_act(request, number: str, payload: OrderActionIn):
    order = selectors.order_for(request.user, number)
    if payload.action == "respond":
        order = services.respond_order(
            order=order, by=request.user, response=payload.text, kind=payload.response_kind
        )
    elif payload.action == "close":
        order = services.close_order(order=order, by=request.user, outcome=payload.text)
    else:
        order = services.return_order(
            order=order, by=request.user, reason=payload.text, response_days=payload.response_days
        )
    return _order(order)
