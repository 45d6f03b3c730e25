"""What the email provider tells us, through django-anymail's webhooks.

- Tracking (`/anymail/<provider>/tracking/`): a bounce or a rejection marks
  the subscriber bounced, a spam complaint marks them complained, and an
  unsubscribe at the provider unsubscribes them; none of them gets another
  issue. The delivery of the issue that bounced is marked failed, with the
  provider's description as the reason.
- Inbound (`/anymail/<provider>/inbound/`): mail to the List-Unsubscribe
  mailto: address unsubscribes the token in its subject.

Anymail checks each webhook's signature or basic-auth secret before sending
these signals. Connected in `NewsletterConfig.ready()`.
"""

import logging
import re
from functools import wraps

from anymail.exceptions import AnymailConfigurationError, AnymailImproperlyInstalled
from anymail.signals import inbound, tracking
from anymail.urls import urlpatterns as anymail_urlpatterns
from django.http import Http404
from django.urls import URLPattern

from newsletter.models import Delivery, Subscriber
from newsletter.subscribers import services

logger = logging.getLogger(__name__)


def _configured_provider_only(view):
    """Answer 404 for a provider whose webhook is not set up, instead of anymail's error."""

    @wraps(view)
    def webhook(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (AnymailConfigurationError, AnymailImproperlyInstalled) as error:
            # anymail checks its settings on each request: a provider the site
            # does not use (no key, or its package not installed) is not here.
            logger.warning("Webhook of an email provider that is not configured: %s", error)
            raise Http404("This email provider's webhook is not configured.") from error

    return webhook


def webhook_urlpatterns() -> list[URLPattern]:
    """Return anymail's webhook URLs, each answering 404 until its provider is configured."""
    return [
        URLPattern(
            pattern.pattern,
            _configured_provider_only(pattern.callback),
            pattern.default_args,
            pattern.name,
        )
        for pattern in anymail_urlpatterns
    ]


STATUS_FOR_EVENT = {
    "bounced": Subscriber.Status.BOUNCED,
    "rejected": Subscriber.Status.BOUNCED,
    "complained": Subscriber.Status.COMPLAINED,
    "unsubscribed": Subscriber.Status.UNSUBSCRIBED,
}
# The List-Unsubscribe mailto: subject is "unsubscribe <token>".
TOKEN_IN_SUBJECT = re.compile(r"unsubscribe\s+([A-Za-z0-9_-]{20,64})", re.IGNORECASE)


def tracking_received(sender, event, esp_name: str, **kwargs) -> None:
    """Mark the subscriber of a bounce, rejection, complaint or provider unsubscribe."""
    status = STATUS_FOR_EVENT.get(event.event_type)
    if status is None or not event.recipient:
        return
    subscriber = services.subscriber_mark_undeliverable(email=event.recipient, status=status)
    if subscriber is None:
        return
    logger.info("%s reported %s for subscriber %s", esp_name, event.event_type, subscriber.pk)
    if status == Subscriber.Status.UNSUBSCRIBED:
        return
    reason = f"{esp_name} {event.event_type}: {event.description or event.reject_reason or ''}"
    deliveries = Delivery.objects.filter(subscriber=subscriber, state=Delivery.State.SENT)
    delivery_id = (event.metadata or {}).get("delivery")
    if delivery_id:
        deliveries = deliveries.filter(pk=delivery_id)
    else:
        # Without our metadata, the most recent issue sent to them is the one that bounced.
        deliveries = deliveries.filter(pk=deliveries.order_by("-sent_at", "-pk").values("pk")[:1])
    deliveries.update(state=Delivery.State.FAILED, reason=reason.strip()[:500])


def inbound_received(sender, event, esp_name: str, **kwargs) -> None:
    """Unsubscribe the token named in the subject of mail sent to the unsubscribe address."""
    message = event.message
    if message is None:
        return
    match = TOKEN_IN_SUBJECT.search(message.subject or "")
    if match is None:
        return
    subscriber = services.subscriber_unsubscribe(token=match[1])
    if subscriber is not None:
        logger.info("Subscriber %s unsubscribed by email", subscriber.pk)


def connect() -> None:
    """Listen to anymail's tracking and inbound signals."""
    tracking.connect(tracking_received, dispatch_uid="newsletter.subscribers.tracking")
    inbound.connect(inbound_received, dispatch_uid="newsletter.subscribers.inbound")
