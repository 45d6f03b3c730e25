# Issue 12: a GIN index with fastupdate (PostgreSQL's default) keeps new
# entries in an unsorted pending list until a vacuum merges them, and every
# search reads that whole list. After a month's issue is published (40-odd
# items) or the index is rebuilt, searches paid for it until autovacuum came
# by: with 925 entries pending, finding the matches of "kubernetes" took
# 1.8 ms in the index instead of 0.3. The index is written a few times a
# month and read on every search, so entries go straight into it.

from django.db import migrations

INDEX = "newsletter_searchentry_document"


def _set_fastupdate(enabled: bool):
    def run(apps, schema_editor):
        # SQLite's FTS5 table has no pending list to speak of.
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"ALTER INDEX {INDEX} SET (fastupdate = {'on' if enabled else 'off'})")
        if not enabled:
            # What is pending now is merged once; nothing is added to it later.
            schema_editor.execute(f"SELECT gin_clean_pending_list('{INDEX}'::regclass)")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0012_search_head"),
    ]

    operations = [
        migrations.RunPython(_set_fastupdate(False), _set_fastupdate(True)),
    ]
