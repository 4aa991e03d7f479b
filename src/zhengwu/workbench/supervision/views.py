"""Supervision workbench: the supervisor's dashboard (ECharts), the cases behind any figure, a case with its alerts
and the order form, alert review, orders (issue, respond, send back, close, accountability), indicators and the
monthly bulletin. Views parse input, call one selector or service, render; no rule lives here."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengwu.core import clock, navigation
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.core.masking import mask_name
from zhengwu.core.models import Role
from zhengwu.joint import selectors as joint_selectors
from zhengwu.supervision import bulletin, indicators, levels, permissions, selectors, services
from zhengwu.supervision.models import Accountability, Alert, SupervisionOrder
from zhengwu.supervision.rules import DOMAINS as DOMAIN_LABELS
from zhengwu.workbench.pages import staff_page
from zhengwu.workbench.supervision import forms

PAGE_ROLES = (Role.SUPERVISOR, Role.CENTRE_MANAGER, Role.DEPARTMENT_HEAD)
# Disclosure officers answer the orders on their office's requests: they open the orders and their pages too.
ORDER_PAGE_ROLES = (*PAGE_ROLES, Role.DISCLOSURE_OFFICER)


def _page(view=None, *, roles=PAGE_ROLES):
    """Supervisors, centre managers and department heads (or `roles`): the one gate (workbench.pages)."""
    return staff_page(view, roles=roles)


def _month_period(today: dt.date) -> indicators.Period:
    return indicators.Period.month(today.year, today.month)


def _period_from(request) -> indicators.Period:
    today = clock.today()
    first = request.GET.get("from") or _month_period(today).first.isoformat()
    last = request.GET.get("to") or today.isoformat()
    return indicators.Period.parse(first, last)


@_page
def index(request):
    """Today's red and yellow counts, open alerts and orders; charts load their data from `dashboard_data`."""
    today = clock.today()
    counts = selectors.level_counts(request.user, today)
    period = _month_period(today)
    context = {
        "today": today,
        "counts": counts,
        "deadlines": selectors.deadline_counts(request.user, today),
        **selectors.open_counts(request.user),
        "recent_alerts": selectors.recent_open_alerts(request.user),
        "period": period,
    }
    from zhengwu.supervision import hall_screen

    context.update(hall_screen.dashboard_context(request.user))
    return render(request, "supervision/dashboard.html", context)


@_page
def deadlines(request):
    """The records of one deadline (?rule=disclosure.reply_overdue) at a level today (?level=red|yellow)."""
    level = request.GET.get("level") or levels.RED
    try:
        rule, rows = selectors.deadline_rows(request.user, request.GET.get("rule", ""), level)
    except DomainError as err:
        raise Http404(err.message) from None
    return render(
        request,
        "supervision/deadlines.html",
        {
            "rule": rule,
            "rows": rows,
            "level": level,
            "level_label": _("今日超期(红牌)") if level == levels.RED else _("今日预警(黄牌)"),
            "domain_label": DOMAIN_LABELS[rule.domain],
        },
    )


@_page
def dashboard_data(request):
    """Trends by week and month and the rankings, for the charts (each bar links to the cases behind it)."""
    today = clock.today()
    period = _month_period(today)
    orgs = indicators.compute(period=period, by="organisation", user=request.user)["rows"]
    windows = indicators.compute(period=period, by="window", user=request.user)["rows"]

    def ranking(rows, by):
        ranked = [r for r in rows if r["completed"]]
        ranked.sort(key=lambda r: (-(r["on_time_rate"] or 0), -r["completed"]))
        return [
            {
                "label": r["label"],
                "on_time_rate": r["on_time_rate"],
                "completed": r["completed"],
                "overdue_open": r["overdue_open"],
                "url": _drill_url(period, "completed", by, r["key"]),
                "overdue_url": _drill_url(period, "overdue_open", by, r["key"]),
            }
            for r in ranked[:15]
        ]

    return JsonResponse(
        {
            **selectors.case_trends(request.user, today),
            "organisations": ranking(orgs, "organisation"),
            "windows": ranking(windows, "window"),
        }
    )


def _drill_url(period, metric, by=None, key=None) -> str:
    from django.urls import reverse

    query = f"metric={metric}&from={period.first}&to={period.last}"
    if by:
        query += f"&by={by}&key={'' if key is None else key}"
    return f"{reverse('workbench_supervision:cases')}?{query}"


@_page
def cases(request):
    """The cases behind a figure: a level (?level=red) or an indicator (?metric=…&from=…&to=…&by=…&key=…)."""
    level = request.GET.get("level")
    metric = request.GET.get("metric")
    title = ""
    if level in (levels.RED, levels.YELLOW):
        rows = selectors.cases_at_level(request.user, level)
        title = _("今日超期(红牌)办件") if level == levels.RED else _("今日预警(黄牌)办件")
    elif metric:
        period = _period_from(request)
        by = request.GET.get("by") or None
        key = request.GET.get("key") or None
        try:
            rows = selectors.with_levels(
                indicators.drill(period=period, metric=metric, by=by, key=key, user=request.user)
            )
        except DomainError as err:
            raise Http404(err.message) from None
        title = _("%(metric)s(%(first)s 至 %(last)s)") % {
            "metric": indicators.LABELS.get(metric, metric),
            "first": period.first,
            "last": period.last,
        }
    else:
        rows = selectors.cases_in_progress(request.user)
        title = _("在办办件")
    # a joint case's member says so and links its joint case (联办件), which supervision watches as a whole
    page = Paginator(selectors.with_joint(rows), 50).get_page(request.GET.get("page"))
    return render(
        request, "supervision/cases.html", {"title": title, "page": page, "query": request.GET.urlencode()}
    )


@_page
def case_detail(request, pk: int):
    """One case as supervision sees it: level, due dates, steps with their levels, alerts, orders; issue an order."""
    case = selectors.case_for(request.user, pk)
    if request.method == "POST":
        form = forms.IssueForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationFailed(form.message())
            order = services.issue_order(by=request.user, case=case, **form.cleaned_data)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(
                request,
                _("已下达督办单 %(number)s,反馈期限 %(due_on)s")
                % {"number": order.number, "due_on": order.due_on},
            )
            return redirect("workbench_supervision:order", number=order.number)
    context = {
        "case": case,
        "level": selectors.case_level(case),
        "steps": selectors.step_levels(case),
        "alerts": selectors.alerts_on_supervised_case(request.user, case),
        "orders": selectors.orders_on_case(request.user, case),
        "events": selectors.case_events(case),
        "may_issue": permissions.allowed(request.user, case, "issue"),
        "applicant": mask_name(case.applicant.name),
    }
    return render(request, "supervision/case.html", context)


@_page(roles=ORDER_PAGE_ROLES)
def alerts(request):
    """Alerts by state, by domain (?domain=disclosure: 依申请公开) or by rule (?code=…)."""
    state = request.GET.get("state", Alert.State.OPEN)
    domain = request.GET.get("domain", "")
    code = request.GET.get("code", "")
    rows = selectors.filtered_alerts(request.user, state=state, domain=domain, code=code)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    alerts = selectors.with_subjects(request.user, page.object_list)
    forms = permissions.alert_forms(request.user, alerts)
    for a in alerts:
        a.forms = forms.get(a.pk)  # the buttons of its review form shown (None: no form)
    return render(
        request,
        "supervision/alerts.html",
        {
            "page": page,
            "alerts": alerts,
            "state": state,
            "states": Alert.State.choices,
            "domain": domain if domain in DOMAIN_LABELS else "",
            "domains": list(DOMAIN_LABELS.items()),
            "code": code,
        },
    )


@_page
@require_POST
def review_alert(request, pk: int):
    alert = selectors.alert_for(request.user, pk)
    form = forms.ReviewAlertForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(form.message())
        action, note = form.cleaned_data["action"], form.cleaned_data["note"]
        if action == "explain":
            services.explain_alert(alert=alert, by=request.user, note=note)
            messages.success(request, _("已记录情况说明"))
        elif action == "dismiss":
            services.dismiss_alert(alert=alert, by=request.user, reason=note)
            messages.success(request, _("已排除该异常"))
        elif action == "escalate":
            order = services.escalate_alert(
                alert=alert,
                by=request.user,
                instruction=note,
                response_days=form.cleaned_data["response_days"],
            )
            messages.success(request, _("已转为督办单 %(number)s") % {"number": order.number})
            return redirect("workbench_supervision:order", number=order.number)
        else:
            messages.error(request, _("未知操作"))
    except DomainError as err:
        messages.error(request, err.message)
    return redirect(navigation.next_url(request, "workbench_supervision:alerts"))


def _opening_state(user) -> str:
    """The orders a person acts on: a supervisor closes or returns those reported back (已反馈); a department or
    the centre (or a disclosure office, on its requests) reports back on those still open (待反馈); anyone else sees
    them all."""
    if permissions.may_issue(user):
        return SupervisionOrder.State.RESPONDED
    if permissions.answers_orders(user):
        return SupervisionOrder.State.OPEN
    return "all"


@_page(roles=ORDER_PAGE_ROLES)
def orders(request):
    """The orders in scope, opened on the state the person acts on; the other states one click away."""
    state = request.GET.get("state") or _opening_state(request.user)
    rows = selectors.orders_in_state(request.user, state)
    counts = selectors.order_counts(request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/orders.html",
        {
            "page": page,
            "state": state,
            "states": [(v, label, counts.get(v, 0)) for v, label in SupervisionOrder.State.choices],
            "total": sum(counts.values()),
            "today": clock.today(),
            "may_issue": permissions.may_issue(request.user),
        },
    )


ORDER_SUBJECTS = {
    "ticket": {
        "title": gettext_lazy("督办工单"),
        "label": gettext_lazy("工单编号"),
        "placeholder": gettext_lazy("如 2026092800001"),
    },
    "request": {
        "title": gettext_lazy("督办依申请公开"),
        "label": gettext_lazy("依申请公开申请编号"),
        "placeholder": gettext_lazy("申请编号"),
    },
}


@_page
def order_new(request, kind: str):
    """A supervisor orders the organisation responsible to act on a ticket or a disclosure request, by its number."""
    if kind not in ORDER_SUBJECTS:
        raise Http404(_("督办对象应为工单或依申请公开"))
    permissions.require_issuer(request.user)
    values = {"number": "", "instruction": "", "response_days": "5"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = forms.NewOrderForm(request.POST)
        values = {name: str(form[name].value() or "").strip() for name in values}  # shown again as typed
        try:
            if not form.is_valid():
                errors = form.error_map()
                raise ValidationFailed(form.message())
            data = form.cleaned_data
            subject = services.order_subject(request.user, **{kind: data["number"]})
            if kind == "ticket":
                order = services.issue_order(
                    by=request.user,
                    ticket=subject,
                    instruction=data["instruction"],
                    response_days=data["response_days"],
                )
            else:
                order = services.issue_order(
                    by=request.user,
                    request_ref=subject.number,
                    organisation=subject.organisation,
                    instruction=data["instruction"],
                    response_days=data["response_days"],
                )
        except DomainError as err:
            if not errors:
                field = err.field
                errors["number" if field in ("ticket", "request") else (field or "number")] = err.message
        else:
            messages.success(
                request,
                _("已下达督办单 %(number)s,反馈期限 %(due_on)s")
                % {"number": order.number, "due_on": order.due_on},
            )
            return redirect("workbench_supervision:order", number=order.number)
    return render(
        request,
        "supervision/order_new.html",
        {"kind": kind, "spec": ORDER_SUBJECTS[kind], "values": values, "errors": errors},
        status=422 if errors else 200,
    )


def _subject_url(row: SupervisionOrder) -> str | None:
    """The workbench page of what the order is about."""
    from django.urls import reverse

    found = selectors.subject_page(row)
    return reverse(found[0], args=[found[1]]) if found else None


@_page(roles=ORDER_PAGE_ROLES)
def order(request, number: str):
    row = selectors.order_for(request.user, number)
    if request.method == "POST":
        form = forms.OrderActionForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationFailed(form.message())
            data = form.cleaned_data
            action, text = data["action"], data["text"]
            if action == "respond":
                kind = data["response_kind"] or SupervisionOrder.ResponseKind.EXPLANATION
                services.respond_order(order=row, by=request.user, response=text, kind=kind)
                messages.success(request, _("已提交整改反馈"))
            elif action == "close":
                services.close_order(order=row, by=request.user, outcome=text)
                messages.success(request, _("督办单已办结"))
            elif action == "return":
                services.return_order(
                    order=row,
                    by=request.user,
                    reason=text,
                    response_days=data["response_days"],
                )
                messages.success(request, _("已退回重新整改"))
            elif action == "accountability":
                services.record_accountability(
                    order=row,
                    by=request.user,
                    person=data["person"],
                    kind=data["kind"],
                    reason=text,
                )
                messages.success(request, _("已记录问责"))
            else:
                messages.error(request, _("未知操作"))
        except DomainError as err:
            messages.error(request, err.message)
        return redirect("workbench_supervision:order", number=row.number)
    context = {
        "order": row,
        "subject_url": _subject_url(row),
        "steps": selectors.order_steps(row),
        "accountabilities": selectors.order_accountabilities(row),
        "kinds": Accountability.Kind.choices,
        "allowed": permissions.allowed_actions(request.user, row),
        # 整改完成 only once the record shows it; the reason shown where it may not be chosen
        "rectified_refused": permissions.rectified_refusal(row),
        "awaited": permissions.awaited(row),
        "response_kinds": SupervisionOrder.ResponseKind,
        "today": clock.today(),
    }
    return render(request, "supervision/order.html", context)


@_page
def indicator_page(request):
    """The indicators for any period and grouping, with the figures linking to their cases; CSV and Excel."""
    try:
        period = _period_from(request)
        by = request.GET.get("by") or "organisation"
        result = indicators.compute(period=period, by=by, user=request.user)
    except DomainError as err:
        messages.error(request, err.message)
        period = _month_period(clock.today())
        by = "organisation"
        result = indicators.compute(period=period, by=by, user=request.user)
    fmt = request.GET.get("format")
    if fmt == "csv":
        response = HttpResponse(indicators.to_csv(result), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="indicators-{period.first}-{period.last}.csv"'
        )
        return response
    if fmt == "xlsx":
        response = HttpResponse(
            indicators.to_xlsx(result),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="indicators-{period.first}-{period.last}.xlsx"'
        )
        return response
    rows = []
    for r in result["rows"] + [result["total"]]:
        cells = []
        for col in indicators.COLUMNS:
            value = r.get(col)
            link = (
                _drill_url(period, col, by if r["key"] is not None else None, r["key"])
                if col in indicators.METRICS and value
                else None
            )
            shown = (
                "—"
                if value is None
                else (
                    f"{value * 100:.1f}%"
                    if isinstance(value, float) and col not in indicators.PLAIN
                    else value
                )
            )
            cells.append({"value": shown, "link": link})
        rows.append({"label": r["label"], "cells": cells})
    return render(
        request,
        "supervision/indicators.html",
        {
            "period": period,
            "by": by,
            "groupings": [
                ("organisation", "机构"),
                ("region", "区划"),
                ("centre", "中心"),
                ("window", "窗口"),
                ("staff", "人员"),
            ],
            "header": [indicators.LABELS[c] for c in indicators.COLUMNS],
            "rows": rows,
            "query": request.GET.urlencode(),
        },
    )


@_page
def bulletin_page(request):
    """Choose a month; download its bulletin as PDF or Excel (the same content the command writes)."""
    today = clock.today()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return render(
        request, "supervision/bulletin_page.html", {"month": request.GET.get("month") or last_month}
    )


@_page
def bulletin_file(request, month: str, fmt: str):
    found = re.fullmatch(r"(\d{4})-(\d{2})", month)
    if not found or not 1 <= int(found[2]) <= 12:
        raise Http404(_("月份应写作 YYYY-MM"))
    data = bulletin.content(int(found[1]), int(found[2]), user=request.user)
    if fmt == "pdf":
        response = HttpResponse(bulletin.to_pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(
            bulletin.to_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="bulletin-{month}.{fmt}"'
    return response


# ---- the hall screen (大屏): public, names masked


def _screen_centre(centre_id: int):
    try:
        return selectors.screen_centre(centre_id)
    except DomainError as err:
        raise Http404(err.message) from None


def hall(request, centre_id: int):
    from zhengwu.supervision import hall_screen

    centre = _screen_centre(centre_id)
    context = {"centre": centre, "data": _hall_data(centre), **hall_screen.context(centre)}
    return render(request, "supervision/hall.html", context)


def hall_data(request, centre_id: int):
    return JsonResponse(_hall_data(_screen_centre(centre_id)))


# Figures other domains add to the hall screen (joint approval's 联办件): each takes the centre and returns
# {key: number}. Listed here, by the interface, so no domain imports the workbench.
HALL_FIGURES: list = [joint_selectors.hall_figures]


def _hall_data(centre) -> dict:
    return selectors.hall_figures(centre, HALL_FIGURES)
