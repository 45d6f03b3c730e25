"""Celery tasks of subscribing and sending (queued with `newsletter.background`).

Each is safe to run twice or to be cut off at any point: what has been done
is in the database rows, which these tasks claim before acting. With a
broker, `deliveries_dispatch` fans an issue out into batch tasks of
DIGEST_SEND_BATCH_SIZE recipients and looks in again every lease period
until every delivery is settled; inline, it sends everything at once.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection

from newsletter.models import Subscriber
from newsletter.subscribers import delivery, services
from newsletter.subscribers.emails import confirmation_message

logger = logging.getLogger(__name__)


@shared_task(name="newsletter.subscription_request")
def subscription_request(email: str, language: str) -> bool:
    """Process a subscription request made on the site; return whether an email went out.

    Done here rather than in the web request, so that the request does the
    same work, and answers the same, for known and new addresses.
    """
    try:
        subscriber = services.subscription_request(email=email, language=language)
    except ValidationError:
        return False
    if subscriber is None:
        return False
    get_connection().send_messages([confirmation_message(subscriber=subscriber)])
    return True


@shared_task(name="newsletter.confirmations_send")
def confirmations_send(subscriber_ids: list[int]) -> int:
    """Ask the pending subscribers `subscriber_ids` (a CSV import) to confirm; return how many."""
    pending = Subscriber.objects.filter(pk__in=subscriber_ids, status=Subscriber.Status.PENDING)
    messages = [confirmation_message(subscriber=subscriber) for subscriber in pending]
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


@shared_task(name="newsletter.deliveries_send_batch")
def deliveries_send_batch(issue_id: int) -> dict:
    """Claim up to one batch of pending deliveries of the issue and send them."""
    token, ids = delivery.deliveries_claim(issue_id=issue_id, limit=settings.DIGEST_SEND_BATCH_SIZE)
    return delivery.deliveries_send(issue_id=issue_id, token=token, delivery_ids=ids) if ids else {}


@shared_task(name="newsletter.deliveries_dispatch")
def deliveries_dispatch(issue_id: int) -> int:
    """Settle stale claims, queue one batch task per batch of pending deliveries, and
    (with a broker) look in again after a lease period while any is unsettled.

    Returns the number of batch tasks queued. Inline, the batches run one after
    the other right here.
    """
    delivery.deliveries_recover(issue_id=issue_id)
    pending = delivery.deliveries_unfinished(issue_id=issue_id)
    size = settings.DIGEST_SEND_BATCH_SIZE
    batches = -(-pending // size)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # Inline nobody else can hold a claim: go on until nothing is pending.
        while deliveries_send_batch(issue_id):
            pass
        return batches
    for _ in range(batches):
        deliveries_send_batch.delay(issue_id)
    if pending:
        deliveries_dispatch.apply_async(
            args=[issue_id], countdown=settings.DIGEST_DELIVERY_LEASE_SECONDS
        )
    return batches
