"""What happens when public pages change: a new site generation, then a purge.

`public_pages_changed` is called inside the transaction of every change a
reader can see: the release services (publish, publish when due, withdraw),
a logged correction, reordering, and (through `newsletter.caching.signals`)
every save of a project, section, tag, credit, or of an approved item or a
released issue. The generation changes with the transaction; the proxies
are purged once it has committed, so they cannot fetch the old page again.
"""

from collections.abc import Iterable

from django.db import transaction

from newsletter.caching.generation import generation_bump
from newsletter.caching.paths import issue_paths, item_paths, site_wide_paths
from newsletter.caching.purge import purge_paths
from newsletter.models import Issue, Item


def public_pages_changed(*, issues: Iterable[Issue] = (), paths: Iterable[str] = ()) -> None:
    """Make every cached public page stale now, and purge the proxies on commit.

    The proxies are told the site-wide pages, `paths`, and the pages of
    `issues` and of their items.
    """
    generation_bump()
    issues = list(issues)
    purged = site_wide_paths() | set(paths)
    for issue in issues:
        purged |= issue_paths(issue)
    if issues:
        purged |= item_paths(Item.objects.filter(issue__in=issues))
    transaction.on_commit(lambda: purge_paths(purged))
