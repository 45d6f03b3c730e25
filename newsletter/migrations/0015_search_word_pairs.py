# Issue 12: on PostgreSQL a phrase ("1.35", "kube-proxy", "gateway api" in
# quotes) was matched by opening the document of every item holding all its
# words, to compare positions: for "Kubernetes 1.35" over ten years, 240
# documents read from TOAST, 1.3 of the 2 ms the matches took.
#
# Each entry now also keeps the pairs of words that stand next to each other
# in one of its token streams, as lexemes of their own ('1 35'), and the GIN
# index covers the document and the pairs together. A phrase of two words is
# then one lexeme the index answers alone; a longer one asks the index for
# its pairs and opens only the documents holding all of them. Words stand
# next to each other exactly when the document's positions say so: streams
# never touch (each starts one position after the last one ends) and an
# empty token leaves a gap, as newsletter_search_stream numbers them.

from django.db import migrations

from newsletter.migrations._postgresql import postgresql_only

STREAMS = (
    "title",
    "title_parts",
    "original_title",
    "original_title_parts",
    "remark",
    "remark_parts",
    "body",
    "body_parts",
)


def _matches_function(condition: str) -> str:
    """Return the statement defining newsletter_search_matches (migration 0012)
    with the index condition `condition` on the entry."""
    return f"""
    CREATE OR REPLACE FUNCTION newsletter_search_matches(whole_query tsquery, title_query tsquery)
    RETURNS TABLE (item_id bigint, in_title boolean)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET enable_seqscan = off
    AS $$
        SELECT entry.item_id, entry.head @@ title_query
        FROM newsletter_searchentry AS entry WHERE {condition}
    $$
    """


POSTGRESQL_FORWARD = [
    """
    CREATE FUNCTION newsletter_search_pairs(stream text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(array_to_tsvector(array_agg(DISTINCT first.token || ' ' || next.token)),
                        ''::tsvector)
        FROM unnest(string_to_array(stream, ' ')) WITH ORDINALITY AS first(token, position)
        JOIN unnest(string_to_array(stream, ' ')) WITH ORDINALITY AS next(token, position)
            ON next.position = first.position + 1
        WHERE first.token <> '' AND next.token <> ''
    $$
    """,
    "ALTER TABLE newsletter_searchentry ADD COLUMN pairs tsvector GENERATED ALWAYS AS ("
    + " || ".join(f"newsletter_search_pairs({name})" for name in STREAMS)
    + ") STORED",
    "CREATE INDEX newsletter_search_words_and_pairs ON newsletter_searchentry"
    " USING gin ((document || pairs)) WITH (fastupdate = off)",
    "DROP INDEX newsletter_searchentry_document",
    _matches_function("(entry.document || entry.pairs) @@ whole_query"),
    "ANALYZE newsletter_searchentry",
]
POSTGRESQL_BACKWARD = [
    _matches_function("entry.document @@ whole_query"),
    "CREATE INDEX newsletter_searchentry_document ON newsletter_searchentry"
    " USING gin (document) WITH (fastupdate = off)",
    "DROP INDEX newsletter_search_words_and_pairs",
    "ALTER TABLE newsletter_searchentry DROP COLUMN pairs",
    "DROP FUNCTION newsletter_search_pairs(text)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0014_search_text_passages"),
    ]

    operations = [
        # SQLite's FTS5 index keeps positions in its own index: a phrase costs
        # it no document reads.
        postgresql_only(POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
    ]
