"""SQLite: an FTS5 table over the token streams, ranked by bm25().

The FTS5 table `newsletter_search_fts` reads its text from the search entries
(external content) and follows them through triggers (migration 0006). Its
tokenizer, unicode61 without diacritic folding, reads each stored token as one
word, since tokens are letters and digits only (`analysis`).
"""

import difflib
import json

from django.db import connection
from django.db.models import Q
from django.db.models.functions import Length

from newsletter.models import SearchWord
from newsletter.search.backends.base import SQL, STREAMS, TITLE_STREAMS, WEIGHTS, SearchBackend
from newsletter.search.query import Conjunction, Query, Term

TABLE = "newsletter_search_fts"
# How alike two words (difflib's ratio) or two names must be to offer one for the other.
CUTOFF = 0.75
NAME_CUTOFF = 0.5


def _term(term: Term) -> str:
    # A quoted string is a phrase of its tokens; quotes inside are doubled.
    return '"' + " ".join(term.tokens).replace('"', '""') + '"'


def _conjunction(conjunction: Conjunction) -> str:
    text = " AND ".join(_term(term) for term in conjunction)
    return f"({text})" if len(conjunction) > 1 else text


def fts5_positive(query: Query) -> str:
    """Return the FTS5 expression every matching item satisfies, exclusions aside."""
    clauses = []
    for clause in query.clauses:
        text = " OR ".join(_conjunction(c) for c in clause.alternatives)
        clauses.append(f"({text})" if len(clause.alternatives) > 1 else text)
    return " AND ".join(clauses)


def fts5_query(query: Query) -> str:
    """Return `query` as an FTS5 MATCH expression."""
    positive = fts5_positive(query)
    if not query.excluded:
        return positive
    excluded = " OR ".join(_conjunction(c) for c in query.excluded)
    return f"({positive}) NOT ({excluded})"


def _span(ids: list[int]) -> SQL:
    # The range of rowids from the least of `ids` to the greatest.
    return "rowid BETWEEN %s AND %s", [min(ids), max(ids)]


def _columns(names) -> str:
    return "{" + " ".join(names) + "}"


def fts5_title(query: Query) -> str:
    """Return the FTS5 expression the title streams of an item satisfy when
    they hold the whole query (exclusions aside)."""
    return f"{_columns(TITLE_STREAMS)} : ({fts5_positive(query)})"


class SQLiteBackend(SearchBackend):
    source = TABLE
    key = f"{TABLE}.rowid"
    # bm25() is negative, the best match lowest.
    lower_score_is_better = True

    def match_condition(self, query: Query) -> SQL:
        return f"{TABLE} MATCH %s", [fts5_query(query)]

    def _rows_matching(self, expression: str, within: SQL = ("1", [])) -> SQL:
        # A subquery of its own: bm25() belongs to the outer query's MATCH.
        sql = f"{self.key} IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s AND {within[0]})"
        return sql, [expression, *within[1]]

    def title_condition(self, query: Query) -> SQL:
        return self._rows_matching(fts5_title(query))

    def phrase_condition(self, query: Query, ids: list[int]) -> SQL | None:
        phrase = query.phrase
        return None if phrase is None else self._rows_matching(_term(phrase), _span(ids))

    def score(self, query: Query) -> SQL:
        weights = ", ".join(str(WEIGHTS[weight]) for _name, weight in STREAMS)
        return f"bm25({TABLE}, {weights})", []

    def window_condition(self, query: Query, ids: list[int]) -> SQL:
        # bm25() needs the MATCH of its own query. The unary plus keeps SQLite
        # from handing each id to FTS5 as a lookup, which runs the MATCH once
        # per id; instead the matches are read once and checked against `ids`.
        # The ids' span of rowids, which FTS5 seeks to in its lists, spares
        # reading the matches outside it: the first window of a broad word is
        # its newest hundred items of thousands.
        match_sql, match_params = self.match_condition(query)
        span_sql, span_params = _span(ids)
        placeholders = ", ".join(["%s"] * len(ids))
        sql = f"{match_sql} AND {span_sql} AND +{self.key} IN ({placeholders})"
        return sql, [*match_params, *span_params, *ids]

    def match_lists(self, query: Query) -> tuple[list[int], set[int]]:
        # Each list read as one JSON array: Python's sqlite3 takes about half
        # a microsecond to hand over a row, so the 3,600 matches of a broad
        # word cost more to fetch row by row (2 ms) than to find, and
        # json.loads reads the numbers in C, where splitting a
        # comma-separated list and converting each piece took twice as long.
        sql = (
            f"SELECT (SELECT json_group_array(rowid) FROM {TABLE} WHERE {TABLE} MATCH %s),"
            f" (SELECT json_group_array(rowid) FROM {TABLE} WHERE {TABLE} MATCH %s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [fts5_query(query), fts5_title(query)])
            every, in_title = cursor.fetchone()
        return json.loads(every), set(json.loads(in_title))

    def similar_words(self, word: str, *, limit: int) -> list[str]:
        # No trigram index here: the words of about the same length that share
        # the first or the last letter, compared by difflib.
        candidates = (
            SearchWord.objects.annotate(length=Length("word"))
            .filter(length__gte=len(word) - 2, length__lte=len(word) + 2)
            .filter(Q(word__startswith=word[0]) | Q(word__endswith=word[-1]))
            .values_list("word", flat=True)
        )
        return difflib.get_close_matches(word, list(candidates), n=limit, cutoff=CUTOFF)

    def closest(self, *, names: dict[str, str], text: str, limit: int) -> list[str]:
        by_name = {name.lower(): key for key, name in names.items()}
        found = difflib.get_close_matches(text.lower(), list(by_name), n=limit, cutoff=NAME_CUTOFF)
        return [by_name[name] for name in found]

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
