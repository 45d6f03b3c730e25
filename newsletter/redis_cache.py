"""The Redis cache, tolerant of Redis being away (`REDIS_URL` selects it).

A cache only saves work: when Redis is stopped, restarting or unreachable,
pages must still answer 200 from the database, not 500. Every call that
cannot reach Redis is logged and answers as a miss would: `get` returns the
default, `add` and `set` store nothing, `incr` raises ValueError as for a
missing key. Other Redis errors (a bad command) still raise: they are bugs.
"""

import logging
import time
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# Under load every request would log the same outage: one line per interval suffices.
LOG_INTERVAL_SECONDS = 10.0
_last_logged = 0.0


@contextmanager
def _unreachable_as_miss(operation: str):
    """Swallow and log an unreachable Redis; the caller then returns what a miss returns."""
    global _last_logged
    try:
        yield
    except UNREACHABLE as error:
        now = time.monotonic()
        if now - _last_logged >= LOG_INTERVAL_SECONDS:
            _last_logged = now
            logger.warning("Redis cache unreachable, %s answered as a miss: %s", operation, error)


class TolerantRedisCache(RedisCache):
    """Django's RedisCache whose calls answer as misses while Redis cannot be reached."""

    def get(self, key, default=None, version=None):
        with _unreachable_as_miss("get"):
            return super().get(key, default, version)
        return default

    def get_many(self, keys, version=None):
        with _unreachable_as_miss("get_many"):
            return super().get_many(keys, version)
        return {}

    def has_key(self, key, version=None):
        with _unreachable_as_miss("has_key"):
            return super().has_key(key, version)
        return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with _unreachable_as_miss("add"):
            return super().add(key, value, timeout, version)
        return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with _unreachable_as_miss("set"):
            super().set(key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        with _unreachable_as_miss("set_many"):
            return super().set_many(data, timeout, version)
        return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        with _unreachable_as_miss("touch"):
            return super().touch(key, timeout, version)
        return False

    def delete(self, key, version=None):
        with _unreachable_as_miss("delete"):
            return super().delete(key, version)
        return False

    def delete_many(self, keys, version=None):
        with _unreachable_as_miss("delete_many"):
            super().delete_many(keys, version)

    def clear(self):
        with _unreachable_as_miss("clear"):
            return super().clear()
        return False

    def incr(self, key, delta=1, version=None):
        with _unreachable_as_miss("incr"):
            return super().incr(key, delta, version)
        raise ValueError(f"Key {key!r} not found: the cache is unreachable.")
