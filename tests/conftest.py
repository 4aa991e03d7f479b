import datetime as dt
import os
import time

import pytest

from zhengwu.core import clock

# Where every test's clock starts: a working Wednesday morning in a year the calendar knows. The clock then runs (so
# events keep their order), but no test sees the day the suite runs on; `make test-dates` proves it under faketime.
TEST_START = dt.datetime(2026, 11, 18, 10, 0, tzinfo=clock.LOCAL)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """Test databases are copies of one migrated template per engine (tests/dbtemplate.py), not migrated each."""
    from tests import dbtemplate

    with django_db_blocker.unblock():
        dbtemplate.install()
    _commit_without_waiting_for_the_disk()


def _commit_without_waiting_for_the_disk() -> None:
    """On PostgreSQL the tests' connections commit with `synchronous_commit = off`: a COMMIT returns before its WAL
    record is flushed to disk (the server flushes it within a fraction of a second). What a commit makes visible, and
    to whom, is unchanged; only a crash of the server could lose the last commits of a test database thrown away
    anyway. A commit on this machine took 4.9–5.6 ms with the flush and 0.2 ms without (pgbench, one INSERT per
    transaction, load average 9); the suite's committing tests (TransactionTestCase, live servers, two servers) and the
    flushes between them wait for it. What that saves a whole PostgreSQL run was lost in the noise of a machine at load
    13 (tests/cases: 339 s with the flush, 266 s without, one run each, the first with a test waiting 90 s on a
    server). ZHENGWU_TEST_SYNC_COMMIT=1 keeps the server's setting."""
    if os.environ.get("ZHENGWU_TEST_SYNC_COMMIT") == "1":
        return
    from django.db import connections

    for connection in connections.all(initialized_only=False):
        if connection.vendor == "postgresql":
            options = connection.settings_dict.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(autouse=True)
def _clock_starts_at_a_fixed_moment():
    """Every test starts at TEST_START; tests that need another moment fix it with clock.frozen()/set_now()."""
    clock.run_from(TEST_START)
    yield
    clock.set_now(None)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Hashing passwords with PBKDF2 costs ~0.3 s each; tests don't need that strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # every API answer made without pydantic (api.common.answer) is checked against its validated form
    settings.ZHENGWU_CHECK_ANSWERS = True


@pytest.fixture(autouse=True)
def _published_versions_read_afresh():
    """The process's copy of published versions' steps and materials is keyed by version id, and a rolled-back test
    database gives ids out again: each test starts without it."""
    from zhengwu.catalog.selectors import forget_published

    forget_published()


@pytest.fixture(autouse=True)
def _rate_counters_start_empty():
    """Rate limits count in Django's cache, keyed by address or account id; ids are reused from test to test, so
    each test starts with no counts (else a test could be refused for what earlier tests did)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def one_rate_window(monkeypatch):
    """Rate limits count in fixed windows of wall-clock time: a test making many requests pins the time so they all
    fall in one window (otherwise a run that crosses a minute boundary resets the count and the test flakes)."""
    from types import SimpleNamespace

    import django_ratelimit.core

    pinned = int(time.time())
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: pinned))


def _install_flush_past_append_only_triggers() -> None:
    """Tests that really commit end with Django flushing every table; the append-only triggers (audit chain, events,
    ledgers) refuse that, so the flush (and only the flush) runs with them lifted, and they are put back right after."""
    from django.db import connections
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        for alias in self._databases_names(include_mirrors=False):
            set_append_only(connections[alias], enabled=False)
        try:
            _waiting_for_table_locks(lambda: original(self))
        finally:
            for alias in self._databases_names(include_mirrors=False):
                set_append_only(connections[alias], enabled=True)

    TransactionTestCase._fixture_teardown = _fixture_teardown


class _WaitingCursor:
    """SQLite's in-memory test database (shared cache) answers a table lock at once where a database file waits: a
    browser test's live server may still be answering a page (a screen reloading itself) while its test tears down.
    Wait for it, as the file would (up to 10 s)."""

    def __init__(self, cursor):
        self.cursor = cursor

    def execute(self, sql, params=None):
        return _waiting_for_table_locks(lambda: self.cursor.execute(sql, params))


def _waiting_for_table_locks(work):
    """`work()`, tried again while SQLite answers "table is locked", for up to 10 s (as a database file would have
    waited). Also the closing flush (a browser test's live server still answering a screen that reloads itself;
    seen once in make test-dates at New Year's Eve 23:30): it runs in one transaction, so a refused flush has
    deleted nothing."""
    for _try in range(200):
        try:
            return work()
        except Exception as exc:  # noqa: BLE001 — Django wraps the flush's lock in a CommandError naming it
            if "table is locked" not in f"{exc} {exc.__cause__}":
                raise
            time.sleep(0.05)
    return work()


def set_append_only(connection, *, enabled: bool) -> None:
    """Lift or restore every append-only table's triggers (tests only: the app never does this)."""
    import importlib

    from zhengwu.core import appendonly

    migration = importlib.import_module("zhengwu.core.migrations.0005_perf_audit_seal")
    with connection.cursor() as raw:
        cur = _WaitingCursor(raw) if connection.vendor == "sqlite" else raw
        if connection.vendor == "postgresql":
            cur.execute(
                "SET CONSTRAINTS ALL IMMEDIATE"
            )  # ALTER TABLE refuses while deferred checks are pending
            cur.execute(f"ALTER TABLE core_auditrecord {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER")
        elif connection.vendor == "sqlite":
            for sql in migration.SQLITE_DOWN + (migration.SQLITE_UP if enabled else []):
                cur.execute(sql)
        for model in appendonly.protected_models():
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cur.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER")
            else:
                for sql in appendonly.trigger_sql(connection.vendor, table, enabled=False) + (
                    appendonly.trigger_sql(connection.vendor, table) if enabled else []
                ):
                    cur.execute(sql)


def pytest_configure(config):
    _install_flush_past_append_only_triggers()
    # The cyclic garbage collector at Python's default thresholds (700, 10, 10) ran ~7,000 times in a 105 s test
    # process and took 6.6–7.2 s of its CPU, walking the demo's and the worlds' long-lived objects again and again;
    # collecting less often (65 collections, ~3 s) frees the same garbage later. Memory stays well inside the machine.
    import gc

    gc.set_threshold(50_000, 20, 100)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """`ZHENGWU_TEST_CPU=file`: each test's CPU time (this process's, setup to teardown, so a module or package
    fixture counts on the test that set it up) appended to the file — what the suite spends its CPU on, which a busy
    machine does not distort the way it does wall-clock durations. `python scripts/test_cpu.py file` sums it."""
    import os

    out = os.environ.get("ZHENGWU_TEST_CPU")
    started = time.process_time() if out else 0.0
    yield
    if out:
        with open(out, "a", encoding="utf-8") as f:
            worker = os.environ.get("PYTEST_XDIST_WORKER", "-")
            f.write(f"{time.process_time() - started:.4f}\t{item.nodeid}\t{worker}\n")


# What lets a test reach the database: pytest-django refuses a query to any test without one of these, so a test with
# none gives the same answer on every engine.
_DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_setup",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "_django_db_helper",
}


def _reaches_database(item) -> bool:
    if item.get_closest_marker("engine_independent") is not None:
        return False
    if item.get_closest_marker("django_db") is not None:
        return True
    info = getattr(item, "_fixtureinfo", None)
    if info is None or _DATABASE_FIXTURES & set(item.fixturenames):
        return True
    if "django_db_blocker" in getattr(info, "argnames", ()):  # the test unblocks the database itself
        return True
    for definitions in info.name2fixturedefs.values():
        for definition in definitions:
            module = getattr(definition.func, "__module__", "") or ""
            if "django_db_blocker" in definition.argnames and not module.startswith("pytest_django"):
                return True  # a fixture of ours unblocks it (a module's demo, a package's world)
    return False


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, the tests that cannot reach the database (pure rules, calendars, identifiers, masking, the
    source checks) are left out: they give the same answer on every engine and run in the SQLite run. So are those
    marked `engine_independent` (a page's forms compared with the rule the services apply, in Python, on rows any
    engine returns alike). `ZHENGWU_TEST_EVERYTHING=1` keeps them all."""
    from django.db import connection

    if connection.vendor == "sqlite" or os.environ.get("ZHENGWU_TEST_EVERYTHING") == "1":
        return
    kept, left = [], []
    for item in items:
        (kept if _reaches_database(item) else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
