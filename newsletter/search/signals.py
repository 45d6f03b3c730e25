"""Changes outside the index services that still change a search's answer.

Facet counts and labels come from live rows (an item's tags and projects,
section, project and tag names), and an item deleted from under the index
takes its entry with it by cascade. (The handler is on Item, not on
SearchEntry: a signal on SearchEntry would stop Django deleting entries in
bulk, and the index services delete thousands at a time.) Each of these bumps the index version
in the transaction that makes the change, so remembered answers
(`newsletter.search.cache`) are never stale.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag

from newsletter.models import Item, Project, Section
from newsletter.search.cache import index_version_bump


def _bump(sender, **kwargs) -> None:
    index_version_bump()


def _bump_on_membership(sender, action: str, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        index_version_bump()


def connect() -> None:
    """Connect the handlers; called once from the app's ready()."""
    post_delete.connect(_bump, sender=Item, dispatch_uid="search-item-deleted")
    for model in (Section, Project, Tag):
        post_save.connect(_bump, sender=model, dispatch_uid=f"search-{model.__name__}-saved")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"search-{model.__name__}-deleted")
    for through in (Item.tags.through, Item.projects.through):
        m2m_changed.connect(
            _bump_on_membership, sender=through, dispatch_uid=f"search-{through.__name__}"
        )
