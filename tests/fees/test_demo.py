"""The fees demo loads on any day (its dates count back from the clock) and has a paid, an unpaid, a refunded and an
unreconciled payment, the transfer item charging from the catalogue."""

import datetime as dt

import pytest
from django.test import override_settings

from zhengwu.catalog.demo import load_demo_catalogue
from zhengwu.core import clock
from zhengwu.core.demo import load_demo
from zhengwu.core.management.commands.demo import load_domain_demos
from zhengwu.fees import reconcile
from zhengwu.fees.models import CatalogueFee, Discrepancy, Notice


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2027, 2, 8, 10, 0, tzinfo=clock.LOCAL)
    ],  # Spring Festival of a year the calendar does not know
)
def test_the_demo_has_every_state(db, moment):
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        with clock.frozen(moment - dt.timedelta(days=120)):
            load_demo()
            load_demo_catalogue()
        with clock.frozen(moment):
            lines = load_domain_demos()
            assert any(line.startswith("统一收费演示:收费目录 6 项") for line in lines), lines
            assert CatalogueFee.objects.count() == 6
            states = sorted(Notice.objects.values_list("state", flat=True))
            assert states == ["paid", "paid", "refunded", "unpaid"]
            open_ = Discrepancy.objects.filter(cleared_at__isnull=True)
            assert {d.kind for d in open_} == {"not_in_bank", "not_remitted"}
            assert open_.values("reference").distinct().count() == 1
            paid = Notice.objects.get(case__idempotency_key="demo-fees-paid")
            assert paid.case.status == "completed" and paid.payment.receipts.count() == 1
            day = clock.local_date(paid.payment.paid_at)
            assert reconcile.reconcile(day)["balanced"]
            assert "统一收费演示:已存在" in " ".join(load_domain_demos())
