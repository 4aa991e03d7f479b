"""Supervision rules of the fee domain (code prefix `fee.`), registered with supervision's case rules by being
defined (imported in FeesConfig.ready), plus the periodic check of payments not reconciled.

- fee.above_standard: a charge above the catalogue's standard (行政许可法 第五十九条: fees at the published standard).
- fee.not_in_catalogue: a charge typed for a fee the collecting organisation's catalogue does not list
  ("凡进入中心的收费项目…列出清单……向社会公开"; 行政许可法 第五十八条: no fee without a legal basis).
- fee.delivered_unpaid: a result delivered while its fees are unpaid (统一收费: the result waits for payment).
- fee.unreconciled: a payment not reconciled (banked and remitted, or its exception cleared) within
  UNRECONCILED_DAYS working days of payment (county rule for the fee window; no statute fixes the number).
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from zhengwu.core import clock
from zhengwu.core.calendar import current_calendar
from zhengwu.core.text import name_key
from zhengwu.supervision import rules as supervision
from zhengwu.supervision.models import Severity

UNRECONCILED_DAYS = 3

supervision.DOMAINS.setdefault("fee", _lazy("统一收费"))


def _money(value):
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return None


class FeeRule(supervision.Rule):
    domain = "fee"


class AboveStandard(FeeRule):
    # 行政许可法 第五十九条: a fee is charged at the standard the law sets and the catalogue publishes.
    code = "above_standard"
    severity = Severity.SERIOUS
    title = _lazy("收费高于收费目录标准")

    def check(self, ctx):
        if ctx.event.action != "charge_fee":
            return []
        problems = []
        for item in ctx.data.get("fees") or []:
            if not item.get("notice"):
                continue
            amount, standard = _money(item.get("amount")), _money(item.get("standard_amount"))
            if amount is not None and standard is not None and amount > standard:
                problems.append(
                    _("「%(name)s」收取 %(amount)s 元,高于按目录标准应收 %(standard)s 元")
                    % {"name": item.get("name"), "amount": amount, "standard": standard}
                )
        return (
            [
                supervision.Finding(
                    _("%(problems)s。") % {"problems": _("；").join(problems)}, {"fees": ctx.data.get("fees")}
                )
            ]
            if problems
            else []
        )


class NotInCatalogue(FeeRule):
    # 行政许可法 第五十八条: no fee without a legal basis; the seed: every fee in the centre is on the public list.
    code = "not_in_catalogue"
    severity = Severity.SERIOUS
    title = _lazy("收费项目不在收费目录清单")

    def check(self, ctx):
        if ctx.event.action != "charge_fee":
            return []
        from zhengwu.fees.models import CatalogueFee

        typed = [f for f in ctx.data.get("fees") or [] if not f.get("notice")]
        if not typed or not CatalogueFee.objects.filter(organisation=ctx.case.organisation).exists():
            return []  # the organisation has no list yet: the old typed path, nothing to compare with
        # compared as names, not as spellings: the item's list writes 不动产登记费（住宅类） where the catalogue writes
        # 不动产登记费(住宅类) — one fee, and a typed charge of it is not "outside the catalogue" (a stranger's pass)
        listed = {
            name_key(name)
            for name in CatalogueFee.objects.filter(organisation=ctx.case.organisation).values_list(
                "name", flat=True
            )
        }
        outside = [f.get("name") for f in typed if name_key(str(f.get("name") or "")) not in listed]
        if not outside:
            return []
        return [
            supervision.Finding(
                _(
                    "登记收费「%(fees)s」不在%(organisation)s的收费目录清单中,"
                    "且未通过缴款通知书由收费窗口统一征收。"
                )
                % {"fees": _("、").join(str(n) for n in outside), "organisation": ctx.case.organisation.name},
                {"fees": outside},
            )
        ]


class DeliveredUnpaid(FeeRule):
    # 统一收费: the result is delivered once its fees are paid, unless the item pays after delivery.
    code = "delivered_unpaid"
    severity = Severity.SERIOUS
    title = _lazy("未缴费即送达办理结果")

    def check(self, ctx):
        if ctx.event.action != "deliver":
            return []
        from zhengwu.fees import selectors

        refusal = selectors.delivery_refusal(ctx.case)
        return (
            [supervision.Finding(_("送达时:%(refusal)s") % {"refusal": refusal}, {}, per_case=True)]
            if refusal
            else []
        )


class Unreconciled(FeeRule):
    # County rule: the fee window reconciles every payment within UNRECONCILED_DAYS working days.
    code = "unreconciled"
    severity = Severity.WARNING
    title = _lazy("缴款逾期未对账")

    def check(self, ctx):  # not raised on case events: see scan_unreconciled
        return []


def scan_unreconciled() -> int:
    """Raise fee.unreconciled for each payment older than UNRECONCILED_DAYS working days that the bank statement
    does not show both banked and remitted, or that has an exception nobody cleared. Once per payment."""
    from zhengwu.fees.models import Discrepancy, Payment, StatementLine

    calendar = current_calendar()
    today = clock.today()
    raised = 0
    for payment in Payment.objects.select_related("notice__case", "notice__organisation").order_by("paid_at")[
        :5000
    ]:
        paid_on = clock.local_date(payment.paid_at)
        if calendar.workdays_between(paid_on, today).value < UNRECONCILED_DAYS:
            continue
        kinds = set(StatementLine.objects.filter(reference=payment.reference).values_list("kind", flat=True))
        differences = dict(
            Discrepancy.objects.filter(reference=payment.reference).values_list("kind", "cleared_at")
        )
        open_ = any(cleared is None for cleared in differences.values())
        # a line the statement lacks is reconciled once a person cleared its difference (e.g. a payment refunded in
        # full is never remitted: 已缴款未缴库 cleared with why)
        explained = {
            line
            for line, kind in (
                ("receipt", Discrepancy.Kind.NOT_IN_BANK),
                ("remit", Discrepancy.Kind.NOT_REMITTED),
            )
            if differences.get(kind) is not None
        }
        if kinds | explained >= {"receipt", "remit"} and not open_:
            continue
        finding = supervision.Finding(
            _(
                "缴款码 %(code)s 于 %(paid_on)s 缴款 %(amount)s 元,超过 %(days)s 个工作日"
                "仍未对平(银行%(bank)s,%(treasury)s)。"
            )
            % {
                "code": payment.notice.code,
                "paid_on": paid_on,
                "amount": payment.amount,
                "days": UNRECONCILED_DAYS,
                "bank": _("已到账") if "receipt" in kinds else _("未到账"),
                "treasury": _("已缴库") if "remit" in kinds else _("未缴库"),
            },
            {"payment": payment.reference},
        )
        case = payment.notice.case
        alert = supervision.raise_alert(
            Unreconciled,
            finding,
            f"{Unreconciled.code}:p{payment.pk}",
            _("办件 %(number)s:%(explanation)s")
            % {"number": case.number, "explanation": finding.explanation},
            case=case,
            organisation_id=payment.notice.organisation_id,
        )
        raised += alert is not None
    return raised
