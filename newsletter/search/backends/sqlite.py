"""SQLite: an FTS5 table over the token streams, ranked by bm25().

The FTS5 table `newsletter_search_fts` reads its text from the search entries
(external content) and follows them through triggers (migration 0006). Its
tokenizer, unicode61 without diacritic folding, reads each stored token as one
word, since tokens are letters and digits only (`analysis`).
"""

import difflib

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


def _columns(names) -> str:
    return "{" + " ".join(names) + "}"


class SQLiteBackend(SearchBackend):
    source = TABLE
    key = f"{TABLE}.rowid"

    def unindexed(self, column: str) -> str:
        # A unary plus keeps SQLite from using `column` as a lookup key. Else
        # "rowid IN (public items)" reaches FTS5 as one rowid lookup per
        # public item, each re-running the MATCH (quadratic); and the facet
        # counts read the items' rows, each past its long body, rather than
        # scan an index that holds their section and issue.
        return f"+{column}"

    def match_condition(self, query: Query) -> SQL:
        return f"{TABLE} MATCH %s", [fts5_query(query)]

    def _rows_matching(self, expression: str) -> SQL:
        # A subquery of its own: bm25() belongs to the outer query's MATCH.
        return f"{self.key} IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)", [expression]

    def title_condition(self, query: Query) -> SQL:
        return self._rows_matching(f"{_columns(TITLE_STREAMS)} : ({fts5_positive(query)})")

    def phrase_condition(self, query: Query) -> SQL | None:
        phrase = query.phrase
        return None if phrase is None else self._rows_matching(_term(phrase))

    # SQLite keeps the order of a CROSS JOIN: it then reads the projects and
    # tags of the hits only, through their indexes, not every link of the site.
    hits_join = "CROSS JOIN"
    # bm25() is negative, the best match lowest.
    lower_score_is_better = True

    def score(self, query: Query) -> SQL:
        weights = ", ".join(str(WEIGHTS[weight]) for _name, weight in STREAMS)
        return f"bm25({TABLE}, {weights})", []

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

    def closest(self, *, names: SQL, text: str, limit: int) -> list[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(*names)
            rows = {name.lower(): (slug, name) for slug, name in cursor.fetchall()}
        found = difflib.get_close_matches(text.lower(), list(rows), n=limit, cutoff=NAME_CUTOFF)
        return [rows[name] for name in found]

    def position(self, needle: str, haystack: str) -> str:
        return f"INSTR({haystack}, {needle})"

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
