# Issue 12: search ranks a window of candidates, not every match, so on
# PostgreSQL the index must find matches without reading their documents.

from django.db import migrations

from newsletter.migrations._postgresql import postgresql_only

# One ALTER TABLE, so that the rewrite adding the column lays every row out
# the new way: the long token streams and the document out of the row, only
# the item, the title's own small tsvector (`head`) and pointers in it. The
# GIN index then finds the matches of a broad word by reading a few hundred
# small rows, not every document; the document is read (from TOAST) only
# for the window of candidates search scores.
POSTGRESQL_FORWARD = [
    "ALTER TABLE newsletter_searchentry SET (toast_tuple_target = 128),"
    " ALTER COLUMN document SET STORAGE EXTENDED,"
    " ADD COLUMN head tsvector GENERATED ALWAYS AS"
    " (newsletter_search_stream(title, 'A') || newsletter_search_stream(title_parts, 'A'))"
    " STORED,"
    " ALTER COLUMN head SET STORAGE MAIN",
    # The matches of a query and whether each holds it in its title. With
    # the rows this small the planner prices a scan of the table below the
    # index, but the scan opens every document; the index never does for a
    # plain word (a phrase opens only the rows holding all its words).
    """
    CREATE FUNCTION newsletter_search_matches(whole_query tsquery, title_query tsquery)
    RETURNS TABLE (item_id bigint, in_title boolean)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET enable_seqscan = off
    AS $$
        SELECT entry.item_id, entry.head @@ title_query
        FROM newsletter_searchentry AS entry WHERE entry.document @@ whole_query
    $$
    """,
]
POSTGRESQL_BACKWARD = [
    "DROP FUNCTION newsletter_search_matches(tsquery, tsquery)",
    "ALTER TABLE newsletter_searchentry DROP COLUMN head,"
    " SET (toast_tuple_target = 8160), ALTER COLUMN document SET STORAGE MAIN",
]


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0011_site_generation"),
    ]

    operations = [
        # SQLite's FTS5 table needs nothing: it finds matches in its own index.
        postgresql_only(POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
    ]
