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
APPEND_ONLY = importlib.import_module("zhengwu.core.migrations.0005_perf_audit_seal")


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


def sealed(*records: AuditRecord) -> list[AuditRecord]:
    audit.seal()
    return [AuditRecord.objects.get(pk=rec.pk) for rec in records]


@pytest.mark.django_db
def test_each_record_is_hashed_onto_the_one_before():
    appended = [append(summary={"n": n}) for n in range(3)]
    assert [(rec.seq, rec.prev_hash, rec.hash) for rec in appended] == [
        (None, None, None)
    ] * 3  # no lock, no read
    first, second, third = sealed(*appended)
    assert [second.id, third.id] == [first.id + 1, first.id + 2]
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
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
    report = audit.verify(seal_first=True)
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
    audit.seal()
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
    audit.seal()
    lift_refusal("delete")
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TABLE} WHERE id = %s", [records[1].id])
    report = audit.verify()
    assert (report.ok, report.first_bad_id) == (False, records[1].id)
    assert f"#{records[1].id} 已被删除" in report.problem


@pytest.mark.django_db
def test_verify_names_an_altered_hash():
    records = [append(summary={"n": n}) for n in range(3)]
    audit.seal()
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
    audit.seal()

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
    """Writers append without any lock while sealers run beside them (as task workers would): the chain never forks,
    every record is sealed exactly once, in a place of its own."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite test database is in memory with a shared cache: table locks fail at once instead of waiting"
        )
    writers, each, sealers = 8, 25, 2
    start = threading.Barrier(writers + sealers)
    done = threading.Event()
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

    def seal() -> None:
        try:
            start.wait()
            while not done.is_set():
                audit.seal(batch=7)
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    sealing = [threading.Thread(target=seal) for _ in range(sealers)]
    for thread in threads + sealing:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    for thread in sealing:
        thread.join(timeout=120)
    assert failures == []
    audit.seal()
    report = audit.verify()
    assert (report.ok, report.checked, report.unsealed) == (True, writers * each, 0), report.problem
    assert AuditRecord.objects.values("prev_hash").distinct().count() == writers * each
    assert sorted(AuditRecord.objects.values_list("seq", flat=True)) == list(range(1, writers * each + 1))


# --- sealing ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_unsealed_records_are_reported_and_sealed_in_id_order(capsys):
    first, second = append(summary={"n": 1}), append(summary={"n": 2})
    report = audit.verify()
    assert (report.ok, report.checked, report.unsealed, report.head_id) == (True, 0, 2, None)
    call_command("audit", "verify", "--no-seal")
    assert "另有 2 条记录尚未封链" in capsys.readouterr().out
    assert not AuditRecord.objects.filter(seq__isnull=False).exists()  # a read-only verify writes nothing
    call_command("audit", "seal")
    assert capsys.readouterr().out.strip() == "已封链 2 条审计记录"
    third = append(summary={"n": 3})
    report = audit.verify(seal_first=True)
    assert (report.ok, report.checked, report.unsealed, report.head_id) == (True, 3, 0, third.id)
    chain = list(AuditRecord.objects.order_by("seq").values_list("id", "seq"))
    assert chain == [(first.id, 1), (second.id, 2), (third.id, 3)]
    assert audit.seal() == 0


@pytest.mark.django_db
def test_the_seal_is_the_one_change_the_database_allows_and_only_once():
    rec = append(summary={"n": 1})
    refused = [
        # the content of a record waiting to be sealed cannot change either
        lambda: AuditRecord.objects.filter(pk=rec.pk).update(action="tampered"),
        lambda: AuditRecord.objects.filter(pk=rec.pk).update(
            seq=1, prev_hash="0" * 64, hash="1" * 64, summary={}
        ),
        lambda: AuditRecord.objects.filter(pk=rec.pk).update(seq=1),  # a place without its hashes
        lambda: AuditRecord.objects.filter(pk=rec.pk).delete(),
    ]
    for attempt in refused:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert audit.seal() == 1
    stored = AuditRecord.objects.get(pk=rec.pk)
    for change in ({"seq": 7}, {"hash": "f" * 64}, {"prev_hash": "e" * 64}, {"seq": None, "hash": None}):
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditRecord.objects.filter(pk=rec.pk).update(**change)
    assert AuditRecord.objects.get(pk=rec.pk).hash == stored.hash
    assert audit.verify().ok


@pytest.mark.django_db
def test_an_anchor_seals_first_so_it_covers_every_record_written_before_it(settings):
    settings.ZHENGWU_AUDIT_ANCHOR_KEY = "k"
    recs = [append(summary={"n": n}) for n in range(2)]
    item = audit.anchor()
    assert item["id"] == recs[-1].id
    assert item["hash"] == AuditRecord.objects.get(pk=recs[-1].pk).hash
    assert audit.check_anchors([item]).ok


def test_a_committed_write_asks_for_a_seal_and_the_task_seals(committed, settings):
    """After the service's transaction commits, the seal runs as a task (here the immediate backend): the writer never
    reads the chain's head and never waits for a lock; the record is sealed once committed."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with transaction.atomic():
        first = audit.record("test.one")
        second = audit.record("test.two")
        assert AuditRecord.objects.filter(seq__isnull=False).count() == 0
    assert list(AuditRecord.objects.order_by("id").values_list("id", "seq")) == [
        (first.id, 1),
        (second.id, 2),
    ]
    assert audit.verify().ok


# --- commands -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_verify_command_reports_an_intact_chain(capsys):
    call_command("audit", "verify")
    assert capsys.readouterr().out.splitlines() == ["审计链完整:共 0 条记录,覆盖只增记录 0 行"]
    last = [append(summary={"n": n}) for n in range(3)][-1]
    call_command("audit", "verify")
    last = AuditRecord.objects.get(pk=last.pk)
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


def test_the_seal_can_run_in_the_request_or_be_left_to_the_schedule(committed, settings):
    from zhengwu.core import schedule

    settings.ZHENGWU_AUDIT_SEAL = "scheduled"
    with transaction.atomic():
        waiting = audit.record("test.waits")
    assert AuditRecord.objects.get(pk=waiting.pk).seq is None
    settings.ZHENGWU_AUDIT_SEAL = "commit"
    with transaction.atomic():
        now = audit.record("test.now")
    assert list(AuditRecord.objects.order_by("id").values_list("id", "seq")) == [(waiting.id, 1), (now.id, 2)]
    settings.ZHENGWU_AUDIT_SEAL = "scheduled"
    with transaction.atomic():
        later = audit.record("test.later")
    assert dict(schedule.JOBS)["audit_seal"]() == "已封链 1 条审计记录"
    assert AuditRecord.objects.get(pk=later.pk).seq == 3
    assert audit.verify().ok
