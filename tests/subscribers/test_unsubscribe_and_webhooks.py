"""Leaving: RFC 8058 one-click unsubscribe, the confirm page, and what the provider reports."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, AnymailTrackingEvent, inbound, tracking
from django.test import Client

from newsletter.models import Delivery, Subscriber
from tests.subscribers.conftest import subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    return subscriber("reader@example.com")


def test_one_click_unsubscribe_needs_no_cookie_and_acts_at_once(reader):
    """A mail client POSTs List-Unsubscribe=One-Click without any cookie: unsubscribed."""
    response = Client(enforce_csrf_checks=True).post(
        f"/unsubscribe/{reader.unsubscribe_token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.status == "unsubscribed" and reader.status_changed_at is not None


def test_opening_the_unsubscribe_link_asks_first(client, reader):
    """GET shows a confirm button and changes nothing (link scanners open links)."""
    response = client.get(f"/unsubscribe/{reader.unsubscribe_token}/")
    assert response.status_code == 200
    assert "<form" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    reader.refresh_from_db()
    assert reader.status == "confirmed"


def test_an_unknown_unsubscribe_token_answers_404(client, reader):
    """Guessing tokens finds nobody."""
    assert client.post("/unsubscribe/not-a-real-token-at-all-xxxxxxxx/").status_code == 404
    assert client.get("/unsubscribe/not-a-real-token-at-all-xxxxxxxx/").status_code == 404


def _event(event_type: str, recipient: str, **kwargs) -> AnymailTrackingEvent:
    return AnymailTrackingEvent(event_type=event_type, recipient=recipient, **kwargs)


@pytest.mark.parametrize(
    ("event_type", "status"),
    [("bounced", "bounced"), ("rejected", "bounced"), ("complained", "complained")],
)
def test_a_bounce_or_complaint_marks_the_subscriber_and_the_delivery(
    issue, reader, event_type, status
):
    """anymail's tracking signal: the subscriber gets nothing more; the delivery shows why."""
    row = Delivery.objects.create(issue=issue, subscriber=reader, state="sent")
    tracking.send(
        sender=object,
        event=_event(event_type, "Reader@Example.com", description="mailbox full"),
        esp_name="Postmark",
    )
    reader.refresh_from_db()
    row.refresh_from_db()
    assert reader.status == status
    assert row.state == "failed" and "mailbox full" in row.reason


def test_a_later_bounce_does_not_downgrade_a_complaint(reader):
    """Someone who reported spam stays suppressed whatever comes next."""
    tracking.send(sender=object, event=_event("complained", reader.email), esp_name="SES")
    tracking.send(sender=object, event=_event("bounced", reader.email), esp_name="SES")
    reader.refresh_from_db()
    assert reader.status == "complained"


def test_opens_and_deliveries_change_nothing(reader):
    """Only bounces, rejections, complaints and unsubscribes mark a subscriber."""
    for event_type in ("delivered", "opened", "clicked", "deferred"):
        tracking.send(sender=object, event=_event(event_type, reader.email), esp_name="SES")
    reader.refresh_from_db()
    assert reader.status == "confirmed"


def test_a_signed_mailgun_bounce_webhook_marks_the_subscriber(client, reader, settings):
    """End to end: Mailgun's signed JSON webhook, verified by anymail, marks the bounce."""
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": "key-test", "WEBHOOK_SECRET": "u:p"}
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(b"key-test", f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    payload = {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": "failed",
            "severity": "permanent",
            "recipient": reader.email,
            "timestamp": float(timestamp),
            "id": "event-1",
            "delivery-status": {"message": "No such user", "description": "", "code": 550},
            "message": {"headers": {"message-id": "delivery-1.issue-1@localhost"}},
        },
    }
    auth = "Basic " + base64.b64encode(b"u:p").decode()
    response = client.post(
        "/anymail/mailgun/tracking/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.status == "bounced"


def test_a_mailgun_webhook_with_a_bad_signature_changes_nothing(client, reader, settings):
    """A forged event is refused by anymail before it reaches us."""
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": "key-test", "WEBHOOK_SECRET": "u:p"}
    payload = {
        "signature": {"timestamp": "1", "token": "t" * 50, "signature": "0" * 64},
        "event-data": {"event": "failed", "severity": "permanent", "recipient": reader.email},
    }
    response = client.post(
        "/anymail/mailgun/tracking/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"u:p").decode(),
    )
    assert response.status_code == 400
    reader.refresh_from_db()
    assert reader.status == "confirmed"


def test_a_postmark_spam_complaint_webhook_marks_the_subscriber(client, reader, settings):
    """End to end: Postmark's webhook behind basic auth (WEBHOOK_SECRET) marks the complaint."""
    settings.ANYMAIL = {"WEBHOOK_SECRET": "u:p"}
    payload = {
        "RecordType": "SpamComplaint",
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Email": reader.email,
        "MessageID": "00000000-0000-0000-0000-000000000000",
        "BouncedAt": "2025-11-30T10:00:00Z",
        "Description": "The subscriber explicitly marked this message as spam.",
    }
    response = client.post(
        "/anymail/postmark/tracking/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"u:p").decode(),
    )
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.status == "complained"


def test_mail_to_the_unsubscribe_address_unsubscribes_the_token_in_its_subject(reader):
    """The List-Unsubscribe mailto: arrives through anymail's inbound signal."""
    message = AnymailInboundMessage.construct(
        from_email="reader@example.com",
        to="unsubscribe@localhost",
        subject=f"Re: unsubscribe {reader.unsubscribe_token}",
        text="",
    )
    inbound.send(
        sender=object,
        event=AnymailInboundEvent(event_type="inbound", message=message),
        esp_name="Mailgun",
    )
    reader.refresh_from_db()
    assert reader.status == "unsubscribed"
    assert Subscriber.objects.count() == 1
