"""Sending a published issue to its subscribers, from the release desk or
`manage.py send_issue`: a test to oneself first, then everyone.

The sending itself (delivery rows, batches, exactly once) is
`newsletter.subscribers.delivery`; these services check who asks and for which
issue, and write the audit row. The desk offers "send to everyone" only after
a test send of the same issue.
"""

from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import transaction
from django.utils.translation import gettext as _

from editorial.audit import audit_entry_create
from editorial.errors import ReleaseRefused
from editorial.locks import issue_lock
from editorial.models import AuditAction
from editorial.permissions.rules import require
from newsletter.background import enqueue_on_commit
from newsletter.models import Issue, Subscriber
from newsletter.subscribers import delivery, tasks
from newsletter.subscribers.emails import issue_email
from newsletter.subscribers.services import email_normalize

# Where the unsubscribe link of a test email points: a token no reader has.
TEST_TOKEN = "test-send-not-a-subscriber"  # noqa: S105 - a placeholder, not a secret


def _require_public(issue: Issue) -> None:
    if not issue.is_public():
        raise ReleaseRefused(
            _("「%(issue)s」还没有上线:发布之后才能发送给订阅者。") % {"issue": issue}
        )


def issue_send_test(*, issue: Issue, actor, to: str) -> str:
    """Send `issue`'s email to `to` only, at once; return the address it went to.

    `actor` None is the command line. Raises NotPermitted, ReleaseRefused for
    an issue that is not public or an invalid address, and the mail
    backend's error when the server refuses.
    """
    if actor is not None:
        require(actor, "issue.send", issue)
    _require_public(issue)
    try:
        to = email_normalize(to)
    except ValidationError:
        raise ReleaseRefused(_("“%(to)s”不是有效的邮箱地址。") % {"to": to[:100]}) from None
    message = issue_email(issue=issue).message_for(email=to, token=TEST_TOKEN)
    message.subject = _("[测试] %(subject)s") % {"subject": message.subject}
    get_connection(fail_silently=False).send_messages([message])
    audit_entry_create(
        actor=actor, action=AuditAction.ISSUE_SEND_TEST, issue=issue, data={"to": to}
    )
    return to


def issue_send(*, issue: Issue, actor) -> int:
    """Send `issue` to every confirmed subscriber who has not had it; return how many that is.

    Safe to repeat: a subscriber gets an issue once, however often this runs
    (a repeat picks up subscribers confirmed since and deliveries left
    unfinished). The sending starts once the transaction commits. `actor`
    None is the command line. Raises NotPermitted, or ReleaseRefused for an
    issue that is not public.
    """
    with transaction.atomic():
        issue = issue_lock(issue)
        if actor is not None:
            require(actor, "issue.send", issue)
        _require_public(issue)
        created = delivery.deliveries_create(issue=issue)
        audit_entry_create(
            actor=actor,
            action=AuditAction.ISSUE_SEND,
            issue=issue,
            data={
                "new_recipients": created,
                "confirmed_subscribers": Subscriber.objects.receiving().count(),
            },
        )
        enqueue_on_commit(tasks.deliveries_dispatch, issue.pk)
    return created


def issue_was_test_sent(issue: Issue) -> bool:
    """Whether a test of `issue` has been sent: the desk offers the real send after one."""
    return issue.audit_entries.filter(action=AuditAction.ISSUE_SEND_TEST).exists()
