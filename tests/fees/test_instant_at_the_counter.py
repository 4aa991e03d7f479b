"""An item handled on the spot (即办件, 临时居民身份证申领) whose fee names the catalogue (SFZ-003, 10 元): the clerk
accepts and decides at the window, the case page offers the payment notice, the applicant pays at the counter
(scanning the payment page, or cash at the fee window), and only then is the result handed over and the case
completed — with no alert from supervision. Before, 当场办结 failed outright (送达 refused: no notice could be issued
before it), so such an item could only keep its fee typed by hand, off the catalogue."""

import copy

import pytest

from tests.cases.conftest import INSTANT, publish
from tests.factories import make_staff, make_window, paper_checklist
from zhengwu.cases import services as case_services
from zhengwu.cases.models import Decision, Status
from zhengwu.core.errors import Conflict
from zhengwu.core.models import Role
from zhengwu.fees import services, simulator
from zhengwu.fees.models import Notice
from zhengwu.supervision.models import Alert


@pytest.fixture
def counter(fees_world):
    w = fees_world
    spec = copy.deepcopy(INSTANT)
    spec.update(
        name="临时居民身份证申领",
        fees=[services.item_line("SFZ-003")],
        result={"name": "临时居民身份证", "kind": "certificate", "delivery": ["window"]},
    )
    w.id_item = publish(spec, w.police)
    w.police_window = make_window(w.centre, "14", organisations=[w.police])
    w.police_clerk = make_staff(
        "policeclerk", w.police, roles=[Role.WINDOW_CLERK], window=w.police_window, name="蒋户政"
    ).user
    return w


def received(w):
    return case_services.submit_case(
        item=w.id_item,
        applicant=w.citizen,
        by=w.police_clerk,
        channel="counter",
        window=w.police_window,
        form={"subject": "身份证丢失申领临时身份证"},
    )


def test_an_instant_case_waits_for_its_notice_to_be_paid_then_is_handed_over(counter, client):
    w = counter
    case = received(w)
    client.force_login(w.police_clerk)
    page = client.post(
        f"/workbench/cases/{case.number}/act/instant/",
        {"method": "window", "paper": paper_checklist(case)},
        follow=True,
    ).content.decode()
    case.refresh_from_db()
    assert case.status == Status.DECIDED and case.decision == Decision.GRANT
    assert "请开具缴款通知书,缴款后送达办理结果并办结" in page and "即办件已当场办结" not in page
    assert f"/workbench/fees/cases/{case.number}/issue/" in page  # the panel offers the notice
    with pytest.raises(Conflict) as refused:
        case_services.deliver_result(case=case, by=w.police_clerk, method="window")
    assert refused.value.code == "fee.unpaid"

    notice = services.issue_notice(case=case, by=w.police_clerk)
    assert notice.total == 10 and [line.fee.code for line in notice.lines.all()] == ["SFZ-003"]
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert "待缴费" in page and f"/fees/pay/{notice.code}/" in page and "缴款人可扫码缴款" in page
    with pytest.raises(Conflict):
        case_services.deliver_result(case=case, by=w.police_clerk, method="window")

    simulator.pay(notice)  # the applicant scans the payment page at the counter
    notice.refresh_from_db()
    assert notice.state == Notice.State.PAID
    case_services.deliver_result(case=case, by=w.police_clerk, method="window")
    case = case_services.complete_case(case=case, by=w.police_clerk)
    assert case.status == Status.COMPLETED
    assert list(Alert.objects.filter(case=case).values_list("title", flat=True)) == []


def test_paid_in_cash_at_the_fee_window(counter):
    w = counter
    case = received(w)
    case = case_services.handle_instantly(case=case, by=w.police_clerk, paper=paper_checklist(case))
    notice = services.issue_notice(case=case, by=w.police_clerk)
    services.record_at_window(code=notice.code, by=w.cashier, channel="cash", received="10")
    case_services.deliver_result(case=case, by=w.police_clerk, method="window")
    assert case_services.complete_case(case=case, by=w.police_clerk).status == Status.COMPLETED
    assert not Alert.objects.filter(case=case).exists()


def test_an_instant_item_without_a_fee_to_pay_first_is_still_done_at_once(fees_world):
    w = fees_world
    case = case_services.submit_case(
        item=w.instant_item,
        applicant=w.citizen,
        by=w.clerk,
        channel="counter",
        window=w.dedicated,
        form={"subject": "个体工商户名称变更"},
    )
    case = case_services.handle_instantly(case=case, by=w.clerk, paper=paper_checklist(case))
    assert case.status == Status.COMPLETED
