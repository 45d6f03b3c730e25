"""The full-text index of each database behind one interface (`base.SearchBackend`).

- `sqlite`: an FTS5 table, ranked by bm25(); difflib for close names and words.
- `postgresql`: a weighted tsvector with a GIN index, ranked by ts_rank_cd();
  pg_trgm for close names and words.

Both read the same token streams and the same parsed query, so they find the
same items; `backend()` picks the one of the current database.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from newsletter.search.backends.base import SearchBackend
from newsletter.search.backends.postgresql import PostgreSQLBackend
from newsletter.search.backends.sqlite import SQLiteBackend

BACKENDS: dict[str, type[SearchBackend]] = {
    "postgresql": PostgreSQLBackend,
    "sqlite": SQLiteBackend,
}


def backend() -> SearchBackend:
    """Return the search backend of the default database.

    Raises ImproperlyConfigured for a database other than PostgreSQL or SQLite.
    """
    try:
        return BACKENDS[connection.vendor]()
    except KeyError:
        raise ImproperlyConfigured(
            f"Search works on PostgreSQL and SQLite, not on {connection.vendor}."
        ) from None
