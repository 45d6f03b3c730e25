"""The public items as search filters, counts and orders them: one snapshot per generation.

Search finds matching ids in the full-text index; everything else it needs
about an item (is it public, its section, year, projects and tags, where it
stands in reading order) is the same for every query. Reading that from the
database for each query meant joining thousands of matches to the items,
issues, projects and tags every time. Instead the snapshot reads
`Item.objects.public()` (the one visibility rule) once per site generation
and process, and every query checks its matches against it.

The site's generation (`newsletter.caching.generation`) changes in the same
transaction as every change to what is public, and when a scheduled issue
comes due; a snapshot is used only under the generation it was read at, so
it is never stale. It costs a few queries once per change, and memory in
proportion to the archive (2.5 MB and 40–50 ms for 5,040 items).
"""

import threading
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from taggit.models import TaggedItem

from newsletter.caching.generation import site_generation
from newsletter.models import Issue, Item


@dataclass(frozen=True, slots=True)
class Entry:
    """What search needs of one public item besides its text."""

    section: str | None
    year: int
    projects: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Snapshot:
    """The public items by id, and the names of their sections, projects and tags.

    `projects` holds the name of every project a public item covers, and
    `project_aliases` its aliases; `tags` the name of every tag a public
    item carries.
    """

    # Each public item's group, by id: items alike for the facets (same
    # section, year, projects and tags) share one, and `groups` holds the
    # Entry of each. A broad word matches thousands of items but a few
    # hundred groups, so facets count groups.
    group_of: dict[int, int]
    groups: list[Entry]
    # Each public item's place in reading order (ITEM_READING_ORDER), by id:
    # 0 is the first item of the newest issue. Ranking sorts matches by it.
    order: dict[int, int]
    sections: dict[str, str]
    projects: dict[str, str]
    project_aliases: dict[str, str]
    tags: dict[str, str]
    # Issue pages' addresses, found as results show them (reversing one
    # costs more than building the rest of a result).
    issue_urls: dict[str, str] = field(default_factory=dict)

    def __contains__(self, pk: int) -> bool:
        """Return whether the item `pk` is public."""
        return pk in self.group_of

    def entry(self, pk: int) -> Entry:
        """Return the Entry of the public item `pk` (KeyError if it is not public)."""
        return self.groups[self.group_of[pk]]

    def issue_url(self, slug: str) -> str:
        """Return the address of the issue page of `slug`."""
        url = self.issue_urls.get(slug)
        if url is None:
            url = self.issue_urls[slug] = Issue(slug=slug).get_absolute_url()
        return url


_lock = threading.Lock()
_snapshot: tuple[str, Snapshot] | None = None


def public_snapshot(token: str | None = None) -> Snapshot:
    """Return the snapshot of the public items under the current generation.

    `token` is the generation when the caller has just read it (one query
    saved); otherwise it is read here.
    """
    global _snapshot  # noqa: PLW0603 - one snapshot per process, replaced whole
    token = token or site_generation().token
    snapshot = _snapshot
    if snapshot is not None and snapshot[0] == token:
        return snapshot[1]
    with _lock:
        if _snapshot is None or _snapshot[0] != token:
            _snapshot = (token, read_snapshot())
        return _snapshot[1]


def forget() -> None:
    """Drop the snapshot (tests whose data changes without a new generation)."""
    global _snapshot  # noqa: PLW0603
    _snapshot = None


def _year(published: datetime, years: dict[datetime, int]) -> int:
    # The year as readers see it (the site's time zone), once per issue.
    if published not in years:
        years[published] = timezone.localtime(published).year
    return years[published]


def read_snapshot() -> Snapshot:
    """Read the snapshot from the database: three queries (and the content type
    of items, the first time a process asks)."""
    public = Item.objects.public()
    rows = public.values_list(
        "pk",
        "issue__publish_at",
        "section__slug",
        "section__name",
        "section__position",
        "position",
    )
    # ITEM_READING_ORDER, with items outside any section last on both databases.
    rows = sorted(
        rows,
        key=lambda row: (
            -row[1].timestamp(),
            row[2] is None,
            row[4] or 0,
            row[3] or "",
            row[5],
            row[0],
        ),
    )
    projects: dict[int, list[str]] = {}
    project_names: dict[str, str] = {}
    project_aliases: dict[str, str] = {}
    links = Item.projects.through.objects.filter(item__in=public).values_list(
        "item_id", "project__slug", "project__name", "project__aliases"
    )
    for item_id, slug, name, aliases in links.order_by("project__name", "project__slug"):
        projects.setdefault(item_id, []).append(slug)
        project_names[slug] = name
        project_aliases[slug] = aliases
    tags: dict[int, list[str]] = {}
    tag_names: dict[str, str] = {}
    tagged = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Item), object_id__in=public
    ).values_list("object_id", "tag__slug", "tag__name")
    for item_id, slug, name in tagged.order_by("tag__name", "tag__slug"):
        tags.setdefault(item_id, []).append(slug)
        tag_names[slug] = name
    years: dict[datetime, int] = {}
    group_by_entry: dict[Entry, int] = {}
    group_of = {}
    for pk, published, section, _name, _position, _item_position in rows:
        entry = Entry(
            section=section,
            year=_year(published, years),
            projects=tuple(projects.get(pk, ())),
            tags=tuple(tags.get(pk, ())),
        )
        group_of[pk] = group_by_entry.setdefault(entry, len(group_by_entry))
    return Snapshot(
        order={row[0]: order for order, row in enumerate(rows)},
        group_of=group_of,
        groups=list(group_by_entry),
        sections={row[2]: row[3] for row in rows if row[2] is not None},
        projects=project_names,
        project_aliases=project_aliases,
        tags=tag_names,
    )
