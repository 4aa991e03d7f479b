"""Append-only records and the audit chain, tried as an intruder with database rights would, on the whole demo:
every kind of event the demo writes (cases, 12345, 督办, rectification, the review ledger, disclosure requests) is
refused UPDATE and DELETE by the database, and `zhengwu audit verify` names the first row altered, removed or slipped in
once the triggers are out of the way. Anchors kept outside the database catch a chain rewritten end to end."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tests.conftest import set_append_only
from zhengwu.cases.models import Case, CaseEvent
from zhengwu.core import appendonly, audit, clock
from zhengwu.core.models import AuditRecord

PROTECTED = sorted(appendonly.protected_models(), key=lambda m: m._meta.label_lower)


def test_the_demo_chain_holds_and_covers_every_kind_of_append_only_row(demo_site):
    report = audit.verify()
    assert report.ok, report.problem
    for model in PROTECTED:
        assert model.objects.exists(), f"the demo writes no {model._meta.label_lower}"
    assert report.rows_checked == sum(m.objects.count() for m in PROTECTED)


@pytest.mark.parametrize("model", PROTECTED, ids=[m._meta.label_lower for m in PROTECTED])
@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET {column} = {column} WHERE id = %s", "DELETE FROM {table} WHERE id = %s"]
)
def test_the_database_refuses_to_change_or_remove_a_row(demo_site, model, statement):
    row = model.objects.order_by("pk").first()
    column = model._meta.get_field(model.hashed_fields[-1]).column
    sql = statement.format(table=model._meta.db_table, column=connection.ops.quote_name(column))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [row.pk])
    assert audit.verify().ok


def bypass_triggers(*, bypass: bool) -> None:
    """Get past the triggers as someone with database rights can: on PostgreSQL the way replication does
    (`session_replication_role = replica`), on SQLite by dropping them; undone with the test's savepoint."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"SET session_replication_role = {'replica' if bypass else 'origin'}")
    else:
        set_append_only(connection, enabled=not bypass)


@pytest.fixture
def intruder(demo_site):
    bypass_triggers(bypass=True)
    yield
    bypass_triggers(bypass=False)


def _a_completed_case() -> Case:
    return Case.objects.filter(idempotency_key__startswith="demo-", status="completed").order_by("pk").first()


def test_verify_names_a_forged_note(intruder):
    event = _a_completed_case().events.order_by("seq")[1]
    CaseEvent.objects.filter(pk=event.pk).update(note="材料齐全,同意(伪造)")
    report = audit.verify()
    assert not report.ok
    assert report.bad_row == f"cases.caseevent#{event.pk}"
    assert "办件记录" in report.problem and "已被篡改" in report.problem


def test_verify_names_the_removed_last_event_of_a_case(intruder):
    case = _a_completed_case()
    last = case.events.order_by("-seq").first()
    CaseEvent.objects.filter(pk=last.pk).delete()
    report = audit.verify()
    assert not report.ok and report.bad_row == f"cases.caseevent#{last.pk}" and "已被删除" in report.problem


def test_verify_names_a_case_whose_events_were_all_removed(intruder):
    case = _a_completed_case()
    first = case.events.order_by("pk").first()
    case.events.all().delete()
    report = audit.verify()
    assert not report.ok and report.bad_row == f"cases.caseevent#{first.pk}"


def test_verify_names_an_event_written_outside_the_services(intruder):
    case = _a_completed_case()
    forged = CaseEvent.objects.create(
        case=case, seq=99, at=clock.now(), action="complete", from_status="completed", to_status="completed"
    )
    report = audit.verify()
    assert not report.ok and report.bad_row == f"cases.caseevent#{forged.pk}"
    assert "在审计链之外写入" in report.problem


def _rewrite_from(record_id: int, summary: dict) -> None:
    """Change one audit record and recompute every later hash with the project's own function: the chain holds."""
    prev = AuditRecord.objects.get(id=record_id - 1).hash
    for rec in AuditRecord.objects.filter(id__gte=record_id).order_by("id"):
        if rec.id == record_id:
            rec.summary = summary
        rec.prev_hash = prev
        rec.hash = audit._hash_of(rec)
        AuditRecord.objects.filter(id=rec.id).update(summary=rec.summary, prev_hash=prev, hash=rec.hash)
        prev = rec.hash


def test_an_anchor_catches_a_chain_rewritten_end_to_end(demo_site, tmp_path, capsys, settings):
    settings.ZHENGWU_AUDIT_ANCHOR_KEY = "a key that lives with the application, never in the database"
    anchors = tmp_path / "anchors.jsonl"
    call_command("audit", "anchor", "--to", str(anchors))
    anchored = json.loads(anchors.read_text().splitlines()[0])
    call_command("audit", "verify", "--anchor", str(anchors))
    assert "锚点相符:1 个" in capsys.readouterr().out

    bypass_triggers(bypass=True)
    target = AuditRecord.objects.filter(action="cases.decide").order_by("id").first()
    _rewrite_from(target.id, {**target.summary, "note": "改写"})
    bypass_triggers(bypass=False)
    assert audit.verify().ok  # from inside the database the rewrite cannot be seen …
    with pytest.raises(CommandError, match="第 1 个锚点"):
        call_command("audit", "verify", "--anchor", str(anchors))
    out = capsys.readouterr().out
    assert f"记录 #{anchored['id']}" in out and "哈希已变" in out


def test_an_anchor_catches_a_shortened_chain_and_a_forged_anchor(demo_site, tmp_path, settings):
    settings.ZHENGWU_AUDIT_ANCHOR_KEY = "k1"
    item = audit.anchor()
    assert audit.check_anchors([item]).ok
    assert not audit.check_anchors(
        [{**item, "hash": "0" * 64}]
    ).ok  # the line was edited: the signature fails
    settings.ZHENGWU_AUDIT_ANCHOR_KEY = "someone else's key"
    assert "签名不符" in audit.check_anchors([item]).problem
    settings.ZHENGWU_AUDIT_ANCHOR_KEY = "k1"
    bypass_triggers(bypass=True)
    AuditRecord.objects.filter(id=item["id"]).delete()
    bypass_triggers(bypass=False)
    report = audit.check_anchors([item])
    assert not report.ok and "链条被截短" in report.problem


def test_scheduled_anchors_once_a_day(demo_site, tmp_path, settings):
    settings.ZHENGWU_AUDIT_ANCHOR_KEY = "k1"
    settings.ZHENGWU_AUDIT_ANCHOR_FILE = str(tmp_path / "daily.jsonl")
    assert audit.anchor_daily().startswith("已写锚点")
    assert audit.anchor_daily().startswith("今日已写锚点")
    with clock.frozen(clock.now() + dt.timedelta(days=1)):
        assert audit.anchor_daily().startswith("已写锚点")
    assert len(audit.read_anchors(settings.ZHENGWU_AUDIT_ANCHOR_FILE)) == 2
    assert audit.check_anchors(audit.read_anchors(settings.ZHENGWU_AUDIT_ANCHOR_FILE)).ok
