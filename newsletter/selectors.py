"""Reads that assemble several models for the public site.

Each selector starts from `.public()`, so no public page can show or count an
unpublished thing.
"""

from dataclasses import dataclass, field
from itertools import groupby

from django.core.paginator import Page
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest, NullIf, StrIndex, Substr
from taggit.models import Tag

from newsletter.models import ITEM_ISSUE_ORDER, Issue, Item, Project, Section
from newsletter.pagination import list_page
from newsletter.reading import first_sentence, plain_text, reading_minutes


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


def issue_archive(*, issue_ids: list[int] | None = None) -> QuerySet[Issue]:
    """Return public issues, newest first, annotated with `public_item_count` and
    `first_remark_html` (the first public remark in reading order, or None).

    Given `issue_ids`, only those issues, and the annotations read only their
    items, so that a page of the archive costs the same however long it is.
    """
    issues, items = Issue.objects.public(), Item.objects.public()
    if issue_ids is not None:
        issues, items = issues.filter(pk__in=issue_ids), items.filter(issue__in=issue_ids)
    first_remark = (
        items.filter(issue=OuterRef("pk"))
        .exclude(remark_html="")
        .in_issue_order()
        .values("remark_html")[:1]
    )
    return issues.annotate(
        public_item_count=Count("items", filter=Q(items__in=items), distinct=True),
        first_remark_html=Subquery(first_remark),
    ).order_by("-publish_at", "-slug")


def issue_archive_page(*, number: str | None) -> Page:
    """Return page `number` of the archive, newest first, as ArchiveEntry objects.

    Four queries whatever the number of issues (the count, the page's ids, their
    counts and ledes, their projects): the annotations are computed for the
    issues of the page only. Raises Http404 for a page that does not exist.
    """
    ids = Issue.objects.public().order_by("-publish_at", "-slug").values_list("pk", flat=True)
    page = list_page(ids, number=number)
    page.object_list = issue_archive_entries(issues=issue_archive(issue_ids=list(page.object_list)))
    return page


def project_catalogue() -> QuerySet[Project]:
    """Return the projects that public items cover, annotated with `public_item_count`.

    A project only unpublished items cover is left out, as it has no page.
    """
    return (
        Project.objects.annotate(
            public_item_count=Count(
                "items", filter=Q(items__in=Item.objects.public()), distinct=True
            )
        )
        .filter(public_item_count__gt=0)
        .order_by("-public_item_count", "name")
    )


def section_catalogue() -> QuerySet[Section]:
    """Return every section in its default order, annotated with `public_item_count`."""
    return Section.objects.annotate(
        public_item_count=Count("items", filter=Q(items__in=Item.objects.public()), distinct=True)
    ).order_by("position", "name")


def tag_catalogue() -> QuerySet[Tag]:
    """Return the tags of public items, most used first, annotated with `public_item_count`.

    A tag carried only by unpublished items is not in it at all.
    """
    return (
        Tag.objects.filter(item__in=Item.objects.public())
        .annotate(public_item_count=Count("item", distinct=True))
        .order_by("-public_item_count", "name")
    )


def items_for_project(*, project: Project) -> QuerySet[Item]:
    """Return the public items covering `project`."""
    return Item.objects.public().filter(projects=project)


def items_for_section(*, section: Section) -> QuerySet[Item]:
    """Return the public items of `section` across issues."""
    return Item.objects.public().filter(section=section)


def items_for_tag(*, slug: str) -> QuerySet[Item]:
    """Return the public items tagged `slug`."""
    return Item.objects.public().filter(tags__slug=slug)


@dataclass
class ItemEntry:
    """One item as a list page shows it: a link to it on its issue page and a sentence."""

    item: Item
    summary: str


SUMMARY_LENGTH = 120
# Enough stored HTML to hold a first sentence and its markup. A list reads only
# this much of each item, never the whole body (up to 200,000 characters).
SUMMARY_SOURCE_LENGTH = 800


def _summary_source():
    # The remark when there is one, else the body, from its first paragraph on
    # (a body opens with a heading such as "简介").
    text = Coalesce(NullIf("remark_html", Value("")), "body_html")
    start = Greatest(StrIndex(text, Value("<p>")), Value(1))
    return Substr(text, start, SUMMARY_SOURCE_LENGTH)


def item_entries_page(
    items: QuerySet[Item], *, number: str | None, count: int | None = None
) -> Page:
    """Return page `number` of `items`, newest issue first, as ItemEntry objects.

    Two queries (the count, unless the caller knows it, and the page) whatever
    the size of the archive. The
    database orders only the ids and hands over one page of them, in a
    subquery; only those rows are read, with their issue, section and author's
    credit by joins, and a bounded prefix of their HTML. Raises Http404 for a
    page that does not exist.
    """
    ids = items.in_reading_order().values_list("pk", flat=True)
    page = list_page(ids, number=number, count=count)
    rows = (
        Item.objects.filter(pk__in=page.object_list)
        .select_related("issue", "section", "author__credit")
        .only(
            "title",
            "issue__slug",
            "issue__title",
            "issue__publish_at",
            "section__name",
            "section__slug",
            "author__username",
            "author__credit__name",
        )
        .annotate(summary_html=_summary_source())
        .in_reading_order()
    )
    page.object_list = [
        ItemEntry(item=item, summary=first_sentence(item.summary_html, SUMMARY_LENGTH))
        for item in rows
    ]
    return page


@dataclass
class IssueNeighbours:
    """The public issues either side of one: `previous` is older, `next` newer."""

    previous: Issue | None = None
    next: Issue | None = None


def issue_neighbours(*, issue: Issue) -> IssueNeighbours:
    """Return the public issues published just before and just after `issue` (one query).

    Issues published at the same moment are put in slug order, so every issue
    has one previous and one next and following the links visits each once.
    """
    public = Issue.objects.public()
    older = Q(publish_at__lt=issue.publish_at) | Q(publish_at=issue.publish_at, slug__lt=issue.slug)
    newer = Q(publish_at__gt=issue.publish_at) | Q(publish_at=issue.publish_at, slug__gt=issue.slug)
    previous_pk = public.filter(older).order_by("-publish_at", "-slug").values("pk")[:1]
    next_pk = public.filter(newer).order_by("publish_at", "slug").values("pk")[:1]
    neighbours = IssueNeighbours()
    found = public.filter(Q(pk=Subquery(previous_pk)) | Q(pk=Subquery(next_pk)))
    for neighbour in found.only("slug", "title", "publish_at"):
        if (neighbour.publish_at, neighbour.slug) < (issue.publish_at, issue.slug):
            neighbours.previous = neighbour
        else:
            neighbours.next = neighbour
    return neighbours


@dataclass
class IssueGuide:
    """What helps a reader find their way around an issue page."""

    previous: Issue | None
    next: Issue | None
    item_count: int
    reading_minutes: int
    lede: str


SHARE_LEDE_LENGTH = 160


def issue_guide(*, issue: Issue, blocks: list[SectionBlock]) -> IssueGuide:
    """Return the neighbours, item count, reading time and lede of `issue`.

    Reads the items `issue_sections` fetched; only the neighbours cost a query.
    """
    items = [item for block in blocks for item in block.items]
    first_remark = next((item.remark_html for item in items if item.remark_html), "")
    neighbours = issue_neighbours(issue=issue)
    return IssueGuide(
        previous=neighbours.previous,
        next=neighbours.next,
        item_count=len(items),
        reading_minutes=reading_minutes(
            issue.intro_html, *(item.body_html + item.remark_html for item in items)
        ),
        lede=plain_text(issue.intro_html or first_remark, SHARE_LEDE_LENGTH),
    )


@dataclass
class ArchiveEntry:
    """One issue as the archive lists it."""

    issue: Issue
    lede: str
    item_count: int
    projects: list[Project] = field(default_factory=list)


ARCHIVE_LEDE_LENGTH = 120
ARCHIVE_PROJECTS = 3


def issue_archive_entries(*, issues) -> list[ArchiveEntry]:
    """Return an ArchiveEntry per issue of `issues` (from `issue_archive()`), in order.

    The lede is the issue's introduction, or its first public remark when it
    has none, as plain text cut to ARCHIVE_LEDE_LENGTH characters. The projects
    are the ARCHIVE_PROJECTS that most public items of the issue cover. One
    query for all the projects, whatever the number of issues.
    """
    issues = list(issues)
    top_projects = _top_projects(issue_ids=[issue.pk for issue in issues])
    return [
        ArchiveEntry(
            issue=issue,
            lede=plain_text(issue.intro_html or issue.first_remark_html, ARCHIVE_LEDE_LENGTH),
            item_count=issue.public_item_count,
            projects=top_projects.get(issue.pk, []),
        )
        for issue in issues
    ]


def _top_projects(*, issue_ids: list[int]) -> dict[int, list[Project]]:
    """Return, per issue id, the projects most of its public items cover, most first."""
    if not issue_ids:
        return {}
    public_items = Item.objects.public().filter(issue__in=issue_ids)
    rows = (
        Project.objects.filter(items__in=public_items)
        .annotate(issue_id=F("items__issue_id"), covered=Count("items"))
        .order_by("issue_id", "-covered", "name")
    )
    projects: dict[int, list[Project]] = {}
    for project in rows:
        chosen = projects.setdefault(project.issue_id, [])
        if len(chosen) < ARCHIVE_PROJECTS:
            chosen.append(project)
    return projects


@dataclass
class IssueWithSections:
    """A public issue with its public items by section, as one feed entry carries it."""

    issue: Issue
    blocks: list[SectionBlock]


def issues_latest_with_sections(*, limit: int) -> list[IssueWithSections]:
    """Return the `limit` newest public issues, each with its items by section.

    A fixed number of queries whatever `limit` is: the items of every issue
    are read at once.
    """
    issues = list(Issue.objects.public().order_by("-publish_at", "-slug")[:limit])
    items = Item.objects.public().filter(issue__in=issues).for_listing()
    by_issue: dict[int, list[Item]] = {}
    for item in items.order_by("issue_id", *ITEM_ISSUE_ORDER):
        by_issue.setdefault(item.issue_id, []).append(item)
    return [
        IssueWithSections(
            issue=issue,
            blocks=[
                SectionBlock(section=section, items=list(group))
                for section, group in groupby(
                    by_issue.get(issue.pk, []), key=lambda item: item.section
                )
            ],
        )
        for issue in issues
    ]
