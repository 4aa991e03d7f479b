"""The first case of a prefix (a county's first case of a year) made on two servers at once (issue 20): both found no
sequence and both ran CREATE SEQUENCE IF NOT EXISTS, which is not safe against a concurrent creator — the second
failed with "duplicate key value violates unique constraint pg_class_relname_nsp_index" and its submit answered 500.
Now the second waits for the first's transaction (the catalog's unique index does that), takes its failure as "made
already", and uses the sequence the first made (found by tests/cases/test_two_servers.py)."""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION zw_case_number_seq(p_prefix text, p_floor bigint) RETURNS text AS $$
DECLARE
  seq text := 'zw_case_number_' || regexp_replace(p_prefix, '[^0-9A-Za-z]', '_', 'g');
BEGIN
  IF to_regclass(seq) IS NULL THEN
    BEGIN
      EXECUTE format('CREATE SEQUENCE %I START WITH %s', seq,
        GREATEST(p_floor, COALESCE((SELECT last FROM core_numbersequence WHERE prefix = p_prefix), 0)) + 1);
    EXCEPTION WHEN unique_violation OR duplicate_table THEN
      NULL;  -- made by a concurrent transaction, which has committed: use it
    END;
  END IF;
  RETURN seq;
END $$ LANGUAGE plpgsql;
"""

BEFORE = r"""
CREATE OR REPLACE FUNCTION zw_case_number_seq(p_prefix text, p_floor bigint) RETURNS text AS $$
DECLARE
  seq text := 'zw_case_number_' || regexp_replace(p_prefix, '[^0-9A-Za-z]', '_', 'g');
BEGIN
  IF to_regclass(seq) IS NULL THEN
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I START WITH %s', seq,
      GREATEST(p_floor, COALESCE((SELECT last FROM core_numbersequence WHERE prefix = p_prefix), 0)) + 1);
  END IF;
  RETURN seq;
END $$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BEFORE, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_hall_delivery")]

    operations = [migrations.RunPython(forwards, backwards)]
