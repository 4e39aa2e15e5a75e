"""On PostgreSQL, forbid TRUNCATE of the audit table too (等保2.0 8.1.4.3 c; ADR 0003).

The row trigger of 0002 does not fire on TRUNCATE. This statement trigger refuses it for every
role that does not own the table. The owner (and a superuser) is let through: such a role can
drop or disable any trigger anyway, so refusing it would protect nothing and would only break
`manage.py flush` and the test runner's flush. The application connects as a role that does not
own the tables (docs/operations.md §3), and a truncate by the owner is caught by the signed
anchors that `audit_verify` checks. ENABLE ALWAYS keeps the trigger firing under
`session_replication_role = replica`.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION zjtx_audit_no_truncate() RETURNS trigger AS $$
BEGIN
  IF pg_has_role(
    current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE'
  ) THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'core_auditevent is append-only: TRUNCATE is not allowed';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
  FOR EACH STATEMENT EXECUTE FUNCTION zjtx_audit_no_truncate();
ALTER TABLE core_auditevent ENABLE ALWAYS TRIGGER core_auditevent_no_truncate;
"""
DROP = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS zjtx_audit_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_auditevent_hash_alg")]
    operations = [migrations.RunPython(forwards, backwards)]
