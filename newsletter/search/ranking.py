"""Which public items match a query, and in what order.

Ranking, on both databases:

1. items whose title fields hold the whole query;
2. items holding the query's terms as one exact phrase;
3. weighted relevance (title A, original title B, remark C, body D):
   `bm25()` on SQLite, `ts_rank_cd()` on PostgreSQL;
4. newer issues first, then the issue's own reading order.

Scoring every match is what costs: a broad word matches most of a ten-year
archive, and each score reads the item's whole indexed text. So the index
is asked once for the matching ids and which of them match in the title
(`Candidates`: title matches first, then newest first), and scores are
computed a window of DIGEST_SEARCH_RANK_WINDOW (100) candidates at a time,
the window holding the page asked for, then sorted by the four rules
above. A query with up to a window of matches is ranked exactly as the
rules say. A broader one ranks the newest window of title matches first,
by relevance, then the next window, and so on: an old item must then match
in its title to reach the first pages, but every item is on exactly one
page, and paging back and forth shows the same order.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from newsletter.search.backends import backend
from newsletter.search.query import Query
from newsletter.search.snapshot import Entry, Snapshot


@dataclass(frozen=True)
class Candidates:
    """The public items matching a query: title matches first, then reading order."""

    ids: list[int]
    in_title: frozenset[int]

    def __len__(self) -> int:
        return len(self.ids)


def find_candidates(
    query: Query, *, public: Snapshot, accept: Callable[[Entry], bool] | None = None
) -> Candidates:
    """Return the items of `public` (the public ones) that match `query` and that
    `accept` (the filters) accepts. One query."""
    entry, order = public.entry, public.order
    matched, title_matches = backend().match_lists(query)
    in_title: list[int] = []
    elsewhere: list[int] = []
    # The index holds public items only, but only the snapshot of
    # Item.objects.public() says what is public now. A broad word matches
    # thousands: the loop stays as plain as it can.
    for pk in matched:
        if pk in order and (accept is None or accept(entry(pk))):
            (in_title if pk in title_matches else elsewhere).append(pk)
    in_title.sort(key=order.__getitem__)
    elsewhere.sort(key=order.__getitem__)
    return Candidates(ids=in_title + elsewhere, in_title=frozenset(in_title))


def ranked_ids(
    query: Query, *, candidates: Candidates, public: Snapshot, start: int, stop: int
) -> list[int]:
    """Return the ids of the candidates ranked `start` to `stop` (exclusive).

    The windows holding them are scored together, in one query.
    """
    window = settings.DIGEST_SEARCH_RANK_WINDOW
    first = start - start % window
    last = min(stop + (-stop % window), len(candidates))
    scores = backend().rescore(query, candidates.ids[first:last])

    def rank(pk: int):
        # An item withdrawn since the candidates were read ranks last.
        as_phrase, relevance = scores.get(pk, (False, float("-inf")))
        return (pk not in candidates.in_title, not as_phrase, -relevance, public.order[pk])

    ranked: list[int] = []
    for begin in range(first, last, window):
        ranked += sorted(candidates.ids[begin : begin + window], key=rank)
    return ranked[start - first : stop - first]
