"""What the fees demo holds on any day (its dates count back from the clock): checked at each of
tests/core/test_demo_dates.py's moments, where every domain's demo is loaded once — a paid, an unpaid, a refunded and
an unreconciled payment, the transfer item charging from the catalogue."""

from zhengwu.core import clock
from zhengwu.fees import demo, reconcile
from zhengwu.fees.models import CatalogueFee, Discrepancy, Notice


def check_the_fees_demo(lines: list[str]) -> None:
    assert any(line.startswith("统一收费演示:收费目录 6 项") for line in lines), lines
    assert CatalogueFee.objects.count() == 6
    states = sorted(Notice.objects.values_list("state", flat=True))
    assert states == ["paid", "paid", "refunded", "unpaid"]
    open_ = Discrepancy.objects.filter(cleared_at__isnull=True)
    assert {d.kind for d in open_} == {"not_in_bank", "not_remitted"}
    assert open_.values("reference").distinct().count() == 1
    paid = Notice.objects.get(case__idempotency_key="demo-fees-paid")
    assert paid.case.status == "completed" and paid.payment.receipts.count() == 1
    assert reconcile.reconcile(clock.local_date(paid.payment.paid_at))["balanced"]
    assert demo.load_demo().startswith("统一收费演示:已存在")
