"""Reads that assemble several models for the public site.

Each selector starts from `.public()`, so no public page can show or count an
unpublished thing.
"""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, Q, QuerySet

from newsletter.models import Issue, Item, Project, Section


@dataclass
class SectionBlock:
    """One section of an issue page with its items, in reading order."""

    section: Section | None
    items: list[Item] = field(default_factory=list)


@dataclass
class IssueCredits:
    """The people credited on an issue page: each a user whose `credit` is loaded."""

    authors: list = field(default_factory=list)
    reviewers: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.authors or self.reviewers)


def issue_credits(*, blocks: list[SectionBlock]) -> IssueCredits:
    """Return who wrote and who reviewed the items in `blocks`, in reading order, once each.

    Reads only what `issue_sections` fetched: no query. People without a public
    credit are left out.
    """
    credits = IssueCredits()
    for block in blocks:
        for item in block.items:
            for people, user, credit in (
                (credits.authors, item.author, item.author_credit),
                (credits.reviewers, item.reviewer, item.reviewer_credit),
            ):
                if credit is not None and user not in people:
                    people.append(user)
    return credits


def issue_latest() -> Issue | None:
    """Return the most recent public issue, or None when nothing is out yet."""
    return Issue.objects.public().order_by("-publish_at").first()


def _grouped_by_section(items: QuerySet[Item]) -> list[SectionBlock]:
    items = items.for_listing().in_issue_order()
    return [
        SectionBlock(section=section, items=list(group))
        for section, group in groupby(items, key=lambda item: item.section)
    ]


def issue_sections(*, issue: Issue) -> list[SectionBlock]:
    """Return the public items of `issue` grouped by section, in section order."""
    return _grouped_by_section(Item.objects.public().filter(issue=issue))


def issue_approved_sections(*, issue: Issue) -> list[SectionBlock]:
    """Return the approved items placed in `issue`, grouped by section.

    For an editor's export of an issue before it is out; never a public page.
    """
    return _grouped_by_section(Item.objects.filter(issue=issue, state=Item.State.APPROVED))


def issue_preview_sections(*, issue: Issue) -> list[SectionBlock]:
    """Return every item placed in `issue`, whatever its state, grouped by section.

    Only for signed preview links, never for a public page.
    """
    return _grouped_by_section(Item.objects.filter(issue=issue))


def issue_archive() -> QuerySet[Issue]:
    """Return public issues, newest first, each annotated with `public_item_count`."""
    public_items = Q(items__in=Item.objects.public())
    return (
        Issue.objects.public()
        .annotate(public_item_count=Count("items", filter=public_items, distinct=True))
        .order_by("-publish_at")
    )


def project_catalogue() -> QuerySet[Project]:
    """Return every project annotated with `public_item_count`."""
    return Project.objects.annotate(
        public_item_count=Count("items", filter=Q(items__in=Item.objects.public()), distinct=True)
    ).order_by("-public_item_count", "name")


def items_for_project(*, project: Project) -> QuerySet[Item]:
    """Return the public items covering `project`, newest issue first."""
    return Item.objects.public().filter(projects=project).for_listing().in_reading_order()


def items_for_section(*, section: Section) -> QuerySet[Item]:
    """Return the public items of `section` across issues, newest first."""
    return Item.objects.public().filter(section=section).for_listing().in_reading_order()


def items_for_tag(*, slug: str) -> QuerySet[Item]:
    """Return the public items tagged `slug`, newest first."""
    return Item.objects.public().filter(tags__slug=slug).for_listing().in_reading_order()
