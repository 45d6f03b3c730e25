"""Sending an issue: one `Delivery` row per (issue, subscriber), each sent once.

1. `deliveries_create` adds a pending row for every confirmed subscriber who
   has none for the issue (the database's unique constraint is the guard, so
   running it twice, or at once from two places, adds nothing).
2. `deliveries_claim` takes up to a batch of pending rows atomically
   (`SELECT … FOR UPDATE SKIP LOCKED`, then state `sending` with a lease token
   and a lease end), so two workers never hold the same row.
3. `deliveries_send` sends each claimed row: first it commits `started_at`
   (the row may be in the mail server's hands from now on), then it locks the
   row, checks that its lease is still this worker's, sends, and commits
   `sent` in that same transaction.
4. `deliveries_recover` settles rows whose lease ran out (their worker died or
   stalled): never started means never sent, so back to pending; started but
   not marked sent is *in doubt*. The mail backend is asked whether it has the
   message (by its Message-ID, the same on every attempt); a backend that can
   tell (`message_was_sent`) settles it either way, one that cannot leaves the
   row failed with that reason rather than risk sending it twice. README.md,
   "Exactly once", says why.
"""

import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from smtplib import SMTPRecipientsRefused, SMTPSenderRefused

from anymail.exceptions import AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from newsletter.models import Delivery, Issue, Subscriber
from newsletter.subscribers.emails import IssueEmail, issue_email, message_id

logger = logging.getLogger(__name__)

State = Delivery.State
# Refusals that will not change on a second try: the row fails at once.
PERMANENT_ERRORS = (SMTPRecipientsRefused, SMTPSenderRefused, AnymailRecipientsRefused)
# Tries of a row whose send raised something passing (a dropped connection).
MAX_ATTEMPTS = 3
CREATE_CHUNK = 1000


def deliveries_create(*, issue: Issue) -> int:
    """Add a pending delivery of `issue` for each confirmed subscriber without one.

    Returns how many were added. Reads subscriber ids a chunk at a time, so
    memory does not grow with the list.
    """
    before = Delivery.objects.filter(issue=issue).count()
    last_id = 0
    while True:
        ids = list(
            Subscriber.objects.receiving()
            .filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:CREATE_CHUNK]
        )
        if not ids:
            break
        Delivery.objects.bulk_create(
            [Delivery(issue=issue, subscriber_id=subscriber_id) for subscriber_id in ids],
            ignore_conflicts=True,
        )
        last_id = ids[-1]
    return Delivery.objects.filter(issue=issue).count() - before


def deliveries_claim(*, issue_id: int, limit: int) -> tuple[str, list[int]]:
    """Claim up to `limit` pending deliveries of issue `issue_id`; return (lease token, ids).

    The rows are `sending` under a fresh lease token until
    DIGEST_DELIVERY_LEASE_SECONDS from now; rows another worker is claiming
    at the same moment are skipped, not waited for.
    """
    token = uuid.uuid4().hex
    lease = timedelta(seconds=settings.DIGEST_DELIVERY_LEASE_SECONDS)
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(issue_id=issue_id, state=State.PENDING)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids, state=State.PENDING).update(
                state=State.SENDING,
                lease_token=token,
                lease_expires_at=timezone.now() + lease,
                started_at=None,
            )
    return token, ids


class _Pace:
    """Keeps a worker at DIGEST_SEND_RATE emails per second (0: no limit)."""

    def __init__(self, rate: int):
        self.interval = 1 / rate if rate > 0 else 0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        delay = self.next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next_at = max(self.next_at, time.monotonic()) + self.interval


def _finish(delivery_id: int, token: str, **changes) -> int:
    """Set `changes` on a delivery still under lease `token`; return 1, or 0 if it was lost."""
    return Delivery.objects.filter(pk=delivery_id, state=State.SENDING, lease_token=token).update(
        lease_token="", lease_expires_at=None, **changes
    )


def _send_one(delivery_id: int, token: str, content: IssueEmail, connection) -> str:
    """Send one claimed delivery (see the module's step 3); return the state it ends in."""
    started = Delivery.objects.filter(
        pk=delivery_id, state=State.SENDING, lease_token=token
    ).update(started_at=timezone.now(), attempts=F("attempts") + 1)
    if not started:
        return ""  # The lease ran out and the row was recovered by someone else.
    with transaction.atomic():
        delivery = (
            # Only the delivery's row: the subscriber is on the nullable side of the join.
            Delivery.objects.select_for_update(of=("self",))
            .select_related("subscriber")
            .filter(pk=delivery_id, state=State.SENDING, lease_token=token)
            .first()
        )
        if delivery is None:
            return ""
        subscriber = delivery.subscriber
        if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED:
            # Erased, unsubscribed, bounced or complained since the send began.
            _finish(delivery_id, token, state=State.SKIPPED, reason=_("已不再订阅"))
            return State.SKIPPED
        message = content.message_for(
            email=subscriber.email,
            token=subscriber.unsubscribe_token,
            message_id=message_id(delivery_id=delivery_id, issue_id=delivery.issue_id),
        )
        try:
            sent = connection.send_messages([message])
        except Exception as error:  # noqa: BLE001 - any refusal is recorded on the row
            sent, failure = 0, error
        else:
            failure = None
        if sent:
            _finish(delivery_id, token, state=State.SENT, sent_at=timezone.now(), reason="")
            return State.SENT
    reason = f"{type(failure).__name__}: {failure}"[:500] if failure else _("邮件服务器没有接收")
    logger.warning("Delivery %s not sent: %s", delivery_id, reason)
    # `attempts` already counts this try (it was raised with `started_at`).
    permanent = isinstance(failure, PERMANENT_ERRORS) or delivery.attempts >= MAX_ATTEMPTS
    # The connection may be broken now: the next send opens a new one.
    connection.close()
    _finish(delivery_id, token, state=State.FAILED if permanent else State.PENDING, reason=reason)
    return State.FAILED if permanent else State.PENDING


def deliveries_send(*, issue_id: int, token: str, delivery_ids: Iterable[int]) -> dict:
    """Send the deliveries claimed under `token`; return how many ended in each state.

    Renders the issue once for all of them and opens one mail connection.
    Raises IssueNotPublicError when the issue was withdrawn meanwhile; the
    rows are then handed back as pending.
    """
    issue = Issue.objects.get(pk=issue_id)
    ids = list(delivery_ids)
    try:
        content = issue_email(issue=issue)
    except Exception:
        Delivery.objects.filter(pk__in=ids, lease_token=token).update(
            state=State.PENDING, lease_token="", lease_expires_at=None
        )
        raise
    counts: dict[str, int] = {}
    pace = _Pace(settings.DIGEST_SEND_RATE)
    connection = get_connection()
    try:
        for delivery_id in ids:
            pace.wait()
            state = _send_one(delivery_id, token, content, connection)
            counts[state] = counts.get(state, 0) + 1
    finally:
        connection.close()
    return counts


def deliveries_recover(*, issue_id: int, connection=None) -> dict:
    """Settle the deliveries of issue `issue_id` whose lease ran out; return what became of them.

    See the module's step 4. Rows a live worker has locked are skipped.
    """
    connection = connection or get_connection()
    was_sent = getattr(connection, "message_was_sent", None)
    outcome = {"pending": 0, "sent": 0, "in_doubt": 0}
    with transaction.atomic():
        stale = list(
            Delivery.objects.select_for_update(skip_locked=True).filter(
                issue_id=issue_id, state=State.SENDING, lease_expires_at__lt=timezone.now()
            )
        )
        for delivery in stale:
            changes = {"lease_token": "", "lease_expires_at": None}
            known = None
            if delivery.started_at is not None and was_sent is not None:
                known = was_sent(message_id(delivery_id=delivery.pk, issue_id=issue_id))
            if delivery.started_at is None or known is False:
                changes.update(state=State.PENDING, started_at=None)
                outcome["pending"] += 1
            elif known:
                changes.update(state=State.SENT, sent_at=delivery.started_at, reason="")
                outcome["sent"] += 1
            else:
                changes.update(
                    state=State.FAILED,
                    reason=_("发送时工作进程中断,无法确认邮件服务器是否已收下;为免重复,没有重发。"),
                )
                outcome["in_doubt"] += 1
            Delivery.objects.filter(pk=delivery.pk).update(**changes)
    if any(outcome.values()):
        logger.info("Recovered deliveries of issue %s: %s", issue_id, outcome)
    return outcome


def deliveries_unfinished(*, issue_id: int) -> int:
    """Return how many deliveries of issue `issue_id` are pending or being sent."""
    return Delivery.objects.filter(
        issue_id=issue_id, state__in=[State.PENDING, State.SENDING]
    ).count()


@dataclass
class DeliveryReport:
    """Where an issue's send stands: counts per state and the rows that need a look."""

    counts: dict[str, int]
    failures: list[Delivery] = field(default_factory=list)
    waiting: list[Delivery] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(self.counts.get(state, 0) for state in Delivery.FINAL_STATES)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def delivery_report(*, issue: Issue, limit: int = 50) -> DeliveryReport:
    """Return the progress of `issue`'s send: counts per state, then up to `limit` failures
    and pending rows that carry a reason (a passing error they will be retried after).

    Three queries whatever the number of subscribers.
    """
    counts = {state: 0 for state in State.values}
    for row in Delivery.objects.filter(issue=issue).values("state").annotate(count=Count("pk")):
        counts[row["state"]] = row["count"]
    rows = Delivery.objects.filter(issue=issue).select_related("subscriber").order_by("pk")
    return DeliveryReport(
        counts=counts,
        failures=list(rows.filter(state=State.FAILED)[:limit]),
        waiting=list(rows.filter(state=State.PENDING).exclude(reason="")[:limit]),
    )
