"""Staff pages: issuing a case's payment notice, the fee window (收费窗口: cash and card), a notice with its payment,
receipts (void and reissue) and refunds (request, approve), and the daily reconciliation with the statement import."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhengwu.cases.selectors import case_for
from zhengwu.core import access, clock
from zhengwu.core.errors import AccessDenied, DomainError, NotFound
from zhengwu.core.models import Role, Window
from zhengwu.fees import reconcile, selectors, services
from zhengwu.fees.models import Discrepancy, Notice, Receipt, Refund, StandardKind

ISSUERS = (Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD)


def _staff(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        try:
            if access.staff_of(request.user) is None and not access.is_administrator(request.user):
                raise AccessDenied("需要工作人员账号")
            return view(request, *args, **kwargs)
        except NotFound as err:
            raise Http404(err.message) from None
        except AccessDenied as err:
            raise PermissionDenied(err.message) from None

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def visible_notices(user):
    """Notices of the organisations in the person's scope, and at a general window (the fee window is one), every
    notice of its centre (the fee window collects for every department in the centre); managers, supervisors and
    administrators see all."""
    qs = Notice.objects.select_related("case", "organisation")
    if access.is_administrator(user) or access.has_role(user, Role.CENTRE_MANAGER, Role.SUPERVISOR):
        return qs
    staff = access.staff_of(user)
    cond = access.scope_q(user, "organisation")
    if staff is not None and staff.window_id and staff.window.kind == Window.Kind.GENERAL:
        cond |= Q(case__window__centre_id=staff.window.centre_id)
    return qs.filter(cond)


def _notice(user, code: str) -> Notice:
    notice = visible_notices(user).filter(code=str(code)).first()
    if notice is None:
        raise NotFound("找不到该缴款通知书")
    return notice


def case_panel(request, case) -> str:
    """On the staff case page: the notice, or the way to issue it."""
    if not selectors.charges_fees(case.version) and not Notice.objects.filter(case=case).exists():
        return ""
    return render_to_string(
        "fees/workbench/_case_panel.html",
        {"case": case, "state": selectors.case_fee_state(case)},
        request=request,
    )


@_staff
def index(request):
    state = request.GET.get("state", "")
    notices = visible_notices(request.user)
    if state in Notice.State.values:
        notices = notices.filter(state=state)
    staff = access.staff_of(request.user)
    refunds = Refund.objects.filter(
        state=Refund.State.REQUESTED, payment__notice__in=visible_notices(request.user)
    )
    return render(
        request,
        "fees/workbench/index.html",
        {
            "notices": notices.order_by("-issued_at")[:100],
            "states": Notice.State.choices,
            "state": state,
            "at_window": staff is not None
            and staff.window_id is not None
            and access.has_role(request.user, Role.WINDOW_CLERK),
            "refunds": refunds.select_related("payment__notice", "requested_by")[:50],
            "may_reconcile": may_reconcile(request.user),
        },
    )


def _posted_choices(request, case) -> dict:
    """The issue form's choices: which fees this case pays (only), quantities, waivers and band decisions."""
    quantities, waivers, decisions = {}, {}, {}
    only = [] if request.POST.get("select") else None
    for entry in selectors.item_fees_in_force(case.version):
        code = entry["code"]
        if not code:
            continue
        if only is not None and request.POST.get(f"c_{code}"):
            only.append(code)
        if request.POST.get(f"q_{code}"):
            quantities[code] = request.POST[f"q_{code}"]
        if request.POST.get(f"w_{code}"):
            waivers[code] = request.POST[f"w_{code}"]
        if request.POST.get(f"d_{code}"):
            decisions[code] = {
                "amount": request.POST[f"d_{code}"],
                "document": request.POST.get(f"doc_{code}", ""),
            }

    def kept(given):
        return {k: v for k, v in given.items() if only is None or k in only}

    return {
        "quantities": kept(quantities),
        "waivers": kept(waivers),
        "decisions": kept(decisions),
        "only": only,
    }


def _issue_rows(case, previous: Notice | None = None) -> list[dict]:
    """The item's catalogue fees in force, as the issue form's rows; correcting, each row starts as the previous
    notice had it (charged or not, quantity, waiver, decision)."""
    old = {line.fee.code: line for line in previous.lines.select_related("fee")} if previous else {}
    rows = []
    for entry in selectors.item_fees_in_force(case.version):
        if not entry["code"]:
            continue
        line = old.get(entry["code"])
        waivers = list(entry["fee"].waivers.all())
        rows.append(
            {
                **entry,
                "per_unit": entry["fee"].standard_kind == StandardKind.PER_UNIT,
                "band": entry["fee"].standard_kind == StandardKind.BAND,
                "waivers": waivers,
                "unit": entry["fee"].unit,
                "checked": previous is None or line is not None,
                "quantity": line.quantity if line else 1,
                "waiver": next((w.code for w in waivers if line and line.waiver.startswith(w.name)), ""),
                "decision_amount": (line.standard_amount / line.quantity).quantize(line.amount)
                if line and line.decision
                else "",
                "decision_document": line.decision.rsplit("(", 1)[0] if line and line.decision else "",
            }
        )
    return rows


@_staff
def issue(request, number: str):
    """开具缴款通知书 for one case: quantities (按数量计收), waivers (减免) and band decisions (按决定执行)."""
    case = case_for(request.user, number)
    error = None
    if request.method == "POST":
        try:
            notice = services.issue_notice(case=case, by=request.user, **_posted_choices(request, case))
        except DomainError as err:
            error = err
        else:
            messages.success(request, f"已开具缴款通知书 {notice.code},应缴 {notice.total} 元")
            return redirect("fees_workbench:notice", code=notice.code)
    return render(
        request,
        "fees/workbench/issue.html",
        {
            "case": case,
            "rows": _issue_rows(case),
            "error": error,
            "posted": request.POST,
            "rule": services.item_rule(case.item),
        },
        status=error.status if error else 200,
    )


@_staff
def correct(request, code: str):
    """更正缴款通知书: an unpaid notice cancelled with its reason, a corrected one issued in its place."""
    old = _notice(request.user, code)
    case = old.case
    error = None
    if request.method == "POST":
        try:
            notice = services.correct_notice(
                notice=old,
                by=request.user,
                reason=request.POST.get("reason", ""),
                **_posted_choices(request, case),
            )
        except DomainError as err:
            error = err
        else:
            messages.success(
                request,
                f"缴款通知书 {old.code} 已作废,已开具更正后的缴款通知书 {notice.code},应缴 {notice.total} 元,"
                "已告知申请人",
            )
            return redirect("fees_workbench:notice", code=notice.code)
    return render(
        request,
        "fees/workbench/issue.html",
        {
            "case": case,
            "rows": _issue_rows(case, old),
            "error": error,
            "posted": request.POST,
            "rule": services.item_rule(case.item),
            "correcting": old,
        },
        status=error.status if error else 200,
    )


@_staff
def notice(request, code: str):
    n = _notice(request.user, code)
    payment = getattr(n, "payment", None)
    return render(
        request,
        "fees/workbench/notice.html",
        {
            "n": n,
            "lines": list(n.lines.all()),
            "payment": payment,
            "receipts": list(payment.receipts.select_related("replaces").order_by("issued_at"))
            if payment
            else [],
            "refunds": list(payment.refunds.select_related("requested_by", "decided_by")) if payment else [],
            "reasons": Refund.Reason.choices,
            "may_reconcile": may_reconcile(request.user),
            "may_issue": access.has_role(request.user, *ISSUERS),
            "correction": getattr(n, "correction", None) if n.state == Notice.State.CANCELLED else None,
        },
    )


def _back(request, code, err: DomainError | None = None, ok: str = ""):
    if err is not None:
        messages.error(request, err.message)
    elif ok:
        messages.success(request, ok)
    return redirect("fees_workbench:notice", code=code)


@_staff
@require_POST
def record(request):
    """收费窗口: record cash or card for a payment code."""
    code = request.POST.get("code", "").strip()
    try:
        payment = services.record_at_window(
            code=code,
            by=request.user,
            channel=request.POST.get("channel", ""),
            voucher=request.POST.get("voucher", ""),
        )
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("fees_workbench:index")
    receipt = services.current_receipt(payment)
    return _back(request, payment.notice.code, ok=f"已收款 {payment.amount} 元,票据号码 {receipt.number}")


@_staff
@require_POST
def void(request, number: str):
    receipt = Receipt.objects.select_related("payment__notice").filter(number=number).first()
    if receipt is None:
        raise Http404("找不到该票据")
    code = _notice(request.user, receipt.payment.notice.code).code
    try:
        new = services.void_and_reissue(
            receipt=receipt,
            by=request.user,
            reason=request.POST.get("reason", ""),
            payer=request.POST.get("payer", ""),
        )
    except DomainError as err:
        return _back(request, code, err)
    return _back(request, code, ok=f"票据 {number} 已作废,换开 {new.number}")


@_staff
@require_POST
def refund(request, code: str):
    n = _notice(request.user, code)
    payment = getattr(n, "payment", None)
    if payment is None:
        return _back(request, code, DomainError("该缴款通知书尚未缴款,无可退付"))
    try:
        services.request_refund(
            payment=payment,
            by=request.user,
            amount=request.POST.get("amount", ""),
            reason=request.POST.get("reason", ""),
            explanation=request.POST.get("explanation", ""),
        )
    except DomainError as err:
        return _back(request, code, err)
    return _back(request, code, ok="已提交退付申请,待审批")


@_staff
@require_POST
def decide(request, refund_id: int):
    row = Refund.objects.select_related("payment__notice").filter(pk=refund_id).first()
    if row is None:
        raise Http404("找不到该退付申请")
    code = _notice(request.user, row.payment.notice.code).code
    try:
        services.decide_refund(
            refund=row,
            by=request.user,
            approve=request.POST.get("approve") == "1",
            opinion=request.POST.get("opinion", ""),
        )
    except DomainError as err:
        return _back(request, code, err)
    return _back(request, code, ok="退付已审批")


def may_reconcile(user) -> bool:
    return access.is_administrator(user) or access.has_role(
        user, Role.CENTRE_MANAGER, Role.WINDOW_CLERK, Role.SUPERVISOR
    )


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return clock.today() - dt.timedelta(days=1)


@_staff
def reconciliation(request):
    """每日对账: pick a day, import the bank statement, read the totals, clear the exceptions."""
    if not may_reconcile(request.user):
        raise AccessDenied("只有收费窗口、中心管理人员或监察人员可以查看对账")
    day = _day(request.POST.get("date") or request.GET.get("date", ""))
    if request.method == "POST":
        try:
            if "file" in request.FILES:
                upload = request.FILES["file"]
                if upload.size > 5 * 1024 * 1024:
                    raise DomainError("对账单文件不能超过 5 MB", field="file")
                result = reconcile.import_statement(upload.read(), source=upload.name[:200], by=request.user)
                messages.success(request, f"导入 {result['imported']} 行,跳过已导入 {result['skipped']} 行")
            elif request.POST.get("run"):
                report = reconcile.reconcile(day, by=request.user)
                messages.success(
                    request, "对账完成,差异已登记" if not report["balanced"] else "对账完成,账平"
                )
            elif request.POST.get("clear"):
                row = Discrepancy.objects.filter(pk=request.POST["clear"]).first()
                if row is None:
                    raise NotFound("找不到该差异")
                reconcile.clear(discrepancy=row, by=request.user, note=request.POST.get("note", ""))
                messages.success(request, "差异已处理")
        except DomainError as err:
            messages.error(request, err.message)
        return redirect(f"{reverse('fees_workbench:reconcile')}?date={day.isoformat()}")
    return render(
        request,
        "fees/workbench/reconcile.html",
        {"day": day, "r": reconcile.reconcile(day, record=False), "may_reconcile": True},
    )
