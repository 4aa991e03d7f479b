"""Case numbers from a PostgreSQL sequence per prefix (issue 20): no counter row locked until commit, so submits in
one county no longer queue behind each other. SQLite keeps the counter row (core.NumberSequence).

zw_case_number(prefix) gives the next number, making the prefix's sequence on first use (starting after the
counter row's last number, so numbers given before this migration are never given again);
zw_case_number_floor(prefix, n) makes sure the next number is above n (an imported case's number)."""

from django.db import migrations

FUNCTIONS = r"""
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

CREATE OR REPLACE FUNCTION zw_case_number(p_prefix text) RETURNS bigint AS $$
BEGIN
  RETURN nextval(zw_case_number_seq(p_prefix, 0)::regclass);
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION zw_case_number_floor(p_prefix text, p_floor bigint) RETURNS void AS $$
DECLARE
  seq text := zw_case_number_seq(p_prefix, p_floor);
  cur bigint;
BEGIN
  EXECUTE format('SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM %I', seq) INTO cur;
  IF p_floor > cur THEN
    PERFORM setval(seq, p_floor, true);
  END IF;
END $$ LANGUAGE plpgsql;
"""

DROP = """
DROP FUNCTION IF EXISTS zw_case_number_floor(text, bigint);
DROP FUNCTION IF EXISTS zw_case_number(text);
DROP FUNCTION IF EXISTS zw_case_number_seq(text, bigint);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_perf_case_scope")]

    operations = [migrations.RunPython(forwards, backwards)]
