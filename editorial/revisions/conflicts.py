"""Edit conflicts: two people editing one item never overwrite each other.

Every item carries a `version` counter. A form remembers the version it was
opened at; saving claims the next version with a compare-and-swap UPDATE, so of
two concurrent saves exactly one wins and the other is told, with its text kept.
"""

from dataclasses import dataclass

from django.db.models import F

from newsletter.models import Item


@dataclass
class EditConflict(Exception):
    """Raised when the item changed since the editor opened it."""

    item_id: int
    expected_version: int
    current_version: int

    def __str__(self) -> str:
        return (
            f"Item {self.item_id} is at version {self.current_version}, "
            f"the edit started from version {self.expected_version}."
        )


def item_current_version(*, item_id: int, lock: bool = False) -> int:
    """Return the stored version of an item, locking its row when asked.

    The lock (PostgreSQL) makes a second concurrent save wait for the first to
    commit, so it then sees the new version and reports a conflict.
    """
    queryset = Item.objects.filter(pk=item_id)
    if lock:
        queryset = queryset.select_for_update()
    return queryset.values_list("version", flat=True).get()


def item_claim_version(*, item: Item, expected_version: int) -> None:
    """Move the item from `expected_version` to the next one, or raise EditConflict.

    One UPDATE … WHERE version = expected: the database decides the race, so two
    writers can never both succeed. On success `item.version` is the new value
    and the caller saves the rest of the item in the same transaction.
    """
    claimed = Item.objects.filter(pk=item.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise EditConflict(
            item_id=item.pk,
            expected_version=expected_version,
            current_version=item_current_version(item_id=item.pk),
        )
    item.version = expected_version + 1
