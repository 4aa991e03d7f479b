"""Reading the fee catalogue: the public list per organisation, and which of an item's fee lines are in force."""

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from zhengwu.core import access, clock
from zhengwu.core.models import Organisation, Role
from zhengwu.fees import compute
from zhengwu.fees.models import CatalogueFee, RevenueKind

# What the public 收费目录清单 lists: fees (行政事业性收费) and government funds (政府性基金). A fine (罚没收入) is
# collected at the fee window too and kept in the catalogue (notices charge it), but it is no fee: it is not on the
# public list, whose rule "保留的收费项目一律按下限标准执行" is about fees (the API's catalogue keeps every kind,
# each with its revenue_kind).
LISTED_KINDS = (RevenueKind.ADMIN_FEE, RevenueKind.FUND)


def in_force_q(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(removed_on__isnull=True) | Q(removed_on__gt=day))


def catalogue(day: dt.date | None = None, organisation: Organisation | None = None, kinds=None):
    """The fees in force on `day` (today), each organisation's together; `kinds`: only those revenue kinds."""
    day = day or clock.today()
    qs = (
        CatalogueFee.objects.filter(in_force_q(day))
        .select_related("organisation")
        .prefetch_related("waivers")
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if kinds is not None:
        qs = qs.filter(revenue_kind__in=kinds)
    return qs.order_by("organisation__name", "code")


def organisations_with_fees(day: dt.date | None = None, kinds=LISTED_KINDS) -> list[dict]:
    """For the portal's index: each collecting organisation with how many fees it lists today (fines are not
    fees: LISTED_KINDS)."""
    rows: dict[int, dict] = {}
    for fee in catalogue(day, kinds=kinds):
        row = rows.setdefault(fee.organisation_id, {"organisation": fee.organisation, "count": 0})
        row["count"] += 1
    return list(rows.values())


def public_list(organisation: Organisation, day: dt.date | None = None, kinds=LISTED_KINDS) -> list[dict]:
    """收费目录清单 of one organisation, as published: its fees and funds, not its fines (LISTED_KINDS)."""
    return [
        {
            "fee": fee,
            "standard": compute.standard_text(fee),
            "revenue_kind": fee.get_revenue_kind_display(),
            "waivers": list(fee.waivers.all()),
        }
        for fee in catalogue(day, organisation, kinds)
    ]


def keepers_organisations(user):
    """The collecting organisations whose fee catalogue this person keeps: every one for an administrator; those of
    their region for a centre manager (access.visible_organisations); a department head's own organisation and those
    under it."""
    from zhengwu.core.models import Role

    if access.is_administrator(user):
        return Organisation.objects.all()
    if access.has_role(user, Role.CENTRE_MANAGER):
        return access.visible_organisations(user)
    staff = access.staff_of(user)
    if staff is None or not access.has_role(user, Role.DEPARTMENT_HEAD):
        return Organisation.objects.none()
    return access.organisations_under(staff.organisation)


def kept_fees(user, *, organisation=None, show: str = "current"):
    """The catalogue as its keeper sees it: every version ("all"), or those in force today or starting later
    ("current", the default), of the organisations the person keeps."""
    day = clock.today()
    qs = CatalogueFee.objects.filter(organisation__in=keepers_organisations(user)).select_related(
        "organisation"
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if show != "all":
        qs = qs.filter(Q(removed_on__isnull=True) | Q(removed_on__gt=day))
    return qs.prefetch_related("waivers").order_by("organisation__name", "code", "version")


def visible_notices(user):
    """Notices in the person's fee scope (access.fee_scope_q): the charging organisation's staff (overseers their
    region), and the centre's fee window (收费窗口), which collects every notice of its centre; administrators all."""
    from zhengwu.fees.models import Notice

    qs = Notice.objects.select_related("case", "organisation")
    if access.is_administrator(user):
        return qs
    # centre managers and supervisors see their region's notices, as fee_scope_q says (they used to be let through
    # to every region's here)
    cond = access.fee_scope_q(user, organisation_field="organisation", window_field="case__window")
    return qs.filter(pk__in=Notice.objects.filter(cond).values("pk"))


def notice_for(user, code: str):
    """A payment notice by its code, for a person who may read it: staff in its fee scope (visible_notices), or the
    applicant side of its case (cases.selectors.case_for); NotFound otherwise — the same answer whether or not the
    notice exists, naming neither it nor its case."""
    from zhengwu.cases.selectors import case_for
    from zhengwu.core.errors import NotFound
    from zhengwu.fees.models import Notice

    found = visible_notices(user).filter(code=str(code)).first()
    if found is None:
        # the applicant of the case may read their own notice too
        found = Notice.objects.filter(code=str(code)).select_related("case").first()
        if found is None:
            raise NotFound(_("找不到该缴款通知书"), field="code")
        try:
            case_for(user, found.case.number)
        except NotFound:
            raise NotFound(_("找不到该缴款通知书"), field="code") from None
    return found


def collecting_organisation(pk: int) -> Organisation | None:
    """An organisation by its id (whose fee catalogue is asked for), or None."""
    return Organisation.objects.filter(pk=pk).first()


def delivery_refusal(case) -> str | None:
    """统一收费: a granted result is delivered once its fees are paid, unless the item says payment follows delivery
    (cases.extensions.delivery_gates)."""
    from zhengwu.cases.models import Decision
    from zhengwu.fees import services
    from zhengwu.fees.models import Notice

    if case.decision != Decision.GRANT or not charges_fees(case.version):
        return None
    if services.item_rule(case.item).after_delivery:
        return None
    notice = current_notice(case)
    if notice is None or notice.state == Notice.State.CANCELLED:
        return _("本事项收费:请先开具缴款通知书,缴款后方可送达办理结果")
    if notice.state == Notice.State.UNPAID:
        return _("缴款通知书 %(code)s 尚未缴款,缴款后方可送达办理结果") % {"code": notice.code}
    return None


def list_url(organisation_id: int) -> str:
    return reverse("fees_portal:list", args=[organisation_id])


def item_fees_in_force(version, day: dt.date | None = None) -> list[dict]:
    """The item version's fee lines on `day`: a line naming a catalogue fee shows the catalogue's standard and
    basis, and is gone once that fee is removed (or before it starts); a line typed before the catalogue (no code)
    shows as typed."""
    day = day or clock.today()
    lines = list(version.fees.all())
    codes = {f.code for f in lines if f.code}
    fees = {
        f.code: f
        for f in CatalogueFee.objects.filter(in_force_q(day), code__in=codes).select_related("organisation")
    }
    out = []
    for line in lines:
        if not line.code:
            out.append(
                {
                    "name": line.name,
                    "standard": line.standard,
                    "amount": line.amount,
                    "basis": line.basis,
                    "code": "",
                    "url": "",
                    "organisation": "",
                }
            )
            continue
        fee = fees.get(line.code)
        if fee is None or not fee.in_force(day):
            continue
        out.append(
            {
                "name": fee.name,
                "standard": compute.standard_text(fee),
                "amount": None,
                "basis": f"{fee.basis};{fee.approval}",
                "code": fee.code,
                "url": list_url(fee.organisation_id),
                "organisation": fee.organisation.name,
                "fee": fee,
                "version_line": line,
            }
        )
    return out


def charges_fees(version, day: dt.date | None = None) -> bool:
    """Does the item version charge any catalogue fee in force (a line with a code)?"""
    return any(f["code"] for f in item_fees_in_force(version, day))


def administrative_fees(organisation: Organisation, year: int):
    """第二十条第(八)项: the 行政事业性收费 collected in the year (元) by the organisation and its children — the
    lines of that kind on notices paid in the year, less the refunds approved in the year (a refund of a notice of
    several kinds counted in proportion). None when the organisation collects no fee through the platform."""
    from decimal import Decimal

    from zhengwu.fees.models import CatalogueFee, NoticeLine, Refund, RevenueKind

    scope = {"organisation__in": access.organisations_under(organisation)}
    if not CatalogueFee.objects.filter(**scope).exists():
        return None
    first = dt.datetime(year, 1, 1, tzinfo=clock.LOCAL)
    after = dt.datetime(year + 1, 1, 1, tzinfo=clock.LOCAL)
    note_scope = {f"notice__{k}": v for k, v in scope.items()}
    lines = NoticeLine.objects.filter(
        revenue_kind=RevenueKind.ADMIN_FEE,
        notice__payment__paid_at__gte=first,
        notice__payment__paid_at__lt=after,
        **note_scope,
    )
    total = sum((line.amount for line in lines), Decimal("0"))
    refunds = Refund.objects.filter(
        state=Refund.State.APPROVED,
        decided_at__gte=first,
        decided_at__lt=after,
        **{f"payment__{k}": v for k, v in note_scope.items()},
    ).select_related("payment__notice")
    for refund in refunds:
        notice = refund.payment.notice
        admin = sum(
            (x.amount for x in notice.lines.all() if x.revenue_kind == RevenueKind.ADMIN_FEE), Decimal("0")
        )
        if notice.total:
            total -= refund.amount * admin / notice.total
    return total.quantize(Decimal("0.01"))


def bulletin_section(period, user=None) -> dict | None:
    """The monthly bulletin's 统一收费 section: per collecting organisation, the notices issued, amounts charged,
    collected (by payment day), refunded and receipts voided in the month. None when nothing was charged."""
    from decimal import Decimal

    from zhengwu.fees.models import Notice, Payment, Receipt, Refund

    def scoped(qs, field):
        return access.scope(user, qs, field) if user is not None else qs

    rows: dict[str, list] = {}

    def row(name):
        return rows.setdefault(name, [name, 0, Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), 0])

    for n in scoped(
        Notice.objects.filter(issued_at__gte=period.start, issued_at__lt=period.end).exclude(
            state=Notice.State.CANCELLED
        ),
        "organisation",
    ).select_related("organisation"):
        r = row(n.organisation.name)
        r[1] += 1
        r[2] += n.total
    for p in scoped(
        Payment.objects.filter(paid_at__gte=period.start, paid_at__lt=period.end), "notice__organisation"
    ).select_related("notice__organisation"):
        row(p.notice.organisation.name)[3] += p.amount
    for f in scoped(
        Refund.objects.filter(
            state=Refund.State.APPROVED, decided_at__gte=period.start, decided_at__lt=period.end
        ),
        "payment__notice__organisation",
    ).select_related("payment__notice__organisation"):
        row(f.payment.notice.organisation.name)[4] += f.amount
    for v in scoped(
        Receipt.objects.filter(voided_at__gte=period.start, voided_at__lt=period.end),
        "payment__notice__organisation",
    ).select_related("payment__notice__organisation"):
        row(v.payment.notice.organisation.name)[5] += 1
    if not rows:
        return None
    out = [[r[0], r[1], f"{r[2]:.2f}", f"{r[3]:.2f}", f"{r[4]:.2f}", r[5]] for _k, r in sorted(rows.items())]
    return {
        "title": "统一收费(非税收入)",
        "header": ["执收单位", "开具缴款通知书", "应收(元)", "实收(元)", "退付(元)", "作废票据"],
        "rows": out,
    }


def current_notice(case):
    """The case's payment notice in force: the one not cancelled (a corrected notice replaces the cancelled one),
    else the last cancelled; None when none was issued."""
    from zhengwu.fees.models import Notice

    notices = Notice.objects.filter(case=case).order_by("-issued_at", "-id")
    return notices.exclude(state=Notice.State.CANCELLED).first() or notices.first()


def case_fee_state(case) -> dict | None:
    """Where the case's payment notice stands, for the case's status block (cases.extensions.fee_states): 待缴费
    (amount, notice, due date) → 已缴费 (receipt) → 已退费, or 免缴 / 已作废. `collected`: the lines paid."""
    from decimal import Decimal

    from django.urls import reverse

    from zhengwu.fees.models import Notice, Refund

    notice = current_notice(case)
    if notice is None:
        return None
    payment = (
        getattr(notice, "payment", None)
        if notice.state in (Notice.State.PAID, Notice.State.REFUNDED)
        else None
    )
    receipt = payment.receipts.filter(voided_at__isnull=True).first() if payment else None
    refunded = (
        sum((r.amount for r in payment.refunds.filter(state=Refund.State.APPROVED)), Decimal("0.00"))
        if payment
        else Decimal("0.00")
    )
    label = notice.get_state_display()
    if notice.state == Notice.State.PAID and refunded:
        label = _("已缴费(已退费 %(amount)s 元)") % {"amount": compute.yuan(refunded)}
    collected = []
    if notice.state == Notice.State.PAID:
        collected = [{"name": line.name, "amount": compute.yuan(line.amount)} for line in notice.lines.all()]
    return {
        "code": notice.code,
        "state": notice.state,
        "label": str(label),
        "total": compute.yuan(notice.total),
        "due_on": notice.due_on.isoformat(),
        "paid_on": clock.local_date(payment.paid_at).isoformat() if payment else None,
        "receipt": receipt.number if receipt else None,
        "refunded": compute.yuan(refunded) if refunded else None,
        "collected": collected,
        # where the payer pays it (the public payment page, no sign-in needed)
        "pay_url": reverse("fees_portal:pay", args=[notice.code])
        if notice.state == Notice.State.UNPAID
        else None,
    }


def indicator_section(period, user=None) -> dict | None:
    """For `zhengwu indicators` (supervision.indicators.SECTIONS): per collecting organisation and month of the
    period, the amounts collected (payments by payment day), refunded (refunds approved by their day) and outstanding
    at the month's end (notices issued by then, neither paid, cancelled nor waived by then) — three kinds of SQL
    aggregate (Sum/Count grouped by organisation, and by month where the day is in the row), never a loop over
    payments. None when the period has none of them."""
    from decimal import Decimal

    from django.db.models import Count, Sum
    from django.db.models.functions import TruncMonth

    from zhengwu.fees.models import Notice, Payment, Refund

    def scoped(qs, field):
        return access.scope(user, qs, field) if user is not None else qs

    zero = Decimal("0.00")
    cells: dict[tuple[int, str], dict] = {}

    def cell(organisation_id, month: str) -> dict:
        return cells.setdefault(
            (organisation_id, month),
            {"collected": zero, "payments": 0, "refunded": zero, "outstanding": zero, "unpaid": 0},
        )

    payments = (
        scoped(
            Payment.objects.filter(paid_at__gte=period.start, paid_at__lt=period.end), "notice__organisation"
        )
        .annotate(month=TruncMonth("paid_at", tzinfo=clock.LOCAL))
        .values("notice__organisation", "month")
        .annotate(amount=Sum("amount"), n=Count("id"))
    )
    for row in payments:
        c = cell(row["notice__organisation"], f"{row['month']:%Y-%m}")
        c["collected"] += row["amount"]
        c["payments"] += row["n"]
    refunds = (
        scoped(
            Refund.objects.filter(
                state=Refund.State.APPROVED, decided_at__gte=period.start, decided_at__lt=period.end
            ),
            "payment__notice__organisation",
        )
        .annotate(month=TruncMonth("decided_at", tzinfo=clock.LOCAL))
        .values("payment__notice__organisation", "month")
        .annotate(amount=Sum("amount"))
    )
    for row in refunds:
        cell(row["payment__notice__organisation"], f"{row['month']:%Y-%m}")["refunded"] += row["amount"]
    first = period.first.replace(day=1)
    while first <= period.last:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        end = dt.datetime.combine(
            min(following, period.last + dt.timedelta(days=1)), dt.time(0), tzinfo=clock.LOCAL
        )
        outstanding = (
            scoped(Notice.objects.filter(issued_at__lt=end, total__gt=0), "organisation")
            .filter(Q(payment__isnull=True) | Q(payment__paid_at__gte=end))
            .filter(
                (Q(cancelled_at__isnull=True) & ~Q(state=Notice.State.CANCELLED)) | Q(cancelled_at__gte=end)
            )
            .values("organisation")
            .annotate(amount=Sum("total"), n=Count("id"))
        )
        for row in outstanding:
            c = cell(row["organisation"], f"{first:%Y-%m}")
            c["outstanding"] += row["amount"]
            c["unpaid"] += row["n"]
        first = following
    if not cells:
        return None
    names = dict(Organisation.objects.filter(pk__in={k[0] for k in cells}).values_list("pk", "name"))
    rows = [
        [
            names.get(org, ""),
            month,
            compute.yuan(c["collected"]),
            c["payments"],
            compute.yuan(c["refunded"]),
            compute.yuan(c["outstanding"]),
            c["unpaid"],
        ]
        for (org, month), c in sorted(cells.items(), key=lambda kv: (names.get(kv[0][0], ""), kv[0][1]))
    ]
    return {
        "key": "fees",
        "title": "统一收费金额",
        "header": ["执收单位", "月份", "实收(元)", "缴款笔数", "退付(元)", "月末未缴(元)", "月末未缴通知书"],
        "rows": rows,
    }


def refunds_to_decide(user):
    """退付 waiting for this person's decision: requested, of a notice in their fee scope, which they may approve
    (a centre manager, or a department head of the collecting organisation) and did not ask for themselves (审批与
    申请分离)."""
    from zhengwu.fees.models import Refund

    staff = access.staff_of(user)
    if staff is None:
        return Refund.objects.none()
    qs = Refund.objects.filter(
        state=Refund.State.REQUESTED, payment__notice__in=visible_notices(user).values("pk")
    ).exclude(requested_by=user)
    if access.has_role(user, Role.CENTRE_MANAGER):
        pass
    elif access.has_role(user, Role.DEPARTMENT_HEAD):
        qs = qs.filter(access.acts_for_q(staff, "payment__notice__organisation"))
    else:
        return Refund.objects.none()
    return qs.select_related("payment__notice", "requested_by").order_by("requested_at")


def refunds_to_pay_out(user):
    """退付 waiting at this person's fee window: approved, paid at the window (cash to hand back, a card to refund on
    the terminal), not yet paid out, of a notice the window collects. Empty for anyone not at a fee window."""
    from zhengwu.fees.models import Channel, Refund

    if access.collecting_window(user) is None:
        return Refund.objects.none()
    return (
        Refund.objects.filter(
            state=Refund.State.APPROVED,
            channel__in=(Channel.CASH, Channel.CARD),
            paid_out_at__isnull=True,
            payment__notice__in=visible_notices(user).values("pk"),
        )
        .select_related("payment__notice", "decided_by__staff")
        .order_by("decided_at", "pk")
    )


def may_decide_refund(user, refund) -> bool:
    return refunds_to_decide(user).filter(pk=refund.pk).exists()


def open_discrepancies(user):
    """对账差异 not yet cleared, for those who clear them (the fee window, centre managers, administrators)."""
    from zhengwu.fees.models import Discrepancy
    from zhengwu.fees.permissions import may_clear

    if not may_clear(user):
        return Discrepancy.objects.none()
    return visible_discrepancies(user).filter(cleared_at__isnull=True).order_by("day", "found_at")


def visible_discrepancies(user):
    """对账差异 in the person's scope: a fee window sees those of the notices it collects (its centre and the centres
    under it, access.fee_scope_q) and the bank's lines no payment claims (nothing to tell whose they are: every
    reconciler of the account sees them); centre managers and supervisors those of their region's notices
    (visible_notices) and the same unclaimed lines; administrators all."""
    from zhengwu.fees.models import Discrepancy

    if access.is_administrator(user):
        return Discrepancy.objects.all()
    if access.collecting_window(user) is None and not access.has_role(
        user, Role.CENTRE_MANAGER, Role.SUPERVISOR
    ):
        return Discrepancy.objects.none()
    return Discrepancy.objects.filter(
        Q(notice__in=visible_notices(user).values("pk")) | Q(notice__isnull=True, organisation__isnull=True)
    )


def oldest_open_day(user) -> dt.date | None:
    """The day of the oldest difference not yet cleared in the person's scope: where the reconciliation page opens."""
    return open_discrepancies(user).values_list("day", flat=True).first()


def reconciliation_day(user) -> dt.date:
    """Where reconciliation opens when no day is asked for: the oldest open difference's day, else today."""
    return oldest_open_day(user) or clock.today()


def receipt(
    number: str, *, related: tuple[str, ...] = ("payment__notice__case", "payment__notice__organisation")
):
    """A receipt (财政电子票据) by its number, or None."""
    from zhengwu.fees.models import Receipt

    return Receipt.objects.select_related(*related).filter(number=number).first()


def receipt_refunds(found) -> dict:
    """What of a receipt's payment went back (退付), for the public check: `refunded` (approved and paid out, the
    day of the last one `on`), `pending` (approved, not yet paid out) and `full` (all of it back). A receipt whose
    money was refunded is no longer simply 真实有效 for its amount (a stranger's pass read 90.00 元 of a refunded one)."""
    from zhengwu.fees.models import Refund

    approved = list(found.payment.refunds.filter(state=Refund.State.APPROVED))
    done = [r for r in approved if r.paid_out_at is not None]
    refunded = sum((r.amount for r in done), Decimal("0.00"))
    return {
        "refunded": refunded,
        "on": clock.local_date(max(r.paid_out_at for r in done)) if done else None,
        "pending": sum((r.amount for r in approved if r.paid_out_at is None), Decimal("0.00")),
        "full": bool(done) and refunded >= found.payment.amount,
    }


def receipt_for(user, number: str):
    """A receipt by its number, when its notice is in the person's fee scope (visible_notices); NotFound otherwise."""
    from zhengwu.core.errors import NotFound

    found = receipt(number, related=("payment__notice",))
    if found is None or not visible_notices(user).filter(pk=found.payment.notice_id).exists():
        raise NotFound(_("找不到该票据"), field="number")
    return found


def has_notices(case) -> bool:
    from zhengwu.fees.models import Notice

    return Notice.objects.filter(case=case).exists()


def notice(pk: int):
    from zhengwu.fees.models import Notice

    return Notice.objects.get(pk=pk)


def refund(pk: int):
    from zhengwu.fees.models import Refund

    return Refund.objects.select_related("payment__notice").filter(pk=pk).first()


def refund_for(user, pk: int):
    """A refund by its id, when its notice is in the person's fee scope (visible_notices); NotFound otherwise."""
    from zhengwu.core.errors import NotFound

    found = refund(pk)
    if found is None or not visible_notices(user).filter(pk=found.payment.notice_id).exists():
        raise NotFound(_("找不到该退付申请"), field="refund_id")
    return found


def discrepancy(pk):
    from zhengwu.fees.models import Discrepancy

    return Discrepancy.objects.filter(pk=pk).first()


def fee_versions(code: str):
    """Every version of a fee of the catalogue, the latest first."""
    return CatalogueFee.objects.filter(code=code).order_by("-version")
