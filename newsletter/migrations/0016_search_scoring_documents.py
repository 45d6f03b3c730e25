# Issue 12: on PostgreSQL, scoring a window of a hundred candidates read each
# document from TOAST (migration 0012 keeps it out of the entry's row, so that
# the GIN index finds a broad word's matches by reading small rows): 0.4 of
# the 1.3 ms a window of "后量子 密码学" took at 5,040 items.
#
# A copy of each document now stands in the row of a table of its own,
# `newsletter_search_scoring`, which only the scoring reads, by item id. The
# entry's triggers keep it: every insert, update, delete and truncate of the
# entries is repeated there, in the same transaction, however the entry was
# written (the index service, a restore, the test suite's flush). A document
# of about 2.4 kB fits three to a page; one longer than a page still goes to
# TOAST, as a last resort (STORAGE MAIN).

from django.db import migrations

from newsletter.migrations._postgresql import postgresql_only

POSTGRESQL_FORWARD = [
    "CREATE TABLE newsletter_search_scoring (item_id bigint PRIMARY KEY, document tsvector)",
    "ALTER TABLE newsletter_search_scoring ALTER COLUMN document SET STORAGE MAIN",
    """
    CREATE FUNCTION newsletter_search_scoring_follow() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            DELETE FROM newsletter_search_scoring WHERE item_id = OLD.item_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO newsletter_search_scoring (item_id, document)
            VALUES (NEW.item_id, NEW.document);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    # AFTER: the document is generated, so only then does the row hold it.
    "CREATE TRIGGER newsletter_search_scoring_follow"
    " AFTER INSERT OR UPDATE OR DELETE ON newsletter_searchentry"
    " FOR EACH ROW EXECUTE FUNCTION newsletter_search_scoring_follow()",
    """
    CREATE FUNCTION newsletter_search_scoring_empty() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE newsletter_search_scoring;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER newsletter_search_scoring_empty AFTER TRUNCATE ON newsletter_searchentry"
    " FOR EACH STATEMENT EXECUTE FUNCTION newsletter_search_scoring_empty()",
    "INSERT INTO newsletter_search_scoring (item_id, document)"
    " SELECT item_id, document FROM newsletter_searchentry",
    "ANALYZE newsletter_search_scoring",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER newsletter_search_scoring_empty ON newsletter_searchentry",
    "DROP TRIGGER newsletter_search_scoring_follow ON newsletter_searchentry",
    "DROP FUNCTION newsletter_search_scoring_empty()",
    "DROP FUNCTION newsletter_search_scoring_follow()",
    "DROP TABLE newsletter_search_scoring",
]


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0015_search_word_pairs"),
    ]

    operations = [
        # SQLite's FTS5 table keeps no document to read: bm25 reads its own index.
        postgresql_only(POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
    ]
