"""Remembering search work between readers, keyed by the site's generation.

What a query costs the database (facet counts, the ranked ids of a page,
the names it suggests) depends only on the query, the filters and what the
index and the public pages hold. Every change to those gives the site a new
generation in the same transaction (`newsletter.caching.generation`: the
release services, the caching signals for tags, projects, sections and
public items, and the index services here for what changes the index
alone, such as the catch-up after a scheduled issue came due). Keyed by that
generation, a remembered answer is never stale, in any process; reading it
costs one query. The items shown on a page are always read afresh.

`DIGEST_SEARCH_CACHE_SECONDS` sets how long answers are kept; 0 turns
remembering off.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

from newsletter.caching.store import cache_get, cache_set_many

T = TypeVar("T")


class Remembered:
    """The answers of one search, remembered under the generation it was asked at."""

    def __init__(self, token: str, *parts: object) -> None:
        """`token` is the site's generation (`site_generation().token`); `parts`
        name the search (the query, the filters)."""
        self.seconds = settings.DIGEST_SEARCH_CACHE_SECONDS
        self.prefix = ""
        if self.seconds:
            identity = repr((token, *parts)).encode()
            self.prefix = "search:" + hashlib.sha256(identity).hexdigest()

    def get(self, name: str, compute: Callable[[], T]) -> T:
        """Return the remembered answer called `name`, computing and keeping it if new."""
        if not self.seconds:
            return compute()
        key = f"{self.prefix}:{name}"
        # Kept in a tuple, so that a remembered None (no spelling hint) is told
        # apart from nothing remembered.
        kept = cache_get(key)
        if kept is None:
            kept = (compute(),)
            cache_set_many({key: kept}, self.seconds)
        return kept[0]
