"""The audit chain sealed outside the request (issue 20): a service appends its record with no place in the chain
(`seq`, `prev_hash`, `hash` empty) and no lock; `core.audit.seal()` later gives each unsealed record, in id order, the
next place and chains its hash. The triggers keep refusing DELETE (and TRUNCATE) of any record and any UPDATE, except
the one the seal makes: `seq`, `prev_hash` and `hash` from empty to a value, every other column unchanged. A sealed
record can therefore never change again, and an unsealed one can only be sealed.

Records written before this migration were chained in id order from 1, so their place is their id."""

from django.conf import settings
from django.db import migrations, models

CONTENT = ("id", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "summary", "ip")

PG_SEALABLE = " AND ".join(
    ["OLD.seq IS NULL", "OLD.prev_hash IS NULL", "OLD.hash IS NULL"]
    + ["NEW.seq IS NOT NULL", "NEW.prev_hash IS NOT NULL", "NEW.hash IS NOT NULL"]
    + [f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in CONTENT]
)
PG_UP = f"""
CREATE OR REPLACE FUNCTION zhengwu_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF {PG_SEALABLE} THEN
      RETURN NEW;  -- the seal: the record's place and hashes, once
    END IF;
  END IF;
  RAISE EXCEPTION 'core_auditrecord is append-only (%% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditrecord_no_update BEFORE UPDATE OR DELETE ON core_auditrecord
  FOR EACH ROW EXECUTE FUNCTION zhengwu_audit_append_only();
CREATE TRIGGER core_auditrecord_no_truncate BEFORE TRUNCATE ON core_auditrecord
  FOR EACH STATEMENT EXECUTE FUNCTION zhengwu_audit_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_auditrecord_no_update ON core_auditrecord;
DROP TRIGGER IF EXISTS core_auditrecord_no_truncate ON core_auditrecord;
DROP FUNCTION IF EXISTS zhengwu_audit_append_only();
"""
SQLITE_SEALABLE = " AND ".join(
    ["OLD.seq IS NULL", "OLD.prev_hash IS NULL", "OLD.hash IS NULL"]
    + ["NEW.seq IS NOT NULL", "NEW.prev_hash IS NOT NULL", "NEW.hash IS NOT NULL"]
    + [f'NEW."{c}" IS OLD."{c}"' for c in CONTENT]
)
SQLITE_UP = [
    f"CREATE TRIGGER core_auditrecord_no_update BEFORE UPDATE ON core_auditrecord WHEN NOT ({SQLITE_SEALABLE}) "
    "BEGIN SELECT RAISE(ABORT, 'core_auditrecord is append-only (UPDATE refused)'); END;",
    "CREATE TRIGGER core_auditrecord_no_delete BEFORE DELETE ON core_auditrecord "
    "BEGIN SELECT RAISE(ABORT, 'core_auditrecord is append-only (DELETE refused)'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditrecord_no_update;",
    "DROP TRIGGER IF EXISTS core_auditrecord_no_delete;",
]


def lift(apps, schema_editor):
    """Take the old triggers (refusing every UPDATE) away while the columns change and old records get their place."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


def place_old_records_and_protect(apps, schema_editor):
    conn = schema_editor.connection
    schema_editor.execute("UPDATE core_auditrecord SET seq = id WHERE seq IS NULL AND hash IS NOT NULL")
    if conn.vendor == "postgresql":
        # records were given their id by the service until now: the id sequence starts after the last one
        schema_editor.execute(
            "SELECT setval(pg_get_serial_sequence('core_auditrecord', 'id'), "
            "COALESCE((SELECT MAX(id) FROM core_auditrecord), 0) + 1, false)"
        )
        schema_editor.execute(PG_UP)
    elif conn.vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def unprotect(apps, schema_editor):
    lift(apps, schema_editor)


def protect_as_before(apps, schema_editor):
    import importlib

    before = importlib.import_module("zhengwu.core.migrations.0002_audit_append_only")
    before.forwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_kernel_number_sequence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(lift, protect_as_before),
        migrations.AddField(
            model_name="auditrecord",
            name="seq",
            field=models.PositiveBigIntegerField(blank=True, null=True, unique=True, verbose_name="链上序号"),
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(
                condition=models.Q(("seq__isnull", True)), fields=["id"], name="core_audit_unsealed"
            ),
        ),
        migrations.RunPython(place_old_records_and_protect, unprotect),
    ]
