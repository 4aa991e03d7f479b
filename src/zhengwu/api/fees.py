"""统一收费 over HTTP (mounted at /api/fees): the public fee catalogue; for staff (session, CSRF) the case's payment
notice, payments at the fee window, receipts (void and reissue), refunds and the daily reconciliation; the payment
providers' callbacks (signed, no session). Errors are {code, message, field} in Chinese, as everywhere in the API."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja import Status as Reply

from zhengwu.api.common import signed_in as session
from zhengwu.cases.selectors import case_for
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.fees import compute, permissions, providers, reconcile, selectors, services
from zhengwu.fees.models import Notice, Receipt, Refund

router = Router()


def _notice_out(n: Notice) -> dict:
    payment = getattr(n, "payment", None)
    return {
        "code": n.code,
        "case": n.case.number,
        "organisation": n.organisation.name,
        "payer": n.payer,
        "total": compute.yuan(n.total),
        "issued_at": n.issued_at.isoformat(),
        "due_on": n.due_on.isoformat(),
        "state": n.state,
        "state_label": n.get_state_display(),
        "replaces": n.replaces.code if n.replaces_id else None,
        "cancelled_at": n.cancelled_at.isoformat() if n.cancelled_at else None,
        "cancel_reason": n.cancel_reason,
        "lines": [
            {
                "name": line.name,
                "revenue_kind": line.revenue_kind,
                "revenue_kind_label": line.get_revenue_kind_display(),
                "standard": line.standard,
                "quantity": line.quantity,
                "standard_amount": compute.yuan(line.standard_amount),
                "amount": compute.yuan(line.amount),
                "basis": line.basis,
                "waiver": line.waiver,
                "decision": line.decision,
            }
            for line in n.lines.all()
        ],
        "payment": None
        if payment is None
        else {
            "reference": payment.reference,
            "channel": payment.channel,
            "channel_label": payment.get_channel_display(),
            "amount": compute.yuan(payment.amount),
            # cash taken at the window beyond the amount due, and the change handed back (null otherwise)
            "received": compute.yuan(payment.received) if payment.received is not None else None,
            "change": compute.yuan(payment.change) if payment.change is not None else None,
            "paid_at": payment.paid_at.isoformat(),
            "receipts": [_receipt_out(r) for r in payment.receipts.order_by("issued_at")],
            "refunds": [_refund_out(r) for r in payment.refunds.order_by("requested_at")],
        },
        "pay_url": f"/fees/pay/{n.code}/",
        "pdf_url": f"/fees/notices/{n.code}.pdf",
    }


def _receipt_out(r: Receipt) -> dict:
    return {
        "number": r.number,
        "payer": r.payer,
        "amount": compute.yuan(r.amount),
        "issued_at": r.issued_at.isoformat(),
        "voided": r.voided_at is not None,
        "void_reason": r.void_reason,
        "replaces": r.replaces.number if r.replaces_id else None,
        "pdf_url": f"/fees/receipts/{r.number}.pdf",
    }


def _refund_out(r: Refund) -> dict:
    return {
        "id": r.pk,
        "amount": compute.yuan(r.amount),
        "reason": r.reason,
        "reason_label": r.get_reason_display(),
        "explanation": r.explanation,
        "state": r.state,
        "state_label": r.get_state_display(),
        "opinion": r.opinion,
        "channel": r.channel,
        "method": r.method_label,
        "provider": r.provider,
        "reference": r.reference,
        "paid_out_at": r.paid_out_at.isoformat() if r.paid_out_at else None,
        "paid_out_by": r.paid_out_by.username if r.paid_out_by_id else None,
    }


def _visible(request, code: str) -> Notice:
    return selectors.notice_for(request.user, code)


@router.get("/catalogue", summary="收费目录清单(公开)")
def catalogue(request, organisation: int | None = None, date: dt.date | None = None):
    org = selectors.collecting_organisation(organisation) if organisation else None
    if organisation and org is None:
        raise NotFound(_("找不到该执收单位"), field="organisation")
    return [
        {
            "code": row["fee"].code,
            "name": row["fee"].name,
            "organisation": row["fee"].organisation.name,
            "revenue_kind": row["fee"].revenue_kind,
            "revenue_kind_label": row["revenue_kind"],
            "standard_kind": row["fee"].standard_kind,
            "standard": row["standard"],
            "amount": compute.yuan(row["fee"].amount),
            "upper": compute.yuan(row["fee"].upper) if row["fee"].upper is not None else None,
            "unit": row["fee"].unit,
            "basis": row["fee"].basis,
            "approval": row["fee"].approval,
            "valid_from": row["fee"].valid_from.isoformat(),
            "removed_on": row["fee"].removed_on.isoformat() if row["fee"].removed_on else None,
            "waivers": [
                {"code": w.code, "name": w.name, "kind": w.kind, "percent": w.percent, "basis": w.basis}
                for w in row["waivers"]
            ],
        }
        # every kind, each with its revenue_kind: the portal's 收费目录清单 leaves fines off (selectors.LISTED_KINDS)
        for org_row in (
            [{"organisation": org}] if org else selectors.organisations_with_fees(date, kinds=None)
        )
        for row in selectors.public_list(org_row["organisation"], date, kinds=None)
    ]


class NoticeIn(Schema):
    quantities: dict[str, int] = {}
    waivers: dict[str, str] = {}
    decisions: dict[str, dict] = {}
    only: list[str] | None = None


@router.post("/cases/{number}/notice", auth=session, response={201: dict}, summary="开具缴款通知书")
def issue(request, number: str, body: NoticeIn):
    case = case_for(request.user, number)
    notice = services.issue_notice(
        case=case,
        by=request.user,
        quantities=body.quantities,
        waivers=body.waivers,
        decisions=body.decisions,
        only=body.only,
    )
    return Reply(201, _notice_out(notice))


class CorrectionIn(NoticeIn):
    reason: str = ""


@router.post(
    "/notices/{code}/correction",
    auth=session,
    response={201: dict},
    summary="更正未缴费的缴款通知书(原通知书作废,开具新通知书)",
)
def correct(request, code: str, body: CorrectionIn):
    notice = services.correct_notice(
        notice=_visible(request, code),
        by=request.user,
        reason=body.reason,
        quantities=body.quantities,
        waivers=body.waivers,
        decisions=body.decisions,
        only=body.only,
    )
    return Reply(201, _notice_out(notice))


@router.get("/notices", auth=session, summary="缴款通知书列表(按权限范围)")
def notices(request, state: str = ""):
    qs = selectors.visible_notices(request.user)
    if state:
        if state not in Notice.State.values:
            raise ValidationFailed(
                _("状态应为 %(states)s") % {"states": "、".join(Notice.State.values)}, field="state"
            )
        qs = qs.filter(state=state)
    return [_notice_out(n) for n in qs.order_by("-issued_at")[:200]]


@router.get("/notices/{code}", auth=session, summary="缴款通知书")
def notice(request, code: str):
    return _notice_out(_visible(request, code))


class WindowPaymentIn(Schema):
    channel: str
    voucher: str = ""
    # the amount the clerk took (元): a card the amount due exactly; cash at least it (the rest is change)
    received: str | None = None


@router.post(
    "/notices/{code}/payments", auth=session, response={201: dict}, summary="收费窗口登记现金或刷卡缴款"
)
def pay_at_window(request, code: str, body: WindowPaymentIn):
    payment = services.record_at_window(
        code=code, by=request.user, channel=body.channel, voucher=body.voucher, received=body.received
    )
    return Reply(201, _notice_out(payment.notice))


class RefundIn(Schema):
    amount: str
    reason: str
    explanation: str


@router.post("/notices/{code}/refunds", auth=session, response={201: dict}, summary="申请退付")
def ask_refund(request, code: str, body: RefundIn):
    n = _visible(request, code)
    payment = getattr(n, "payment", None)
    if payment is None:
        raise ValidationFailed(_("该缴款通知书尚未缴款,无可退付"), field="code")
    refund = services.request_refund(
        payment=payment, by=request.user, amount=body.amount, reason=body.reason, explanation=body.explanation
    )
    return Reply(201, _refund_out(refund))


def _visible_refund(request, refund_id: int) -> Refund:
    return selectors.refund_for(request.user, refund_id)


class DecisionIn(Schema):
    approve: bool
    opinion: str = ""


@router.post("/refunds/{refund_id}/decision", auth=session, summary="审批退付")
def decide_refund(request, refund_id: int, body: DecisionIn):
    refund = _visible_refund(request, refund_id)
    return _refund_out(
        services.decide_refund(refund=refund, by=request.user, approve=body.approve, opinion=body.opinion)
    )


class CardRefundIn(Schema):
    voucher: str


@router.post("/refunds/{refund_id}/card", auth=session, summary="登记刷卡退付的 POS 退货凭证号(退回原卡)")
def card_refund(request, refund_id: int, body: CardRefundIn):
    refund = _visible_refund(request, refund_id)
    return _refund_out(services.pay_out_card(refund=refund, by=request.user, voucher=body.voucher))


@router.post("/refunds/{refund_id}/cash", auth=session, summary="确认现金退付已在收费窗口退还")
def cash_refund(request, refund_id: int):
    refund = _visible_refund(request, refund_id)
    return _refund_out(services.pay_out_cash(refund=refund, by=request.user))


class VoidIn(Schema):
    reason: str
    payer: str = ""


@router.post("/receipts/{number}/void", auth=session, response={201: dict}, summary="作废并换开票据")
def void(request, number: str, body: VoidIn):
    receipt = services.void_and_reissue(
        receipt=selectors.receipt_for(request.user, number),
        by=request.user,
        reason=body.reason,
        payer=body.payer,
    )
    return Reply(201, _receipt_out(receipt))


def _reconciler(user):
    if refused := permissions.reconcile_refusal(user):
        raise refused


@router.get(
    "/reconciliation",
    auth=session,
    summary="每日对账:应收、实收、开票、到账、缴库及差异(不填日期为最早未处理差异之日,没有则为今天)",
)
def reconciliation(request, date: dt.date | None = None):
    _reconciler(request.user)
    day = date or selectors.reconciliation_day(request.user)
    return reconcile.reconcile(day, record=False, viewer=request.user)


@router.post("/reconciliation/run", auth=session, summary="对账并登记差异(待人工处理)")
def reconciliation_run(request, date: dt.date | None = None):
    _reconciler(request.user)
    day = date or selectors.reconciliation_day(request.user)
    return reconcile.reconcile(day, by=request.user, viewer=request.user)


@router.post(
    "/reconciliation/statement",
    auth=session,
    response={201: dict},
    summary="导入银行对账单 CSV(请求体为文件内容)",
)
def statement(request):
    _reconciler(request.user)
    if len(request.body) > 5 * 1024 * 1024:
        raise ValidationFailed(_("对账单不能超过 5 MB"), field="file")
    return Reply(201, reconcile.import_statement(request.body, source="api", by=request.user))


@router.post("/callbacks/{provider}", auth=None, summary="缴款渠道异步通知(签名验证,幂等)")
def callback(request, provider: str):
    stored = services.receive_callback(
        provider=provider, body=request.body, signature=request.headers.get(providers.SIGNATURE_HEADER, "")
    )
    return HttpResponse(f"success {stored.outcome}", content_type="text/plain; charset=utf-8")
