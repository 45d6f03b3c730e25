"""Row locks taken by the newsroom's writes.

A lock serialises two editors pressing buttons at the same moment: the second
waits, then sees the state the first left behind. SQLite locks the whole
database for a write transaction instead, which serialises them as well.
"""

from newsletter.models import Issue, Item


def item_lock(item: Item) -> Item:
    """Return `item` read afresh under a row lock, with its issue."""
    # Only the item's row is locked (`of`): its issue may be absent, and
    # PostgreSQL cannot lock the nullable side of an outer join.
    return Item.objects.select_for_update(of=("self",)).select_related("issue").get(pk=item.pk)


def issue_lock(issue: Issue) -> Issue:
    """Return `issue` read afresh under a row lock."""
    return Issue.objects.select_for_update().get(pk=issue.pk)
