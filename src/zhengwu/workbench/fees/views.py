"""The workbench's fee pages (统一收费): issuing a case's payment notice and correcting an unpaid one, the fee window
(收费窗口: cash and card), a notice with its payment, receipts (void and reissue) and refunds (request, approve),
the daily reconciliation with the statement import, and keeping the fee catalogue (收费目录维护). The panel on the
staff case page is registered with cases.extensions from WorkbenchConfig.ready(). Domain errors out of a view are
the error page's (core.middleware), as on every workbench page."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengwu.cases.selectors import case_for, visible_cases
from zhengwu.core import access, clock
from zhengwu.core.errors import AccessDenied, DomainError, NotFound, ValidationFailed
from zhengwu.core.inputs import is_whole
from zhengwu.core.models import Role
from zhengwu.fees import compute, permissions, reconcile, selectors, services
from zhengwu.fees.models import (
    CatalogueFee,
    Notice,
    Refund,
    RevenueKind,
    StandardKind,
    Waiver,
)
from zhengwu.fees.selectors import visible_notices
from zhengwu.workbench.fees import forms
from zhengwu.workbench.pages import staff_page

may_reconcile = permissions.may_reconcile  # the tab, on every fee page


_staff = (
    staff_page  # every page here: signed in with a staff profile (workbench.pages), roles checked per view
)


def _notice(user, code: str) -> Notice:
    notice = visible_notices(user).filter(code=str(code)).first()
    if notice is None:
        raise NotFound(_("找不到该缴款通知书"))
    return notice


def case_panel(request, case) -> str:
    """On the staff case page: the notice, or the way to issue it."""
    if not selectors.charges_fees(case.version) and not selectors.has_notices(case):
        return ""
    state = selectors.case_fee_state(case)
    refused = None if state else permissions.refusal(request.user, case, "issue")
    notice = selectors.current_notice(case) if state else None
    return render_to_string(
        "workbench/fees/_case_panel.html",
        {
            "case": case,
            "state": state,
            # a fee or amount chosen wrongly, from the case page: an unpaid notice is corrected (cancelled with its
            # reason, a corrected one issued), a paid one refunded — each for those its rule lets do it
            "may_correct": notice is not None
            and permissions.refusal(request.user, notice, "correct") is None,
            "may_refund": notice is not None and permissions.refusal(request.user, notice, "refund") is None,
            # paying at the counter before the result is handed over (an instant item, 即办件): the fee window's
            # clerk records cash or card here; anyone else shows the payer the payment page to pay by scanning
            "may_record": notice is not None and permissions.refusal(request.user, notice, "record") is None,
            "may_issue": state is None and refused is None,
            # why not now (the step, the catalogue), for those who issue; nothing for those who do not
            "not_now": refused if refused is not None and not isinstance(refused, AccessDenied) else None,
        },
        request=request,
    )


@_staff
def index(request):
    state = request.GET.get("state", "")
    notices = visible_notices(request.user)
    if state in Notice.State.values:
        notices = notices.filter(state=state)
    refunds = selectors.refunds_to_decide(request.user)
    notices = list(notices.order_by("-issued_at")[:100])
    return render(
        request,
        "workbench/fees/index.html",
        {
            "notices": notices,
            # the fee window collects for cases it does not handle: their numbers link only for those who see them
            "seen_cases": set(
                visible_cases(request.user)
                .filter(pk__in=[n.case_id for n in notices])
                .values_list("pk", flat=True)
            ),
            "states": Notice.State.choices,
            "state": state,
            "at_window": permissions.window_refusal(request.user) is None,
            "refunds": refunds[:50],
            "payouts": list(selectors.refunds_to_pay_out(request.user)[:50]),
            "may_reconcile": may_reconcile(request.user),
            "may_keep": permissions.may_keep(request.user),
        },
    )


def _posted(request):
    """What a form reads: the posted fields on a POST (even none), nothing on a GET."""
    return request.POST if request.method == "POST" else None


def _refusal(form) -> ValidationFailed | None:
    """A form's first refusal as the pages show a service's: its message, at its field."""
    for name, errors in form.errors.items():
        return ValidationFailed(str(errors[0]), field=name if name in form.fields else None)
    return None


def _issue_rows(
    case, previous: Notice | None = None, form=None, error: DomainError | None = None
) -> list[dict]:
    """The item's catalogue fees in force, as the issue form's rows; correcting, each row starts as the previous
    notice had it (charged or not, quantity, waiver, decision). Issuing, nothing starts ticked and a per-unit fee
    (工本费 每增加一本) starts at 0: an item's fees may be alternatives (住宅类 or 非住宅类) and extra copies are the
    exception, so the clerk ticks what this case pays (a stranger's pass found both 登记费 and a 工本费 ticked).
    After a refusal each row shows what was typed, and the input refused is marked."""
    old = {line.fee.code: line for line in previous.lines.select_related("fee")} if previous else {}
    typed = form.data if form is not None and form.is_bound and error is not None else None
    invalid = form.input_for(error.field) if typed is not None and error.field else ""
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
                "checked": line is not None,
                "quantity": line.quantity
                if line
                else (0 if entry["fee"].standard_kind == StandardKind.PER_UNIT else 1),
                "amount": str(entry["fee"].amount),
                "choose_one": entry["fee"].choose_one,
                "waiver": next((w.code for w in waivers if line and line.waiver.startswith(w.name)), ""),
                "decision_amount": (line.standard_amount / line.quantity).quantize(line.amount)
                if line and line.decision
                else "",
                "decision_document": line.decision.rsplit("(", 1)[0] if line and line.decision else "",
            }
        )
        if typed is not None:
            code = entry["code"]
            rows[-1].update(
                checked=not typed.get("select") or bool(typed.get(f"c_{code}")),
                quantity=typed.get(f"q_{code}", rows[-1]["quantity"]),
                waiver=typed.get(f"w_{code}", ""),
                decision_amount=typed.get(f"d_{code}", ""),
                decision_document=typed.get(f"doc_{code}", ""),
                invalid=next((p for p in ("c", "q", "w", "d", "doc") if invalid == f"{p}_{code}"), ""),
            )
    return rows


def _issue_total(rows: list[dict]) -> str:
    """合计 of the rows ticked, as they stand (quantity, waiver, decided amount), for the page and the submit
    button's confirmation; a row whose input would be refused counts nothing (the service says why)."""
    total = compute.CENT * 0
    for row in rows:
        if not row["checked"]:
            continue
        fee = row["fee"]
        waiver = next((w for w in row["waivers"] if w.code == row["waiver"]), None)
        decision = (
            compute.Decision(amount=row["decision_amount"], document=row["decision_document"] or "-")
            if row["band"] and str(row["decision_amount"]).strip()
            else None
        )
        try:
            total += compute.line(fee, row["quantity"], waiver=waiver, decision=decision).amount
        except DomainError:
            continue
    return compute.yuan(total)


def _issue_page(request, case, rows, **extra) -> dict:
    total = _issue_total(rows)
    return {
        "case": case,
        "rows": rows,
        "total": total,
        "rule": services.item_rule(case.item),
        **extra,
    }


@_staff
def issue(request, number: str):
    """开具缴款通知书 for one case: quantities (按数量计收), waivers (减免) and band decisions (按决定执行)."""
    case = case_for(request.user, number)
    error = None
    form = forms.NoticeLinesForm(_posted(request), case=case)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise _refusal(form)
            notice = services.issue_notice(case=case, by=request.user, **form.choices())
        except DomainError as err:
            error = err
        else:
            messages.success(
                request,
                _("已开具缴款通知书 %(code)s,应缴 %(total)s 元")
                % {"code": notice.code, "total": notice.total},
            )
            return redirect("fees_workbench:notice", code=notice.code)
    return render(
        request,
        "workbench/fees/issue.html",
        _issue_page(
            request,
            case,
            _issue_rows(case, form=form, error=error),
            error=error,
            posted=form.data,
            refused=permissions.refusal(request.user, case, "issue"),
        ),
        status=error.status if error else 200,
    )


@_staff
def correct(request, code: str):
    """更正缴款通知书: an unpaid notice cancelled with its reason, a corrected one issued in its place."""
    old = _notice(request.user, code)
    case = case_for(request.user, old.case.number)  # corrected by the case's handlers (not the fee window)
    error = None
    form = forms.CorrectionForm(_posted(request), case=case)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise _refusal(form)
            notice = services.correct_notice(
                notice=old, by=request.user, reason=form.cleaned_data["reason"], **form.choices()
            )
        except DomainError as err:
            error = err
        else:
            messages.success(
                request,
                _("缴款通知书 %(old)s 已作废,已开具更正后的缴款通知书 %(new)s,应缴 %(total)s 元,已告知申请人")
                % {"old": old.code, "new": notice.code, "total": notice.total},
            )
            return redirect("fees_workbench:notice", code=notice.code)
    return render(
        request,
        "workbench/fees/issue.html",
        _issue_page(
            request,
            case,
            _issue_rows(case, old, form=form, error=error),
            error=error,
            posted=form.data,
            correcting=old,
            refused=permissions.refusal(request.user, selectors.notice(old.pk), "correct"),
        ),
        status=error.status if error else 200,
    )


@_staff
def notice(request, code: str):
    return _notice_page(request, _notice(request.user, code))


def _notice_page(
    request,
    n: Notice,
    *,
    refund_error: DomainError | None = None,
    refund_posted=None,
    void_error: DomainError | None = None,
    void_posted=None,
    void_receipt: int | None = None,
):
    """The notice page; after a refused 申请退付 or 作废并换开, that form open with what was typed and the refusal at
    its field (or at the head of the form when it concerns no one field)."""
    payment = getattr(n, "payment", None)
    # the fee window collects for cases it does not handle: it does not open them
    sees_case = visible_cases(request.user).filter(pk=n.case_id).exists()
    actions = permissions.allowed_actions(request.user, n)
    receipts = list(payment.receipts.select_related("replaces").order_by("issued_at")) if payment else []
    for r in receipts:
        # the receipt whose 作废并换开 was refused: its form says why, where the clerk typed
        r.void_refused = (
            {
                "message": void_error.message,
                "at": void_error.field if void_error.field in ("reason", "payer") else "form",
                "reason": void_posted.get("reason", ""),
                "payer": void_posted.get("payer", ""),
            }
            if void_error is not None and r.pk == void_receipt
            else None
        )
    return render(
        request,
        "workbench/fees/notice.html",
        {
            "n": n,
            "lines": list(n.lines.all()),
            "payment": payment,
            "receipts": receipts,
            "refunds": list(
                payment.refunds.select_related("requested_by", "decided_by", "paid_out_by__staff")
            )
            if payment
            else [],
            "reasons": Refund.Reason.choices,
            "sees_case": sees_case,
            "actions": actions,
            "decidable": actions["decide"],
            "may_reconcile": may_reconcile(request.user),
            "correction": getattr(n, "correction", None) if n.state == Notice.State.CANCELLED else None,
            # a receipt whose whole payment went back is not reissued (permissions.void_state_refusal); a partly
            # refunded one is, and its form says the new receipt keeps the amount and its check names the refund
            "refunded": permissions.refunded(payment) if payment else None,
            "refund_error": refund_error,
            "refund_posted": refund_posted,
        },
        status=(refund_error or void_error).status if (refund_error or void_error) else 200,
    )


def _back(request, code, err: DomainError | None = None, ok: str = ""):
    if err is not None:
        messages.error(request, err.message)
    elif ok:
        messages.success(request, ok)
    return redirect("fees_workbench:notice", code=code)


@_staff
def record(request):
    """收费窗口, in two steps: the clerk enters the payment code and reads the payer, the items and the amount due;
    then takes the money and confirms the amount received (and the card voucher), which records the payment."""
    form = forms.WindowPaymentForm(_posted(request))
    posted_code = ""
    if form.is_bound:  # the code is read first; the rest only counts when the clerk confirms the payment
        form.is_valid()
        posted_code = form.cleaned_data["code"]
    code = (posted_code or request.GET.get("code", "")).strip()
    if not code:  # the window opened without a code (its menu entry): the form to enter one, without an error
        return redirect("fees_workbench:index")
    try:
        found = services.window_notice(code=code, by=request.user)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect("fees_workbench:index")
    error = None
    if request.method == "POST":
        try:
            if form.errors:
                raise _refusal(form)
            payment = services.record_at_window(
                code=code,
                by=request.user,
                channel=form.cleaned_data["channel"],
                voucher=form.cleaned_data["voucher"],
                received=form.cleaned_data["received"],
            )
        except DomainError as err:
            error = err
        else:
            receipt = services.current_receipt(payment)
            said = {"amount": payment.amount, "receipt": receipt.number}
            return _back(
                request,
                payment.notice.code,
                ok=_("已收款 %(amount)s 元,实收现金 %(received)s 元,找零 %(change)s 元,票据号码 %(receipt)s")
                % {**said, "received": payment.received, "change": payment.change}
                if payment.change
                else _("已收款 %(amount)s 元,票据号码 %(receipt)s") % said,
            )
    return render(
        request,
        "workbench/fees/window.html",
        {
            "n": found,
            "lines": list(found.lines.all()),
            "error": error,
            "posted": form.data,
            "may_reconcile": may_reconcile(request.user),
            "may_record": permissions.allowed(request.user, found, "record"),
        },
        status=error.status if error else 200,
    )


@_staff
@require_POST
def void(request, number: str):
    receipt = selectors.receipt(number, related=("payment__notice",))
    if receipt is None:
        raise Http404(_("找不到该票据"))
    n = _notice(request.user, receipt.payment.notice.code)
    code = n.code
    form = forms.VoidForm(request.POST)
    try:
        if not form.is_valid():
            raise _refusal(form)
        new = services.void_and_reissue(
            receipt=receipt,
            by=request.user,
            reason=form.cleaned_data["reason"],
            payer=form.cleaned_data["payer"],
        )
    except DomainError as err:
        if receipt.pk not in permissions.allowed_actions(request.user, n)["void"]:
            return _back(request, code, err)  # no form to show it at (not the fee window, a refunded receipt)
        # at the receipt's form, open, with what was typed: not at the page's top, far from the field it concerns
        return _notice_page(request, n, void_error=err, void_posted=request.POST, void_receipt=receipt.pk)
    return _back(request, code, ok=_("票据 %(old)s 已作废,换开 %(new)s") % {"old": number, "new": new.number})


@_staff
@require_POST
def refund(request, code: str):
    n = _notice(request.user, code)
    payment = getattr(n, "payment", None)
    if payment is None:
        return _back(request, code, DomainError(_("该缴款通知书尚未缴款,无可退付")))
    form = forms.RefundForm(request.POST)
    try:
        if not form.is_valid():
            raise _refusal(form)
        services.request_refund(
            payment=payment,
            by=request.user,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
            explanation=form.cleaned_data["explanation"],
        )
    except DomainError as err:
        if not permissions.allowed(request.user, n, "refund"):  # no form to show it at (a supervisor, say)
            return _back(request, code, err)
        # at the form, open, with what was typed: not at the page's top, far from the field it concerns
        return _notice_page(request, n, refund_error=err, refund_posted=request.POST)
    return _back(request, code, ok=_("已提交退付申请,待审批"))


def _refund_row(request, refund_id: int) -> tuple[Refund, str]:
    """The refund and its notice's code, when the notice is in the person's fee scope (else 404)."""
    row = selectors.refund(refund_id)
    if row is None:
        raise Http404(_("找不到该退付申请"))
    return row, _notice(request.user, row.payment.notice.code).code


@_staff
@require_POST
def decide(request, refund_id: int):
    row, code = _refund_row(request, refund_id)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        return _back(request, code, _refusal(form))
    try:
        services.decide_refund(
            refund=row,
            by=request.user,
            approve=form.cleaned_data["approve"],
            opinion=form.cleaned_data["opinion"],
        )
    except DomainError as err:
        return _back(request, code, err)
    return _back(request, code, ok="退付已审批")


@_staff
@require_POST
def card_refund(request, refund_id: int):
    """退回原卡: the fee window records the card terminal's refund voucher of an approved card refund."""
    row, code = _refund_row(request, refund_id)
    form = forms.CardRefundForm(request.POST)
    if not form.is_valid():
        return _back(request, code, _refusal(form))
    try:
        services.pay_out_card(refund=row, by=request.user, voucher=form.cleaned_data["voucher"])
    except DomainError as err:
        return _back(request, code, err)
    return _back(request, code, ok="已登记退回原卡")


@_staff
@require_POST
def cash_refund(request, refund_id: int):
    """退还现金: the fee window confirms it handed the cash of an approved cash refund back to the payer."""
    row, code = _refund_row(request, refund_id)
    try:
        done = services.pay_out_cash(refund=row, by=request.user)
    except DomainError as err:
        return _back(request, code, err)
    return _back(request, code, ok=_("已确认退还现金 %(amount)s 元,退付已办结") % {"amount": done.amount})


def _day(value: str, user) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return selectors.reconciliation_day(user)


def _days(value: str) -> list[dt.date]:
    """The days a statement just imported covers (the page's links between them); what is not a date is dropped."""
    days = []
    for part in str(value or "").split(",")[:31]:
        try:
            days.append(dt.date.fromisoformat(part.strip()))
        except ValueError:
            continue
    return sorted(set(days))


def _scope_label(user) -> str:
    """Whose payments the page counts: a fee window's centre (and the centres under it), else all."""
    window = access.collecting_window(user)
    if window is None or access.is_administrator(user) or access.has_role(user, Role.CENTRE_MANAGER):
        return ""
    return window.centre.name


@_staff
def reconciliation(request):
    """每日对账: pick a day, import the bank statement, read the totals, clear the exceptions."""
    if not may_reconcile(request.user):
        raise AccessDenied(_("只有收费窗口、中心管理人员或监察人员可以查看对账"))
    if request.method == "POST":
        return _reconcile_action(request)
    asked = request.GET.get("date", "")
    day = _day(asked, request.user)
    oldest = None if asked else selectors.oldest_open_day(request.user)
    statement_days = _days(request.GET.get("days", ""))
    return render(
        request,
        "workbench/fees/reconcile.html",
        {
            "day": day,
            "r": reconcile.reconcile(day, record=False, viewer=request.user),
            "may_reconcile": True,
            "statement_days": statement_days,
            "open_days": sorted(
                set(selectors.open_discrepancies(request.user).values_list("day", flat=True))
            ),
            # opened without a day: say why this one (the oldest open difference, else today)
            "opened_on": ("oldest" if oldest else "today") if not asked else "",
            "scope": _scope_label(request.user),
            "may_clear": permissions.may_clear(request.user),
        },
    )


def _reconcile_action(request):
    """The reconciliation page's posts: import a statement, reconcile the day, clear a difference; back to the
    day with what was done or why not."""
    form = forms.ReconciliationForm(request.POST, request.FILES)
    valid = form.is_valid()
    day = form.cleaned_data.get("date") or selectors.reconciliation_day(request.user)
    if not valid:
        messages.error(request, form.said())
        return redirect(f"{reverse('fees_workbench:reconcile')}?date={day.isoformat()}")
    data = form.cleaned_data
    try:
        if data["file"] is not None:
            upload = data["file"]
            result = reconcile.import_statement(upload.read(), source=upload.name, by=request.user)
            days = result["days"]
            messages.success(
                request,
                (
                    _("导入 %(imported)s 行,跳过已导入 %(skipped)s 行;对账单日期 %(days)s")
                    if days
                    else _("导入 %(imported)s 行,跳过已导入 %(skipped)s 行")
                )
                % {"imported": result["imported"], "skipped": result["skipped"], "days": "、".join(days)},
            )
            if days:  # on to the statement's own day(s), where its lines meet our payments
                query = urlencode({"date": days[0], "days": ",".join(days)})
                return redirect(f"{reverse('fees_workbench:reconcile')}?{query}")
        elif data["run"]:
            report = reconcile.reconcile(day, by=request.user, viewer=request.user)
            messages.success(
                request, _("对账完成,差异已登记") if not report["balanced"] else _("对账完成,账平")
            )
        elif data["clear"] is not None:
            reconcile.clear(discrepancy=data["clear"], by=request.user, note=data["note"])
            messages.success(request, _("差异已处理"))
    except DomainError as err:
        messages.error(request, err.message)
    return redirect(f"{reverse('fees_workbench:reconcile')}?date={day.isoformat()}")


# ---------------------------------------------------------------- the fee catalogue (收费目录) for its keepers

FEE_FIELDS = forms.StandardForm.STANDARD  # what the catalogue form edits of a fee


def _keeper(user):
    if not permissions.may_keep(user):
        raise AccessDenied(_("只有执收单位负责人、中心管理人员或系统管理员可以维护收费目录"))


def _kept_fee(user, pk: int) -> CatalogueFee:
    fee = selectors.kept_fees(user, show="all").filter(pk=pk).first()
    if fee is None:
        raise NotFound(_("找不到该收费项目"))
    return fee


def _fee_fields(request, form, error, initial: dict, *, new: bool) -> list[dict]:
    """The fee form's fields in order, each with its value (as posted, else as it stands) and its error: every
    field the form refused, else the one the service named."""
    posted = form.data if form.is_bound else {}
    errors = (
        {name: str(found[0]) for name, found in form.errors.items()}
        if form.is_bound and form.errors
        else {error.field: error.message}
        if error is not None and error.field
        else {}
    )
    organisations = [
        (str(o.pk), o.name) for o in selectors.keepers_organisations(request.user).order_by("name")
    ]
    spec = [
        *(
            [
                ("code", "收费编码", "text", None, "如 BDC-001;版本修订沿用同一编码"),
                ("organisation", "执收单位", "select", organisations, ""),
            ]
            if new
            else []
        ),
        ("name", "收费项目", "text", None, ""),
        ("revenue_kind", "收入类别", "select", RevenueKind.choices, ""),
        ("basis", "设立依据", "textarea", None, "法律、行政法规或省级以上批准设立收费的文件及条款"),
        ("approval", "批准文件", "text", None, "核定收费标准的价格、财政部门文件及文号"),
        ("standard_kind", "标准类型", "select", StandardKind.choices, "幅度收费按下限执行,另有决定的除外"),
        ("amount", "标准(元)", "decimal", None, "定额、单价或幅度下限"),
        ("upper", "幅度上限(元)", "decimal", None, "仅幅度收费填写"),
        ("unit", "计费单位", "text", None, ""),
        ("valid_from", "执行日期" if new else "新标准执行日期", "date", None, ""),
        *(
            [("removed_on", "取消日期(可不填)", "date", None, "")]
            if new
            else [("reason", "修订依据", "text", None, "")]
        ),
        ("note", "备注", "text", None, ""),
        (
            "choose_one",
            "择一收取(可不填)",
            "text",
            None,
            "同一办件只能收取其一的收费写同一名称,如住宅类、非住宅类都写「不动产登记费」",
        ),
    ]
    fields = []
    for name, label, kind, options, help_text in spec:
        value = posted.get(name) if name in posted else initial.get(name, "")
        fields.append(
            {
                "name": name,
                "label": label,
                "kind": kind,
                "options": [(str(v), lbl) for v, lbl in options] if options else None,
                "value": "" if value is None else str(value),
                "help": help_text,
                "error": errors.get(name, ""),
            }
        )
    return fields


def _form_context(request, error, posted, **extra) -> dict:
    return {
        "error": error,
        "errors": {error.field: error.message} if error is not None and error.field else {},
        "posted": posted,
        "organisations": selectors.keepers_organisations(request.user).order_by("name"),
        "revenue_kinds": RevenueKind.choices,
        "standard_kinds": StandardKind.choices,
        "waiver_kinds": Waiver.Kind.choices,
        "may_reconcile": may_reconcile(request.user),
        **extra,
    }


@_staff
def catalogue(request):
    """收费目录: the fees of the organisations this person keeps, in force or starting later (or every version)."""
    _keeper(request.user)
    show = "all" if request.GET.get("show") == "all" else "current"
    organisation = None
    if is_whole(request.GET.get("organisation", "")):
        organisation = (
            selectors.keepers_organisations(request.user).filter(pk=int(request.GET["organisation"])).first()
        )
    fees = selectors.kept_fees(request.user, organisation=organisation, show=show)
    return render(
        request,
        "workbench/fees/catalogue.html",
        {
            "rows": [{"fee": f, "standard": compute.standard_text(f)} for f in fees],
            "show": show,
            "organisation": organisation,
            "organisations": selectors.keepers_organisations(request.user).order_by("name"),
            "today": clock.today(),
            "may_reconcile": may_reconcile(request.user),
        },
    )


@_staff
def fee_new(request):
    """收费目录:新增收费 (version 1)."""
    _keeper(request.user)
    error = None
    form = forms.NewFeeForm(_posted(request))
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise _refusal(form)
            fee = services.add_fee(data=form.data_for_service(), by=request.user)
        except DomainError as err:
            error = err
        else:
            messages.success(
                request, _("已将「%(name)s」(%(code)s)列入收费目录") % {"name": fee.name, "code": fee.code}
            )
            return redirect("fees_workbench:fee", pk=fee.pk)
    return render(
        request,
        "workbench/fees/fee_form.html",
        _form_context(
            request,
            error,
            form.data,
            fee=None,
            fields=_fee_fields(request, form, error, {"unit": "件", "valid_from": clock.today()}, new=True),
        ),
        status=error.status if error else 200,
    )


@_staff
def fee_detail(request, pk: int):
    """One fee: its versions, its waivers (add, remove), and retiring it from a date."""
    fee = _kept_fee(request.user, pk)
    error, form, posted = None, "", {}
    if request.method == "POST":
        which = forms.FeeActionForm(request.POST)
        form = which.cleaned_data["form"] if which.is_valid() else ""
        if form not in forms.FEE_ACTIONS:
            raise NotFound(_("找不到该操作"))
        kwargs = {"fee": fee} if form == "drop_waiver" else {}
        action = forms.FEE_ACTIONS[form](request.POST, **kwargs)
        posted = action.data
        try:
            if not action.is_valid():
                if "waiver" in action.errors:  # a waiver not of this fee (or none): as before, not found
                    raise NotFound(action.errors["waiver"][0])
                raise _refusal(action)
            data = action.cleaned_data
            if form == "retire":
                services.remove_fee(fee=fee, on=data["removed_on"], by=request.user, reason=data["reason"])
                ok = "已登记取消日期"
            elif form == "waiver":
                services.add_waiver(fee=fee, data=action.data_for_service(), by=request.user)
                ok = "已增加减免情形"
            else:
                services.drop_waiver(waiver=data["waiver"], by=request.user, reason=data["reason"])
                ok = "已删除减免情形"
        except NotFound:
            raise
        except DomainError as err:
            error = err
        else:
            messages.success(request, ok)
            return redirect("fees_workbench:fee", pk=fee.pk)
    versions = selectors.fee_versions(fee.code)
    return render(
        request,
        "workbench/fees/fee.html",
        _form_context(
            request,
            error,
            posted,
            fee=fee,
            form=form,
            standard=compute.standard_text(fee),
            versions=[{"fee": v, "standard": compute.standard_text(v)} for v in versions],
            actions=permissions.fee_actions(request.user, fee),
            waivers=list(fee.waivers.all()),
            today=clock.today(),
        ),
        status=error.status if error else 200,
    )


@_staff
def fee_revise(request, pk: int):
    """修订收费标准: a new version from its effective date (of the latest version, not one already retired)."""
    fee = _kept_fee(request.user, pk)
    if request.method != "POST" and (refused := permissions.refusal(request.user, fee, "revise")):
        raise refused
    error = None
    form = forms.RevisionForm(_posted(request))
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise _refusal(form)
            new = services.revise_fee(
                fee=fee,
                data=form.data_for_service(),
                effective=form.cleaned_data["valid_from"],
                by=request.user,
            )
        except DomainError as err:
            error = err
        else:
            messages.success(
                request,
                _("已登记「%(name)s」第 %(version)s 版,自 %(valid_from)s 起执行")
                % {"name": new.name, "version": new.version, "valid_from": new.valid_from.isoformat()},
            )
            return redirect("fees_workbench:fee", pk=new.pk)
    initial = {key: getattr(fee, key) for key in FEE_FIELDS}
    initial["upper"] = fee.upper or ""
    return render(
        request,
        "workbench/fees/fee_form.html",
        _form_context(
            request, error, form.data, fee=fee, fields=_fee_fields(request, form, error, initial, new=False)
        ),
        status=error.status if error else 200,
    )
