"""Append-only tables: the database triggers that refuse UPDATE and DELETE, and the digest of a row that the audit
chain carries, so that `zhengwu audit verify` can tell a row that was altered, removed or slipped in.

A domain's migration protects its tables with `protect("cases_caseevent")` (both databases, and covering rows written
before the table was protected); its services pass each new row to `audit.record(..., rows=[row])`.
"""

import datetime as dt
import hashlib

from django.apps import apps
from django.db import migrations

from zhengwu.core.canonical import canonical

# One PostgreSQL function serves every protected table; the error names the table and the operation (%% is how a
# migration, which passes parameters, writes a literal %).
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION zhengwu_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '%% is append-only (%% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
COVER_BATCH = (
    200  # rows per audit record when a migration covers rows written before their table was protected
)


def trigger_sql(vendor: str, table: str, *, enabled: bool = True) -> list[str]:
    """The statements that make `table` append-only on this database (or, with enabled=False, lift that)."""
    if vendor == "postgresql":
        if not enabled:
            return [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
            ]
        return [
            _PG_FUNCTION,
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION zhengwu_append_only();",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION zhengwu_append_only();",
        ]
    if vendor == "sqlite":
        if not enabled:
            return [
                f"DROP TRIGGER IF EXISTS {table}_no_update;",
                f"DROP TRIGGER IF EXISTS {table}_no_delete;",
            ]
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only (UPDATE refused)'); END;",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only (DELETE refused)'); END;",
        ]
    return []


def _value(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def digest_of(label: str, pk: int, values: list) -> str:
    """SHA-256 over the model's label, the row's id and its hashed fields' values, in the canonical text."""
    return hashlib.sha256(canonical([label, pk, [_value(v) for v in values]]).encode("utf-8")).hexdigest()


def digest(row) -> str:
    """The digest of a stored append-only row (its model's `hashed_fields`), as the audit chain records it."""
    meta = row._meta
    values = [getattr(row, meta.get_field(name).attname) for name in row.hashed_fields]
    return digest_of(meta.label_lower, row.pk, values)


def reference(row) -> list:
    """What an audit record keeps of a row it covers: [model label, id, digest]."""
    return [row._meta.label_lower, row.pk, digest(row)]


def protected_models() -> list:
    """Every append-only model (subclasses of core.models.AppendOnly) installed."""
    from zhengwu.core.models import AppendOnly

    return [m for m in apps.get_models() if issubclass(m, AppendOnly)]


def protect(app_label: str, model_name: str) -> migrations.RunPython:
    """A migration operation: install the triggers on the model's table and cover the rows already in it with audit
    records (so `audit verify` knows them); reversed, it lifts the triggers."""

    def forwards(migration_apps, schema_editor):
        model = migration_apps.get_model(app_label, model_name)
        table = model._meta.db_table
        for sql in trigger_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(sql)
        _cover_existing(migration_apps, model, using=schema_editor.connection.alias)

    def backwards(migration_apps, schema_editor):
        table = migration_apps.get_model(app_label, model_name)._meta.db_table
        for sql in trigger_sql(schema_editor.connection.vendor, table, enabled=False):
            schema_editor.execute(sql)

    return migrations.RunPython(forwards, backwards)


def _cover_existing(migration_apps, model, *, using: str) -> None:
    from zhengwu.core import audit

    real = apps.get_model(model._meta.app_label, model._meta.model_name)
    names = real.hashed_fields
    attnames = [model._meta.get_field(n).attname for n in names]
    label = real._meta.label_lower
    batch: list[list] = []
    rows = model.objects.using(using).order_by("pk").values_list("pk", *attnames)
    for pk, *values in rows.iterator(chunk_size=2000):
        batch.append([label, pk, digest_of(label, pk, values)])
        if len(batch) == COVER_BATCH:
            audit.append_raw(migration_apps, "audit.cover_existing", {"rows": batch}, using=using)
            batch = []
    if batch:
        audit.append_raw(migration_apps, "audit.cover_existing", {"rows": batch}, using=using)
