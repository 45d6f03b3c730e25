"""Every save a reader can see makes the public pages stale.

Why signals here, when business rules live in services: this is no rule, it
is the cache keeping up with the database, and it must not depend on every
write path remembering it. Projects, sections and tags are edited by
declarative admins and by taggit, credits by the profile service, figures
re-render items: a receiver on the model catches them all. The release
services also call `public_pages_changed` themselves, for the changes that
save no model (a scheduled issue coming due, a reorder by bulk update).
"""

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag

from newsletter.caching.events import public_pages_changed
from newsletter.caching.paths import item_paths, reverse_feed
from newsletter.models import Credit, FurtherReading, Issue, Item, ItemFigure, Project, Section


def _is_public_item(item: Item) -> bool:
    # Drafts change all month long; only an approved item of a released issue
    # can be on a public page.
    return (
        item.state == Item.State.APPROVED
        and item.issue_id is not None
        and Issue.objects.filter(pk=item.issue_id, status__in=Issue.RELEASED_STATUSES).exists()
    )


def item_changed(sender, instance: Item, **kwargs) -> None:
    """Make the pages of a public item stale."""
    if _is_public_item(instance):
        public_pages_changed(paths=item_paths([instance]))


def item_part_changed(sender, instance, **kwargs) -> None:
    """Make the pages of the public item a link or figure placement belongs to stale."""
    # A further-reading link or a figure placement belongs to one item.
    item = Item.objects.filter(pk=instance.item_id).first()
    if item is not None and _is_public_item(item):
        public_pages_changed(paths=item_paths([item]))


def item_relations_changed(sender, instance, action: str, **kwargs) -> None:
    """Make a public item's pages stale when its projects or tags change."""
    if action.startswith("post_") and isinstance(instance, Item):
        item_changed(sender, instance)


def issue_changed(sender, instance: Issue, **kwargs) -> None:
    """Make the pages of a released or withdrawn issue stale."""
    if instance.status != Issue.Status.DRAFT:
        public_pages_changed(issues=[instance])


def project_changed(sender, instance: Project, **kwargs) -> None:
    """Make the project's pages and those of its public items stale."""
    own = {instance.get_absolute_url(), reverse_feed("project", instance.slug)}
    public_pages_changed(paths=own | item_paths(Item.objects.public().filter(projects=instance)))


def section_changed(sender, instance: Section, **kwargs) -> None:
    """Make the section's pages and those of its public items stale."""
    own = {instance.get_absolute_url(), reverse_feed("section", instance.slug)}
    public_pages_changed(paths=own | item_paths(Item.objects.public().filter(section=instance)))


def tag_changed(sender, instance: Tag, **kwargs) -> None:
    """Make the pages of the public items carrying the tag stale."""
    public_pages_changed(paths=item_paths(Item.objects.public().filter(tags=instance)))


def credit_changed(sender, instance: Credit, **kwargs) -> None:
    """Make the pages crediting the person stale."""
    person = Q(author_id=instance.user_id) | Q(reviewer_id=instance.user_id)
    credited = Item.objects.public().filter(person)
    public_pages_changed(paths=item_paths(credited))


RECEIVERS = [
    (Item, item_changed),
    (FurtherReading, item_part_changed),
    (ItemFigure, item_part_changed),
    (Issue, issue_changed),
    (Project, project_changed),
    (Section, section_changed),
    (Tag, tag_changed),
    (Credit, credit_changed),
]


def connect() -> None:
    """Connect the receivers (called once, from the app's `ready`)."""
    for model, receiver in RECEIVERS:
        uid = f"page-cache-{model._meta.label}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, dispatch_uid=uid)
    for through in (Item.projects.through, Item.tags.through):
        m2m_changed.connect(
            item_relations_changed, sender=through, dispatch_uid=f"page-cache-{through}"
        )
