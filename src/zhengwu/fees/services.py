"""Writing fees: the catalogue, notices, payments, receipts, refunds. Every write is one transaction with its audit
record; bad input raises ValidationFailed naming the field, in Chinese."""

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.core import access, audit, clock
from zhengwu.core.errors import AccessDenied, Conflict, ValidationFailed
from zhengwu.core.models import Organisation, Role
from zhengwu.fees import compute, selectors
from zhengwu.fees.models import (
    CatalogueFee,
    ItemFeeRule,
    Notice,
    NoticeLine,
    RevenueKind,
    StandardKind,
    Waiver,
)

CENT = compute.CENT
CATALOGUE_ROLES = (Role.CENTRE_MANAGER, Role.ADMINISTRATOR)


def _money(value, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(_("金额须为数字"), field=field) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationFailed(_("金额须大于 0"), field=field)
    if amount != amount.quantize(CENT):
        raise ValidationFailed(_("金额最多两位小数(到分)"), field=field)
    return amount.quantize(CENT)


def _text(data: dict, key: str, label: str, *, required: bool = True, limit: int = 500) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        raise ValidationFailed(_("请填写%(label)s") % {"label": label}, field=key)
    if len(value) > limit:
        raise ValidationFailed(_("%(label)s不能超过%(n)d个字") % {"label": label, "n": limit}, field=key)
    return value


def _date(value, field: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(_("请填写日期"), field=field)
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(_("日期格式应为 年-月-日,如 2026-11-18"), field=field) from None


def _require_catalogue_keeper(by):
    if by is None:  # the system (demo, imports)
        return
    if not (access.is_administrator(by) or access.has_role(by, *CATALOGUE_ROLES)):
        raise AccessDenied(_("只有中心管理人员或系统管理员可以维护收费目录"))


def add_fee(*, data: dict, by=None) -> CatalogueFee:
    """Put a fee in the catalogue: code, name, collecting organisation, revenue kind, basis (设立依据), approving
    document (批准文件), standard kind and amount (a band: lower bound `amount`, `upper`), unit, validity."""
    _require_catalogue_keeper(by)
    code = _text(data, "code", _("收费编码"), limit=32)
    if CatalogueFee.objects.filter(code=code).exists():
        raise ValidationFailed(_("收费编码「%(code)s」已存在") % {"code": code}, field="code")
    kind = data.get("standard_kind")
    if kind not in StandardKind.values:
        raise ValidationFailed(_("请选择标准类型(定额、按数量计收或幅度)"), field="standard_kind")
    revenue = data.get("revenue_kind")
    if revenue not in RevenueKind.values:
        raise ValidationFailed(_("请选择收入类别"), field="revenue_kind")
    organisation = data.get("organisation")
    if not isinstance(organisation, Organisation):
        organisation = Organisation.objects.filter(pk=organisation).first() if organisation else None
    if organisation is None:
        raise ValidationFailed(_("请选择执收单位"), field="organisation")
    amount = _money(data.get("amount"), "amount")
    upper = None
    if kind == StandardKind.BAND:
        upper = _money(data.get("upper"), "upper")
        if upper < amount:
            raise ValidationFailed(_("幅度上限不能低于下限"), field="upper")
    valid_from = _date(data.get("valid_from"), "valid_from")
    removed_on = _date(data.get("removed_on"), "removed_on", required=False)
    if removed_on is not None and removed_on <= valid_from:
        raise ValidationFailed(_("取消日期须晚于执行日期"), field="removed_on")
    fee = CatalogueFee(
        code=code,
        name=_text(data, "name", _("收费项目"), limit=200),
        organisation=organisation,
        revenue_kind=revenue,
        # 行政许可法 第五十九条: a fee only on the basis of a law or an administrative regulation.
        basis=_text(data, "basis", _("设立依据")),
        approval=_text(data, "approval", _("批准文件"), limit=300),
        standard_kind=kind,
        amount=amount,
        upper=upper,
        unit=_text(data, "unit", _("计费单位"), required=False, limit=20) or "件",
        valid_from=valid_from,
        removed_on=removed_on,
        note=_text(data, "note", _("备注"), required=False),
    )
    with transaction.atomic():
        fee.save()
        for i, w in enumerate(data.get("waivers") or []):
            wkind = w.get("kind")
            if wkind not in Waiver.Kind.values:
                raise ValidationFailed(_("请选择减免方式"), field=f"waivers.{i}.kind")
            percent = int(w.get("percent") or 0)
            if wkind == Waiver.Kind.PERCENT and not 0 < percent < 100:
                raise ValidationFailed(_("减收比例须在 1 至 99 之间"), field=f"waivers.{i}.percent")
            for key in ("code", "name", "basis"):
                if not str(w.get(key) or "").strip():
                    raise ValidationFailed(_("减免须写明编码、情形和依据"), field=f"waivers.{i}.{key}")
            Waiver.objects.create(
                fee=fee, code=w["code"], name=w["name"], kind=wkind, percent=percent, basis=w["basis"]
            )
        audit.record(
            "fees.add_fee", fee, actor=by, summary={"code": code, "standard": compute.standard_text(fee)}
        )
    return fee


def remove_fee(*, fee: CatalogueFee, on, by=None, reason: str = "") -> CatalogueFee:
    """Take a fee out of the catalogue from `on` (取消): from that day it is on no guide and in no notice."""
    _require_catalogue_keeper(by)
    day = _date(on, "removed_on")
    if day <= fee.valid_from:
        raise ValidationFailed(_("取消日期须晚于执行日期"), field="removed_on")
    if not (reason or "").strip():
        raise ValidationFailed(_("请写明取消依据"), field="reason")
    with transaction.atomic():
        fee = CatalogueFee.objects.select_for_update().get(pk=fee.pk)
        if fee.removed_on is not None and fee.removed_on <= clock.today():
            raise Conflict(_("该收费已于%(d)s取消") % {"d": fee.removed_on})
        fee.removed_on = day
        fee.note = (fee.note + ";" if fee.note else "") + _("%(d)s起取消:%(r)s") % {
            "d": day,
            "r": reason.strip(),
        }
        fee.save(update_fields=["removed_on", "note"])
        audit.record(
            "fees.remove_fee", fee, actor=by, summary={"code": fee.code, "removed_on": day.isoformat()}
        )
    return fee


def item_line(code: str) -> dict:
    """An item's fee line (the catalogue's spec `fees` entry) referencing a catalogue fee instead of typing it."""
    fee = CatalogueFee.objects.filter(code=code).first()
    if fee is None:
        raise ValidationFailed(_("收费目录中没有编码「%(code)s」") % {"code": code}, field="code")
    return {
        "name": fee.name,
        "standard": compute.standard_text(fee),
        "amount": str(fee.amount) if fee.standard_kind == StandardKind.FIXED else None,
        "basis": f"{fee.basis};{fee.approval}"[:500],
        "code": fee.code,
    }


# ---------------------------------------------------------------- payment notices (缴款通知书)


def item_rule(item) -> ItemFeeRule:
    """The item's rule of when fees are charged; the default (no row): after acceptance, before delivery, 15 days."""
    rule = ItemFeeRule.objects.filter(item=item).first()
    return rule or ItemFeeRule(
        item=item, charge_at=ItemFeeRule.ChargeAt.ACCEPT, after_delivery=False, due_days=15
    )


def set_item_rule(
    *, item, charge_at: str, after_delivery: bool = False, due_days: int = 15, by=None
) -> ItemFeeRule:
    _require_catalogue_keeper(by)
    if charge_at not in ItemFeeRule.ChargeAt.values:
        raise ValidationFailed(_("请选择开具缴款通知书的环节(受理后或作出准予决定后)"), field="charge_at")
    if not 1 <= int(due_days) <= 90:
        raise ValidationFailed(_("缴款期限须为 1 至 90 日"), field="due_days")
    with transaction.atomic():
        rule, _created = ItemFeeRule.objects.update_or_create(
            item=item,
            defaults={
                "charge_at": charge_at,
                "after_delivery": bool(after_delivery),
                "due_days": int(due_days),
            },
        )
        audit.record(
            "fees.set_item_rule",
            rule,
            actor=by,
            summary={"item": item.code, "charge_at": charge_at, "after_delivery": bool(after_delivery)},
        )
    return rule


def _check_digit(digits: str) -> str:
    """Luhn (ISO/IEC 7812) check digit, so a mistyped payment code is caught before it reaches a bank."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return str((10 - total % 10) % 10)


def valid_code(code: str) -> bool:
    return len(code) == 20 and code.isdigit() and _check_digit(code[:-1]) == code[-1]


def _payment_code(case) -> str:
    """缴款码: 20 digits — region (6), date (8), a random serial (5), a check digit."""
    region = (getattr(case.organisation.region, "code", "") or "000000")[:6].ljust(6, "0")
    day = clock.today().strftime("%Y%m%d")
    while True:
        body = f"{region}{day}{secrets.randbelow(100000):05d}"
        code = body + _check_digit(body)
        if not Notice.objects.filter(code=code).exists():
            return code


def _issuer_check(by, case) -> None:
    if by is None:
        return
    staff = access.staff_of(by)
    if staff is None or not (
        access.has_role(by, Role.WINDOW_CLERK, Role.DEPARTMENT_HEAD, Role.APPROVER)
        and case.organisation.path.startswith(staff.organisation.path)
    ):
        raise AccessDenied(_("只有实施机构的工作人员可以开具缴款通知书"))


def _moment_refusal(case, rule: ItemFeeRule) -> str | None:
    from zhengwu.cases.models import Decision as CaseDecision
    from zhengwu.cases.models import Status

    if rule.charge_at == ItemFeeRule.ChargeAt.ACCEPT:
        if case.status not in (Status.ACCEPTED, Status.DECIDED):
            return _("本事项在受理后、送达前开具缴款通知书,当前办件状态不能开具")
        return None
    if case.status != Status.DECIDED or case.decision != CaseDecision.GRANT:
        return _("本事项在作出准予决定后开具缴款通知书")
    return None


def compute_lines(case, *, quantities=None, waivers=None, decisions=None) -> list[tuple]:
    """The notice's lines for the case today: (item fee line, catalogue fee, computed Line) for every fee of the
    item that names a catalogue fee in force. `quantities`, `waivers` (waiver code) and `decisions`
    ({amount, document}) are keyed by the catalogue fee's code."""
    quantities, waivers, decisions = quantities or {}, waivers or {}, decisions or {}
    in_force = [f for f in selectors.item_fees_in_force(case.version) if f["code"]]
    codes = {f["code"] for f in in_force}
    for key, given in (("quantities", quantities), ("waivers", waivers), ("decisions", decisions)):
        for code in given:
            if code not in codes:
                raise ValidationFailed(
                    _("「%(code)s」不是本事项现行收费目录中的收费") % {"code": code}, field=f"{key}.{code}"
                )
    out = []
    for entry in in_force:
        fee, code = entry["fee"], entry["code"]
        waiver = None
        if waivers.get(code):
            waiver = fee.waivers.filter(code=waivers[code]).first()
            if waiver is None:
                raise ValidationFailed(
                    _("「%(name)s」没有减免情形「%(w)s」") % {"name": fee.name, "w": waivers[code]},
                    field=f"waivers.{code}",
                )
        decision = None
        if decisions.get(code):
            d = decisions[code]
            decision = compute.Decision(amount=d.get("amount"), document=str(d.get("document") or ""))
        line = compute.line(
            fee, quantities.get(code, 1), waiver=waiver, decision=decision, field=f"fees.{code}"
        )
        out.append((entry["version_line"], fee, line))
    return out


def issue_notice(*, case, by, quantities=None, waivers=None, decisions=None) -> Notice:
    """开具缴款通知书: the case's fees computed from the catalogue at the step the item names, one notice per case,
    recorded on the case as its charge (收费). A notice of nothing to pay (all waived) is 免缴."""
    _issuer_check(by, case)
    rule = item_rule(case.item)
    refusal = _moment_refusal(case, rule)
    if refusal:
        raise Conflict(refusal, code="fee.not_now")
    lines = compute_lines(case, quantities=quantities, waivers=waivers, decisions=decisions)
    if not lines:
        raise ValidationFailed(_("本事项没有收费目录中的收费,无需开具缴款通知书"), field="fees")
    from zhengwu.cases import services as case_services

    total = sum((line.amount for _v, _f, line in lines), Decimal("0.00"))
    with transaction.atomic():
        if Notice.objects.select_for_update().filter(case=case).exists():
            raise Conflict(_("该办件已开具缴款通知书(一件一单)"), code="fee.notice_exists")
        notice = Notice.objects.create(
            case=case,
            organisation=lines[0][1].organisation,
            window=case.window,
            code=_payment_code(case),
            payer=case.applicant.name,
            total=total,
            issued_at=clock.now(),
            # 缴款期限: the county's rule per item (default 15 days); no statute fixes it for these fees.
            due_on=clock.today() + dt.timedelta(days=rule.due_days),
            state=Notice.State.UNPAID if total > 0 else Notice.State.WAIVED,
            issued_by=by,
        )
        NoticeLine.objects.bulk_create(
            NoticeLine(
                notice=notice,
                position=i,
                fee=fee,
                name=line.name,
                revenue_kind=fee.revenue_kind,
                standard=line.standard,
                quantity=line.quantity,
                standard_amount=line.standard_amount,
                amount=line.amount,
                basis=line.basis[:800],
                waiver=line.waiver[:800],
                decision=line.decision[:300],
            )
            for i, (_v, fee, line) in enumerate(lines, start=1)
        )
        note = _("缴款通知书 %(code)s:") % {"code": notice.code} + "；".join(
            f"{line.name} {compute.yuan(line.amount)} 元" for _v, _f, line in lines
        )
        case_services.record_notice_charge(
            case=case,
            by=by,
            note=note,
            fees=[
                {
                    "position": version_line.position,
                    "name": line.name,
                    "amount": compute.yuan(line.amount),
                    "standard_amount": compute.yuan(line.standard_amount),
                    "notice": notice.code,
                    **({"waiver": line.waiver} if line.waiver else {}),
                }
                for version_line, _f, line in lines
            ],
        )
        audit.record(
            "fees.issue_notice",
            notice,
            actor=by,
            summary={"case": case.number, "code": notice.code, "total": compute.yuan(total)},
        )
    return notice
