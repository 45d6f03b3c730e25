"""The site generation: read once per public request, changed with every public change.

Every page and fragment cache key carries the generation, so a change makes
every cached page unreachable at once instead of finding and deleting each
one. That is deliberately coarse: the events that change public pages
(publishing, withdrawal, a correction, a renamed project…) happen a few times
a month, and a miss costs one rendering from stored fragments, whereas a
missed eviction would show readers a stale page.

The generation lives in the database, not in the cache, so it is shared by
every process whatever the cache backend (local memory is per process), and
it changes in the very transaction that changes the content: a reader who
sees the new generation sees the new content.

A scheduled issue becomes public when its time passes, with no write at all;
the generation therefore also carries the publish time of the newest public
issue, which changes at that moment.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from newsletter.caching.models import GENERATION_ROW, SiteGeneration
from newsletter.models import Issue


@dataclass(frozen=True)
class Generation:
    """The version of the public site: `token` for cache keys, `changed_at` for Last-Modified."""

    token: str
    changed_at: datetime


def site_generation() -> Generation:
    """Return the current generation (one query)."""
    newest = Issue.objects.public().order_by("-publish_at").values("publish_at")[:1]
    row = (
        SiteGeneration.objects.filter(pk=GENERATION_ROW)
        .annotate(newest_publish_at=Subquery(newest))
        .values_list("token", "changed_at", "newest_publish_at")
        .first()
    )
    if row is None:
        # The row is gone (a test flushing tables, a hand-made database).
        generation_bump()
        return site_generation()
    token, changed_at, newest_publish_at = row
    if newest_publish_at is None:
        return Generation(token=token, changed_at=changed_at)
    return Generation(
        token=f"{token}.{newest_publish_at.timestamp():.0f}",
        changed_at=max(changed_at, newest_publish_at),
    )


def request_generation(request) -> Generation:
    """Return the generation of `request`, read once and kept on it."""
    generation = getattr(request, "site_generation", None)
    if generation is None:
        generation = request.site_generation = site_generation()
    return generation


def generation_bump() -> None:
    """Give the site a new generation, in the caller's transaction."""
    values = {"token": uuid.uuid4().hex, "changed_at": timezone.now()}
    with transaction.atomic():
        SiteGeneration.objects.update_or_create(pk=GENERATION_ROW, defaults=values)
