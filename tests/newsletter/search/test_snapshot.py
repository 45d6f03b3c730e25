"""Search's snapshot of the public items: read once per site generation, and
only ever holding what the visibility rule lets readers see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from newsletter.models import Issue
from newsletter.search.snapshot import Entry, public_snapshot
from tests.factories import IssueFactory, ItemFactory, ProjectFactory, SectionFactory, public_item

pytestmark = pytest.mark.django_db


def test_the_snapshot_holds_public_items_only():
    """Drafts, scheduled and withdrawn issues' items stay out, with their tags and projects."""
    shown = public_item(title="公开")
    secret = ProjectFactory(slug="secret", name="Secret")
    draft = ItemFactory(title="草稿", issue=IssueFactory(published=True))
    scheduled = ItemFactory(title="排期", issue=IssueFactory(scheduled=True), approved=True)
    withdrawn = ItemFactory(
        title="撤回", issue=IssueFactory(status=Issue.Status.WITHDRAWN), approved=True
    )
    for item in (draft, scheduled, withdrawn):
        item.projects.add(secret)
        item.tags.add(Tag.objects.create(name=f"秘密{item.pk}", slug=f"secret-{item.pk}"))
    snapshot = public_snapshot()
    assert set(snapshot.group_of) == set(snapshot.order) == {shown.pk}
    assert shown.pk in snapshot
    assert snapshot.projects == {}
    assert snapshot.tags == {}


def test_entries_carry_section_year_projects_tags_and_reading_order():
    """Reading order: newest issue first, then the issue's section order."""
    first, second = (
        SectionFactory(slug="first", name="先", position=1),
        SectionFactory(slug="second", name="后", position=2),
    )
    helm = ProjectFactory(slug="helm", name="Helm", aliases="helm chart")
    issue = IssueFactory(published=True)
    later = public_item(issue=issue, section=second, title="后")
    earlier = public_item(issue=issue, section=first, title="前")
    earlier.projects.add(helm)
    earlier.tags.add(Tag.objects.create(name="包管理", slug="package-management"))
    snapshot = public_snapshot()
    entry = snapshot.entry(earlier.pk)
    assert entry.section == "first"
    assert entry.year == timezone.localtime(issue.publish_at).year
    assert entry.projects == ("helm",)
    assert entry.tags == ("package-management",)
    assert snapshot.order[earlier.pk] < snapshot.order[later.pk]
    assert snapshot.projects == {"helm": "Helm"}
    assert snapshot.project_aliases == {"helm": "helm chart"}
    assert snapshot.tags == {"package-management": "包管理"}
    assert snapshot.sections == {"first": "先", "second": "后"}


def test_items_alike_for_the_facets_share_a_group():
    """Same section, year, projects and tags: one group, which facets count once."""
    section = SectionFactory(slug="news", name="新闻")
    helm = ProjectFactory(slug="helm", name="Helm")
    issue = IssueFactory(published=True)
    first, second, other = (
        public_item(issue=issue, section=section, title=title) for title in ("一", "二", "三")
    )
    for item in (first, second, other):
        item.projects.add(helm)
    other.tags.add(Tag.objects.create(name="发布", slug="release"))
    snapshot = public_snapshot()
    group_of = snapshot.group_of
    assert group_of[first.pk] == group_of[second.pk] != group_of[other.pk]
    assert snapshot.entry(first.pk) == Entry(
        section="news", year=timezone.localtime(issue.publish_at).year, projects=("helm",), tags=()
    )
    assert snapshot.entry(other.pk).tags == ("release",)
    assert len(snapshot.groups) == 2


def test_the_snapshot_is_read_once_per_generation():
    """A second read costs only the generation; a change to the public items reads it again."""
    public_item(title="一")
    public_snapshot()
    with CaptureQueriesContext(connection) as again:
        public_snapshot()
    assert len(again) == 1
    added = public_item(title="二")
    assert added.pk in public_snapshot()
