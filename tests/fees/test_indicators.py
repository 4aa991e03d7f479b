"""`zhengwu indicators` shows the money: per collecting organisation and month, collected, refunded and outstanding
at the month's end, from SQL aggregates (a corrected notice counts once, a cancelled one not at all)."""

import datetime as dt
import json

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.fees.conftest import land_case
from zhengwu.core import clock
from zhengwu.fees import selectors, services
from zhengwu.supervision.indicators import Period


def at(moment: str):
    clock.set_now(dt.datetime.fromisoformat(moment).replace(tzinfo=clock.LOCAL))


def test_amounts_per_organisation_per_month(fees_world, capsys):
    w = fees_world
    at("2026-09-28T10:00")
    paid = services.issue_notice(case=land_case(w), by=w.land_clerk)  # 90.00, paid at once
    payment = services.record_at_window(code=paid.code, by=w.cashier, channel="cash")
    late = services.issue_notice(
        case=land_case(w), by=w.land_clerk, only=["BDC-001"]
    )  # 80.00, paid in October
    at("2026-10-09T10:00")
    services.record_at_window(code=late.code, by=w.cashier, channel="cash")
    refund = services.request_refund(
        payment=payment, by=w.cashier, amount="10", reason="overpaid", explanation="多收"
    )
    services.decide_refund(refund=refund, by=w.land_head, approve=True)
    wrong = services.issue_notice(case=land_case(w), by=w.land_clerk, quantities={"BDC-003": 3})  # 110.00
    services.correct_notice(notice=wrong, by=w.land_clerk, reason="证书份数填错", quantities={"BDC-003": 1})
    at("2026-11-02T10:00")
    call_command("indicators", "--from", "2026-09-01", "--to", "2026-10-31", "--format", "json")
    result = json.loads(capsys.readouterr().out)
    [fees] = [s for s in result["sections"] if s["key"] == "fees"]
    assert fees["header"] == [
        "执收单位",
        "月份",
        "实收(元)",
        "缴款笔数",
        "退付(元)",
        "月末未缴(元)",
        "月末未缴通知书",
    ]
    assert fees["rows"] == [
        ["贵溪市自然资源局", "2026-09", "90.00", 1, "0.00", "80.00", 1],
        ["贵溪市自然资源局", "2026-10", "80.00", 1, "10.00", "90.00", 1],
    ]
    # CSV carries the section after the case indicators
    call_command("indicators", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "csv")
    csv = capsys.readouterr().out
    assert "统一收费金额" in csv and "贵溪市自然资源局,2026-10,80.00,1,10.00,90.00,1" in csv
    # aggregates: a fixed number of statements whatever the number of payments (2 + one per month + names)
    with CaptureQueriesContext(connection) as queries:
        selectors.indicator_section(Period(dt.date(2026, 9, 1), dt.date(2026, 10, 31)))
    assert len(queries) == 5


def test_nothing_charged_adds_no_section(fees_world):
    assert selectors.indicator_section(Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30))) is None
