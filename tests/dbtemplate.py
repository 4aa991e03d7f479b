"""Test databases made from one migrated template instead of migrating each one.

Running every migration builds Django's model state again and again (about 20 s of CPU for our ~100 migrations), and
a `make test` used to do it five times: for each xdist worker on SQLite and on PostgreSQL, and for the browser tests.
Now the migrations run once per engine into a template — with the real `migrate` command, in a process of its own,
into an empty database, so every run still proves that the migrations build the schema from nothing — and each test
database starts as a copy of it:

- SQLite: `var/test-cache/migrated-<digest>.sqlite3`, copied into the worker's in-memory database with SQLite's
  backup API (milliseconds);
- PostgreSQL: a database `zwtpl_<digest>`, which Django's test database is created from (`TEST["TEMPLATE"]`).

Django's own `migrate` then runs on the copy as usual and finds nothing to apply. The digest covers every migration
file, every module of ours a migration imports and Django's version, so a changed migration makes a new template.
Workers build it under a file lock; the first builds, the others wait and copy. `ZHENGWU_TEST_TEMPLATE=0` turns it off
(each test database is migrated as Django does by default).
"""

from __future__ import annotations

import ast
import fcntl
import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
CACHE = ROOT / "var" / "test-cache"
PG_PREFIX = "zwtpl_"
PG_KEEP_SECONDS = (
    24 * 3600
)  # templates of other code (another checkout, an older commit) are dropped after a day

_in_memory_keepers: list[
    sqlite3.Connection
] = []  # an in-memory SQLite database lives while a connection holds it


def enabled() -> bool:
    return os.environ.get("ZHENGWU_TEST_TEMPLATE", "1") != "0"


def digest() -> str:
    """What the schema a migrate builds depends on: the migration files, our modules they import, Django."""
    import django

    files = sorted((SRC / "zhengwu").glob("*/migrations/*.py"))
    imported: set[Path] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith("zhengwu."):
                    module = SRC / Path(*name.split("."))
                    for candidate in (module.with_suffix(".py"), module / "__init__.py"):
                        if candidate.exists():
                            imported.add(candidate)
    sha = hashlib.sha256(django.__version__.encode())
    for path in files + sorted(imported):
        sha.update(str(path.relative_to(SRC)).encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()[:16]


@contextmanager
def _locked(engine: str):
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"template-{engine}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _migrate(database_url: str) -> None:
    """The real `migrate`, in a process of its own, into the database at `database_url`."""
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="zhengwu.settings")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"migrating the test template failed:\n{done.stdout}\n{done.stderr}")
    print(f"\nmigrated the test template in {time.monotonic() - started:.1f} s", file=sys.stderr)


def sqlite_template() -> Path:
    """The migrated SQLite file for this code, built once (under the lock) if it is not there yet."""
    key = digest()
    path = CACHE / f"migrated-{key}.sqlite3"
    with _locked("sqlite"):
        if path.exists():
            return path
        building = path.with_suffix(f".building-{os.getpid()}")
        for stale in [building, *(Path(f"{building}{end}") for end in ("-wal", "-shm"))]:
            stale.unlink(missing_ok=True)
        _migrate(f"sqlite:///{building}")
        with sqlite3.connect(building) as db:  # fold the write-ahead log in, so the one file holds everything
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("PRAGMA journal_mode=DELETE")
        building.replace(path)
        for old in CACHE.glob("migrated-*.sqlite3"):
            if old != path:
                old.unlink(missing_ok=True)
        return path


def _install_sqlite(template: Path) -> None:
    from django.db.backends.sqlite3.creation import DatabaseCreation

    if getattr(DatabaseCreation, "_zhengwu_template", None):
        DatabaseCreation._zhengwu_template = template
        return
    original = DatabaseCreation._create_test_db

    def _create_test_db(self, verbosity=1, autoclobber=False, keepdb=False):
        name = original(self, verbosity, autoclobber, keepdb)
        source = DatabaseCreation._zhengwu_template
        if source and self.is_in_memory_db(name):
            target = sqlite3.connect(name, uri=True, check_same_thread=False)
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as copy_from:
                copy_from.backup(target)
            _in_memory_keepers.append(target)
        return name

    DatabaseCreation._create_test_db = _create_test_db
    DatabaseCreation._zhengwu_template = template


def postgres_template(connection) -> str:
    """The name of the migrated PostgreSQL template database for this code, built once if it is not there yet."""
    key = digest()
    name = f"{PG_PREFIX}{key}"
    settings = connection.settings_dict
    with _locked("postgresql"), connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database")
        existing = dict(cursor.fetchall())
        now = int(time.time())
        for other, made in existing.items():  # templates of other code, left by earlier runs
            if other.startswith(PG_PREFIX) and other != name and "_building_" not in other:
                if made and made.isdigit() and now - int(made) > PG_KEEP_SECONDS:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{other}"')
        if name in existing:
            return name
        building = f"{name}_building_{os.getpid()}"
        cursor.execute(f'DROP DATABASE IF EXISTS "{building}"')
        cursor.execute(f'CREATE DATABASE "{building}"')
        user = settings.get("USER") or ""
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        at = f"{user}{password}@" if user else ""
        port = f":{settings['PORT']}" if settings.get("PORT") else ""
        try:
            _migrate(f"postgres://{at}{settings.get('HOST') or ''}{port}/{building}")
        except BaseException:
            cursor.execute(f'DROP DATABASE IF EXISTS "{building}"')
            raise
        cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        cursor.execute(f"COMMENT ON DATABASE \"{name}\" IS '{now}'")
        return name


def install() -> None:
    """Point every test database of this process at its engine's template (called before they are created)."""
    if not enabled():
        return
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        if connection.vendor == "sqlite":
            _install_sqlite(sqlite_template())
        elif connection.vendor == "postgresql":
            connection.settings_dict.setdefault("TEST", {})["TEMPLATE"] = postgres_template(connection)


if __name__ == "__main__":  # `python -m tests.dbtemplate`: build this engine's template ahead of the test run
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.settings")
    import django

    django.setup()
    from django.db import connections

    default = connections["default"]
    started = time.monotonic()
    made = sqlite_template() if default.vendor == "sqlite" else postgres_template(default)
    print(f"test template ({default.vendor}): {made} ready in {time.monotonic() - started:.1f} s")
