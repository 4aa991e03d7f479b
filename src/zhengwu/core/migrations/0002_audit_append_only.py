"""The audit chain is append-only: the database refuses UPDATE and DELETE of audit rows, on both databases."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION zhengwu_audit_append_only() RETURNS trigger AS $$
BEGIN
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
SQLITE_UP = [
    "CREATE TRIGGER core_auditrecord_no_update BEFORE UPDATE ON core_auditrecord "
    "BEGIN SELECT RAISE(ABORT, 'core_auditrecord is append-only (UPDATE refused)'); END;",
    "CREATE TRIGGER core_auditrecord_no_delete BEFORE DELETE ON core_auditrecord "
    "BEGIN SELECT RAISE(ABORT, 'core_auditrecord is append-only (DELETE refused)'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditrecord_no_update;",
    "DROP TRIGGER IF EXISTS core_auditrecord_no_delete;",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
