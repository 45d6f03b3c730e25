"""Reads and writes of the cache that never fail a page.

A cache is an optimisation: when Redis is down or answers with an error, the
page is rendered without it and the error is logged, never shown as a 500.
Every caching path of the public site goes through these functions.
"""

import logging

from django.core.cache import caches

logger = logging.getLogger(__name__)

CACHE_ALIAS = "default"


def cache_get_many(keys: list[str]) -> dict:
    """Return the cached values of `keys` that exist; {} when the cache fails."""
    if not keys:
        return {}
    try:
        return caches[CACHE_ALIAS].get_many(keys)
    except Exception:
        # Any backend error (connection refused, timeout, bad reply): log it, go on.
        logger.warning("Cache read failed; serving without the cache.", exc_info=True)
        return {}


def cache_get(key: str):
    """Return the cached value of `key`, or None when absent or the cache fails."""
    return cache_get_many([key]).get(key)


def cache_set_many(values: dict, timeout: int) -> None:
    """Store `values` for `timeout` seconds; log and go on when the cache fails."""
    if not values:
        return
    try:
        caches[CACHE_ALIAS].set_many(values, timeout)
    except Exception:
        logger.warning("Cache write failed; the page was served uncached.", exc_info=True)
