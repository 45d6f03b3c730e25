from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from newsletter.models import Issue, Item
from tests.factories import IssueFactory, ItemFactory, public_item

pytestmark = pytest.mark.django_db


def test_an_approved_item_of_a_published_issue_is_public():
    """The one case that is public: approved item, issue out, time passed."""
    item = public_item()
    assert list(Item.objects.public()) == [item]


@pytest.mark.parametrize(
    "state", [Item.State.DRAFT, Item.State.IN_REVIEW, Item.State.CHANGES_REQUESTED]
)
def test_an_unapproved_item_of_a_published_issue_is_hidden(state):
    """Drafts and items in review never show, even in a published issue."""
    ItemFactory(issue=IssueFactory(published=True), state=state)
    assert not Item.objects.public().exists()


@pytest.mark.parametrize("status", [Issue.Status.DRAFT, Issue.Status.WITHDRAWN])
def test_an_approved_item_of_an_unreleased_issue_is_hidden(status):
    """Approval alone does not publish: the issue must be out too."""
    issue = IssueFactory(status=status, publish_at=timezone.now() - timedelta(days=1))
    ItemFactory(issue=issue, approved=True)
    assert not Item.objects.public().exists()


def test_an_unplaced_approved_item_is_hidden():
    """An approved item waiting in the pool has no issue and is not public."""
    ItemFactory(issue=None, approved=True)
    assert not Item.objects.public().exists()


def test_a_scheduled_issue_is_hidden_before_its_time_and_public_after():
    """Visibility follows publish_at by itself, with no job run."""
    publish_at = timezone.now() + timedelta(hours=2)
    issue = IssueFactory(status=Issue.Status.SCHEDULED, publish_at=publish_at)
    ItemFactory(issue=issue, approved=True)
    assert not Issue.objects.public().exists()
    assert not Item.objects.public().exists()
    with time_machine.travel(publish_at + timedelta(seconds=1), tick=False):
        assert list(Issue.objects.public()) == [issue]
        assert Item.objects.public().count() == 1


def test_a_published_issue_with_a_future_publish_time_is_hidden():
    """Even the published status waits for publish_at."""
    IssueFactory(status=Issue.Status.PUBLISHED, publish_at=timezone.now() + timedelta(days=1))
    assert not Issue.objects.public().exists()
