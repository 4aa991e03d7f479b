"""Writing fees: the catalogue, notices, payments, receipts, refunds. Every write is one transaction with its audit
record; bad input raises ValidationFailed naming the field, in Chinese."""

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.core import access, audit, clock
from zhengwu.core.calendar import chinese_date
from zhengwu.core.errors import AccessDenied, Conflict, NotFound, ValidationFailed
from zhengwu.core.inputs import is_whole, text
from zhengwu.core.models import Organisation
from zhengwu.fees import compute, permissions, providers, selectors
from zhengwu.fees.models import (
    Callback,
    CatalogueFee,
    Channel,
    ItemFeeRule,
    Notice,
    NoticeLine,
    Payment,
    Receipt,
    Refund,
    RevenueKind,
    StandardKind,
    Waiver,
)

CENT = compute.CENT
CATALOGUE_ROLES = permissions.CATALOGUE_ROLES


def _money(value, field: str, *, allow_zero: bool = False, label: str = "") -> Decimal:
    """An amount in yuan; a refusal names the field as its form does (`label`, 实收金额, 退付金额…)."""
    label = label or _("金额")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(_("%(label)s须为数字") % {"label": label}, field=field) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationFailed(_("%(label)s须大于 0") % {"label": label}, field=field)
    if amount > compute.LARGEST:  # the amounts' columns; 1e30 would not even round to the fen (a 500)
        raise ValidationFailed(
            _("%(label)s不能超过 %(most)s 元") % {"label": label, "most": compute.LARGEST}, field=field
        )
    if amount != amount.quantize(CENT):
        raise ValidationFailed(_("%(label)s最多两位小数(到分)") % {"label": label}, field=field)
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


def _require_catalogue_keeper(by, organisation: Organisation | None = None):
    """permissions.keeper_refusal: the collecting organisation's fee manager. `by` None: the system."""
    if refused := permissions.keeper_refusal(by, organisation):
        raise refused


def _organisation(value) -> Organisation:
    if isinstance(value, Organisation):
        return value
    organisation = None
    if is_whole(value or ""):
        organisation = Organisation.objects.filter(pk=int(value)).first()
    if organisation is None:
        raise ValidationFailed(_("请选择执收单位"), field="organisation")
    return organisation


def _standard(data: dict) -> dict:
    """The fields a version of a fee carries (all but code, organisation and dates), validated in form order."""
    name = _text(data, "name", _("收费项目"), limit=200)
    revenue = data.get("revenue_kind")
    if revenue not in RevenueKind.values:
        raise ValidationFailed(_("请选择收入类别"), field="revenue_kind")
    # 行政许可法 第五十九条: a fee only on the basis of a law or an administrative regulation.
    basis = _text(data, "basis", _("设立依据"))
    approval = _text(data, "approval", _("批准文件"), limit=300)
    kind = data.get("standard_kind")
    if kind not in StandardKind.values:
        raise ValidationFailed(_("请选择标准类型(定额、按数量计收或幅度)"), field="standard_kind")
    amount = _money(data.get("amount"), "amount")
    upper = None
    if kind == StandardKind.BAND:
        if data.get("upper") in (None, ""):
            raise ValidationFailed(_("幅度收费请填写上限"), field="upper")
        upper = _money(data.get("upper"), "upper", label=_("幅度上限"))
        if upper < amount:
            raise ValidationFailed(_("幅度上限不能低于下限"), field="upper")
    return {
        "name": name,
        "revenue_kind": revenue,
        "basis": basis,
        "approval": approval,
        "standard_kind": kind,
        "amount": amount,
        "upper": upper,
        "unit": _text(data, "unit", _("计费单位"), required=False, limit=20) or "件",
        "note": _text(data, "note", _("备注"), required=False),
        # alternatives (住宅类 or 非住宅类): a case is charged one fee of the same name (compute_lines)
        "choose_one": _text(data, "choose_one", _("择一收取"), required=False, limit=100),
    }


def _waiver_fields(w: dict, field: str) -> dict:
    wkind = w.get("kind")
    code = _text(w, "code", _("减免编码"), limit=32)
    name = _text(w, "name", _("减免情形"), limit=200)
    if wkind not in Waiver.Kind.values:
        raise ValidationFailed(_("请选择减免方式"), field=f"{field}kind")
    try:
        percent = int(str(w.get("percent") or 0).strip() or 0)
    except ValueError:
        raise ValidationFailed(_("减收比例须为整数"), field=f"{field}percent") from None
    if wkind == Waiver.Kind.PERCENT and not 0 < percent < 100:
        raise ValidationFailed(_("减收比例须在 1 至 99 之间"), field=f"{field}percent")
    basis = _text(w, "basis", _("减免依据"))
    return {
        "code": code,
        "name": name,
        "kind": wkind,
        "percent": percent if wkind == Waiver.Kind.PERCENT else 0,
        "basis": basis,
    }


def _create_waivers(fee: CatalogueFee, waivers: list[dict]) -> None:
    seen = set()
    for i, w in enumerate(waivers):
        try:
            fields = _waiver_fields(w, "")
        except ValidationFailed as err:
            raise ValidationFailed(err.message, field=f"waivers.{i}.{err.field}") from None
        if fields["code"] in seen:
            raise ValidationFailed(_("减免编码重复"), field=f"waivers.{i}.code")
        seen.add(fields["code"])
        Waiver.objects.create(fee=fee, **fields)


def add_fee(*, data: dict, by=None) -> CatalogueFee:
    """Put a fee in the catalogue: code, name, collecting organisation, revenue kind, basis (设立依据), approving
    document (批准文件), standard kind and amount (a band: lower bound `amount`, `upper`), unit, validity, and its
    waivers by law (减免, each with its basis)."""
    organisation = _organisation(data.get("organisation"))
    _require_catalogue_keeper(by, organisation)
    code = _text(data, "code", _("收费编码"), limit=32)
    if CatalogueFee.objects.filter(code=code).exists():
        raise ValidationFailed(_("收费编码「%(code)s」已存在") % {"code": code}, field="code")
    fields = _standard(data)
    valid_from = _date(data.get("valid_from"), "valid_from")
    removed_on = _date(data.get("removed_on"), "removed_on", required=False)
    if removed_on is not None and removed_on <= valid_from:
        raise ValidationFailed(_("取消日期须晚于执行日期"), field="removed_on")
    fee = CatalogueFee(
        code=code,
        version=1,
        organisation=organisation,
        valid_from=valid_from,
        removed_on=removed_on,
        **fields,
    )
    with transaction.atomic():
        fee.save()
        _create_waivers(fee, data.get("waivers") or [])
        audit.record(
            "fees.add_fee", fee, actor=by, summary={"code": code, "standard": compute.standard_text(fee)}
        )
    return fee


def _latest(fee: CatalogueFee) -> CatalogueFee:
    """The fee locked, provided it is its code's latest version (permissions.latest_refusal)."""
    list(CatalogueFee.objects.select_for_update().filter(code=fee.code).values_list("pk", flat=True))
    if refused := permissions.latest_refusal(fee):
        raise refused
    return CatalogueFee.objects.get(pk=fee.pk)


def revise_fee(*, fee: CatalogueFee, data: dict, effective, by=None) -> CatalogueFee:
    """修订收费标准: a new version of the fee from `effective` (its name, kind, standard, basis, approving
    document…); the version before ends that day, notices already issued keep what they said. The waivers carry
    over unless `data["waivers"]` lists the new version's own."""
    _require_catalogue_keeper(by, fee.organisation)
    fields = _standard(data)
    day = _date(effective, "valid_from")
    if day <= clock.today():
        raise ValidationFailed(_("新标准的执行日期须晚于今天"), field="valid_from")
    if day <= fee.valid_from:
        raise ValidationFailed(_("新标准的执行日期须晚于现行标准的执行日期"), field="valid_from")
    reason = _text(data, "reason", _("修订依据"), limit=300)
    with transaction.atomic():
        old = _latest(fee)
        if old.removed_on is not None and old.removed_on <= day:
            raise Conflict(
                _("该收费已定于%(d)s取消,不能在此之后修订") % {"d": old.removed_on}, code="fee.removed"
            )
        new = CatalogueFee.objects.create(
            code=old.code,
            version=old.version + 1,
            organisation=old.organisation,
            valid_from=day,
            removed_on=old.removed_on,
            **fields,
        )
        if data.get("waivers") is not None:
            _create_waivers(new, data["waivers"])
        else:
            Waiver.objects.bulk_create(
                Waiver(fee=new, code=w.code, name=w.name, kind=w.kind, percent=w.percent, basis=w.basis)
                for w in old.waivers.all()
            )
        old.removed_on = day
        old.note = (old.note + ";" if old.note else "") + _("%(d)s起由第 %(v)d 版替代:%(r)s") % {
            "d": day,
            "v": new.version,
            "r": reason,
        }
        old.save(update_fields=["removed_on", "note"])
        audit.record(
            "fees.revise_fee",
            new,
            actor=by,
            summary={
                "code": new.code,
                "version": new.version,
                "valid_from": day.isoformat(),
                "was": compute.standard_text(old),
                "standard": compute.standard_text(new),
                "reason": reason,
            },
        )
    return new


def remove_fee(*, fee: CatalogueFee, on, by=None, reason: str = "") -> CatalogueFee:
    """Take a fee out of the catalogue from `on` (取消): from that day it is on no guide and in no notice."""
    _require_catalogue_keeper(by, fee.organisation)
    day = _date(on, "removed_on")
    if day <= fee.valid_from:
        raise ValidationFailed(_("取消日期须晚于执行日期"), field="removed_on")
    if day < clock.today():
        raise ValidationFailed(_("取消日期不能早于今天"), field="removed_on")
    if not (reason or "").strip():
        raise ValidationFailed(_("请写明取消依据"), field="reason")
    with transaction.atomic():
        fee = _latest(fee)
        if refused := permissions.removed_refusal(fee):
            raise refused
        fee.removed_on = day
        fee.note = (fee.note + ";" if fee.note else "") + _("%(d)s起取消:%(r)s") % {
            "d": day,
            "r": reason.strip(),
        }
        fee.save(update_fields=["removed_on", "note"])
        audit.record(
            "fees.remove_fee",
            fee,
            actor=by,
            summary={"code": fee.code, "removed_on": day.isoformat(), "reason": reason.strip()},
        )
    return fee


def add_waiver(*, fee: CatalogueFee, data: dict, by=None) -> Waiver:
    """A waiver or reduction by law (免收、按比例减收) of the fee, with its basis."""
    _require_catalogue_keeper(by, fee.organisation)
    fields = _waiver_fields(data, "")
    with transaction.atomic():
        if Waiver.objects.filter(fee=fee, code=fields["code"]).exists():
            raise ValidationFailed(_("减免编码「%(c)s」已存在") % {"c": fields["code"]}, field="code")
        waiver = Waiver.objects.create(fee=fee, **fields)
        audit.record(
            "fees.add_waiver",
            waiver,
            actor=by,
            summary={"fee": fee.code, "version": fee.version, "waiver": waiver.code, "basis": waiver.basis},
        )
    return waiver


def drop_waiver(*, waiver: Waiver, by=None, reason: str = "") -> None:
    """A waiver no longer in law: taken off the fee (notices already issued keep the waiver and basis they
    copied)."""
    _require_catalogue_keeper(by, waiver.fee.organisation)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请写明删除减免的依据"), field="reason")
    with transaction.atomic():
        audit.record(
            "fees.drop_waiver",
            waiver.fee,
            actor=by,
            summary={
                "fee": waiver.fee.code,
                "waiver": waiver.code,
                "name": waiver.name,
                "reason": reason[:300],
            },
        )
        waiver.delete()


def item_line(code: str) -> dict:
    """An item's fee line (the catalogue's spec `fees` entry) referencing a catalogue fee instead of typing it."""
    fee = (
        CatalogueFee.objects.filter(selectors.in_force_q(clock.today()), code=code).first()
        or CatalogueFee.objects.filter(code=code).order_by("-version").first()
    )
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
    _require_catalogue_keeper(by, item.organisation)
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
    return len(code) == 20 and is_whole(code) and _check_digit(code[:-1]) == code[-1]


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
    if refused := permissions.issuer_refusal(by, case):
        raise refused


def compute_lines(case, *, quantities=None, waivers=None, decisions=None, only=None) -> list[tuple]:
    """The notice's lines for the case today: (item fee line, catalogue fee, computed Line) for every fee of the
    item that names a catalogue fee in force — or, given `only`, those of them that apply to this case (住宅 or
    非住宅, say). `quantities`, `waivers` (waiver code) and `decisions` ({amount, document}) are keyed by the
    catalogue fee's code."""
    quantities, waivers, decisions = quantities or {}, waivers or {}, decisions or {}
    in_force = [f for f in selectors.item_fees_in_force(case.version) if f["code"]]
    codes = {f["code"] for f in in_force}
    if only is not None:
        for code in only:
            if code not in codes:
                raise ValidationFailed(
                    _("「%(code)s」不是本事项现行收费目录中的收费") % {"code": code}, field=f"only.{code}"
                )
        in_force = [f for f in in_force if f["code"] in set(only)]
        codes = {f["code"] for f in in_force}
    # alternatives of one fee (the catalogue's 择一收取: 不动产登记费 住宅类 or 非住宅类) are never charged together
    chosen: dict[str, dict] = {}
    for entry in in_force:
        group = entry["fee"].choose_one
        if not group:
            continue
        if group in chosen:
            raise ValidationFailed(
                _("「%(first)s」与「%(second)s」只能收取其一(%(group)s),请只勾选本件适用的一项")
                % {"first": chosen[group]["fee"].name, "second": entry["fee"].name, "group": group},
                field=f"only.{entry['code']}",
            )
        chosen[group] = entry
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


def issue_notice(*, case, by, quantities=None, waivers=None, decisions=None, only=None) -> Notice:
    """开具缴款通知书: the case's fees computed from the catalogue at the step the item names, one notice in force
    per case, recorded on the case as its charge (收费). A notice of nothing to pay (all waived) is 免缴."""
    _issuer_check(by, case)
    lines = _notice_lines(case, quantities=quantities, waivers=waivers, decisions=decisions, only=only)
    with transaction.atomic():
        list(Notice.objects.select_for_update().filter(case=case).values_list("pk", flat=True))
        if refused := permissions.notice_exists_refusal(case):
            raise refused
        return _create_notice(case, lines, by=by)


def _notice_lines(case, **given) -> list[tuple]:
    if refused := permissions.moment_refusal(case):
        raise refused
    lines = compute_lines(case, **given)
    if not lines:
        if given.get("only") is not None:
            raise ValidationFailed(_("请至少选择一项本件收取的收费"), field="only")
        raise ValidationFailed(_("本事项没有收费目录中的收费,无需开具缴款通知书"), field="fees")
    return lines


def _create_notice(case, lines: list[tuple], *, by, replaces: Notice | None = None) -> Notice:
    """Inside the caller's transaction: the notice, its lines, the case's charge and the audit record."""
    from zhengwu.cases import services as case_services

    rule = item_rule(case.item)
    total = sum((line.amount for _v, _f, line in lines), Decimal("0.00"))
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
        replaces=replaces,
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
        _("%(name)s %(amount)s 元") % {"name": line.name, "amount": compute.yuan(line.amount)}
        for _v, _f, line in lines
    )
    if replaces is not None:
        note = _("更正缴款通知书 %(old)s,") % {"old": replaces.code} + note
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
        summary={
            "case": case.number,
            "code": notice.code,
            "total": compute.yuan(total),
            **({"replaces": replaces.code} if replaces else {}),
        },
    )
    return notice


def correct_notice(
    *, notice: Notice, by, reason: str, quantities=None, waivers=None, decisions=None, only=None
) -> Notice:
    """更正缴款通知书: an unpaid notice with a mistake (a quantity, a waiver, a fee that does not apply) is cancelled
    with its reason and a corrected one issued with a new payment code, in one transaction; the applicant is told
    the new code and amount. A paid notice is never corrected: what was paid too much goes back by refund (退付)."""
    case = notice.case
    _issuer_check(by, case)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请写明更正原因"), field="reason")
    if len(reason) > 300:
        raise ValidationFailed(_("更正原因不能超过300个字"), field="reason")
    lines = _notice_lines(case, quantities=quantities, waivers=waivers, decisions=decisions, only=only)
    with transaction.atomic():
        old = Notice.objects.select_for_update().get(pk=notice.pk)
        if refused := permissions.correction_refusal(old):
            raise refused
        old.state = Notice.State.CANCELLED
        old.cancelled_at = clock.now()
        old.cancelled_by = by
        old.cancel_reason = reason
        old.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason"])
        audit.record(
            "fees.cancel_notice",
            old,
            actor=by,
            summary={"code": old.code, "case": case.number, "reason": reason, "because": "correct"},
        )
        new = _create_notice(case, lines, by=by, replaces=old)
        _tell_applicant(
            case,
            _(
                "您的办件 %(number)s 的缴款通知书 %(old)s 已作废(%(reason)s),请按更正后的缴款通知书 %(new)s "
                "缴款:应缴 %(total)s 元,缴款期限 %(due)s。"
            )
            % {
                "number": case.number,
                "old": old.code,
                "reason": reason,
                "new": new.code,
                "total": compute.yuan(new.total),
                "due": chinese_date(new.due_on),
            },
        )
    return new


def _tell_applicant(case, text: str, subject: str = "") -> None:
    """A message to the applicant (e-mail and SMS where known) through the cases' outbox, in the caller's
    transaction (cases.notify.tell_applicant)."""
    from zhengwu.cases.notify import tell_applicant

    tell_applicant(case, text, subject=subject or _("缴款通知书更正"))


# ---------------------------------------------------------------- paying (缴款)


def notice_by_code(code: str) -> Notice:
    code = str(code or "").strip()
    if not (len(code) == 20 and is_whole(code)):
        raise ValidationFailed(_("缴款码应为20位数字,现为%(n)s位,请核对") % {"n": len(code)}, field="code")
    if not valid_code(code):  # 20 digits whose last (the check digit) does not fit: a digit mistyped
        raise ValidationFailed(
            _("缴款码 %(code)s 校验位不符,可能有数字输错,请核对缴款通知书") % {"code": code}, field="code"
        )
    notice = Notice.objects.select_related("case", "organisation").filter(code=code).first()
    if notice is None:
        raise NotFound(_("找不到该缴款码的缴款通知书"), field="code")
    return notice


def _record_payment(
    notice: Notice,
    *,
    provider: str,
    reference: str,
    channel: str,
    amount: Decimal,
    paid_at,
    window=None,
    by=None,
    received: Decimal | None = None,
) -> Payment:
    """Inside the caller's transaction, the notice locked: the payment, the notice paid, the receipt. `received`:
    the cash taken at the window when more than the amount (its change handed back)."""
    payment = Payment.objects.create(
        notice=notice,
        provider=provider,
        reference=reference,
        channel=channel,
        amount=amount,
        received=received,
        paid_at=paid_at,
        recorded_at=clock.now(),
        window=window,
        recorded_by=by,
    )
    notice.state = Notice.State.PAID
    notice.save(update_fields=["state"])
    receipt = _issue_receipt(payment)
    audit.record(
        "fees.record_payment",
        payment,
        actor=by,
        summary={
            "notice": notice.code,
            "reference": reference,
            "channel": channel,
            "amount": compute.yuan(amount),
            **({"received": compute.yuan(received)} if received is not None else {}),
            "receipt": receipt.number,
        },
    )
    return payment


def receive_callback(*, provider: str, body: bytes, signature: str) -> Callback:
    """A provider's callback (异步通知), verified and recorded as it came; a paid one records the payment once.
    Returns the stored callback with its outcome. A forged one is stored as refused and raises AccessDenied."""
    source = providers.get(provider)
    text = body.decode("utf-8", errors="replace")[:4000]
    try:
        message = source.parse(body, signature)
    except providers.Forged:
        with transaction.atomic():
            Callback.objects.create(
                provider=provider,
                received_at=clock.now(),
                body=text,
                signature=(signature or "")[:128],
                outcome=Callback.Outcome.FORGED,
            )
            audit.record("fees.callback_forged", summary={"provider": provider}, object_type="fees.callback")
        raise AccessDenied(_("缴款通知签名不符,已拒绝")) from None

    def stored(outcome):
        return Callback.objects.create(
            provider=provider,
            received_at=clock.now(),
            body=text,
            signature=(signature or "")[:128],
            outcome=outcome,
            notice_code=message.notice_code,
            reference=message.reference,
        )

    if message.kind == "refund":
        return _refund_callback(provider, message, stored)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().filter(code=message.notice_code).first()
        if notice is None:
            return stored(Callback.Outcome.REJECTED)
        existing = Payment.objects.filter(notice=notice).first()
        if message.status != "paid":
            # A "pending" or "closed" arriving after the payment is older news: nothing changes.
            return stored(Callback.Outcome.STALE if existing else Callback.Outcome.PENDING)
        if existing is not None:
            same = existing.reference == message.reference
            return stored(Callback.Outcome.DUPLICATE if same else Callback.Outcome.REJECTED)
        if notice.state != Notice.State.UNPAID or message.amount.quantize(CENT) != notice.total:
            return stored(Callback.Outcome.REJECTED)
        if Payment.objects.filter(reference=message.reference).exists():
            return stored(Callback.Outcome.REJECTED)
        _record_payment(
            notice,
            provider=provider,
            reference=message.reference,
            channel=Channel.ONLINE,
            amount=notice.total,
            paid_at=message.paid_at or clock.now(),
        )
        return stored(Callback.Outcome.RECORDED)


def _refund_callback(provider: str, message, stored) -> Callback:
    """A provider says an approved refund's money went back (refunded) or is on its way (processing): recorded once,
    against the refund it names, for the payment and amount it was asked for."""
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update()
            .select_related("payment__notice")
            .filter(provider=provider, reference=message.reference)
            .first()
        )
        if (
            refund is None
            or refund.state != Refund.State.APPROVED
            or refund.payment.reference != message.payment
            or message.amount.quantize(CENT) != refund.amount
        ):
            return stored(Callback.Outcome.REJECTED)
        if message.status != "refunded":
            return stored(Callback.Outcome.STALE if refund.paid_out_at else Callback.Outcome.PENDING)
        if refund.paid_out_at is not None:
            return stored(Callback.Outcome.DUPLICATE)
        refund.paid_out_at = message.paid_at or clock.now()
        refund.save(update_fields=["paid_out_at"])
        audit.record(
            "fees.refund_paid_out",
            refund,
            summary={
                "reference": refund.reference,
                "payment": refund.payment.reference,
                "amount": str(refund.amount),
            },
        )
        callback = stored(Callback.Outcome.RECORDED)
        callback.notice_code = refund.payment.notice.code
        callback.save(update_fields=["notice_code"])
        return callback


def _window_clerk(by, doing: str = ""):
    """The clerk of a fee window (permissions.window_refusal): "进驻大厅部门审批服务事项收费由收费窗口统一征收".
    `doing`: what was refused, in the refusal (登记窗口缴款 unless said)."""
    if refused := permissions.window_refusal(by, doing):
        raise refused
    return access.staff_of(by)


def window_notice(*, code: str, by) -> Notice:
    """收费窗口, first step: the notice a payment code names, for the clerk to read the payer and the amount due to
    the payer before taking the money — only a notice the window collects (access.fee_scope_q)."""
    _window_clerk(by)
    notice = notice_by_code(code)
    if refused := permissions.collecting_refusal(by, notice):
        raise refused
    return notice


def record_at_window(*, code: str, by, channel: str, voucher: str = "", received=None) -> Payment:
    """At the fee window (收费窗口) a clerk records cash or a card payment: the same payment, receipt and ledger as
    paying online. A card payment names the terminal's voucher number (刷卡凭证号). `received`, when given, is the
    amount the clerk confirms having received: a card is charged the amount due exactly; cash may be more (the
    payer hands 100 for 90 and gets 10.00 back: the payment records 实收 and its 找零), never less (a notice is
    paid whole). The payment's amount is the amount due either way."""
    staff = _window_clerk(by)
    window_notice(code=code, by=by)
    if channel not in (Channel.CASH, Channel.CARD):
        raise ValidationFailed(_("请选择缴款方式:现金或刷卡"), field="channel")
    # a number longer than the terminal prints is a typing error: refused, not cut to another number
    voucher = text(voucher, field="voucher", label=_("刷卡凭证号"), max_length=40, required=False)
    if channel == Channel.CARD and not voucher:
        raise ValidationFailed(_("刷卡缴款请填写凭证号"), field="voucher")
    notice = notice_by_code(code)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if refused := permissions.payment_refusal(notice):
            raise refused
        got = _money(received, "received", label=_("实收金额")) if received is not None else None
        said = {"got": compute.yuan(got or Decimal("0")), "due": compute.yuan(notice.total)}
        if got is not None and channel == Channel.CASH and got < notice.total:
            raise ValidationFailed(
                _("实收现金 %(got)s 元少于应缴金额 %(due)s 元,请收足后再确认收款") % said, field="received"
            )
        if got is not None and channel == Channel.CARD and got != notice.total:
            raise ValidationFailed(
                _("刷卡金额 %(got)s 元与应缴金额 %(due)s 元不符,请按应缴金额刷卡后再确认收款") % said,
                field="received",
            )
        reference = (
            f"POS{voucher}"
            if channel == Channel.CARD
            else f"CASH{staff.window_id:03d}{clock.local_now().strftime('%Y%m%d%H%M%S')}{notice.pk}"
        )
        if Payment.objects.filter(reference=reference).exists():
            raise Conflict(_("该凭证号已登记过一笔缴款"), code="fee.voucher_used")
        return _record_payment(
            notice,
            provider="window",
            reference=reference,
            channel=channel,
            amount=notice.total,
            paid_at=clock.now(),
            window=staff.window,
            by=by,
            received=got if channel == Channel.CASH else None,
        )


# ---------------------------------------------------------------- receipts (财政电子票据)


def _receipt_number() -> str:
    """票据号码: the year's receipt code (8 digits) and a serial (10 digits)."""
    year = clock.today().year
    prefix = f"3606{year % 100:02d}01"
    last = (
        Receipt.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
    )
    serial = int(last[0][8:]) + 1 if last else 1
    return f"{prefix}{serial:010d}"


def _issue_receipt(payment: Payment, *, replaces: Receipt | None = None) -> Receipt:
    return Receipt.objects.create(
        payment=payment,
        number=_receipt_number(),
        payer=payment.notice.payer,
        amount=payment.amount,
        issued_at=clock.now(),
        replaces=replaces,
    )


def void_and_reissue(*, receipt: Receipt, by, reason: str, payer: str = "") -> Receipt:
    """作废并换开: the voided receipt stays with its reason; the new one names it (e.g. the payer's name corrected)."""
    if refused := permissions.collecting_refusal(by, receipt.payment.notice, _("作废并换开票据")):
        raise refused
    # too long is refused at the field, not cut short on the receipts without a word (the columns' lengths)
    reason = text(reason, field="reason", label=_("作废原因"), max_length=300)
    payer = text(payer, field="payer", label=_("交款人"), max_length=100, required=False)
    with transaction.atomic():
        receipt = Receipt.objects.select_for_update().select_related("payment__notice").get(pk=receipt.pk)
        if refused := permissions.void_state_refusal(receipt):
            raise refused
        receipt.voided_at = clock.now()
        receipt.void_reason = reason
        receipt.save(update_fields=["voided_at", "void_reason"])
        new = _issue_receipt(receipt.payment, replaces=receipt)
        if payer:
            new.payer = payer
            new.save(update_fields=["payer"])
        audit.record(
            "fees.void_receipt",
            receipt,
            actor=by,
            summary={"voided": receipt.number, "reissued": new.number, "reason": reason},
        )
    return new


def current_receipt(payment: Payment) -> Receipt | None:
    return payment.receipts.filter(voided_at__isnull=True).first()


# ---------------------------------------------------------------- refunds (退付)


def request_refund(*, payment: Payment, by, amount, reason: str, explanation: str) -> Refund:
    """退付 asked by the collecting organisation's staff or the fee window: overpaid, or the case withdrawn or
    ended, against the original payment; never more than was paid less what is refunded already."""
    if refused := permissions.requester_refusal(by, payment.notice):
        raise refused
    if reason not in Refund.Reason.values:
        raise ValidationFailed(_("请选择退付原因"), field="reason")
    from zhengwu.cases.models import Status

    explanation = text(explanation, field="explanation", label=_("退付说明"), max_length=500, required=False)
    if not explanation:
        raise ValidationFailed(_("请写明退付说明"), field="explanation")
    amount = _money(amount, "amount", label=_("退付金额"))
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("notice__case").get(pk=payment.pk)
        case = payment.notice.case
        # 申请撤回或终止: only once the case really ended without a result (撤回、终止、不予受理)
        ended = (Status.WITHDRAWN, Status.TERMINATED, Status.REFUSED)
        if reason == Refund.Reason.WITHDRAWN and case.status not in ended:
            raise ValidationFailed(
                _(
                    "办件 %(number)s 当前为「%(status)s」,未撤回、终止或不予受理,不能以「申请撤回或终止」退付;"
                    "多缴请选「多缴」,其他情形选「其他」并写明说明"
                )
                % {"number": case.number, "status": case.get_status_display()},
                field="reason",
            )
        left = permissions.refundable(payment)
        if amount > left:
            raise ValidationFailed(
                _("退付金额不能超过可退金额 %(left)s 元") % {"left": compute.yuan(left)}, field="amount"
            )
        refund = Refund.objects.create(
            payment=payment,
            amount=amount,
            reason=reason,
            explanation=explanation,
            requested_at=clock.now(),
            requested_by=by,
        )
        audit.record(
            "fees.request_refund",
            refund,
            actor=by,
            summary={"payment": payment.reference, "amount": str(amount)},
        )
    return refund


def decide_refund(*, refund: Refund, by, approve: bool, opinion: str = "") -> Refund:
    """审批退付: a department head of the collecting organisation (or a centre manager), never the one who asked."""
    if refused := permissions.decider_refusal(by, refund):
        raise refused
    opinion = text(opinion, field="opinion", label=_("审批意见"), max_length=500, required=False)
    if not approve and not opinion:
        raise ValidationFailed(_("不予退付须写明理由"), field="opinion")
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment__notice").get(pk=refund.pk)
        if refused := permissions.decision_state_refusal(refund):
            raise refused
        refund.state = Refund.State.APPROVED if approve else Refund.State.REJECTED
        refund.decided_at = clock.now()
        refund.decided_by = by
        refund.opinion = opinion
        refund.save(update_fields=["state", "decided_at", "decided_by", "opinion"])
        payment = refund.payment
        if approve:
            # back the way it came (原路退回), and the record says which way
            refund.channel = payment.channel
            source = providers.PROVIDERS.get(payment.provider)
            if source is not None:  # paid online: through the provider, whose callback says when it is back
                refund.provider = payment.provider
                refund.reference = source.start_refund(refund)
            elif payment.channel == Channel.CARD:
                # to the card it came from: the fee window runs the terminal's 退货 and records its voucher
                # (pay_out_card); until then it is 待退回原卡 and reconciliation lists it
                refund.provider = payment.provider
            else:
                # cash at the fee window: handed back there in cash by the cashier, who confirms it (pay_out_cash);
                # until then it is 待收费窗口退还现金 and reconciliation lists it
                refund.provider, refund.reference = payment.provider, f"R{payment.reference}-{refund.pk}"[:64]
            refund.save(update_fields=["channel", "provider", "reference"])
            if permissions.refunded(payment) >= payment.amount:
                Notice.objects.filter(pk=payment.notice_id).update(state=Notice.State.REFUNDED)
        _tell_applicant(payment.notice.case, _refund_message(refund), subject=_("退付审批结果"))
        audit.record(
            "fees.decide_refund", refund, actor=by, summary={"approve": approve, "amount": str(refund.amount)}
        )
    return refund


def _refund_message(refund: Refund) -> str:
    """What the payer is told when a refund is decided: approved, how the money comes back and what to do for it
    (cash is collected at the fee window where it was paid); refused, why."""
    payment = refund.payment
    said = {
        "number": payment.notice.case.number,
        "code": payment.notice.code,
        "amount": compute.yuan(refund.amount),
    }
    if refund.state == Refund.State.REJECTED:
        return _("办件 %(number)s 缴款码 %(code)s 的退付申请 %(amount)s 元不予退付:%(opinion)s") % {
            **said,
            "opinion": refund.opinion,
        }
    text = _("办件 %(number)s 缴款码 %(code)s 已批准退付 %(amount)s 元,%(method)s。") % {
        **said,
        "method": refund.method_label,
    }
    return text + refund_next_step(refund)


def refund_next_step(refund: Refund) -> str:
    """For the payer, what an approved refund not yet paid back waits for: cash to collect at the fee window, the
    window's refund to the card, or the channel's refund; empty once paid back."""
    if refund.state != Refund.State.APPROVED or refund.paid_out_at is not None:
        return ""
    window = refund.payment.window
    if refund.channel == Channel.CASH:
        where = _("政务服务中心收费窗口")
        if window is not None:
            name = (
                window.name
                if window.number in window.name
                else _("%(number)s号%(name)s") % {"number": window.number, "name": window.name}
            )
            where = _("%(centre)s %(window)s") % {"centre": window.centre.name, "window": name}
        return _("请缴款人持有效身份证件到%(where)s领取现金。") % {"where": where}
    if refund.channel == Channel.CARD:
        return _("收费窗口将在 POS 机上退回原银行卡,到账时间以发卡银行为准。")
    return _("款项将由原缴款渠道退回,到账时间以缴款渠道为准。")


def pay_out_card(*, refund: Refund, by, voucher: str) -> Refund:
    """退回原卡: the fee window that collects the notice runs the card terminal's refund (退货) of an approved card
    refund and records the terminal's voucher number; the money is then on its way back to the card it came from."""
    if refused := permissions.collecting_refusal(by, refund.payment.notice, _("登记退回原卡")):
        raise refused
    voucher = text(voucher, field="voucher", label=_("POS 退货凭证号"), max_length=40, required=False)
    if not voucher:
        raise ValidationFailed(_("请填写 POS 退货凭证号"), field="voucher")
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment__notice").get(pk=refund.pk)
        if refused := permissions.payout_state_refusal(refund, Channel.CARD):
            raise refused
        reference = f"POSR{voucher}"
        if Refund.objects.filter(reference=reference).exists():
            raise Conflict(_("该退货凭证号已登记过一笔退付"), code="fee.voucher_used")
        refund.reference, refund.paid_out_at, refund.paid_out_by = reference, clock.now(), by
        refund.save(update_fields=["reference", "paid_out_at", "paid_out_by"])
        audit.record(
            "fees.refund_card_paid_out",
            refund,
            actor=by,
            summary={
                "reference": reference,
                "payment": refund.payment.reference,
                "amount": str(refund.amount),
            },
        )
    return refund


def pay_out_cash(*, refund: Refund, by) -> Refund:
    """退还现金: the fee window that collects the notice hands the cash of an approved cash refund back to the payer
    and confirms it; only then is the refund 已退款 (paid_out_at, paid_out_by) and counted by reconciliation that
    day. The approver does not hand out the cash (审批与经办分离), as the one who asked does not approve."""
    if refused := permissions.collecting_refusal(by, refund.payment.notice, _("退还现金")):
        raise refused
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment__notice").get(pk=refund.pk)
        if refused := permissions.payout_state_refusal(
            refund, Channel.CASH
        ) or permissions.cash_hander_refusal(by, refund):
            raise refused
        refund.paid_out_at, refund.paid_out_by = clock.now(), by
        refund.save(update_fields=["paid_out_at", "paid_out_by"])
        audit.record(
            "fees.refund_cash_paid_out",
            refund,
            actor=by,
            summary={"payment": refund.payment.reference, "amount": str(refund.amount)},
        )
    return refund
