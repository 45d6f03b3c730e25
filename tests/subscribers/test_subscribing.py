"""Subscribing: double opt-in, the same answer for every address, rate limits, cacheable pages."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from newsletter.models import Subscriber
from tests.subscribers.conftest import subscriber

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/subscribe/"


def _subscribe(client, email, capture):
    with capture(execute=True):
        return client.post(SUBSCRIBE, {"email": email})


def _confirm_link(message) -> str:
    return re.search(r"https?://\S+/subscribe/confirm/\S+/", message.body)[0]


def test_subscribing_sends_a_confirmation_link_and_confirms_nothing_yet(
    client, django_capture_on_commit_callbacks
):
    """POST /subscribe/ makes a pending subscriber and emails a signed link."""
    response = _subscribe(client, " Reader@Example.com ", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    reader = Subscriber.objects.get()
    assert (reader.email, reader.status, reader.source) == (
        "reader@example.com",
        "pending",
        "website",
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reader@example.com"]
    assert "/subscribe/confirm/" in mail.outbox[0].body


def test_opening_the_link_shows_a_button_and_only_its_post_confirms(
    client, django_capture_on_commit_callbacks
):
    """A link scanner's GET confirms nothing; the button's POST does, without a CSRF cookie."""
    _subscribe(client, "reader@example.com", django_capture_on_commit_callbacks)
    link = _confirm_link(mail.outbox[0])
    path = link.split("8000", 1)[-1] if "8000" in link else link
    response = client.get(path)
    assert response.status_code == 200
    assert "<form" in response.content.decode()
    assert Subscriber.objects.get().status == "pending"
    response = Client(enforce_csrf_checks=True).post(path)
    assert response.status_code == 200
    reader = Subscriber.objects.get()
    assert reader.status == "confirmed" and reader.confirmed_at is not None


def test_the_answer_is_the_same_for_new_pending_confirmed_and_unsubscribed_addresses(
    client, django_capture_on_commit_callbacks
):
    """The page reveals nothing; only new and returning addresses get an email."""
    subscriber("known@example.com")
    subscriber("waiting@example.com", status="pending")
    subscriber("left@example.com", status="unsubscribed")
    subscriber("spam@example.com", status="complained")
    pages = {
        email: _subscribe(client, email, django_capture_on_commit_callbacks).content
        for email in [
            "new@example.com",
            "known@example.com",
            "waiting@example.com",
            "left@example.com",
            "spam@example.com",
        ]
    }
    assert len(set(pages.values())) == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "left@example.com",
        "new@example.com",
        "waiting@example.com",
    ]
    assert Subscriber.objects.get(email="left@example.com").status == "pending"
    assert Subscriber.objects.get(email="known@example.com").status == "confirmed"
    assert Subscriber.objects.get(email="spam@example.com").status == "complained"


def test_an_invalid_address_is_refused_on_the_form(client):
    """Not an address: 400 with the form and the reason, nothing stored."""
    response = client.post(SUBSCRIBE, {"email": "not-an-address"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Subscriber.objects.exists()


def test_one_address_may_ask_only_a_few_times_an_hour(
    client, settings, django_capture_on_commit_callbacks
):
    """Past DIGEST_SUBSCRIBE_RATE_PER_EMAIL the answer is 429 and no email goes out."""
    settings.DIGEST_SUBSCRIBE_RATE_PER_EMAIL = "2/h"
    statuses = [
        _subscribe(client, "reader@example.com", django_capture_on_commit_callbacks).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert len(mail.outbox) == 2


def test_one_client_may_ask_only_a_few_times_an_hour(
    client, settings, django_capture_on_commit_callbacks
):
    """Past DIGEST_SUBSCRIBE_RATE_PER_ADDRESS a client is refused whatever the address."""
    settings.DIGEST_SUBSCRIBE_RATE_PER_ADDRESS = "3/h"
    statuses = [
        _subscribe(client, f"r{n}@example.com", django_capture_on_commit_callbacks).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert Subscriber.objects.count() == 3


def test_an_expired_link_answers_410_and_an_altered_one_404(
    client, django_capture_on_commit_callbacks, settings
):
    """Links expire after DIGEST_SUBSCRIBE_CONFIRM_MAX_AGE; a changed signature is unknown."""
    _subscribe(client, "reader@example.com", django_capture_on_commit_callbacks)
    path = "/subscribe/confirm/" + _confirm_link(mail.outbox[0]).split("/subscribe/confirm/")[1]
    assert (
        client.get(path.replace("/subscribe/confirm/", "/subscribe/confirm/x")).status_code == 404
    )
    later = timedelta(seconds=settings.DIGEST_SUBSCRIBE_CONFIRM_MAX_AGE + 60)
    with time_machine.travel(later, tick=False):
        response = Client().post(path)
    assert response.status_code == 410
    assert Subscriber.objects.get().status == "pending"


@pytest.mark.parametrize("url", [SUBSCRIBE, "/issues/2025-11/"])
def test_pages_with_the_subscribe_form_carry_no_secret_and_stay_cheap(
    client, issue, url, django_assert_max_num_queries
):
    """No CSRF token, no cookie: a cache can serve them; /subscribe/ queries nothing."""
    budget = 0 if url == SUBSCRIBE else 8  # the issue page's budget (tests/newsletter)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'action="/subscribe/"' in html
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies


def test_the_subscribe_page_offers_the_feeds(client):
    """/subscribe/ links the Atom and RSS feeds beside the form."""
    html = client.get(SUBSCRIBE).content.decode()
    assert reverse("newsletter:feed_atom") in html and reverse("newsletter:feed_rss") in html


def test_the_subscribe_form_posts_without_a_csrf_cookie(django_capture_on_commit_callbacks):
    """A cached page has no token, so the POST must not need one."""
    csrf_client = Client(enforce_csrf_checks=True)
    response = _subscribe(csrf_client, "reader@example.com", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert Subscriber.objects.filter(email="reader@example.com").exists()
