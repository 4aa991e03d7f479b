"""The fee supervision rules (fee.*): above the standard, not in the catalogue, delivered unpaid, not reconciled
after 3 working days (counted over the 2026 National Day holiday)."""

import copy
import datetime as dt

import pytest

from tests.cases.conftest import ITEM, publish
from tests.factories import paper_checklist
from tests.fees.conftest import decide, land_case
from zhengwu.cases import services as case_services
from zhengwu.cases.models import CaseEvent
from zhengwu.core import clock
from zhengwu.fees import reconcile, rules, services, simulator
from zhengwu.fees.models import Discrepancy, Payment
from zhengwu.supervision.models import Alert


def write_event(case, action, data=None, by=None):
    """An event written around the services (as an import or a repair would): supervision still sees it."""
    last = case.events.order_by("-seq").first()
    return CaseEvent.objects.create(
        case=case,
        seq=last.seq + 1,
        at=clock.now(),
        action=action,
        from_status=case.status,
        to_status=case.status,
        actor=by,
        actor_label="",
        organisation=case.organisation,
        note="",
        data=data or {},
    )


def test_the_rules_carry_the_fee_prefix():
    from zhengwu.supervision.rules import DOMAINS
    from zhengwu.supervision.rules import rules as all_rules

    codes = {r.code for r in all_rules()}
    assert {"fee.above_standard", "fee.not_in_catalogue", "fee.delivered_unpaid", "fee.unreconciled"} <= codes
    assert DOMAINS["fee"] == "统一收费"


def test_a_charge_above_the_standard(fees_world):
    case = land_case(fees_world)
    notice = services.issue_notice(case=case, by=fees_world.land_clerk)
    assert not Alert.objects.filter(code__startswith="fee.").exists()  # the notice itself is at the standard
    write_event(
        case,
        "charge_fee",
        {
            "fees": [
                {
                    "name": "不动产登记费(住宅类)",
                    "amount": "120.00",
                    "standard_amount": "80.00",
                    "notice": notice.code,
                }
            ]
        },
    )
    alert = Alert.objects.get(code="fee.above_standard")
    assert "120.00" in alert.explanation and "80.00" in alert.explanation and alert.case == case


def test_a_typed_fee_the_catalogue_does_not_list(fees_world):
    w = fees_world
    spec = copy.deepcopy(ITEM)
    spec.update(
        name="不动产登记资料查询",
        fees=[{"name": "查询服务费", "standard": "每次 20 元", "amount": "20", "basis": "无"}],
    )
    item = publish(spec, w.land)
    case = case_services.submit_case(
        item=item,
        applicant=w.citizen,
        by=w.land_clerk,
        channel="counter",
        window=w.general,
        form={"subject": "查询"},
    )
    case = case_services.accept_case(case=case, paper=paper_checklist(case), by=w.land_clerk)
    case_services.charge_fee(case=case, by=w.land_clerk, fees=[{"name": "查询服务费", "amount": "20"}])
    alert = Alert.objects.get(code="fee.not_in_catalogue")
    assert "查询服务费" in alert.explanation and "贵溪市自然资源局的收费目录清单" in alert.explanation


def test_a_typed_fee_the_catalogue_lists_in_another_spelling_is_not_flagged(fees_world):
    """The item's list writes full-width brackets and a space (不动产登记费（住宅类） ), the catalogue half-width
    (不动产登记费(住宅类)): one fee — charging it raised 收费项目不在收费目录清单 (a stranger's pass on the estate item);
    a fee the catalogue does not list is still flagged beside it."""
    w = fees_world
    spec = copy.deepcopy(ITEM)
    spec.update(
        name="国有建设用地使用权及房屋所有权转移登记",
        fees=[
            {
                "name": "不动产登记费（住宅类） ",
                "standard": "80元/件",
                "amount": "80",
                "basis": "发改价格规〔2016〕2559号",
            },
            {"name": "查询服务费", "standard": "每次 20 元", "amount": "20", "basis": "无"},
        ],
    )
    item = publish(spec, w.land)

    def accepted():
        case = case_services.submit_case(
            item=item,
            applicant=w.citizen,
            by=w.land_clerk,
            channel="counter",
            window=w.general,
            form={"subject": "转移"},
        )
        return case_services.accept_case(case=case, paper=paper_checklist(case), by=w.land_clerk)

    case = accepted()  # the case page posts the list's own spelling
    case_services.charge_fee(
        case=case, by=w.land_clerk, fees=[{"name": "不动产登记费（住宅类）", "amount": "80"}]
    )
    assert not Alert.objects.filter(code="fee.not_in_catalogue").exists()
    # a client may type the catalogue's spelling: it finds the list's line, recorded in the list's own spelling
    other = accepted()
    case_services.charge_fee(
        case=other, by=w.land_clerk, fees=[{"name": "不动产登记费(住宅类)", "amount": "80"}]
    )
    assert other.events.get(action="charge_fee").data["fees"][0]["name"] == "不动产登记费（住宅类）"
    assert not Alert.objects.filter(code="fee.not_in_catalogue").exists()
    case_services.charge_fee(case=case, by=w.land_clerk, fees=[{"name": "查询服务费", "amount": "20"}])
    alert = Alert.objects.get(code="fee.not_in_catalogue")
    assert "查询服务费" in alert.explanation and "不动产登记费" not in alert.explanation


def test_a_result_delivered_unpaid(fees_world):
    w = fees_world
    case = land_case(w)
    decide(w, case)
    case.refresh_from_db()
    write_event(case, "deliver", {"method": "window"})
    alert = Alert.objects.get(code="fee.delivered_unpaid")
    assert "请先开具缴款通知书" in alert.explanation


# Paid on Monday 2026-09-28: 09-29 and 09-30 are its first two working days, then 国庆、中秋 2026-10-01..10-07;
# 10-08 is the third working day.
@pytest.mark.parametrize(
    "today, raised",
    [
        ("2026-09-30", 0),  # 2 working days
        ("2026-10-07", 0),  # still 2: the holiday
        ("2026-10-08", 1),  # 3 working days
    ],
)
def test_a_payment_not_reconciled_after_three_working_days(fees_world, today, raised):
    case = land_case(fees_world)
    simulator.pay(services.issue_notice(case=case, by=fees_world.land_clerk))
    clock.set_now(dt.datetime.combine(dt.date.fromisoformat(today), dt.time(8), tzinfo=clock.LOCAL))
    assert rules.scan_unreconciled() == raised
    assert rules.scan_unreconciled() == 0  # once per payment


def test_a_reconciled_payment_raises_nothing(fees_world):
    case = land_case(fees_world)
    simulator.pay(services.issue_notice(case=case, by=fees_world.land_clerk))
    p = Payment.objects.get()
    reconcile.import_statement(
        f"记账日期,交易流水号,缴款码,金额,类型\n2026-09-28,{p.reference},,90.00,收款\n2026-09-29,{p.reference},,90.00,缴库\n"
    )
    clock.set_now(dt.datetime(2026, 10, 12, 8, tzinfo=clock.LOCAL))
    assert rules.scan_unreconciled() == 0


def test_a_payment_whose_difference_was_cleared_is_reconciled(fees_world):
    """Refunded in full at the window, a card payment is banked but never remitted: the cashier clears 已缴款未缴库
    with why, and supervision does not call it unreconciled; a difference left open still is."""
    w = fees_world
    notice = services.issue_notice(case=land_case(w), by=w.land_clerk)
    p = services.record_at_window(code=notice.code, by=w.cashier, channel="card", voucher="100231")
    reconcile.import_statement(
        f"记账日期,交易流水号,缴款码,金额,类型\n2026-09-28,{p.reference},,90.00,收款\n"
    )
    report = reconcile.reconcile(dt.date(2026, 9, 28), by=w.cashier)
    [open_] = [e for e in report["exceptions"] if not e["cleared"]]
    assert open_["kind_label"] == "已缴款未缴库"
    clock.set_now(dt.datetime(2026, 10, 12, 8, tzinfo=clock.LOCAL))
    reconcile.clear(
        discrepancy=Discrepancy.objects.get(pk=open_["id"]), by=w.cashier, note="全额退回原卡,无需缴库"
    )
    assert rules.scan_unreconciled() == 0
