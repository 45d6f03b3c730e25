"""Editorial emails: who hears about what.

Every function here is called inside the transaction of the action it
announces, renders its emails there and queues them for the background task
`editorial.tasks.emails_send` once the transaction commits: a rolled-back
action sends nothing, and a slow mail server never holds a row lock.
Recipients are active users with an email address who have not opted out of
that kind of email (`NotificationPreference`); nobody is told of their own
action.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse

from editorial.models import NotificationPreference, ReviewAssignment, ReviewComment
from editorial.permissions.roles import Role
from editorial.tasks import emails_send
from newsletter.background import enqueue_on_commit
from newsletter.models import Issue, Item

User = get_user_model()
Kind = NotificationPreference.Kind


def recipients(users, *, kind: str, exclude=None):
    """Return the users among `users` who should get an email of `kind`.

    `users` is a queryset of users; `exclude` a user (the actor) to leave out.
    """
    opted_out = {f"notification_preference__{NotificationPreference.field_for(kind)}": False}
    users = users.filter(is_active=True).exclude(email="").exclude(**opted_out)
    if getattr(exclude, "pk", None) is not None:
        users = users.exclude(pk=exclude.pk)
    return users.distinct().order_by("pk")


def preference_for(*, user) -> NotificationPreference:
    """Return `user`'s notification settings, creating the all-on default row."""
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    return preference


def _admin_url(item: Item) -> str:
    return settings.SITE_URL + reverse("admin:newsletter_item_change", args=[item.pk])


def _queue(users: Iterable, *, template: str, context: dict) -> int:
    """Render one email per user from `editorial/email/<template>.txt`, sent on commit.

    The first line of the rendered template is the subject. Returns how many
    emails were queued.
    """
    messages = []
    for user in users:
        text = render_to_string(f"editorial/email/{template}.txt", {**context, "recipient": user})
        subject, _, body = text.strip().partition("\n")
        # One header line whatever the title holds: a stray carriage return
        # would make the mail fail with BadHeaderError (or add a header).
        subject = " ".join(subject.split())
        messages.append({"subject": subject, "body": body.strip() + "\n", "to": [user.email]})
    if messages:
        enqueue_on_commit(emails_send, messages)
    return len(messages)


def _reviewers_for(item: Item):
    """The assigned reviewer if there is one, otherwise everyone who reviews."""
    assignment = ReviewAssignment.objects.filter(item=item, reviewer__isnull=False).first()
    if assignment is not None:
        return User.objects.filter(pk=assignment.reviewer_id)
    return User.objects.filter(groups__name=Role.REVIEWER)


def item_submitted(*, item: Item, actor) -> int:
    """Tell the item's reviewer (or all reviewers) that it awaits review."""
    users = recipients(_reviewers_for(item), kind=Kind.SUBMITTED, exclude=actor)
    users = users.exclude(pk=item.author_id) if item.author_id else users
    return _queue(
        users,
        template="item_submitted",
        context={"item": item, "actor": actor, "url": _admin_url(item)},
    )


def review_assigned(*, assignment: ReviewAssignment, actor) -> int:
    """Tell a reviewer they were assigned an item to review."""
    users = recipients(
        User.objects.filter(pk=assignment.reviewer_id), kind=Kind.SUBMITTED, exclude=actor
    )
    return _queue(
        users,
        template="review_assigned",
        context={
            "item": assignment.item,
            "assignment": assignment,
            "actor": actor,
            "url": _admin_url(assignment.item),
        },
    )


def item_review_outcome(*, item: Item, actor, approved: bool, note: str = "") -> int:
    """Tell the author their item was approved, or that changes were requested."""
    if item.author_id is None:
        return 0
    users = recipients(
        User.objects.filter(pk=item.author_id), kind=Kind.REVIEW_OUTCOME, exclude=actor
    )
    return _queue(
        users,
        template="item_approved" if approved else "item_changes_requested",
        context={"item": item, "actor": actor, "note": note, "url": _admin_url(item)},
    )


def comment_mentions(*, comment: ReviewComment, users: Iterable) -> int:
    """Tell each @mentioned colleague where they were mentioned."""
    users = recipients(
        User.objects.filter(pk__in=[user.pk for user in users]),
        kind=Kind.MENTION,
        exclude=comment.author,
    )
    return _queue(
        users,
        template="comment_mention",
        context={"comment": comment, "item": comment.item, "url": _admin_url(comment.item)},
    )


def issue_published_recipients(*, issue: Issue):
    """Return who `issue_published` emails: the authors of its approved items who want it."""
    authors = User.objects.filter(items__issue=issue, items__state=Item.State.APPROVED)
    return recipients(authors, kind=Kind.ISSUE_PUBLISHED)


def issue_published(*, issue: Issue) -> int:
    """Tell everyone with an item in `issue` that it is out."""
    return _queue(
        issue_published_recipients(issue=issue),
        template="issue_published",
        context={"issue": issue, "url": settings.SITE_URL + issue.get_absolute_url()},
    )


def invitation_sent(*, invitation, url: str, lifetime: str) -> int:
    """Email the invitee their signed link once the invitation is committed.

    The invitee has no account yet, so no preference applies. Returns 1.
    """
    text = render_to_string(
        "editorial/email/invitation.txt",
        {
            "invitation": invitation,
            "inviter": invitation.invited_by,
            "role": invitation.get_role_display(),
            "url": settings.SITE_URL + url,
            "lifetime": lifetime,
            "publication_name": settings.DIGEST["PUBLICATION_NAME"],
        },
    )
    subject, _, body = text.strip().partition("\n")
    message = {"subject": subject.strip(), "body": body.strip() + "\n", "to": [invitation.email]}
    enqueue_on_commit(emails_send, [message])
    return 1
