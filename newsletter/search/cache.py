"""Remembering search work between readers, keyed by the index's version.

What a query costs the database (facet counts, the ranked ids of a page,
the names it suggests) depends only on the query, the filters and what the
index holds. The index changes a few times a month, when an issue is
published, withdrawn or corrected, and each change gives one version row a
new random value in the same transaction (`SearchIndexVersion`). Keyed by
that version, a remembered answer is never stale, in any process; reading
the version costs one query. Random rather than counted: a transaction that
changed the index, searched and then rolled back must not leave answers
under a number a later change would reuse. The items shown on a page are
always read afresh.

`DIGEST_SEARCH_CACHE_SECONDS` sets how long answers are kept; 0 turns
remembering off.
"""

import hashlib
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from newsletter.models import SearchIndexVersion

T = TypeVar("T")
VERSION_ROW = 1


def index_version() -> int:
    """Return the version of the search index as this transaction sees it."""
    row = SearchIndexVersion.objects.filter(pk=VERSION_ROW).values_list("version", flat=True)
    return next(iter(row), 0)


def index_version_bump() -> None:
    """Mark a change to the index; call inside the transaction that changes it."""
    version = secrets.randbits(62)
    if not SearchIndexVersion.objects.filter(pk=VERSION_ROW).update(version=version):
        SearchIndexVersion.objects.create(pk=VERSION_ROW, version=version)


class Remembered:
    """The answers of one search, remembered under the version it was asked at."""

    def __init__(self, *parts: object) -> None:
        self.seconds = settings.DIGEST_SEARCH_CACHE_SECONDS
        self.prefix = ""
        if self.seconds:
            identity = repr((index_version(), *parts)).encode()
            self.prefix = "search:" + hashlib.sha256(identity).hexdigest()

    def get(self, name: str, compute: Callable[[], T]) -> T:
        """Return the remembered answer called `name`, computing and keeping it if new."""
        if not self.seconds:
            return compute()
        key = f"{self.prefix}:{name}"
        # Kept in a tuple, so that a remembered None (no spelling hint) is told
        # apart from nothing remembered.
        kept = cache.get(key)
        if kept is None:
            kept = (compute(),)
            cache.set(key, kept, self.seconds)
        return kept[0]
