"""Keeping the search index: one entry per public item, nothing else.

The services here run inside the transaction of the write that changes what
is public — publishing, withdrawing or correcting an issue's items, importing
a published issue, reverting an item — so the index and the site never
disagree once it commits. Each looks at the items as the database has them
at that moment and applies the visibility rule (`Item.objects.public()`): a
public item gets a fresh entry, any other item loses its entry.

A scheduled issue becomes public by itself when its time comes, with no write
to hook into; `publish_due` (cron) publishes it, which indexes it, and also
calls `search_index_catch_up` for anything else that became public alone.
"""

import html
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.html import strip_tags

from newsletter.caching.generation import generation_bump
from newsletter.models import Issue, Item, SearchEntry, SearchWord
from newsletter.search.analysis import latin_words, streams
from newsletter.search.backends import backend
from newsletter.search.highlight import passage_lines

REBUILD_BATCH = 200


@dataclass(frozen=True)
class IndexChange:
    """What an index update did: entries written and entries removed."""

    indexed: int = 0
    removed: int = 0

    def __add__(self, other: "IndexChange") -> "IndexChange":
        return IndexChange(self.indexed + other.indexed, self.removed + other.removed)


def plain_text(markup: str) -> str:
    """Return the text of stored HTML: tags dropped, entities decoded, one block a line."""
    lines = (" ".join(line.split()) for line in html.unescape(strip_tags(markup)).splitlines())
    return "\n".join(line for line in lines if line)


def search_entry_build(*, item: Item) -> tuple[SearchEntry, set[str]]:
    """Return the unsaved search entry of `item` and the Latin words it holds.

    The body and remark are read from their stored HTML, so link addresses and
    Markdown syntax are not indexed. Does not check visibility.
    """
    body = plain_text(item.body_html)
    remark = plain_text(item.remark_html)
    fields = {
        "title": streams(item.title),
        "original_title": streams(item.original_title),
        "remark": streams(remark),
        "body": streams(body),
    }
    entry = SearchEntry(item=item, text=passage_lines(f"{body}\n{remark}"))
    words: set[str] = set()
    for name, field_streams in fields.items():
        setattr(entry, name, field_streams.main)
        setattr(entry, f"{name}_parts", field_streams.inner)
        words |= latin_words(field_streams.tokens)
    return entry, words


def _entries_write(items: Iterable[Item]) -> int:
    entries, words = [], set()
    for item in items:
        entry, item_words = search_entry_build(item=item)
        entries.append(entry)
        words |= item_words
    SearchEntry.objects.bulk_create(entries)
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True
    )
    return len(entries)


def search_index_update(*, items: Iterable[Item]) -> IndexChange:
    """Bring the entries of `items` in line with the database: public ones indexed afresh,
    the others removed. Returns what changed.

    Reads the items again, inside the caller's transaction, so it sees the
    state and text that transaction wrote.
    """
    ids = [item.pk for item in items]
    with transaction.atomic():
        entries = SearchEntry.objects.filter(item__in=ids)
        had_entry = set(entries.values_list("item_id", flat=True))
        entries.delete()
        public = list(Item.objects.public().filter(pk__in=ids).order_by("pk"))
        indexed = _entries_write(public)
        if indexed or had_entry:
            generation_bump()
    return IndexChange(indexed=indexed, removed=len(had_entry - {item.pk for item in public}))


def search_index_update_issue(*, issue: Issue) -> IndexChange:
    """Bring the entries of the items of `issue` in line; see `search_index_update`."""
    return search_index_update(items=Item.objects.filter(issue=issue).only("pk"))


def search_index_catch_up() -> IndexChange:
    """Index public items the index lacks and drop entries of items no longer public.

    For what changes visibility without a write: a scheduled issue's time
    passing, an issue published with a future time by the importer, an issue
    deleted from under its items. Returns what changed.
    """
    with transaction.atomic():
        public = Item.objects.public()
        removed, _by_model = SearchEntry.objects.exclude(item__in=public).delete()
        indexed = _entries_write(public.filter(search_entry__isnull=True).order_by("pk"))
        if indexed or removed:
            generation_bump()
    return IndexChange(indexed=indexed, removed=removed)


def search_index_rebuild() -> int:
    """Empty the index and its word list and index every public item again.

    For after a change to the segmentation (analysis, domain words) or the
    Markdown pipeline. One transaction: searches see the old index until it
    commits. The index is then tidied (`SearchBackend.optimize`), after the
    commit when the caller holds no transaction of its own, so that the
    space of the old entries is used again. Returns the number of items indexed.
    """
    count = 0
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        SearchWord.objects.all().delete()
        ids = list(Item.objects.public().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), REBUILD_BATCH):
            count += _entries_write(
                Item.objects.filter(pk__in=ids[start : start + REBUILD_BATCH]).order_by("pk")
            )
        generation_bump()
    backend().optimize()
    return count
