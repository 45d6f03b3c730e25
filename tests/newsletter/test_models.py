from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsletter.models import Issue, Item
from tests.factories import IssueFactory, ItemFactory, ProjectFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_two_items_cannot_share_a_position_in_one_section_of_an_issue():
    """The database refuses a second item at the same issue, section and position."""
    item = ItemFactory(position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemFactory(issue=item.issue, section=item.section, position=1)


def test_unplaced_items_may_share_a_position():
    """Items in the pool (no issue) do not collide on position."""
    section = SectionFactory()
    ItemFactory(issue=None, section=section, position=0)
    ItemFactory(issue=None, section=section, position=0)


def test_issue_slugs_are_unique():
    """A second issue with the same slug is refused by the database."""
    IssueFactory(slug="2025-11")
    with pytest.raises(IntegrityError), transaction.atomic():
        IssueFactory(slug="2025-11")


def test_project_and_section_slugs_are_unique():
    """Projects and sections each have unique slugs."""
    ProjectFactory(slug="helm")
    SectionFactory(slug="fun")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(slug="helm")
    with pytest.raises(IntegrityError), transaction.atomic():
        SectionFactory(slug="fun")


def test_a_released_issue_needs_a_publish_time():
    """A published or scheduled issue without publish_at is refused by the database."""
    with pytest.raises(IntegrityError), transaction.atomic():
        IssueFactory(status=Issue.Status.PUBLISHED, publish_at=None)


def test_saving_an_item_or_issue_renders_nothing():
    """The stored HTML is the rendering service's to write, not save()'s."""
    issue = Issue.objects.create(slug="2025-11", title="十一月", intro="**导语**")
    item = Item.objects.create(issue=issue, title="条目", body="正文", remark="点评")
    item.refresh_from_db()
    issue.refresh_from_db()
    assert (item.body_html, item.remark_html, issue.intro_html) == ("", "", "")


def test_item_permalink_points_at_its_anchor_on_the_issue_page():
    """An item's URL is its issue page plus its fragment."""
    item = ItemFactory(issue=IssueFactory(slug="2025-11"))
    assert item.get_absolute_url() == f"/issues/2025-11/#item-{item.pk}"


def test_project_names_include_aliases():
    """A project's names are its name followed by its aliases."""
    project = ProjectFactory(name="Kubernetes", aliases="K8s, kube")
    assert project.names == ["Kubernetes", "K8s", "kube"]


def test_a_save_of_workflow_fields_does_not_rerender_the_text(django_assert_num_queries):
    """Saving only state or placement writes one UPDATE and leaves the stored HTML alone."""
    item = ItemFactory(body="正文")
    item.body = "未保存的改动"
    item.state = "in_review"
    with django_assert_num_queries(1):
        item.save(update_fields=["state", "updated_at"])
    assert item.body_html == "<p>正文</p>\n"
    item.refresh_from_db()
    assert item.body == "正文" and item.state == "in_review"


def test_an_issue_is_public_once_released_and_its_time_has_passed():
    """is_public() follows IssueQuerySet.public(): drafts, withdrawn and future issues are not."""
    now = timezone.now()
    published = IssueFactory(published=True)
    scheduled = IssueFactory(scheduled=True)
    withdrawn = IssueFactory(status=Issue.Status.WITHDRAWN, publish_at=now - timedelta(days=1))
    draft = IssueFactory(publish_at=now - timedelta(days=1))
    assert [i.is_public() for i in (published, scheduled, withdrawn, draft)] == [
        True,
        False,
        False,
        False,
    ]
    with time_machine.travel(now + timedelta(days=2)):
        assert scheduled.is_public()


def test_released_statuses_are_scheduled_and_published():
    """The one status tuple the visibility rule and the newsroom share."""
    assert Issue.RELEASED_STATUSES == (Issue.Status.SCHEDULED, Issue.Status.PUBLISHED)


def test_items_in_issue_order_follow_sections_then_positions():
    """Section position, then section name for equal positions, then item position."""
    issue = IssueFactory()
    section_a = SectionFactory(position=1, name="A 栏")
    section_b = SectionFactory(position=1, name="B 栏")
    later = SectionFactory(position=2)
    in_later = ItemFactory(issue=issue, section=later, position=1)
    in_b = ItemFactory(issue=issue, section=section_b, position=1)
    second_in_a = ItemFactory(issue=issue, section=section_a, position=2)
    first_in_a = ItemFactory(issue=issue, section=section_a, position=1)
    ordered = list(Item.objects.filter(issue=issue).in_issue_order())
    assert ordered == [first_in_a, second_in_a, in_b, in_later]
