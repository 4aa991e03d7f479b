import datetime as dt
import importlib
import threading
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from zhengwu.core import audit, clock
from zhengwu.core.context import acting_as
from zhengwu.core.middleware import RequestContextMiddleware
from zhengwu.core.models import AuditRecord, Region

TABLE = AuditRecord._meta.db_table
APPEND_ONLY = importlib.import_module("zhengwu.core.migrations.0002_audit_append_only")


def append(action: str = "test.write", **kwargs) -> AuditRecord:
    """What a service does: its own transaction, with the record inside."""
    with transaction.atomic():
        return audit.record(action, **kwargs)


def lift_refusal(statement: str) -> None:
    """Let raw UPDATE or DELETE through, as an intruder with database rights would; undone with the transaction."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER core_auditrecord_no_update")
        else:
            cur.execute(f"DROP TRIGGER core_auditrecord_no_{statement}")


def set_append_only(*, enabled: bool) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"ALTER TABLE {TABLE} {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER")
            return
        for sql in APPEND_ONLY.SQLITE_DOWN + (APPEND_ONLY.SQLITE_UP if enabled else []):
            cur.execute(sql)


@pytest.fixture
def _append_only_restored(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        set_append_only(enabled=True)


@pytest.fixture
def committed(_append_only_restored, transactional_db):
    """For tests that really commit: the flush that empties the database afterwards must get past the triggers,
    which are put back once it is done (set-up runs in argument order, tear-down in reverse)."""
    yield
    set_append_only(enabled=False)


# --- what a record holds ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_record_is_hashed_onto_the_one_before():
    first, second, third = (append(summary={"n": n}) for n in range(3))
    assert [second.id, third.id] == [first.id + 1, first.id + 2]
    assert first.prev_hash == audit.GENESIS
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    assert len({first.hash, second.hash, third.hash}) == 3
    report = audit.verify()
    assert (report.ok, report.checked, report.head_id, report.head_hash) == (True, 3, third.id, third.hash)


@pytest.mark.django_db
def test_record_says_who_what_which_object_when_and_from_where(django_user_model):
    clerk = django_user_model.objects.create_user("clerk01", password="not-used-here")
    region = Region.objects.create(code="361130", name="婺源县", level=Region.Level.COUNTY)
    moment = dt.datetime(2024, 3, 1, 10, 30, tzinfo=clock.LOCAL)
    with clock.frozen(moment), acting_as(clerk, ip="198.51.100.4"):
        rec = append("region.rename", obj=region, summary={"name": ["婺源", "婺源县"]})
    stored = AuditRecord.objects.get(pk=rec.pk)
    assert (stored.actor, stored.actor_label, stored.ip) == (clerk, "clerk01", "198.51.100.4")
    assert (stored.action, stored.object_type, stored.object_id) == (
        "region.rename",
        "core.region",
        str(region.pk),
    )
    assert stored.summary == {"name": ["婺源", "婺源县"]}
    assert stored.at == moment


@pytest.mark.django_db
def test_record_takes_actor_and_address_from_the_request(rf, django_user_model):
    clerk = django_user_model.objects.create_user("clerk02", password="not-used-here")
    request = rf.post("/cases/7/accept", REMOTE_ADDR="203.0.113.9")
    request.user, request.session = clerk, {}

    def view(request):
        with transaction.atomic():
            return audit.record("case.accept", object_type="cases.case", object_id="7")

    rec = RequestContextMiddleware(view)(request)
    assert (rec.actor, rec.actor_label, rec.ip) == (clerk, "clerk02", "203.0.113.9")


@pytest.mark.django_db
def test_without_a_user_the_record_names_the_system():
    assert append().actor_label == "system"
    with acting_as(None, label="导入 2024 年办件"):
        assert append().actor_label == "导入 2024 年办件"


@pytest.mark.django_db
def test_hash_survives_the_database_round_trip():
    summary = {
        "zeta": 1,
        "alpha": {"y": [3, 2, 1], "x": '婺源县紫阳镇 ✓ "引号"'},
        "big": 10**30,
        "large_float": 1e23,
        "minus_zero": -0.0,
        "tenth": 0.1,
        "not_a_number": float("nan"),
        "with_nul": "a\x00b",
        "when": dt.datetime(2024, 1, 2, 3, 4, 5),
        "fee": Decimal("12.50"),
        7: "integer key",
    }
    moment = dt.datetime(2024, 2, 29, 23, 59, 59, 123456, tzinfo=clock.LOCAL)
    with clock.frozen(moment):
        first = append(summary=summary, ip="::ffff:192.0.2.1")
        second = append(summary={"b": None, "a": True}, ip="2001:DB8:0:0:0:0:0:1")
    report = audit.verify()
    assert report.ok, report.problem
    assert report.checked == 2
    stored = AuditRecord.objects.get(pk=first.pk)
    assert stored.at == moment
    assert stored.ip == "192.0.2.1"
    assert AuditRecord.objects.get(pk=second.pk).ip == "2001:db8::1"
    assert stored.summary["alpha"]["x"] == '婺源县紫阳镇 ✓ "引号"'
    assert (stored.summary["fee"], stored.summary["with_nul"], stored.summary["7"]) == (
        "12.50",
        "ab",
        "integer key",
    )
    assert stored.summary["not_a_number"] == "nan"


# --- tampering is found -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_names_an_altered_record(capsys):
    records = [append(summary={"n": n}) for n in range(4)]
    target = records[2]
    lift_refusal("update")
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {TABLE} SET summary = %s{cast} WHERE id = %s", ['{"n": 99}', target.id])
    assert AuditRecord.objects.get(pk=target.pk).summary == {"n": 99}
    report = audit.verify()
    assert (report.ok, report.first_bad_id, report.checked) == (False, target.id, 2)
    assert f"#{target.id}" in report.problem and "篡改" in report.problem
    with pytest.raises(CommandError) as failed:
        call_command("audit", "verify")
    assert failed.value.returncode == 1
    assert f"记录 #{target.id}" in capsys.readouterr().out


@pytest.mark.django_db
def test_verify_names_a_removed_record():
    records = [append(summary={"n": n}) for n in range(4)]
    lift_refusal("delete")
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE} WHERE id = %s", [records[1].id])
    report = audit.verify()
    assert (report.ok, report.first_bad_id) == (False, records[1].id)
    assert f"#{records[1].id} 已被删除" in report.problem


@pytest.mark.django_db
def test_verify_names_an_altered_hash():
    records = [append(summary={"n": n}) for n in range(3)]
    lift_refusal("update")
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {TABLE} SET hash = %s WHERE id = %s", ["f" * 64, records[0].id])
    report = audit.verify()
    assert (report.ok, report.first_bad_id) == (False, records[0].id)


@pytest.mark.django_db
def test_lifting_the_refusal_lasts_only_as_long_as_its_transaction():
    rec = append()
    with transaction.atomic():
        lift_refusal("update")
        AuditRecord.objects.filter(pk=rec.pk).update(action="changed")
        transaction.set_rollback(True)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(pk=rec.pk).update(action="changed")
    assert AuditRecord.objects.get(pk=rec.pk).action == "test.write"


# --- the database refuses change ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_database_refuses_to_change_or_remove_a_record():
    rec = append(summary={"n": 1})

    def save_changed():
        rec.summary = {"n": 2}
        rec.save()

    attempts = [
        lambda: AuditRecord.objects.filter(pk=rec.pk).update(action="tampered"),
        save_changed,
        lambda: AuditRecord.objects.filter(pk=rec.pk).delete(),
        lambda: AuditRecord.objects.get(pk=rec.pk).delete(),
        lambda: connection.cursor().execute(f"DELETE FROM {TABLE}"),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    stored = AuditRecord.objects.get(pk=rec.pk)
    assert (stored.action, stored.summary) == ("test.write", {"n": 1})
    assert audit.verify().ok


def test_record_outside_a_transaction_is_refused(committed):
    with pytest.raises(RuntimeError):
        audit.record("test.write")
    assert not AuditRecord.objects.exists()


def test_concurrent_appends_do_not_fork_the_chain(committed):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite test database is in memory with a shared cache: table locks fail at once instead of waiting"
        )
    writers, each = 8, 15
    start = threading.Barrier(writers)
    failures: list[Exception] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                append("test.concurrent", object_type="test", object_id=f"{n}-{i}")
        except Exception as error:  # reported below, in the main thread
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    report = audit.verify()
    assert (report.ok, report.checked) == (True, writers * each), report.problem
    assert AuditRecord.objects.values("prev_hash").distinct().count() == writers * each


# --- commands -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_command_reports_an_intact_chain(capsys):
    call_command("audit", "verify")
    assert capsys.readouterr().out.splitlines() == ["审计链完整:共 0 条记录,覆盖只增记录 0 行"]
    last = [append(summary={"n": n}) for n in range(3)][-1]
    call_command("audit", "verify")
    assert capsys.readouterr().out.splitlines() == [
        "审计链完整:共 3 条记录,覆盖只增记录 0 行",
        f"最新记录 #{last.id} 哈希 {last.hash}",
    ]


@pytest.mark.django_db
def test_tail_lists_the_latest_records_oldest_first(capsys):
    with clock.frozen(dt.datetime(2024, 5, 6, 8, 9, 10, tzinfo=clock.LOCAL)), acting_as(None, ip="192.0.2.8"):
        for n in range(5):
            append(f"test.step{n}", object_type="cases.case", object_id=str(n), summary={"步骤": n})
    call_command("audit", "tail", "-n", "2")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith('test.step3 cases.case:3 192.0.2.8 {"步骤": 3}')
    assert "2024-05-06 08:09:10" in lines[1] and "test.step4" in lines[1]
