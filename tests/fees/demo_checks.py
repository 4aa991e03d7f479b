"""What the fees demo holds on any day (its dates count back from the clock): checked at each of
tests/core/test_demo_dates.py's moments, where every domain's demo is loaded once — a paid, an unpaid, a refunded and
an unreconciled payment, the transfer item charging from the catalogue; the cases demo's three 不动产 cases with
fees (transfer and mortgage) and the instant 临时居民身份证 case charged by a notice paid online, reconciled."""

from django.contrib.auth import get_user_model

from zhengwu.core import clock
from zhengwu.fees import demo, reconcile, selectors
from zhengwu.fees.models import CatalogueFee, Discrepancy, Notice
from zhengwu.supervision.models import Alert


def check_the_fees_demo(lines: list[str]) -> None:
    assert any(line.startswith("统一收费演示:收费目录 7 项") for line in lines), lines
    assert CatalogueFee.objects.count() == 7
    states = sorted(Notice.objects.values_list("state", flat=True))
    assert states == ["paid"] * 6 + ["refunded", "unpaid"]
    # the instant 临时居民身份证 case: decided on the spot, its 10 元 notice paid at the counter, then handed over
    instant = Notice.objects.get(case__idempotency_key="demo-case-54")
    assert instant.total == 10 and instant.state == "paid" and instant.case.status == "completed"
    assert not Alert.objects.filter(case=instant.case).exists()
    # the cases demo's fees are the catalogue's, by a notice — none typed by hand, none flagged outside the catalogue
    from zhengwu.cases.models import CaseEvent

    by_hand = [
        fee["name"]
        for data in CaseEvent.objects.filter(action="charge_fee").values_list("data", flat=True)
        for fee in data.get("fees", [])
        if not fee.get("notice")
    ]
    assert by_hand == [] and not Alert.objects.filter(code="fee.not_in_catalogue").exists()
    estate = Notice.objects.filter(case__idempotency_key__in=["demo-case-31", "demo-case-32", "demo-case-33"])
    assert sorted(estate.values_list("total", flat=True)) == [80, 80, 90]
    open_ = Discrepancy.objects.filter(cleared_at__isnull=True)
    assert {d.kind for d in open_} == {"not_in_bank", "not_remitted"}
    assert open_.values("reference").distinct().count() == 1
    paid = Notice.objects.get(case__idempotency_key="demo-fees-paid")
    assert paid.case.status == "completed" and paid.payment.receipts.count() == 1
    assert reconcile.reconcile(clock.local_date(paid.payment.paid_at))["balanced"]
    # The catalogue lists each fee from its approving document's day, whatever the day the demo was loaded; a
    # fine names no approving document of its own.
    days = dict(CatalogueFee.objects.values_list("code", "valid_from"))
    assert {code: d.isoformat() for code, d in days.items()} == {
        "BDC-001": "2017-03-15",
        "BDC-002": "2017-03-15",
        "BDC-003": "2017-03-15",
        "SFZ-001": "2004-01-01",
        "SFZ-002": "2004-01-01",
        "SFZ-003": "2004-01-01",
        "FM-001": "2015-10-01",
    }
    fine = CatalogueFee.objects.get(code="FM-001")
    assert fine.approval != fine.basis and "不适用" in fine.approval
    # The fee window (42, 财政局) collects every one of the centre's notices, the 不动产 分中心's included.
    cashier = get_user_model().objects.get(username="cashier")
    assert selectors.visible_notices(cashier).count() == Notice.objects.count() == 8
    assert demo.load_demo().startswith("统一收费演示:已存在")
