import pytest
from django.db import IntegrityError, transaction

from newsletter.models import Issue
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


def test_saving_an_item_stores_its_rendered_body_and_remark():
    """body_html and remark_html are stored on save, with item-scoped heading ids."""
    item = ItemFactory(body="## 简介\n\n正文", remark="**好**")
    item.refresh_from_db()
    assert f'id="item-{item.pk}-简介"' in item.body_html
    assert item.remark_html == "<p><strong>好</strong></p>\n"


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
