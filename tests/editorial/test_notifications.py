"""Editorial emails: to the right people, only after commit, never to those who opted out."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from editorial import review, workflow
from editorial.errors import EditorialError
from editorial.models import NotificationPreference
from editorial.permissions.roles import Role
from editorial.release import publishing
from newsletter.models import Item
from tests.factories import (
    IssueFactory,
    ItemFactory,
    ReviewAssignmentFactory,
    RoleUserFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_submitting_tells_every_reviewer_after_commit(
    contributor, reviewer, django_capture_on_commit_callbacks
):
    """Unassigned: all reviewers hear of it, once the transaction commits."""
    second = RoleUserFactory(username="rob", role=Role.REVIEWER)
    item = ItemFactory(author=contributor, title="Helm 4 发布")
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.item_submit(item=item, actor=contributor)
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert _recipients() == sorted([reviewer.email, second.email])
    assert "Helm 4 发布" in mail.outbox[0].subject
    assert f"/admin/newsletter/item/{item.pk}/change/" in mail.outbox[0].body


def test_submitting_tells_only_the_assigned_reviewer(
    contributor, reviewer, django_capture_on_commit_callbacks
):
    """An assigned reviewer is the one told."""
    RoleUserFactory(username="rob", role=Role.REVIEWER)
    item = ItemFactory(author=contributor)
    ReviewAssignmentFactory(item=item, reviewer=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.item_submit(item=item, actor=contributor)
    assert _recipients() == [reviewer.email]


def test_a_refused_transition_sends_nothing(
    contributor, reviewer, django_capture_on_commit_callbacks
):
    """Rolled back, nothing queued."""
    item = ItemFactory(author=contributor, state=Item.State.APPROVED)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(EditorialError),
    ):
        workflow.item_submit(item=item, actor=contributor)
    assert callbacks == []
    assert mail.outbox == []


def test_changes_requested_and_approval_tell_the_author(
    contributor, reviewer, django_capture_on_commit_callbacks
):
    """The author hears the outcome, with the reviewer's words."""
    item = ItemFactory(author=contributor, state=Item.State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.item_request_changes(item=item, actor=reviewer, comment="请补充链接")
    assert _recipients() == [contributor.email]
    assert "请补充链接" in mail.outbox[0].body
    mail.outbox.clear()
    review.comment_resolve(comment=item.review_comments.get(), actor=contributor)
    workflow.item_resubmit(item=item, actor=contributor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.item_approve(item=item, actor=reviewer)
    assert _recipients() == [contributor.email]
    assert "[已通过]" in mail.outbox[0].subject


def test_a_mention_tells_the_mentioned(
    contributor, reviewer, editor, django_capture_on_commit_callbacks
):
    """@eddie gets an email quoting the comment."""
    item = ItemFactory(author=contributor, state=Item.State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        review.comment_create(item=item, author=reviewer, body="@eddie 这条要不要放头条?")
    assert _recipients() == [editor.email]
    assert "这条要不要放头条" in mail.outbox[0].body


def test_publishing_tells_the_issues_contributors(
    contributor, other_contributor, editor, django_capture_on_commit_callbacks
):
    """Every author with an item in the issue hears once."""
    issue, section = IssueFactory(), SectionFactory()
    for position, author in enumerate([contributor, contributor, other_contributor], start=1):
        ItemFactory(issue=issue, section=section, position=position, author=author, approved=True)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.issue_publish(issue=issue, actor=editor)
    assert _recipients() == sorted([contributor.email, other_contributor.email])


def test_a_scheduled_issue_announced_by_publish_due_tells_its_contributors(
    contributor, editor, django_capture_on_commit_callbacks
):
    """The cron run sends what publishing would have sent."""
    issue = IssueFactory(scheduled=True)
    ItemFactory(issue=issue, author=contributor, approved=True)
    issue.publish_at = timezone.now() - timedelta(minutes=1)
    issue.save()
    with django_capture_on_commit_callbacks(execute=True):
        publishing.issue_publish_due()
        publishing.issue_publish_due()
    assert _recipients() == [contributor.email]


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("email_on_submitted", "submit"),
        ("email_on_review_outcome", "approve"),
        ("email_on_mention", "mention"),
        ("email_on_issue_published", "publish"),
    ],
)
def test_a_person_who_opted_out_gets_no_email_of_that_kind(
    contributor, reviewer, editor, field, kind, django_capture_on_commit_callbacks
):
    """Each kind can be switched off on its own."""
    for user in (contributor, reviewer, editor):
        NotificationPreference.objects.create(user=user, **{field: False})
    state = Item.State.APPROVED if kind == "publish" else Item.State.IN_REVIEW
    item = ItemFactory(author=contributor, state=state)
    with django_capture_on_commit_callbacks(execute=True):
        if kind == "submit":
            workflow.item_return_to_draft(item=item, actor=contributor)
            workflow.item_submit(item=item, actor=contributor)
        elif kind == "approve":
            workflow.item_approve(item=item, actor=reviewer)
        elif kind == "mention":
            review.comment_create(item=item, author=reviewer, body="@eddie 看看")
        else:
            publishing.issue_publish(issue=item.issue, actor=editor)
    assert mail.outbox == []


def test_opting_out_of_one_kind_keeps_the_others(
    contributor, reviewer, django_capture_on_commit_callbacks
):
    """Switching off mentions does not silence review outcomes."""
    NotificationPreference.objects.create(user=contributor, email_on_mention=False)
    item = ItemFactory(author=contributor, state=Item.State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.item_approve(item=item, actor=reviewer)
    assert _recipients() == [contributor.email]


def test_deactivated_people_get_nothing(contributor, reviewer, django_capture_on_commit_callbacks):
    """is_active=False means no email of any kind."""
    reviewer.is_active = False
    reviewer.save()
    item = ItemFactory(author=contributor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.item_submit(item=item, actor=contributor)
    assert mail.outbox == []


def test_nobody_is_told_of_their_own_action(editor, django_capture_on_commit_callbacks):
    """An editor who submits an item they are reviewing does not email themselves."""
    item = ItemFactory(author=None)
    ReviewAssignmentFactory(item=item, reviewer=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.item_submit(item=item, actor=editor)
    assert mail.outbox == []


def test_a_failing_mail_server_does_not_undo_the_action(
    contributor, reviewer, settings, django_capture_on_commit_callbacks, caplog
):
    """The transition stands; the failure is logged."""
    settings.EMAIL_BACKEND = "tests.editorial.test_notifications.BrokenBackend"
    item = ItemFactory(author=contributor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.item_submit(item=item, actor=contributor)
    item.refresh_from_db()
    assert item.state == Item.State.IN_REVIEW
    assert "Could not send" in caplog.text


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_each_person_edits_only_their_own_settings(contributor, reviewer):
    """The settings page opens one's own row and saves it."""
    from django.urls import reverse

    from tests.editorial.conftest import client_for

    client = client_for(contributor)
    response = client.get(reverse("admin:editorial_notificationpreference_changelist"))
    own = NotificationPreference.objects.get(user=contributor)
    assert response["Location"] == reverse(
        "admin:editorial_notificationpreference_change", args=[own.pk]
    )
    theirs = NotificationPreference.objects.create(user=reviewer)
    other_page = client.get(
        reverse("admin:editorial_notificationpreference_change", args=[theirs.pk])
    )
    assert other_page.status_code == 302  # "does not exist" for someone else's row
    response = client.post(
        reverse("admin:editorial_notificationpreference_change", args=[own.pk]),
        {
            "email_on_submitted": "on",
            "email_on_review_outcome": "on",
            "email_on_issue_published": "on",
        },
    )
    own.refresh_from_db()
    assert response.status_code == 302
    assert own.email_on_mention is False
