"""What a person may do with fees now, said once (issue 15): the workbench's fee pages show the forms these rules
allow and the services (fees.services, fees.reconcile) refuse through the same rules, with the same messages
(tests/fees/test_allowed_actions_match_services.py tries every action for every kind of person at every point of a
notice). Whose notices a person sees is access.fee_scope_q's (selectors.visible_notices); who may act is said here:

- 开具、更正缴款通知书 (issue, correct): the implementing organisation's staff (ISSUERS acting for the case's
  organisation, access.acts_for) at the step the item names (受理后 or 准予决定后); one notice in force per case;
  only an unpaid notice is corrected (a paid one is refunded);
- 登记窗口缴款 (record), 作废并换开票据 (void), 退回原卡 (card_refund), 退还现金 (cash_refund): the clerk of the fee
  window that collects the notice (access.collecting_window, "由收费窗口统一征收"); the one who approved a cash
  refund does not hand the cash out (审批与经办分离); a receipt whose whole payment is refunded is not reissued;
- 申请退付 (refund): staff who see the notice, while something paid is left to refund — not a supervisor (监察人员)
  who holds no other role: supervision reads the money, it does not start money actions;
- 审批退付 (decide): a department head of the collecting organisation or a centre manager, never the one who asked;
- 收费目录 (add_fee, revise, retire, add_waiver, drop_waiver): the collecting organisation's department head (or one
  above it), a centre manager or an administrator; a fee is revised or retired on its latest version only;
- 每日对账 (reconcile, statement import): the fee window, centre managers, supervisors and administrators; 处理差异
  (clear): the fee window, centre managers and administrators (a supervisor reads them).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from zhengwu.core import access, clock
from zhengwu.core.errors import AccessDenied, Conflict, DomainError, NotFound, ValidationFailed
from zhengwu.core.models import Role
from zhengwu.fees import compute

ISSUERS = (Role.WINDOW_CLERK, Role.APPROVER, Role.DEPARTMENT_HEAD)
# who may ask for a refund besides seeing the notice: any role that acts, not supervision alone (it reads)
REFUND_REQUESTERS = (*ISSUERS, Role.CENTRE_MANAGER, Role.ADMINISTRATOR)
REFUND_DECIDERS = (Role.CENTRE_MANAGER,)  # and a department head of the collecting organisation
CATALOGUE_ROLES = (Role.CENTRE_MANAGER, Role.ADMINISTRATOR)
RECONCILERS = (Role.CENTRE_MANAGER, Role.SUPERVISOR)  # and the fee window and administrators
CLEARERS = (Role.CENTRE_MANAGER,)  # and the fee window and administrators

# the notice page's actions, each on its object: the case (issue), the notice (correct, record, refund), a receipt
# (void) or a refund (decide, card_refund, cash_refund)
NOTICE_ACTIONS = ("issue", "correct", "record", "refund", "void", "decide", "card_refund", "cash_refund")
# the catalogue's: on an organisation (add_fee), a catalogue fee (revise, retire, add_waiver) or a waiver
CATALOGUE_ACTIONS = ("add_fee", "revise", "retire", "add_waiver", "drop_waiver")
ACTIONS = (*NOTICE_ACTIONS, *CATALOGUE_ACTIONS, "reconcile", "clear")


# ---------------------------------------------------------------- who


def issuer_refusal(user, case) -> AccessDenied | None:
    """开具、更正: staff of the implementing organisation with an issuing role. `user` None: the system."""
    if user is None:
        return None
    staff = access.staff_of(user)
    if staff is None or not (access.has_role(user, *ISSUERS) and access.acts_for(staff, case.organisation)):
        return AccessDenied(_("只有实施机构的工作人员可以开具缴款通知书"))
    return None


def window_refusal(user, doing: str = "") -> AccessDenied | None:
    """The clerk of a fee window (access.collecting_window). `doing`: what was refused (登记窗口缴款 unless said)."""
    if access.collecting_window(user) is None:
        return AccessDenied(_("只有收费窗口的工作人员可以%(doing)s") % {"doing": doing or _("登记窗口缴款")})
    return None


def collects(user, notice) -> bool:
    """Does the person's fee scope hold the notice (for a fee window: does it collect it)?"""
    from zhengwu.fees import selectors

    return selectors.visible_notices(user).filter(pk=notice.pk).exists()


def collecting_refusal(user, notice, doing: str = "") -> DomainError | None:
    """The fee window that collects the notice."""
    if refused := window_refusal(user, doing):
        return refused
    if not collects(user, notice):
        return NotFound(_("本收费窗口不收取该缴款码的缴款通知书"), field="code")
    return None


def requester_refusal(user, notice) -> AccessDenied | None:
    """申请退付: staff who see the notice (the collecting organisation's, the fee window, a centre manager), not a
    supervisor alone: supervision reads, it does not start money actions."""
    if access.staff_of(user) is None:
        return AccessDenied(_("只有工作人员可以申请退付"))
    if access.has_role(user, Role.SUPERVISOR) and not access.has_role(user, *REFUND_REQUESTERS):
        return AccessDenied(_("监察人员负责监督,不申请退付;请由执收单位或收费窗口申请"))
    if not collects(user, notice):
        return AccessDenied(_("该缴款通知书不在您的收费范围内"))
    return None


def decider_refusal(user, refund) -> AccessDenied | None:
    """审批退付: a department head of the collecting organisation or a centre manager of its region, not the one who
    asked."""
    staff = access.staff_of(user)
    notice = refund.payment.notice
    allowed = staff is not None and (
        (access.has_role(user, *REFUND_DECIDERS) and access.can_see_organisation(user, notice.organisation))
        or (access.has_role(user, Role.DEPARTMENT_HEAD) and access.acts_for(staff, notice.organisation))
    )
    if user is not None and refund.requested_by_id == user.pk:
        return AccessDenied(_("退付的申请人不能审批自己的申请"))
    if not allowed:
        return AccessDenied(_("只有执收单位负责人或中心管理人员可以审批退付"))
    return None


def keeper_refusal(user, organisation=None) -> AccessDenied | None:
    """The fee catalogue is kept by the collecting organisation's fee manager: its department head (or one above
    it), a centre manager, or an administrator. `user` None: the system (demo, imports)."""
    if user is None:
        return None
    if access.is_administrator(user):
        return None
    if access.has_role(user, *CATALOGUE_ROLES) and (
        organisation is None or access.can_see_organisation(user, organisation)
    ):
        return None  # a centre manager: the organisations of their region
    staff = access.staff_of(user)
    if (
        staff is not None
        and organisation is not None
        and access.has_role(user, Role.DEPARTMENT_HEAD)
        and access.acts_for(staff, organisation)
    ):
        return None
    return AccessDenied(_("只有执收单位负责人、中心管理人员或系统管理员可以维护该单位的收费目录"))


def may_keep(user) -> bool:
    """Does the person keep any organisation's fees (the catalogue's pages and its 新增收费)?"""
    from zhengwu.fees import selectors

    return selectors.keepers_organisations(user).exists()


def may_reconcile(user) -> bool:
    """每日对账: the fee window (access.collecting_window), centre managers, supervisors and administrators."""
    return (
        access.is_administrator(user)
        or access.has_role(user, *RECONCILERS)
        or access.collecting_window(user) is not None
    )


def reconcile_refusal(user) -> AccessDenied | None:
    if not may_reconcile(user):
        return AccessDenied(_("只有收费窗口、中心管理人员或监察人员可以对账"))
    return None


def may_clear(user) -> bool:
    """Who clears a difference: the fee window, centre managers and administrators (a supervisor reads them)."""
    return (
        access.is_administrator(user)
        or access.has_role(user, *CLEARERS)
        or access.collecting_window(user) is not None
    )


def clearer_refusal(user, discrepancy) -> AccessDenied | None:
    from zhengwu.fees import selectors

    if not may_clear(user):
        return AccessDenied(_("只有收费窗口或中心管理人员可以处理对账差异"))
    if not selectors.visible_discrepancies(user).filter(pk=discrepancy.pk).exists():
        return AccessDenied(_("该对账差异不属于您所在中心的收费范围"))
    return None


# ---------------------------------------------------------------- what the record allows


def moment_refusal(case) -> Conflict | None:
    """The step the item names for its notice (ItemFeeRule): after acceptance (受理后、送达前), or after a grant."""
    from zhengwu.cases.models import Decision as CaseDecision
    from zhengwu.cases.models import Status
    from zhengwu.fees.models import ItemFeeRule
    from zhengwu.fees.services import item_rule

    rule = item_rule(case.item)
    if rule.charge_at == ItemFeeRule.ChargeAt.ACCEPT:
        if case.status not in (Status.ACCEPTED, Status.DECIDED):
            return Conflict(
                _("本事项在受理后、送达前开具缴款通知书,当前办件状态不能开具"), code="fee.not_now"
            )
        return None
    if case.status != Status.DECIDED or case.decision != CaseDecision.GRANT:
        return Conflict(_("本事项在作出准予决定后开具缴款通知书"), code="fee.not_now")
    return None


def notice_exists_refusal(case) -> Conflict | None:
    from zhengwu.fees.models import Notice

    if Notice.objects.filter(case=case).exclude(state=Notice.State.CANCELLED).exists():
        return Conflict(_("该办件已开具缴款通知书(一件一单)"), code="fee.notice_exists")
    return None


def no_fees_refusal(case) -> ValidationFailed | None:
    from zhengwu.fees import selectors

    if not any(f["code"] for f in selectors.item_fees_in_force(case.version)):
        return ValidationFailed(_("本事项没有收费目录中的收费,无需开具缴款通知书"), field="fees")
    return None


def correction_refusal(notice) -> Conflict | None:
    """Only an unpaid notice is corrected; a paid one is refunded (退付)."""
    from zhengwu.fees.models import Notice

    if notice.state in (Notice.State.PAID, Notice.State.REFUNDED):
        return Conflict(
            _("缴款通知书 %(code)s 已缴费,不能更正;多缴的费用请申请退付") % {"code": notice.code},
            code="fee.paid",
        )
    if notice.state != Notice.State.UNPAID:
        return Conflict(
            _("缴款通知书 %(code)s %(state)s,不能更正")
            % {"code": notice.code, "state": notice.get_state_display()},
            code="fee.not_unpaid",
        )
    return None


def payment_refusal(notice) -> Conflict | None:
    from zhengwu.fees.models import Notice

    if notice.state != Notice.State.UNPAID:
        return Conflict(
            _("该缴款通知书%(state)s,不能再次缴款") % {"state": notice.get_state_display()}, code="fee.paid"
        )
    return None


def refundable(payment) -> Decimal:
    """What of the payment may still be asked back: paid, less every refund asked and not refused."""
    from zhengwu.fees.models import Refund

    asked = sum((r.amount for r in payment.refunds.exclude(state=Refund.State.REJECTED)), Decimal("0.00"))
    return payment.amount - asked


def refund_state_refusal(notice) -> DomainError | None:
    payment = getattr(notice, "payment", None)
    if payment is None:
        return ValidationFailed(_("该缴款通知书尚未缴款,无可退付"), field="code")
    if (left := refundable(payment)) <= 0:  # the amount check of request_refund, whatever the amount asked
        return ValidationFailed(
            _("退付金额不能超过可退金额 %(left)s 元") % {"left": compute.yuan(left)}, field="amount"
        )
    return None


def refunded(payment) -> Decimal:
    """What of the payment is approved to go back (退付 approved, paid out or on its way)."""
    from zhengwu.fees.models import Refund

    return sum((r.amount for r in payment.refunds.filter(state=Refund.State.APPROVED)), Decimal("0.00"))


def void_state_refusal(receipt) -> Conflict | None:
    """作废并换开 replaces a receipt for money the centre keeps (the payer's name corrected, say). Once the whole
    payment is approved to go back nothing is kept and nothing is left to reissue. A partly refunded receipt is still
    the voucher of what was kept: it may be reissued, for the payment's amount as before, and the public check of the
    new receipt says what went back, as it did of the old one (selectors.receipt_refunds)."""
    if receipt.voided_at is not None:
        return Conflict(_("该票据已作废"), code="fee.receipt_voided")
    if (back := refunded(receipt.payment)) >= receipt.payment.amount:
        return Conflict(
            _("该票据款项已全额退付(%(amount)s 元),没有可换开的金额,不能作废并换开")
            % {"amount": compute.yuan(back)},
            code="fee.receipt_refunded",
        )
    return None


def decision_state_refusal(refund) -> Conflict | None:
    from zhengwu.fees.models import Refund

    if refund.state != Refund.State.REQUESTED:
        return Conflict(_("该退付申请已审批"), code="fee.refund_decided")
    return None


def payout_state_refusal(refund, channel: str) -> Conflict | None:
    """An approved refund of the channel (card, cash) the fee window has not yet paid back."""
    from zhengwu.fees.models import Channel, Refund

    if refund.state != Refund.State.APPROVED or refund.channel != channel:
        if channel == Channel.CARD:
            return Conflict(_("只有已批准的刷卡退付需要登记退货凭证号"), code="fee.not_card_refund")
        return Conflict(_("只有已批准的现金退付需要确认退还现金"), code="fee.not_cash_refund")
    if refund.paid_out_at is not None:
        if channel == Channel.CARD:
            return Conflict(
                _("该退付已退回原卡(凭证号 %(r)s)") % {"r": refund.reference}, code="fee.paid_out"
            )
        return Conflict(
            _("该退付已于 %(at)s 退还现金")
            % {"at": refund.paid_out_at.astimezone(clock.LOCAL).strftime("%Y-%m-%d %H:%M")},
            code="fee.paid_out",
        )
    return None


def cash_hander_refusal(user, refund) -> AccessDenied | None:
    """审批与经办分离: the approver does not hand out the cash."""
    if refund.decided_by_id is not None and refund.decided_by_id == user.pk:
        return AccessDenied(_("退付的审批人不能同时经手退还现金"))
    return None


def latest_refusal(fee) -> Conflict | None:
    from zhengwu.fees.models import CatalogueFee

    latest = CatalogueFee.objects.filter(code=fee.code).order_by("-version").first()
    if latest.pk != fee.pk:
        return Conflict(
            _("「%(code)s」已有第 %(v)d 版,请在最新版本上修改") % {"code": fee.code, "v": latest.version},
            code="fee.not_latest",
        )
    return None


def removed_refusal(fee) -> Conflict | None:
    if fee.removed_on is not None and fee.removed_on <= clock.today():
        return Conflict(_("该收费已于%(d)s取消") % {"d": fee.removed_on})
    return None


def cleared_refusal(discrepancy) -> Conflict | None:
    if discrepancy.cleared_at is not None:
        return Conflict(_("该差异已处理"), code="fee.cleared")
    return None


# ---------------------------------------------------------------- one answer per action


def refusal(user, obj, action: str) -> DomainError | None:
    """Why the user may not take `action` on `obj` now, or None when they may. `obj` is what the action works on:
    the case (issue), the notice (correct, record, refund), a receipt (void), a refund (decide, card_refund,
    cash_refund), an organisation (add_fee), a catalogue fee (revise, retire, add_waiver), a waiver (drop_waiver),
    a discrepancy (clear), nothing (reconcile)."""
    from zhengwu.fees.models import Channel

    if action == "issue":
        return (
            issuer_refusal(user, obj)
            or moment_refusal(obj)
            or notice_exists_refusal(obj)
            or no_fees_refusal(obj)
        )
    if action == "correct":
        return issuer_refusal(user, obj.case) or correction_refusal(obj) or moment_refusal(obj.case)
    if action == "record":
        return collecting_refusal(user, obj) or payment_refusal(obj)
    if action == "refund":
        return requester_refusal(user, obj) or refund_state_refusal(obj)
    if action == "void":
        return collecting_refusal(user, obj.payment.notice, _("作废并换开票据")) or void_state_refusal(obj)
    if action == "decide":
        return decider_refusal(user, obj) or decision_state_refusal(obj)
    if action == "card_refund":
        return collecting_refusal(user, obj.payment.notice, _("登记退回原卡")) or payout_state_refusal(
            obj, Channel.CARD
        )
    if action == "cash_refund":
        return (
            collecting_refusal(user, obj.payment.notice, _("退还现金"))
            or payout_state_refusal(obj, Channel.CASH)
            or cash_hander_refusal(user, obj)
        )
    if action == "add_fee":
        return keeper_refusal(user, obj)
    if action == "revise":
        return keeper_refusal(user, obj.organisation) or latest_refusal(obj) or removed_refusal(obj)
    if action == "retire":
        return keeper_refusal(user, obj.organisation) or latest_refusal(obj) or removed_refusal(obj)
    if action == "add_waiver":
        return keeper_refusal(user, obj.organisation)
    if action == "drop_waiver":
        return keeper_refusal(user, obj.fee.organisation)
    if action == "reconcile":
        return reconcile_refusal(user)
    if action == "clear":
        return clearer_refusal(user, obj) or cleared_refusal(obj)
    raise ValueError(f"unknown fee action {action}")


def allowed(user, obj, action: str) -> bool:
    return refusal(user, obj, action) is None


def allowed_actions(user, notice) -> dict:
    """The notice page's forms: the notice's own actions (correct, record, refund) → allowed; and, by the pk of each
    receipt or refund it lists, whether it may be voided (void) or decided and paid out (decide, card_refund,
    cash_refund)."""
    payment = getattr(notice, "payment", None)
    receipts = list(payment.receipts.all()) if payment else []
    refunds = list(payment.refunds.select_related("payment__notice")) if payment else []
    out: dict = {action: allowed(user, notice, action) for action in ("correct", "record", "refund")}
    out["void"] = {r.pk for r in receipts if allowed(user, r, "void")}
    for action in ("decide", "card_refund", "cash_refund"):
        out[action] = {r.pk for r in refunds if allowed(user, r, action)}
    return out


def fee_actions(user, fee) -> dict[str, bool]:
    """The catalogue fee page's forms."""
    return {action: allowed(user, fee, action) for action in ("revise", "retire", "add_waiver")} | {
        "drop_waiver": keeper_refusal(user, fee.organisation) is None
    }
