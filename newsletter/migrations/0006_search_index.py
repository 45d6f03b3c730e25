"""The search index: token streams per public item, indexed by each database its own way."""


import django.db.models.deletion
from django.db import migrations, models

# The token streams of SearchEntry, in the order of their weights: the title
# counts most (A), then the original title (B), the remark (C), the body (D).
STREAMS = [
    ("title", "A"),
    ("title_parts", "A"),
    ("original_title", "B"),
    ("original_title_parts", "B"),
    ("remark", "C"),
    ("remark_parts", "C"),
    ("body", "D"),
    ("body_parts", "D"),
]
COLUMNS = ", ".join(name for name, _weight in STREAMS)

# PostgreSQL: a weighted tsvector computed from the streams, never by the
# text-search parser: the tokens are already cut, and the parser would split
# them again (and differently from SQLite). Each stream's positions start one
# after the last stream's end plus one, so that no phrase spans two streams,
# as none spans two columns of an FTS5 table.
POSTGRESQL_FORWARD = [
    # Trigram similarity for the closest names and spelling hints.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    CREATE FUNCTION newsletter_search_stream(stream text, weight "char") RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(
            setweight(string_agg(quote_literal(token) || ':' || (position + 1), ' ')::tsvector, weight),
            ''::tsvector)
        FROM unnest(string_to_array(stream, ' ')) WITH ORDINALITY AS tokens(token, position)
        WHERE token <> ''
    $$
    """,
    """
    CREATE FUNCTION newsletter_search_document(%s) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT %s $$
    """
    % (
        ", ".join(f"{name} text" for name, _weight in STREAMS),
        " || ".join(f"newsletter_search_stream({name}, '{weight}')" for name, weight in STREAMS),
    ),
    "ALTER TABLE newsletter_searchentry ADD COLUMN document tsvector"
    f" GENERATED ALWAYS AS (newsletter_search_document({COLUMNS})) STORED",
    "CREATE INDEX newsletter_searchentry_document ON newsletter_searchentry USING gin (document)",
    # Ranking reads the tsvector of every match: keep it in the row, whole
    # and uncompressed where it fits (no TOAST fetch, no decompression), and
    # send the long texts out of the row first.
    "ALTER TABLE newsletter_searchentry SET (toast_tuple_target = 8160)",
    "ALTER TABLE newsletter_searchentry ALTER COLUMN document SET STORAGE MAIN,"
    " ALTER COLUMN body SET STORAGE EXTERNAL, ALTER COLUMN body_parts SET STORAGE EXTERNAL,"
    " ALTER COLUMN text SET STORAGE EXTERNAL",
    "CREATE INDEX newsletter_searchword_trigram ON newsletter_searchword"
    " USING gin (word gin_trgm_ops)",
]
# The extension stays: dropping it could break anything else that uses it.
POSTGRESQL_BACKWARD = [
    "DROP INDEX newsletter_searchword_trigram",
    "DROP INDEX newsletter_searchentry_document",
    "ALTER TABLE newsletter_searchentry DROP COLUMN document",
    "ALTER TABLE newsletter_searchentry RESET (toast_tuple_target)",
    "DROP FUNCTION newsletter_search_document(%s)" % ", ".join("text" for _stream in STREAMS),
    'DROP FUNCTION newsletter_search_stream(text, "char")',
]

# SQLite: an FTS5 table over the streams, reading its text from
# newsletter_searchentry (external content) and kept in step by triggers.
# Known limit: a later migration that makes SQLite rebuild the
# newsletter_searchentry table drops these triggers; it must create them again.
_NEW = ", ".join(f"new.{name}" for name, _weight in STREAMS)
_OLD = ", ".join(f"old.{name}" for name, _weight in STREAMS)
_FTS_DELETE = (
    f"INSERT INTO newsletter_search_fts(newsletter_search_fts, rowid, {COLUMNS})"
    f" VALUES ('delete', old.item_id, {_OLD});"
)
_FTS_INSERT = f"INSERT INTO newsletter_search_fts(rowid, {COLUMNS}) VALUES (new.item_id, {_NEW});"
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE newsletter_search_fts USING fts5({COLUMNS},"
    " content='newsletter_searchentry', content_rowid='item_id',"
    " tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER newsletter_search_fts_insert AFTER INSERT ON newsletter_searchentry"
    f" BEGIN {_FTS_INSERT} END",
    "CREATE TRIGGER newsletter_search_fts_delete AFTER DELETE ON newsletter_searchentry"
    f" BEGIN {_FTS_DELETE} END",
    "CREATE TRIGGER newsletter_search_fts_update AFTER UPDATE ON newsletter_searchentry"
    f" BEGIN {_FTS_DELETE} {_FTS_INSERT} END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER newsletter_search_fts_update",
    "DROP TRIGGER newsletter_search_fts_delete",
    "DROP TRIGGER newsletter_search_fts_insert",
    "DROP TABLE newsletter_search_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                "Search needs PostgreSQL or SQLite; "
                f"this database is {schema_editor.connection.vendor}."
            )
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


def database_index_create(apps, schema_editor):
    _run({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD})(apps, schema_editor)


def database_index_drop(apps, schema_editor):
    _run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD})(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('newsletter', '0005_subscribers_deliveries'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('item', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_entry', serialize=False, to='newsletter.item', verbose_name='item')),
                ('title', models.TextField(verbose_name='title')),
                ('title_parts', models.TextField(blank=True)),
                ('original_title', models.TextField(blank=True, verbose_name='original title')),
                ('original_title_parts', models.TextField(blank=True)),
                ('remark', models.TextField(blank=True, verbose_name="editor's remark")),
                ('remark_parts', models.TextField(blank=True)),
                ('body', models.TextField(blank=True, verbose_name='body')),
                ('body_parts', models.TextField(blank=True)),
                ('text', models.TextField(blank=True, help_text='The body and remark as plain text, where snippets come from.')),
            ],
            options={
                'verbose_name': 'search entry',
                'verbose_name_plural': 'search entries',
            },
        ),
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('word', models.CharField(max_length=64, unique=True, verbose_name='word')),
            ],
            options={
                'verbose_name': 'search word',
                'verbose_name_plural': 'search words',
            },
        ),
        migrations.RunPython(database_index_create, database_index_drop),
    ]
