"""Reconciliation: charged = paid = receipted = remitted per window and organisation, from our records and the bank
statement CSV; a missing remittance, a bank line that is not ours and a missing bank line are named exceptions a
person clears; `zhengwu fees reconcile --date D --json`."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_staff
from tests.fees.conftest import land_case
from zhengwu.core.errors import AccessDenied, ValidationFailed
from zhengwu.core.models import Role
from zhengwu.fees import reconcile, services, simulator
from zhengwu.fees.models import Discrepancy, Payment

DAY = dt.date(2026, 9, 28)


@pytest.fixture
def two_payments(fees_world):
    w = fees_world
    online = services.issue_notice(case=land_case(w), by=w.land_clerk)
    simulator.pay(online)
    counter = services.issue_notice(case=land_case(w), by=w.land_clerk, quantities={"BDC-003": 2})
    services.record_at_window(code=counter.code, by=w.cashier, channel="cash")
    return Payment.objects.get(notice=online), Payment.objects.get(notice=counter)


def statement(*rows) -> bytes:
    lines = ["记账日期,交易流水号,缴款码,金额,类型"] + [",".join(r) for r in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def full_statement(online, counter, *, skip_remit_of=None):
    rows = []
    for p in (online, counter):
        rows.append(("2026-09-28", p.reference, p.notice.code, str(p.amount), "收款"))
        if p != skip_remit_of:
            rows.append(("2026-09-29", p.reference, p.notice.code, str(p.amount), "缴库"))
    return statement(*rows)


def test_a_balanced_day(fees_world, two_payments):
    online, counter = two_payments
    first = reconcile.import_statement(full_statement(online, counter))
    assert (first["imported"], first["skipped"]) == (4, 0)
    again = reconcile.import_statement(full_statement(online, counter))
    assert (again["imported"], again["skipped"]) == (0, 4) and again["days"] == first["days"]
    report = reconcile.reconcile(DAY)
    assert report["payments"] == 2 and report["balanced"] and report["exceptions"] == []
    assert report["totals"] == {
        "charged": "190.00",
        "paid": "190.00",
        "receipted": "190.00",
        "banked": "190.00",
        "remitted": "190.00",
    }
    assert report["by_window"]["网上缴款"]["paid"] == "90.00"
    assert report["by_window"]["贵溪市政务服务中心 收费窗口"]["paid"] == "100.00"
    assert report["by_organisation"]["贵溪市自然资源局"]["remitted"] == "190.00"


def test_reconciliation_finds_a_missing_remittance_and_a_person_clears_it(fees_world, two_payments):
    online, counter = two_payments
    reconcile.import_statement(
        full_statement(online, counter, skip_remit_of=counter)
        + statement(("2026-09-28", "BANK-X1", "", "35.00", "收款")).split(b"\n", 1)[1]
    )
    report = reconcile.reconcile(DAY)
    assert not report["balanced"] and report["totals"]["remitted"] == "90.00"
    kinds = {(e["kind"], e["reference"]) for e in report["exceptions"]}
    assert kinds == {("not_remitted", counter.reference), ("not_ours", "BANK-X1")}
    missing = Discrepancy.objects.get(kind="not_remitted")
    assert "未见缴库" in missing.detail and missing.organisation == fees_world.land
    # Running again records nothing twice.
    reconcile.reconcile(DAY)
    assert Discrepancy.objects.count() == 2
    with pytest.raises(ValidationFailed) as err:
        reconcile.clear(discrepancy=missing, by=fees_world.manager, note="")
    assert err.value.field == "note"
    with pytest.raises(AccessDenied):
        reconcile.clear(discrepancy=missing, by=fees_world.land_approver, note="x")
    for d in Discrepancy.objects.all():
        reconcile.clear(discrepancy=d, by=fees_world.manager, note="次日补缴库;错账已由银行冲正")
    assert reconcile.reconcile(DAY)["balanced"]


def test_the_cashier_s_home_titles_a_difference_by_notice_amount_and_kind(fees_world, two_payments, client):
    online, counter = two_payments
    reconcile.import_statement(full_statement(online, counter, skip_remit_of=counter))
    reconcile.reconcile(DAY)
    client.force_login(fees_world.cashier)
    page = client.get("/workbench/").content.decode()
    title = f"缴款码 {counter.notice.code} 已缴 {counter.amount} 元,未见缴库</a>"
    assert title in page and f"{counter.reference}</a>" not in page  # the reference is no title
    assert f"已缴款未缴库 · 流水号 {counter.reference}" in page  # but a detail beneath it


def test_a_supervisor_reads_the_differences_and_is_not_offered_to_clear_them(
    fees_world, two_payments, client
):
    online, counter = two_payments
    reconcile.import_statement(statement(("2026-09-28", "BANK-X1", "", "35.00", "收款")))
    reconcile.reconcile(DAY, by=fees_world.cashier)
    supervisor = make_staff("jiancha", fees_world.centre_org, roles=[Role.SUPERVISOR], name="周监察").user
    client.force_login(supervisor)
    page = client.get(f"/workbench/fees/reconcile/?date={DAY}").content.decode()
    assert "BANK-X1:银行 2026-09-28 收款 35.00 元" in page  # no organisation: no stray space before the colon
    assert 'name="clear"' not in page and "由收费窗口或中心管理人员处理" in page
    client.force_login(fees_world.cashier)
    assert 'name="clear"' in client.get(f"/workbench/fees/reconcile/?date={DAY}").content.decode()


def test_no_statement_means_nothing_banked(fees_world, two_payments):
    report = reconcile.reconcile(DAY)
    assert {e["kind"] for e in report["exceptions"]} == {"not_in_bank", "not_remitted"}
    assert len(report["exceptions"]) == 4


@pytest.mark.parametrize(
    "content, message",
    [
        ("日期,流水\n", "缺少列"),
        ("记账日期,交易流水号,缴款码,金额,类型\n2026-13-01,A,,1,收款\n", "第2行「记账日期」"),
        ("记账日期,交易流水号,缴款码,金额,类型\n2026-09-28,A,,-1,收款\n", "第2行「金额」"),
        (
            "记账日期,交易流水号,缴款码,金额,类型\n2026-09-28,A,,1,收款\n2026-09-28,B,,1,退款\n",
            "第3行「类型」",
        ),
        ("记账日期,交易流水号,缴款码,金额,类型\n2026-09-28,,,1,收款\n", "第2行「交易流水号」"),
    ],
)
def test_a_bad_statement_is_refused_whole_naming_the_line(db, content, message):
    with pytest.raises(ValidationFailed, match=message):
        reconcile.import_statement(content.encode())
    from zhengwu.fees.models import StatementLine

    assert not StatementLine.objects.exists()


def test_the_command_prints_totals_and_exceptions_as_json(fees_world, two_payments, tmp_path):
    online, counter = two_payments
    path = tmp_path / "statement.csv"
    path.write_bytes(full_statement(online, counter, skip_remit_of=counter))
    out = io.StringIO()
    call_command("fees", "import-statement", str(path), stdout=out)
    assert "导入 3 行" in out.getvalue()
    out = io.StringIO()
    call_command("fees", "reconcile", "--date", "2026-09-28", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["totals"]["paid"] == "190.00" and report["totals"]["remitted"] == "90.00"
    assert [e["kind_label"] for e in report["exceptions"]] == ["已缴款未缴库"]
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("fees", "reconcile", "--date", "28/09/2026")


def test_the_import_says_which_columns_and_types_a_statement_has(fees_world, client, db):
    """Walked on a working day: the cashier's 对账 page offered 导入银行对账单(CSV) with nothing on what the file
    holds, and a 类型 the bank wrote as 退款 was refused as "应为「收款」或「缴库」" although 退付 lines are read
    too. The page now states the columns and types, and the refusal names all three."""
    client.force_login(fees_world.cashier)
    page = client.get("/workbench/fees/reconcile/").content.decode()
    assert "记账日期,交易流水号,缴款码,金额,类型" in page and "「退付」" in page
    with pytest.raises(ValidationFailed, match="应为「收款」「缴库」或「退付」"):
        reconcile.import_statement("记账日期,交易流水号,缴款码,金额,类型\n2026-09-28,B,,1,退款\n".encode())


def test_a_statement_file_with_a_300_character_name_is_recorded_by_a_name_keeping_its_extension(
    fees_world, two_payments
):
    from zhengwu.fees.models import StatementLine

    online, counter = two_payments
    name = "中国农业银行贵溪市支行非税收入汇缴专户对账单" * 14 + ".csv"
    reconcile.import_statement(full_statement(online, counter), source=name)
    kept = {line.source for line in StatementLine.objects.all()}
    assert len(kept) == 1
    (source,) = kept
    assert len(source) == 200 and source.endswith(".csv") and source.startswith("中国农业银行贵溪市支行")


def test_a_payment_code_longer_than_its_column_refuses_the_statement_naming_line_and_column(
    fees_world, two_payments
):
    """The 缴款码 was cut to 20 characters, silently (a cut code names another notice, or none): the statement is now
    refused naming its line and column, nothing of it imported."""
    from zhengwu.fees.models import StatementLine

    online, counter = two_payments
    good = full_statement(online, counter)
    bad = statement(("2026-09-28", "BANK-X2", "3606812026" * 3, "35.00", "收款")).split(b"\n", 1)[1]
    with pytest.raises(ValidationFailed) as caught:
        reconcile.import_statement(good + bad)
    assert caught.value.message == "第6行「缴款码」:「缴款码」最长 20 个字符,现有 30 个"
    assert caught.value.field == "file" and not StatementLine.objects.exists()
