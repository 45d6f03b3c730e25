"""What every backend does the same way: find the matches, score a window of them.

The backends only read the index: which items match a query, whether in
their titles, and how well. What is public, the filters, the facet counts
and the final order are decided over the snapshot of the public items
(`newsletter.search.snapshot`, `newsletter.search.ranking`), the same on
both databases.
"""

from collections.abc import Iterator

from django.db import connection

from newsletter.models import Issue, Item, SearchEntry, Section
from newsletter.search.query import Query

# The weights of the four fields, the same on both databases.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
# The index's token streams and their weights, in the order of the FTS5
# columns and of the tsvector's positions (see migration 0006).
STREAMS = (
    ("title", "A"),
    ("title_parts", "A"),
    ("original_title", "B"),
    ("original_title_parts", "B"),
    ("remark", "C"),
    ("remark_parts", "C"),
    ("body", "D"),
    ("body_parts", "D"),
)
TITLE_STREAMS = ("title", "title_parts")

SQL = tuple[str, list]
# How many matches `matches` reads from the database at a time.
MATCHES_BATCH = 500


class SearchBackend:
    """A database's full-text index. Subclasses say how to match and score."""

    # The table `matches_sql` and `rescore` read the index from, and its
    # column holding the item id.
    source: str
    key: str
    # Whether `score` ranks the best match lowest (bm25) or highest (ts_rank_cd).
    lower_score_is_better: bool

    def match_condition(self, query: Query) -> SQL:
        """Return the WHERE condition on `source` for items matching `query`."""
        raise NotImplementedError

    def title_condition(self, query: Query) -> SQL:
        """Return a condition true for rows whose title streams match the whole
        query (what `matches` reads, unless a backend has its own)."""
        raise NotImplementedError

    def phrase_condition(self, query: Query, ids: list[int]) -> SQL | None:
        """Return a condition true for the rows of `ids` holding the query as an
        exact phrase, if it has one."""
        raise NotImplementedError

    def score(self, query: Query) -> SQL:
        """Return the relevance of a matching row (see `lower_score_is_better`)."""
        raise NotImplementedError

    def window_condition(self, query: Query, ids: list[int]) -> SQL:
        """Return the WHERE condition selecting the rows of `ids` to score for `query`."""
        raise NotImplementedError

    def match_lists(self, query: Query) -> tuple[list[int], set[int]]:
        """Return the ids of every indexed item matching `query`, in no order,
        and the set of those whose title streams hold the whole query. One
        query, one row: what `matches` yields, read as two lists at once."""
        raise NotImplementedError

    def similar_words(self, word: str, *, limit: int) -> list[str]:
        """Return up to `limit` indexed Latin words spelled like `word`, closest first."""
        raise NotImplementedError

    def closest(self, *, names: dict[str, str], text: str, limit: int) -> list[str]:
        """Return the keys of up to `limit` of `names` (key: name), the names
        closest to `text` first."""
        raise NotImplementedError

    def optimize(self) -> None:
        """Tidy the index after a rebuild (committed, unless the caller holds a
        transaction of its own)."""
        raise NotImplementedError

    def matches_sql(self, query: Query) -> SQL:
        """Return the SQL selecting (item id, whether its title streams hold the
        whole query) of every indexed item matching `query`, in no order."""
        match_sql, match_params = self.match_condition(query)
        title_sql, title_params = self.title_condition(query)
        sql = f"SELECT {self.key}, ({title_sql}) FROM {self.source} WHERE {match_sql}"
        return sql, [*title_params, *match_params]

    def matches(self, query: Query) -> Iterator[tuple[int, bool | int]]:
        """Yield (item id, in title) of every indexed item matching `query`, in
        no order. One query; nothing is scored. Rows are read a batch at a
        time, so a reader that stops early (is anything found?) reads little."""
        with connection.cursor() as cursor:
            cursor.execute(*self.matches_sql(query))
            # `in_title` is a bool on PostgreSQL, 0 or 1 on SQLite: either reads true.
            while batch := cursor.fetchmany(MATCHES_BATCH):
                yield from batch

    def result_rows(self, ids: list[int]) -> list[tuple]:
        """Return (id, title, issue slug, issue title, section name, indexed text)
        of the items `ids`, in no order. One query, written out: for a page of
        results, building it through the ORM costs more than running it."""
        if not ids:
            return []
        item, issue, section, entry = (
            connection.ops.quote_name(model._meta.db_table)
            for model in (Item, Issue, Section, SearchEntry)
        )
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            "SELECT item.id, item.title, issue.slug, issue.title, section.name, entry.text"
            f" FROM {item} AS item JOIN {issue} AS issue ON issue.id = item.issue_id"
            f" LEFT JOIN {section} AS section ON section.id = item.section_id"
            f" LEFT JOIN {entry} AS entry ON entry.item_id = item.id"
            f" WHERE item.id IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, ids)
            return cursor.fetchall()

    def rescore(self, query: Query, ids: list[int]) -> dict[int, tuple[bool, float]]:
        """Return, for each of `ids` that matches `query`, whether it holds the
        query as one phrase and its relevance, the higher the better. One query."""
        if not ids:
            return {}
        phrase_sql, phrase_params = self.phrase_condition(query, ids) or ("FALSE", [])
        score_sql, score_params = self.score(query)
        window_sql, window_params = self.window_condition(query, ids)
        sql = (
            f"SELECT {self.key}, ({phrase_sql}), {score_sql} FROM {self.source} WHERE {window_sql}"
        )
        sign = -1 if self.lower_score_is_better else 1
        with connection.cursor() as cursor:
            cursor.execute(sql, [*phrase_params, *score_params, *window_params])
            return {
                pk: (bool(as_phrase), sign * score) for pk, as_phrase, score in cursor.fetchall()
            }
