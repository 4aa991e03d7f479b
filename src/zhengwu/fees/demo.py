"""Demo fees: the catalogue's real entries under the county's collecting organisations (loaded before any domain's
records: the demo's 不动产 and 居民身份证 items name its fees by code, and the cases demo's 不动产 cases are charged by
a notice paid online, an action this module lends it), the fee window of the centre (run by the finance bureau) with
its cashier, the 不动产 首次登记 item charging from the catalogue, and four cases — paid online and reconciled,
unpaid, paid at the window and refunded after withdrawal, and paid online with no bank statement line yet (an open
reconciliation exception). The catalogue's fees apply from their approving documents' days (standards.py); the
cases' dates count back from today."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from zhengwu.cases import demo as cases_demo
from zhengwu.cases import services as case_services
from zhengwu.core import clock
from zhengwu.core.models import Organisation, Window
from zhengwu.fees import reconcile, selectors, services, simulator, standards
from zhengwu.fees.models import CatalogueFee, Notice, Payment

ITEM = "国有建设用地使用权及房屋所有权首次登记"  # its fee lines name the catalogue (catalog/data/demo/budongchan.json)
PREFIX = "demo-fees-"
# key, applicant, subject, script: (working days ago, action, *args)
CASES = [
    (
        "paid",
        "wangjh",
        "新建商品房首次登记(已网上缴费)",
        [
            (6, "accept"),
            (6, "notice", ["BDC-001"]),
            (6, "pay_online"),
            (5, "claim"),
            (5, "step", "符合首次登记条件"),
            (5, "claim"),
            (5, "decide", True, "准予登记"),
            (4, "step", "已制证"),
            (4, "deliver", "window"),
            (4, "complete"),
        ],
    ),
    (
        "unpaid",
        "liumei",
        "自建住房首次登记(待缴费)",
        [
            (2, "accept"),
            (2, "notice", ["BDC-001", "BDC-003"], {"BDC-003": 1}),
            (1, "claim"),
            (1, "step", "符合首次登记条件"),
            (1, "claim"),
            (1, "decide", True, "准予登记"),
        ],
    ),
    (
        "refunded",
        "zhoulp",
        "商铺首次登记(缴费后撤回)",
        [
            (4, "accept"),
            (4, "notice", ["BDC-002"]),
            (4, "pay_window"),
            (3, "withdraw", "补充材料后重新申请"),
            (3, "refund"),
        ],
    ),
    (
        "unreconciled",
        "xuyan",
        "住宅首次登记(银行未到账)",
        [(1, "accept"), (1, "notice", ["BDC-001"]), (1, "pay_online")],
    ),
]


# the collectors of standards.FEES, by the demo county's short names of the organisations (catalog/data/demo/*.json)
COLLECTORS = {
    standards.REGISTRATION: "不动产登记中心",
    standards.POLICE: "公安局",
    standards.MARKET: "市场监管局",
}


def _collectors() -> dict:
    found = {o.short_name: o for o in Organisation.objects.filter(short_name__in=COLLECTORS.values())}
    return {k: found[v] for k, v in COLLECTORS.items() if v in found}


def _fee_window():
    """收费窗口 42 in the county centre, run by the finance bureau (区财政局在中心设收费窗口), and its cashier — both
    in the demo county's data (core/fixtures/demo_county.json), so the cashier is printed with the other logins."""
    window = Window.objects.filter(centre__name="贵溪市政务服务中心", number="42", collects_fees=True).first()
    user = get_user_model().objects.filter(username="cashier", staff__window=window).first()
    return (window, user) if window is not None and user is not None else (None, None)


def _item():
    try:
        return cases_demo._item("不动产登记中心", ITEM, "")
    except LookupError:
        return None


def _date_the_catalogue() -> int:
    """A demo loaded before the catalogue carried its documents' days listed every fee from a year before the day it
    was loaded, and the fine's law as its approving document: bring those first versions to standards.FEES (audited);
    a catalogue already right is left alone. How many fees were corrected."""
    from zhengwu.core import audit

    specs = {spec["code"]: spec for spec in standards.FEES}
    corrected = 0
    with transaction.atomic():
        for fee in CatalogueFee.objects.filter(code__in=specs, version=1):
            spec = specs[fee.code]
            valid_from = dt.date.fromisoformat(spec["valid_from"])
            if (fee.valid_from, fee.approval) == (valid_from, spec["approval"]):
                continue
            before = {"valid_from": fee.valid_from.isoformat(), "approval": fee.approval}
            fee.valid_from, fee.approval = valid_from, spec["approval"]
            fee.save(update_fields=["valid_from", "approval"])
            audit.record("demo.fee_dated", fee, summary={"before": before, "after": spec["valid_from"]})
            corrected += 1
    return corrected


def _notice_paid_online(case, args, clerk) -> None:
    """The cases demo's "notice" action (cases.demo.ACTIONS): 统一收费 of the catalogue fees named (codes), on a
    notice the case's clerk issues and the applicant pays online at once."""
    simulator.pay(services.issue_notice(case=case, by=clerk, only=list(args[0])))


def load_demo_definitions() -> str:
    """The fee catalogue, before any domain's records: the demo's items name its fees (their lines carry its codes),
    so a demo case of such an item is charged by a payment notice and waits for payment before its result goes out
    (cases.demo's scripts say "notice", this domain lends the action)."""
    cases_demo.ACTIONS["notice"] = _notice_paid_online
    collectors = _collectors()
    if not collectors:
        return ""
    if not CatalogueFee.objects.exists():
        with transaction.atomic():
            standards.load(collectors, valid_from=None)  # each fee from its approving document's day
        return f"统一收费演示:收费目录 {CatalogueFee.objects.count()} 项"
    corrected = _date_the_catalogue()
    return f"统一收费演示:已按批准文件更正 {corrected} 项收费的执行日期" if corrected else ""


def load_demo() -> str:
    if Notice.objects.filter(case__idempotency_key__startswith=PREFIX).exists():
        return "统一收费演示:已存在,未重复载入;收费窗口 42号 由财政局收费员 cashier 登录"
    collectors = _collectors()
    if not collectors:
        return "统一收费演示:未找到演示县的执收单位,跳过"
    load_demo_definitions()  # loaded on its own (a test), the catalogue first
    users = cases_demo._users()
    days = cases_demo.Days()
    with transaction.atomic():
        window, cashier = _fee_window()
        item = _item()
        manager = get_user_model().objects.filter(username="manager").first()
        if item is None or cashier is None or "estate2" not in users:
            return "统一收费演示:收费目录已载入(无演示办件)"
        clerk = users["estate2"]
        staff = clerk.staff
        for key, who, subject, script in CASES:
            moments = cases_demo.Moments(days, PREFIX + key)
            with clock.frozen(moments.at(script[0][0])):
                case = case_services.submit_case(
                    item=item,
                    applicant=cases_demo._applicant(who),
                    by=clerk,
                    form={"subject": subject, **cases_demo.ESTATE.get(subject, {})},
                    channel="counter",
                    window=staff.window,
                    idempotency_key=f"{PREFIX}{key}",
                )
            for ago, action, *args in script:
                with clock.frozen(moments.at(ago)):
                    case.refresh_from_db()
                    notice = selectors.current_notice(case)
                    if action == "notice":
                        services.issue_notice(
                            case=case, by=clerk, only=args[0], quantities=args[1] if len(args) > 1 else None
                        )
                    elif action == "pay_online":
                        simulator.pay(notice)
                    elif action == "pay_window":
                        services.record_at_window(code=notice.code, by=cashier, channel="cash")
                    elif action == "refund":
                        payment = Payment.objects.get(notice=notice)
                        refund = services.request_refund(
                            payment=payment,
                            by=clerk,
                            amount=payment.amount,
                            reason="withdrawn",
                            explanation="申请人撤回申请,全额退付",
                        )
                        refund = services.decide_refund(
                            refund=refund, by=manager, approve=True, opinion="同意退付"
                        )
                        if refund.channel == "cash":  # the cashier hands the cash back and confirms it
                            services.pay_out_cash(refund=refund, by=cashier)
                    else:
                        cases_demo._run(case, action, tuple(args), users, clerk)
        # The bank statement: every payment banked and remitted, except the last one (not yet in the bank).
        rows = ["记账日期,交易流水号,缴款码,金额,类型"]
        for payment in Payment.objects.select_related("notice").order_by("paid_at"):
            if payment.notice.case.idempotency_key == f"{PREFIX}unreconciled":
                continue
            day = clock.local_date(payment.paid_at)
            rows.append(f"{day},{payment.reference},{payment.notice.code},{payment.amount},收款")
            rows.append(
                f"{day + dt.timedelta(days=1)},{payment.reference},{payment.notice.code},{payment.amount},缴库"
            )
        reconcile.import_statement("\n".join(rows) + "\n", source="演示银行对账单.csv")
        # every day a payment was made on is reconciled: the demo's own and the cases demo's (charged by notice)
        for day in sorted({clock.local_date(p.paid_at) for p in Payment.objects.all()}):
            reconcile.reconcile(day)
    return (
        f"统一收费演示:收费目录 {CatalogueFee.objects.count()} 项,缴款通知书 {len(CASES)} 件(已缴、待缴、已退付、未对平各一);"
        "收费窗口 42号 由财政局收费员 cashier 登录"
    )
