"""Statements compiled once per database connection, their parameters bound per call (issue 20).

Django builds and compiles a queryset's SQL on every evaluation: for the hottest reads of the platform that is most
of their cost — the locked read of a case for a write (`cases.records._locked`: ~1 ms to build the queryset and
~1 ms to compile it, 0.13 ms for SQLite to run it), the signed-in person read on every request
(`core.backends.StaffBackend.get_user`). A `Prepared` statement builds and compiles its queryset the first time a
connection runs it, keeps the SQL and the compiler (which knows how to turn the rows into model instances, their
select_related objects and annotations), and after that only binds the new values and runs the SQL.

    _ITEM = Prepared(lambda code: ServiceItem.objects.select_related("organisation").filter(code=code)[:1], str)
    item = _ITEM.first("0001")

- `build(*placeholders, **variant)` returns the queryset. Each parameter is a placeholder the statement must use
  exactly once, unchanged, as a parameter of the SQL (an exact lookup: `pk=`, `number=`); one that a lookup would
  transform (`__contains`, `__iexact` …) or use twice is refused when the statement is compiled.
- What `build` returns must not depend on the moment or on anything but its arguments and `variant`: it is
  compiled once per connection. Each distinct `variant` (keyword arguments, hashable) is a statement of its own (a
  connection keeps at most MAX_PER_CONNECTION of them).
- Reads only, without prefetch_related. A statement with select_for_update refuses to run outside a transaction, as
  Django does. The database is the router's (db_for_write for select_for_update, else db_for_read), as a queryset's.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections, router
from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor
from django.db.backends.utils import CursorWrapper
from django.db.models import QuerySet
from django.db.models.query import get_related_populators
from django.db.transaction import TransactionManagementError

# the placeholders a statement is compiled with: values no real row uses, each findable in the compiled parameters
# (an integer within a 32-bit column's range: Django compiles a lookup outside it as matching nothing)
_INT_PLACEHOLDER = -2_147_400_000
_STR_PLACEHOLDER = "\u0001zw-prepared-{}\u0001"


class _Compiled:
    __slots__ = ("sql", "params", "positions", "compiler", "model", "init_list", "fields", "populators",
                 "annotations", "trim", "for_update", "converters", "composite")  # fmt: skip

    def __init__(self, queryset: QuerySet, placeholders: tuple, alias: str):
        query = queryset.query
        if queryset._prefetch_related_lookups:
            raise TypeError("Prepared: prefetch_related is not supported")
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)
        positions = []
        for placeholder in placeholders:
            found = [
                n
                for n, value in enumerate(params)
                if value == placeholder and type(value) is type(placeholder)
            ]
            if len(found) != 1:
                raise TypeError(
                    f"Prepared: a parameter must appear once, unchanged, in the SQL (found {len(found)} times): {sql}"
                )
            positions.append(found[0])
        self.sql, self.params, self.positions, self.compiler = sql, params, positions, compiler
        klass_info = compiler.klass_info
        self.model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.fields = (start, end)
        self.init_list = [column[0].target.attname for column in compiler.select[start:end]]
        self.populators = get_related_populators(klass_info, compiler.select, alias)
        self.annotations = tuple(compiler.annotation_col_map.items())
        self.trim = compiler.col_count if compiler.has_extra_select else None
        # how the backend's values become Python's (dates, JSON, decimals), found once (results_iter asks each time)
        selected = [column[0] for column in compiler.select[0 : compiler.col_count]]
        self.converters = compiler.get_converters(selected)
        self.composite = compiler.has_composite_fields(selected)
        self.for_update = bool(query.select_for_update) and compiler.connection.features.has_select_for_update


def _cursor(connection):
    """A cursor for a prepared statement. On PostgreSQL with `prepare_threshold` set (settings: off behind PgBouncer)
    one that binds parameters on the server, so that psycopg prepares the statement on the server once it has run
    there that many times: the server then skips parsing and planning it (the public status query's plan took 0.53 ms
    against 0.10 ms to execute it). Django's own cursors bind on the client and are never prepared."""
    if (
        connection.vendor == "postgresql"
        and connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
    ):
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        with connection.wrap_database_errors:
            raw = ServerBindingCursor(connection.connection)
        connection.validate_thread_sharing()
        return _LoggedCursor(raw, connection) if connection.queries_logged else connection.make_cursor(raw)
    return connection.cursor()


cursor = _cursor  # for a constant statement run as written (core.calendar's freshness check)


class _LoggedCursor(CursorDebugWrapper):
    """Logs a statement with its values, as Django's client-side cursors do (psycopg keeps no text of a statement it
    ran prepared), for connection.queries and the statement-count tests."""

    def execute(self, sql, params=None):
        try:
            shown = self.db.ops.compose_sql(sql, params)
        except Exception:  # a value the client cannot quote: the statement as written
            shown = sql
        with self.debug_sql(shown, params, use_last_executed_query=False):
            return CursorWrapper.execute(self, sql, params)


# the most statements a connection keeps compiled (each distinct variant is one); past it they are compiled afresh
MAX_PER_CONNECTION = 500


class Prepared:
    """A read compiled once per connection (module docstring). `converters` turn each argument into the value the
    SQL is given: `int` for an integer key, `str` for a text column."""

    made: list = []  # every statement, in the order made (tests/core/test_prepared.py plans each generically)

    def __init__(self, build: Callable[..., QuerySet], *converters: type):
        Prepared.made.append(self)
        self.build = build
        self.converters = converters
        self.placeholders = tuple(
            _INT_PLACEHOLDER - n if converter is int else _STR_PLACEHOLDER.format(n)
            for n, converter in enumerate(converters)
        )

    def _statement(self, alias: str, variant: dict) -> _Compiled:
        connection = connections[alias]
        cache = connection.__dict__.setdefault("_zw_prepared", {})
        key = (self, tuple(sorted(variant.items()))) if variant else self
        compiled = cache.get(key)
        if compiled is None:
            if len(cache) >= MAX_PER_CONNECTION:  # variants per scope (cases.records._LOCK_IN_SCOPE): bounded
                cache.clear()
            compiled = cache[key] = _Compiled(
                self.build(*self.placeholders, **variant), self.placeholders, alias
            )
        return compiled

    def all(self, *values, using: str | None = None, **variant) -> list:
        """The model instances the statement reads with these values (in the order of the SQL)."""
        if using is None:
            model = self._model()
            using = router.db_for_read(model) if not self._locks() else router.db_for_write(model)
        compiled = self._statement(using, variant)
        connection = connections[using]
        if compiled.for_update and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = compiled.params.copy()
        for position, convert, value in zip(compiled.positions, self.converters, values, strict=True):
            params[position] = convert(value)
        with _cursor(connection) as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.trim is not None:
            rows = [row[: compiled.trim] for row in rows]
        start, end = compiled.fields
        found = []
        if compiled.composite:
            rows = compiled.compiler.results_iter([rows])
        elif compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        for row in rows:
            obj = compiled.model.from_db(using, compiled.init_list, row[start:end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    def first(self, *values, using: str | None = None, **variant):
        """The first instance read, or None."""
        found = self.all(*values, using=using, **variant)
        return found[0] if found else None

    # the model and whether the statement locks, known once it was built for the default database
    def _model(self):
        return self._shape()[0]

    def _locks(self) -> bool:
        return self._shape()[1]

    def _shape(self):
        shape = self.__dict__.get("_shape_known")
        if shape is None:
            queryset = self.build(*self.placeholders)
            shape = self.__dict__["_shape_known"] = (queryset.model, bool(queryset.query.select_for_update))
        return shape
