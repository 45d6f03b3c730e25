"""The site generation: read once per public request, changed with every public change.

Every page cache key carries the generation, so a change makes every cached
page unreachable at once instead of finding and deleting each one. That is
deliberately coarse: the events that change public pages (publishing,
withdrawal, a correction, a renamed project…) happen a few times a month,
and a page after a change is assembled from stored fragments, whereas a
missed eviction would show readers a stale page.

The generation lives in the database, not in the cache, so it is shared by
every process whatever the cache backend (local memory is per process), and
it changes in the very transaction that changes the content: a reader who
sees the new generation sees the new content. Its read is one plain query
by primary key, the cheapest the database answers.

A scheduled issue becomes public when its time passes, with no write at
all; the row therefore keeps the time the next scheduled issue is due, and
the first request after that time gives the site a new generation.
"""

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone

from newsletter.caching.models import GENERATION_ROW, SiteGeneration
from newsletter.caching.paths import issue_paths, item_paths, site_wide_paths
from newsletter.caching.purge import purge_paths
from newsletter.models import Issue, Item


@dataclass(frozen=True)
class Generation:
    """The version of the public site: `token` for cache keys, `changed_at` (epoch seconds)."""

    token: str
    changed_at: float


def _read() -> tuple | None:
    table = connection.ops.quote_name(SiteGeneration._meta.db_table)
    with connection.cursor() as cursor:
        # Raw SQL: this runs on every public request, and the ORM's query
        # building costs more than the query itself.
        cursor.execute(
            f"SELECT token, changed_at, next_due_at FROM {table} WHERE id = %s",  # noqa: S608
            [GENERATION_ROW],
        )
        return cursor.fetchone()


def _came_due(since: float) -> None:
    """Purge, on commit, the pages of the issues public since `since` and the site-wide ones."""
    due = Issue.objects.public().filter(publish_at__gte=datetime.fromtimestamp(since, tz=UTC))
    paths = site_wide_paths()
    for issue in due:
        paths |= issue_paths(issue)
    paths |= item_paths(Item.objects.filter(issue__in=due))
    transaction.on_commit(lambda: purge_paths(paths))


def site_generation() -> Generation:
    """Return the current generation (one query; a write when a scheduled issue just came due)."""
    row = _read()
    if row is None:
        # The row is gone (a test flushing tables, a hand-made database).
        generation_bump()
        row = _read()
    elif row[2] is not None and row[2] <= time.time():
        # An issue came due: nothing was written, so nothing purged the
        # proxies either; the first request after its time does both.
        generation_bump()
        _came_due(row[2])
        row = _read()
    token, changed_at, _next_due_at = row
    return Generation(token=token, changed_at=changed_at)


def request_generation(request) -> Generation:
    """Return the generation of `request`, read once and kept on it."""
    generation = getattr(request, "site_generation", None)
    if generation is None:
        generation = request.site_generation = site_generation()
    return generation


def _next_due_at() -> float | None:
    upcoming = Issue.objects.filter(
        status__in=Issue.RELEASED_STATUSES, publish_at__gt=timezone.now()
    ).order_by("publish_at")
    publish_at = upcoming.values_list("publish_at", flat=True).first()
    return publish_at.timestamp() if publish_at is not None else None


def generation_bump() -> None:
    """Give the site a new generation, in the caller's transaction."""
    values = {"token": uuid.uuid4().hex, "changed_at": time.time(), "next_due_at": _next_due_at()}
    with transaction.atomic():
        SiteGeneration.objects.update_or_create(pk=GENERATION_ROW, defaults=values)
