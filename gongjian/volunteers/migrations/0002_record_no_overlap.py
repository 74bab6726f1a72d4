"""On PostgreSQL, the database itself refuses overlapping service records of one person (an
exclusion constraint over time ranges, with btree_gist for the volunteer id). The services check
the same under a row lock on every database; this is the second line, where the extension may be
created. An open record (no check-out yet) occupies all time from its check-in."""

from django.db import migrations, transaction

CONSTRAINT = (
    "ALTER TABLE volunteers_servicerecord ADD CONSTRAINT record_no_overlap EXCLUDE USING gist "
    "(volunteer_id WITH =, tstzrange(checked_in_at, COALESCE(checked_out_at, 'infinity'::timestamptz), '[)') WITH &&) "
    "WHERE (status <> 'declined')"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    except Exception:  # no right to create extensions: the services' locked check remains
        return
    schema_editor.execute(CONSTRAINT)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE volunteers_servicerecord DROP CONSTRAINT IF EXISTS record_no_overlap")


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
