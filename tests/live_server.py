"""The live server of the test suite answers one request at a time on SQLite.

On SQLite the test database lives in memory, and Django's live server hands
the test's one connection to every request thread. Two requests at once
(the admin's item page previews its body and its remark together) then
interleave their transactions on that connection ("no such savepoint"), and
the broken transaction fails every later test of the run. PostgreSQL gives
each request thread a connection of its own, so there nothing is held back.
"""

import threading

from django.core.exceptions import MiddlewareNotUsed
from django.db import connection

_one_at_a_time = threading.Lock()


class OneRequestAtATimeOnSQLite:
    """Middleware for config.test_settings: a lock around each request on SQLite."""

    def __init__(self, get_response):
        if connection.vendor != "sqlite":
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        with _one_at_a_time:
            return self.get_response(request)
