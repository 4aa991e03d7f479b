"""A test world built once per test process and put back into each test's database as rows.

Building a domain's test world through the services (regions, organisations, staff, items published through the
catalogue's review) costs about 40 ms, and hundreds of tests use one. `replayed(build)` makes a pytest fixture that
runs `build()` once per process, in the first test that asks for it, inside a savepoint that is rolled back, and remembers the rows it added to every
table; each test then gets those rows inserted into its own database (one statement per table, a few milliseconds)
and a fresh copy of the objects `build()` returned. Each test still runs in its own transaction, rolled back after
it, so tests stay as isolated as before; the rows are exactly the ones the services wrote (audit chain included).

The rows keep the ids they were built with, and a row a test makes after them takes a later id: PostgreSQL's sequences
are not rolled back with the build, and SQLite moves an AUTOINCREMENT table's sequence past an id inserted by hand.

`build()` runs with the clock fixed where it fixes it and the tests' fast password hasher; it may only add rows (a
build that changes or deletes a row already in the database is refused, since replaying it would not be exact).
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class _Rollback(Exception):
    pass


@dataclass
class _Built:
    world: object
    rows: dict[str, list] = field(default_factory=dict)  # table → rows (SQLite: tuples; PostgreSQL: JSON)
    columns: dict[str, list[str]] = field(default_factory=dict)
    sequences: dict[str, int] = field(
        default_factory=dict
    )  # PostgreSQL sequences the build made → last value


def _sequences(connection) -> dict[str, int]:
    """PostgreSQL's sequences and their last values (a service may make one on first use, e.g. the case numbers'
    zw_case_number_<prefix>; making it is rolled back with the build, so the replay makes it again)."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cur:
        cur.execute(
            "SELECT sequencename, COALESCE(last_value, 0) FROM pg_sequences WHERE schemaname = 'public'"
        )
        return dict(cur.fetchall())


def _tables(connection) -> list[str]:
    """The tables whose rows a build adds. Not SQLite's full-text indexes (a virtual table and its shadow tables, e.g.
    disclosure_publication_fts*): triggers on the table they index fill them as its rows are replayed."""
    with connection.cursor() as cur:
        virtual = []
        if connection.vendor == "sqlite":
            cur.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
            )
            virtual = [name for (name,) in cur.fetchall()]
        return sorted(
            t.name
            for t in connection.introspection.get_table_list(cur)
            if t.type == "t"
            and t.name != "django_migrations"
            and not any(t.name == v or t.name.startswith(v + "_") for v in virtual)
        )


def _contents(connection, tables) -> dict[str, tuple[list[str], list]]:
    """Every row of every table: PostgreSQL as JSON text (which json_populate_recordset reads back exactly)."""
    out = {}
    with connection.cursor() as cur:
        for table in tables:
            q = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                columns = _pg_insertable(cur, table)
                cur.execute(f"SELECT row_to_json(t)::text FROM {q} t")
                out[table] = (columns, [r[0] for r in cur.fetchall()])
            else:
                cur.execute(f"SELECT * FROM {q}")
                out[table] = ([c[0] for c in cur.description], [_as_stored(r) for r in cur.fetchall()])
    return out


def _pg_insertable(cur, table: str) -> list[str]:
    """The columns of a PostgreSQL table a row can be inserted into: not a generated one (a search_vector computed
    from the row's own text is made again as it is inserted)."""
    cur.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
        "AND attgenerated = '' ORDER BY attnum",
        [table],
    )
    return [name for (name,) in cur.fetchall()]


def _as_stored(row: tuple) -> tuple:
    """SQLite hands back dates, times and decimals converted (Django registers converters on its connections);
    put back, they go in as the text Django stores them as."""
    return tuple(str(v) if isinstance(v, dt.date | dt.time | decimal.Decimal) else v for v in row)


def _build(connection, build: Callable[[], object]) -> _Built:
    from django.db import transaction
    from django.test import override_settings

    from zhengwu.core import clock

    saved = (clock._frozen, clock._offset)
    tables = _tables(connection)
    built = None
    try:
        with transaction.atomic(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            before, sequences_before = _contents(connection, tables), _sequences(connection)
            world = build()
            after = _contents(connection, tables)
            built = _Built(world=world)
            built.sequences = {
                name: last for name, last in _sequences(connection).items() if name not in sequences_before
            }
            for table in tables:
                columns, old_rows = before[table]
                _, new_rows = after[table]
                old = {repr(r) for r in old_rows}
                kept = {repr(r) for r in new_rows}
                if old - kept:
                    raise AssertionError(
                        f"the test world changed or deleted rows of {table}; only added rows can be replayed"
                    )
                added = [r for r in new_rows if repr(r) not in old]
                if added:
                    built.rows[table], built.columns[table] = added, columns
            raise _Rollback
    except _Rollback:
        pass
    finally:
        clock._frozen, clock._offset = saved
    return built


def _replay(connection, built: _Built) -> None:
    """Inserts the rows in one transaction (a savepoint inside a test's), so foreign keys are checked at its end,
    whatever order the tables come in — also in tests that really commit (transactional_db)."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cur:
        for name, last in built.sequences.items():
            cur.execute(f"CREATE SEQUENCE IF NOT EXISTS {connection.ops.quote_name(name)}")
            if last:
                cur.execute(
                    "SELECT setval(%s, GREATEST(%s, (SELECT COALESCE(last_value, 0) FROM pg_sequences "
                    "WHERE schemaname = 'public' AND sequencename = %s)))",
                    [name, last, name],
                )
        for table, rows in built.rows.items():
            q = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                names = ", ".join(connection.ops.quote_name(c) for c in built.columns[table])
                cur.execute(
                    f"INSERT INTO {q} ({names}) SELECT {names} FROM json_populate_recordset(NULL::{q}, %s::json)",
                    ["[" + ",".join(rows) + "]"],
                )
            else:
                columns = built.columns[table]
                names = ", ".join(connection.ops.quote_name(c) for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                cur.executemany(f"INSERT INTO {q} ({names}) VALUES ({marks})", rows)


def replayed(build: Callable[..., object], *, name: str, at=None, on: str | None = None) -> Callable:
    """A function-scoped fixture `name` giving each test the world `build()` makes, replayed as rows (see above),
    with the project clock fixed at `at` (where the build fixed it) for the test when given.

    Use in a conftest:  world = replayed(build_world, name="world", at=WORLD_START)

    `on`: the name of another replayed fixture this world is built on — `build(base)` gets its world and adds
    to it; only the rows it adds are kept, and each test gets the base's rows replayed first, then these (the same
    ids each time, since the base's rows always have theirs)."""
    cache: dict[str, _Built] = {}

    @pytest.fixture(name=name)
    def fixture(db, request):
        from django.db import connection

        make = build
        if on is not None:
            base = request.getfixturevalue(on)
            make = lambda: build(base)  # noqa: E731
        key = f"{connection.vendor}:{connection.settings_dict['NAME']}"
        if key not in cache:
            cache.clear()
            cache[key] = _build(connection, make)
        built = cache[key]
        _replay(connection, built)
        if at is None:
            yield copy.deepcopy(built.world)
            return
        from zhengwu.core import clock

        clock.set_now(at)
        yield copy.deepcopy(built.world)
        clock.set_now(None)

    return fixture
