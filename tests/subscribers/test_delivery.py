"""Sending an issue: one delivery per subscriber, each email sent once, failures explained."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from editorial.release.sending import issue_send
from newsletter.models import Delivery, Subscriber
from newsletter.subscribers import delivery, tasks
from newsletter.subscribers.emails import message_id
from tests.factories import IssueFactory
from tests.subscribers.conftest import subscriber

pytestmark = pytest.mark.django_db

OUTBOX = "newsletter.subscribers.mail_backends.FileOutboxBackend"


@pytest.fixture
def send_issue(django_capture_on_commit_callbacks):
    """`manage.py send_issue`, its queued tasks run as they are once it commits."""

    def send(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_issue", *args, **kwargs)

    return send


@pytest.fixture
def readers(db):
    return [subscriber(f"reader{n}@example.com") for n in range(5)] + [
        subscriber("waiting@example.com", status="pending"),
        subscriber("left@example.com", status="unsubscribed"),
        subscriber("bounced@example.com", status="bounced"),
    ]


def test_send_issue_emails_each_confirmed_subscriber_once(send_issue, issue, readers, capsys):
    """`send_issue SLUG` reaches confirmed subscribers only; running it again sends nothing."""
    send_issue(issue.slug)
    send_issue(issue.slug)
    assert sorted(m.to[0] for m in mail.outbox) == [f"reader{n}@example.com" for n in range(5)]
    assert Delivery.objects.filter(issue=issue, state="sent").count() == 5
    assert "sent 5" in capsys.readouterr().out


def test_a_subscriber_confirmed_after_the_send_gets_it_on_the_next_run(send_issue, issue, readers):
    """A repeat reaches only the newcomers."""
    send_issue(issue.slug)
    subscriber("late@example.com")
    mail.outbox.clear()
    send_issue(issue.slug)
    assert [m.to for m in mail.outbox] == [["late@example.com"]]


def test_the_email_is_the_export_with_a_text_part_and_the_readers_own_unsubscribe(
    send_issue, issue, readers, settings
):
    """HTML with inlined styles plus plain text; RFC 8058 headers; no tracking asked for."""
    settings.SITE_URL = "https://digest.example.com"
    send_issue(issue.slug)
    message = mail.outbox[0]
    reader = Subscriber.objects.get(email=message.to[0])
    url = f"https://digest.example.com/unsubscribe/{reader.unsubscribe_token}/"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'style="' in html and "Helm 4 正式发布" in html and url in html
    assert "Helm 4 正式发布" in message.body and url in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith(f"<{url}>, <mailto:")
    assert reader.unsubscribe_token in message.extra_headers["List-Unsubscribe"].split("mailto:")[1]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.track_opens is False and message.track_clicks is False
    assert "<img" not in html
    other = mail.outbox[1]
    assert other.extra_headers["List-Unsubscribe"] != message.extra_headers["List-Unsubscribe"]


def test_an_issue_that_is_not_out_is_not_sent(send_issue, readers):
    """Only public issues go to subscribers: the visibility rule holds for email too."""
    draft = IssueFactory(slug="2025-12")
    with pytest.raises(CommandError, match="还没有上线"):
        send_issue(draft.slug)
    assert not Delivery.objects.exists()
    assert mail.outbox == []


def test_a_test_send_goes_to_one_address_only(send_issue, issue, readers, capsys):
    """--test-to sends one email marked as a test and creates no delivery."""
    send_issue(issue.slug, test_to="editor@example.com")
    assert [m.to for m in mail.outbox] == [["editor@example.com"]]
    assert mail.outbox[0].subject.startswith("[测试]")
    assert not Delivery.objects.exists()


def test_a_retried_batch_task_sends_nothing_twice(
    issue, readers, django_capture_on_commit_callbacks
):
    """Running the sending tasks again after they finished finds nothing to claim."""
    with django_capture_on_commit_callbacks(execute=True):
        issue_send(issue=issue, actor=None)
    assert len(mail.outbox) == 5
    assert tasks.deliveries_send_batch(issue.pk) == {}
    tasks.deliveries_dispatch(issue.pk)
    assert len(mail.outbox) == 5


def test_a_batch_whose_lease_was_taken_over_sends_nothing(issue, readers):
    """A stalled worker that lost its claim skips the rows: the new holder sends them."""
    delivery.deliveries_create(issue=issue)
    stale_token, ids = delivery.deliveries_claim(issue_id=issue.pk, limit=10)
    Delivery.objects.update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    delivery.deliveries_recover(issue_id=issue.pk)
    new_token, new_ids = delivery.deliveries_claim(issue_id=issue.pk, limit=10)
    assert sorted(new_ids) == sorted(ids)
    assert delivery.deliveries_send(issue_id=issue.pk, token=stale_token, delivery_ids=ids) == {
        "": 5
    }
    assert mail.outbox == []
    delivery.deliveries_send(issue_id=issue.pk, token=new_token, delivery_ids=new_ids)
    assert len(mail.outbox) == 5


def _in_doubt(issue):
    """One claimed delivery that was handed to the mail server, its worker then gone."""
    delivery.deliveries_create(issue=issue)
    _token, ids = delivery.deliveries_claim(issue_id=issue.pk, limit=1)
    past = timezone.now() - timedelta(seconds=1)
    Delivery.objects.filter(pk=ids[0]).update(started_at=past, lease_expires_at=past)
    return Delivery.objects.get(pk=ids[0])


def test_a_delivery_in_doubt_that_the_outbox_has_is_marked_sent_not_resent(
    issue, readers, settings, tmp_path
):
    """The worker died after the server took the message: recovery finds it and sends no copy."""
    settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH = OUTBOX, str(tmp_path)
    row = _in_doubt(issue)
    from django.core.mail import get_connection

    content = delivery.issue_email(issue=issue)
    email = content.message_for(
        email=row.subscriber.email,
        token=row.subscriber.unsubscribe_token,
        message_id=message_id(delivery_id=row.pk, issue_id=issue.pk),
    )
    get_connection().send_messages([email])
    assert delivery.deliveries_recover(issue_id=issue.pk) == {
        "pending": 0,
        "sent": 1,
        "in_doubt": 0,
    }
    tasks.deliveries_dispatch(issue.pk)
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 5
    assert sum(row.subscriber.email in f.read_text() for f in files) == 1


def test_a_delivery_in_doubt_that_the_outbox_lacks_is_sent_again(
    issue, readers, settings, tmp_path
):
    """The worker died before the server had it: recovery puts it back and it is sent."""
    settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH = OUTBOX, str(tmp_path)
    _in_doubt(issue)
    assert delivery.deliveries_recover(issue_id=issue.pk)["pending"] == 1
    tasks.deliveries_dispatch(issue.pk)
    assert len(list(tmp_path.glob("*.eml"))) == 5


def test_a_delivery_in_doubt_with_a_server_that_cannot_tell_is_failed_not_resent(issue, readers):
    """SMTP cannot say whether it has a message: at most once, with the reason on the desk."""
    row = _in_doubt(issue)
    assert delivery.deliveries_recover(issue_id=issue.pk)["in_doubt"] == 1
    row.refresh_from_db()
    assert row.state == "failed" and "为免重复" in row.reason
    tasks.deliveries_dispatch(issue.pk)
    assert row.subscriber.email not in [m.to[0] for m in mail.outbox]
    assert len(mail.outbox) == 4


def test_a_claimed_delivery_never_handed_over_goes_back_to_pending(issue, readers):
    """Claimed by a worker that died before sending it: nothing was sent, so it is sent now."""
    delivery.deliveries_create(issue=issue)
    delivery.deliveries_claim(issue_id=issue.pk, limit=2)
    Delivery.objects.update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert delivery.deliveries_recover(issue_id=issue.pk)["pending"] == 2
    tasks.deliveries_dispatch(issue.pk)
    assert len(mail.outbox) == 5


class RefusingBackend:
    """A mail server that refuses one recipient and drops the connection for another."""

    def __init__(self, *args, **kwargs):
        pass

    def close(self):
        pass

    def send_messages(self, messages):
        to = messages[0].to[0]
        if to == "reader0@example.com":
            raise smtplib.SMTPRecipientsRefused({to: (550, b"no such user")})
        if to == "reader1@example.com":
            raise smtplib.SMTPServerDisconnected("connection dropped")
        mail.outbox.extend(messages)
        return 1


def test_failures_are_recorded_with_their_reasons(send_issue, issue, readers, settings):
    """A refused recipient fails at once; a dropped connection is retried, then fails."""
    settings.EMAIL_BACKEND = "tests.subscribers.test_delivery.RefusingBackend"
    send_issue(issue.slug)
    report = delivery.delivery_report(issue=issue)
    assert report.counts["sent"] == 3 and report.counts["failed"] == 2
    reasons = {row.subscriber.email: (row.attempts, row.reason) for row in report.failures}
    assert reasons["reader0@example.com"][0] == 1
    assert "SMTPRecipientsRefused" in reasons["reader0@example.com"][1]
    assert reasons["reader1@example.com"][0] == delivery.MAX_ATTEMPTS
    assert "connection dropped" in reasons["reader1@example.com"][1]


def test_a_subscriber_who_left_before_their_turn_is_skipped(issue, readers):
    """Unsubscribing after the send began, before their email went: nothing is sent to them."""
    delivery.deliveries_create(issue=issue)
    Subscriber.objects.filter(email="reader2@example.com").update(status="unsubscribed")
    tasks.deliveries_dispatch(issue.pk)
    assert "reader2@example.com" not in [m.to[0] for m in mail.outbox]
    assert Delivery.objects.get(subscriber__email="reader2@example.com").state == "skipped"


def test_the_send_rate_paces_a_worker(send_issue, issue, readers, settings, monkeypatch):
    """DIGEST_SEND_RATE emails per second: each send starts a tenth of a second after the last."""
    settings.DIGEST_SEND_RATE = 10
    clock = [1000.0]
    starts = []
    monkeypatch.setattr(delivery.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(
        delivery.time, "sleep", lambda seconds: clock.__setitem__(0, clock[0] + seconds)
    )
    sending = delivery._send_one

    def timed(*args):
        starts.append(clock[0])
        return sending(*args)

    monkeypatch.setattr(delivery, "_send_one", timed)
    send_issue(issue.slug)
    assert len(mail.outbox) == 5
    assert [round(b - a, 6) for a, b in zip(starts, starts[1:], strict=False)] == [0.1] * 4


def test_batches_hold_at_most_the_batch_size(issue, readers, settings):
    """Each task claims DIGEST_SEND_BATCH_SIZE recipients at most."""
    settings.DIGEST_SEND_BATCH_SIZE = 2
    delivery.deliveries_create(issue=issue)
    counts = []
    while result := tasks.deliveries_send_batch(issue.pk):
        counts.append(sum(result.values()))
    assert counts == [2, 2, 1]


def test_both_parts_travel_as_base64_utf8(send_issue, issue, readers):
    """Not quoted-printable, which triples CJK text: each part is base64 UTF-8 and decodes back."""
    send_issue(issue.slug)
    mime = mail.outbox[0].message()
    parts = [part for part in mime.walk() if not part.is_multipart()]
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    for part in parts:
        assert part["Content-Transfer-Encoding"] == "base64"
        assert "Helm 4 正式发布" in part.get_payload(decode=True).decode("utf-8")
