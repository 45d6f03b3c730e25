"""Races on PostgreSQL: row locks make concurrent transitions and cron runs act once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from editorial import workflow
from editorial.errors import EditorialError
from editorial.models import AuditEntry
from editorial.permissions.roles import Role
from editorial.release import publishing
from newsletter.models import Issue, Item
from tests.factories import IssueFactory, ItemFactory, RoleUserFactory, SectionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks"),
]


def _race(count: int, target) -> list:
    """Run `target` in `count` threads released together; return what each raised."""
    barrier = threading.Barrier(count)
    outcomes = [None] * count

    def run(index):
        try:
            barrier.wait()
            target()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_reviewers_approving_at_once_approve_once():
    """The second sees the first's approval and is refused."""
    author = RoleUserFactory(role=Role.CONTRIBUTOR)
    reviewers = [RoleUserFactory(role=Role.REVIEWER) for _ in range(2)]
    item = ItemFactory(author=author, state=Item.State.IN_REVIEW)
    turn = iter(reviewers)
    lock = threading.Lock()

    def approve():
        with lock:
            reviewer = next(turn)
        workflow.item_approve(item=Item.objects.get(pk=item.pk), actor=reviewer)

    outcomes = _race(2, approve)
    assert sum(outcome is None for outcome in outcomes) == 1
    assert sum(isinstance(outcome, EditorialError) for outcome in outcomes) == 1
    assert AuditEntry.objects.filter(action="item.approve").count() == 1


def test_concurrent_publish_due_runs_announce_an_issue_once():
    """Four cron runs at once: one publishes, the others skip the locked row."""
    editor = RoleUserFactory(role=Role.EDITOR)
    issue = IssueFactory(slug="2030-01")
    ItemFactory(issue=issue, section=SectionFactory(), approved=True)
    publishing.issue_schedule(
        issue=issue, actor=editor, publish_at=timezone.now() + timedelta(days=1)
    )
    Issue.objects.filter(pk=issue.pk).update(publish_at=timezone.now() - timedelta(minutes=1))

    outcomes = _race(4, publishing.issue_publish_due)

    assert outcomes == [None] * 4
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED
    assert AuditEntry.objects.filter(action="issue.publish_due").count() == 1
