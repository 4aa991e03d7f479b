"""The daily reconciliation (对账): per collecting window and per organisation, charged = paid = receipted =
remitted to the treasury (缴库), from our records and the bank statement (docs/data-formats.md, "Fees: bank
statement"). Every difference becomes a named exception (Discrepancy) that stays open until a person clears it.

For a day D (China time) the payments are those made on D. For each: charged is its notice's total, paid its
amount, receipted its current (not voided) receipt, banked the statement's 收款 line with its reference, remitted
the statement's 缴库 line. A statement 收款 line of D that no payment of ours carries is an exception too.
"""

import csv
import datetime as dt
import io
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core import audit, clock, files
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.inputs import text, too_long
from zhengwu.fees import permissions, providers
from zhengwu.fees.models import Channel, Discrepancy, Payment, Refund, StatementLine

ZERO = Decimal("0.00")
KINDS = {"收款": "receipt", "缴库": "remit", "退付": "refund"}
COLUMNS = ["记账日期", "交易流水号", "缴款码", "金额", "类型"]
ONLINE = gettext_lazy("网上缴款")  # the reconciliation's row of payments made online (no window)


def import_statement(content: bytes | str, *, source: str = "", by=None) -> dict:
    """Read a bank statement CSV (UTF-8, with or without BOM; the header row names the columns). All or nothing:
    a bad row is refused naming its line and column. A line already imported (same reference and kind) is skipped,
    so importing the same file twice changes nothing. `by` None: the system (the command); else one who
    reconciles (permissions.may_reconcile)."""
    if by is not None and (refused := permissions.reconcile_refusal(by)):
        raise refused
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationFailed(
            _("对账单缺少列:%(cols)s(应为 %(all)s)") % {"cols": "、".join(missing), "all": ",".join(COLUMNS)},
            field="file",
        )
    rows = []
    for number, row in enumerate(reader, start=2):

        def bad(column, message, number=number):
            return ValidationFailed(
                _("第%(n)d行「%(col)s」:%(msg)s") % {"n": number, "col": column, "msg": message}, field="file"
            )

        try:
            booked = dt.date.fromisoformat((row["记账日期"] or "").strip())
        except ValueError:
            raise bad("记账日期", _("日期格式应为 2026-11-18")) from None
        reference = (row["交易流水号"] or "").strip()
        if not reference or len(reference) > 64:
            raise bad("交易流水号", _("必填,不超过64个字符"))
        try:
            amount = Decimal((row["金额"] or "").strip())
        except InvalidOperation:
            raise bad("金额", _("应为数字")) from None
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise bad("金额", _("应为大于0的金额,最多两位小数"))
        kind = KINDS.get((row["类型"] or "").strip())
        if kind is None:
            raise bad("类型", _("应为「收款」「缴库」或「退付」"))
        code = (row["缴款码"] or "").strip()
        if problem := too_long(code, StatementLine._meta.get_field("notice_code").max_length, "缴款码"):
            raise bad("缴款码", problem)  # refused, never cut: a cut code matches another notice or none
        rows.append((booked, reference, code, amount, kind))
    imported = skipped = 0
    with transaction.atomic():
        for booked, reference, code, amount, kind in rows:
            _line, created = StatementLine.objects.get_or_create(
                reference=reference,
                kind=kind,
                defaults={
                    "booked_on": booked,
                    "notice_code": code,
                    "amount": amount,
                    "imported_at": clock.now(),
                    "source": files.fitting_name(source, StatementLine._meta.get_field("source").max_length),
                },
            )
            imported += created
            skipped += not created
        audit.record(
            "fees.import_statement",
            actor=by,
            object_type="fees.statement",
            summary={"source": source, "imported": imported, "skipped": skipped},
        )
    return {
        "imported": imported,
        "skipped": skipped,
        # the statement's booking days (ISO dates), the days to reconcile it on
        "days": sorted({booked.isoformat() for booked, *_rest in rows}),
    }


def _unpaid_refund_detail(channel: str) -> str:
    """What an approved refund not yet paid back waits for, by the way it goes back (原路退回): cash and card at the
    fee window (the cashier hands the cash back, or runs the POS terminal's 退货 and records its voucher), online
    the provider's refund."""
    if channel == Channel.CASH:
        return _("缴款码 %(c)s 退付 %(a)s 元已批准,收费窗口尚未退还现金")
    if channel == Channel.CARD:
        return _("缴款码 %(c)s 退付 %(a)s 元已批准,待收费窗口在 POS 机上退回原卡并登记退货凭证号")
    return _("缴款码 %(c)s 退付 %(a)s 元已批准,缴款渠道尚未退款")


def _window_name(payment: Payment) -> str:
    if payment.window is None:
        return str(ONLINE)
    return f"{payment.window.centre.name} {payment.window.name}"


def reconcile(day: dt.date, *, by=None, record: bool = True, viewer=None) -> dict:
    """Reconcile one day: the totals per window and per organisation, and the exceptions (new ones recorded,
    earlier ones of the day kept with whether they were cleared). `record=False` (a page being looked at) writes
    nothing: differences found now but not yet recorded are listed without an id. With a `viewer` (the pages and
    the API) only what is in their fee scope is counted, recorded and listed — a fee window its centre and the
    centres under it (selectors.visible_notices, visible_discrepancies); the command reconciles everything. Only
    one who reconciles (permissions.may_reconcile) reads or records it."""
    for person in (by, viewer):
        if person is not None and (refused := permissions.reconcile_refusal(person)):
            raise refused
    from zhengwu.fees import selectors

    start, end = clock.day_bounds(day)
    notices = selectors.visible_notices(viewer).values("pk") if viewer is not None else None
    payments = Payment.objects.filter(paid_at__gte=start, paid_at__lt=end)
    if notices is not None:
        payments = payments.filter(notice__in=notices)
    payments = list(
        payments.select_related("notice__organisation", "window__centre")
        .prefetch_related("receipts")
        .order_by("paid_at", "id")
    )
    refs = [p.reference for p in payments]
    lines = {(s.reference, s.kind): s for s in StatementLine.objects.filter(reference__in=refs)}
    found: list[tuple[str, str, str, object]] = []  # (kind, reference, detail, organisation)
    notice_of: dict[
        str, int
    ] = {}  # reference → the notice its payment or refund is of (who sees the difference)

    def totals_row():
        return {"charged": ZERO, "paid": ZERO, "receipted": ZERO, "banked": ZERO, "remitted": ZERO}

    by_window: dict[str, dict] = {}
    by_org: dict[str, dict] = {}
    for p in payments:
        receipt = next((r for r in p.receipts.all() if r.voided_at is None), None)
        banked = lines.get((p.reference, "receipt"))
        remitted = lines.get((p.reference, "remit"))
        values = {
            "charged": p.notice.total,
            "paid": p.amount,
            "receipted": receipt.amount if receipt else ZERO,
            "banked": banked.amount if banked else ZERO,
            "remitted": remitted.amount if remitted else ZERO,
        }
        for table, key in ((by_window, _window_name(p)), (by_org, p.notice.organisation.name)):
            row = table.setdefault(key, totals_row())
            for k, v in values.items():
                row[k] += v
        org = p.notice.organisation
        code = p.notice.code
        notice_of[p.reference] = notice_of[f"{p.reference}#缴库"] = p.notice_id
        if receipt is None or receipt.amount != p.amount:
            found.append(
                (
                    Discrepancy.Kind.NOT_RECEIPTED,
                    p.reference,
                    _("缴款码 %(c)s 已缴 %(a)s 元,无有效票据") % {"c": code, "a": p.amount},
                    org,
                )
            )
        if banked is None:
            found.append(
                (
                    Discrepancy.Kind.NOT_IN_BANK,
                    p.reference,
                    _("缴款码 %(c)s 已缴 %(a)s 元,银行对账单无此笔收款") % {"c": code, "a": p.amount},
                    org,
                )
            )
        elif banked.amount != p.amount:
            found.append(
                (
                    Discrepancy.Kind.AMOUNT,
                    p.reference,
                    _("缴款码 %(c)s 平台 %(a)s 元,银行 %(b)s 元")
                    % {"c": code, "a": p.amount, "b": banked.amount},
                    org,
                )
            )
        if remitted is None:
            found.append(
                (
                    Discrepancy.Kind.NOT_REMITTED,
                    p.reference,
                    _("缴款码 %(c)s 已缴 %(a)s 元,未见缴库") % {"c": code, "a": p.amount},
                    org,
                )
            )
        elif remitted.amount != p.amount:
            found.append(
                (
                    Discrepancy.Kind.AMOUNT,
                    f"{p.reference}#缴库",
                    _("缴款码 %(c)s 平台 %(a)s 元,缴库 %(b)s 元")
                    % {"c": code, "a": p.amount, "b": remitted.amount},
                    org,
                )
            )
    day_lines = StatementLine.objects.filter(booked_on=day, kind="receipt")
    ours = set(
        Payment.objects.filter(reference__in=day_lines.values("reference")).values_list(
            "reference", flat=True
        )
    )
    for line in day_lines.exclude(reference__in=ours):
        found.append(
            (
                Discrepancy.Kind.NOT_OURS,
                line.reference,
                _("银行 %(d)s 收款 %(a)s 元(缴款码 %(c)s),平台无对应缴款")
                % {"d": line.booked_on, "a": line.amount, "c": line.notice_code or "—"},
                None,
            )
        )
    # 退付: an approved refund moves money back — through the provider (its callback sets paid_out_at) or at the
    # window (the cashier confirms the cash handed back, or records the card terminal's voucher); one paid back
    # through a provider shows on the bank statement as a 退付 line. The day lists the refunds approved that day and
    # those paid out that day; a refund counts as paid out on the day its money went back.
    refunds = Refund.objects.filter(state=Refund.State.APPROVED).filter(
        Q(decided_at__gte=start, decided_at__lt=end) | Q(paid_out_at__gte=start, paid_out_at__lt=end)
    )
    if notices is not None:
        refunds = refunds.filter(payment__notice__in=notices)
    refunds = list(refunds.select_related("payment__notice__organisation").order_by("decided_at", "id"))
    refund_lines = {
        s.reference: s
        for s in StatementLine.objects.filter(
            kind="refund", reference__in=[r.reference for r in refunds if r.reference]
        )
    }
    for r in refunds:
        org, code = r.payment.notice.organisation, r.payment.notice.code
        for ref in (r.reference or f"refund-{r.pk}", f"{r.reference}#退付"):
            notice_of[ref] = r.payment.notice_id
        if r.paid_out_at is None:
            found.append(
                (
                    Discrepancy.Kind.REFUND_NOT_PAID,
                    r.reference or f"refund-{r.pk}",
                    _unpaid_refund_detail(r.channel) % {"c": code, "a": r.amount},
                    org,
                )
            )
        elif r.provider in providers.PROVIDERS:
            line = refund_lines.get(r.reference)
            if line is None:
                found.append(
                    (
                        Discrepancy.Kind.REFUND_NOT_IN_BANK,
                        r.reference,
                        _("缴款码 %(c)s 退付 %(a)s 元,银行对账单无此笔退款") % {"c": code, "a": r.amount},
                        org,
                    )
                )
            elif line.amount != r.amount:
                found.append(
                    (
                        Discrepancy.Kind.AMOUNT,
                        f"{r.reference}#退付",
                        _("缴款码 %(c)s 退付 平台 %(a)s 元,银行 %(b)s 元")
                        % {"c": code, "a": r.amount, "b": line.amount},
                        org,
                    )
                )
    shown = Discrepancy.objects.filter(day=day)
    if viewer is not None:
        shown = shown & selectors.visible_discrepancies(viewer)
    stored = set(Discrepancy.objects.filter(day=day).values_list("kind", "reference"))
    unrecorded = [f for f in found if (f[0], f[1]) not in stored] if not record else []
    with transaction.atomic():
        new = 0
        for kind, reference, detail, org in found if record else ():
            _row, created = Discrepancy.objects.get_or_create(
                day=day,
                kind=kind,
                reference=reference,
                defaults={
                    "detail": detail[:500],
                    "organisation": org,
                    "notice_id": notice_of.get(reference),
                    "found_at": clock.now(),
                },
            )
            new += created
        if new:
            audit.record(
                "fees.reconcile",
                actor=by,
                object_type="fees.reconciliation",
                object_id=day.isoformat(),
                summary={"day": day.isoformat(), "new_exceptions": new},
            )
    exceptions = [
        {
            "kind": d.kind,
            "kind_label": d.get_kind_display(),
            "reference": d.reference,
            "organisation": d.organisation.name if d.organisation else "",
            "detail": d.detail,
            "cleared": d.cleared_at is not None,
            "cleared_note": d.cleared_note,
            "id": d.pk,
        }
        for d in shown.select_related("organisation").order_by("id")
    ] + [
        {
            "kind": kind,
            "kind_label": Discrepancy.Kind(kind).label,
            "reference": reference,
            "organisation": org.name if org else "",
            "detail": detail,
            "cleared": False,
            "cleared_note": "",
            "id": None,
        }
        for kind, reference, detail, org in unrecorded
    ]

    def money(table):
        return {k: {f: f"{v:.2f}" for f, v in row.items()} for k, row in sorted(table.items())}

    paid_out = (r.amount for r in refunds if r.paid_out_at and start <= r.paid_out_at < end)
    total = totals_row()
    for row in by_org.values():
        for k, v in row.items():
            total[k] += v
    return {
        "date": day.isoformat(),
        "payments": len(payments),
        "totals": {k: f"{v:.2f}" for k, v in total.items()},
        "by_window": money(by_window),
        "by_organisation": money(by_org),
        "refunds": f"{sum((r.amount for r in refunds if start <= r.decided_at < end), ZERO):.2f}",
        "refunds_paid_out": f"{sum(paid_out, ZERO):.2f}",
        "balanced": not any(not e["cleared"] for e in exceptions),
        "exceptions": exceptions,
    }


may_clear = permissions.may_clear  # who clears a difference (the pages ask)


def clear(*, discrepancy: Discrepancy, by, note: str) -> Discrepancy:
    """A person clears an exception with what was found and done (e.g. 银行次日到账, 已补开票据)."""
    if refused := permissions.clearer_refusal(by, discrepancy):
        raise refused
    note = str(note or "").strip()
    if not note:
        raise ValidationFailed(_("请写明差异的处理情况"), field="note")
    note = text(note, field="note", label=_("处理情况"), max_length=500)  # refused, not cut short
    with transaction.atomic():
        row = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
        if refused := permissions.cleared_refusal(row):
            raise refused
        row.cleared_at, row.cleared_by, row.cleared_note = clock.now(), by, note
        row.save(update_fields=["cleared_at", "cleared_by", "cleared_note"])
        audit.record(
            "fees.clear_exception",
            row,
            actor=by,
            summary={"kind": row.kind, "reference": row.reference, "note": note},
        )
    return row
