"""Subscribers in the newsroom: import, export and erase in the admin; sending from the desk."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from editorial.models import AuditEntry
from newsletter.models import Delivery, Subscriber
from tests.editorial.conftest import client_for
from tests.factories import IssueFactory, SectionFactory, public_item
from tests.subscribers.conftest import subscriber

pytestmark = pytest.mark.django_db

ROLES = ["contributor", "reviewer", "editor", "administrator", "anonymous"]
IMPORT = reverse("admin:newsletter_subscriber_import")
EXPORT = reverse("admin:newsletter_subscriber_export")
CHANGELIST = reverse("admin:newsletter_subscriber_changelist")


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv")


@pytest.mark.parametrize(
    ("role", "expected"),
    [("contributor", 403), ("reviewer", 403), ("editor", 200), ("administrator", 200)],
)
@pytest.mark.parametrize("url", [CHANGELIST, IMPORT, EXPORT])
def test_only_the_editor_in_chief_and_administrators_manage_subscribers(
    people, role, expected, url
):
    """The subscriber list, import and export follow the matrix; anonymous goes to login."""
    response = client_for(people[role]).get(url)
    assert response.status_code == expected
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_import_with_consent_confirms_new_addresses_and_records_who_vouched(
    administrator, django_capture_on_commit_callbacks
):
    """Ticked consent: confirmed at once, consent recorded, no email sent."""
    subscriber("left@example.com", status="unsubscribed")
    text = "email,language\nA@example.com,en\nb@example.com\nleft@example.com\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            IMPORT, {"file": _csv(text), "consent": "on", "consent_note": "KubeCon 展台"}
        )
    assert response.status_code == 302
    imported = Subscriber.objects.get(email="a@example.com")
    assert (imported.status, imported.language, imported.source) == ("confirmed", "en", "import")
    assert "ada" in imported.consent and "KubeCon 展台" in imported.consent
    assert Subscriber.objects.get(email="left@example.com").status == "unsubscribed"
    assert mail.outbox == []
    entry = AuditEntry.objects.get(action="subscriber.import")
    assert entry.data == {"created": 2, "confirmed": 0, "unchanged": 1, "consent": True}
    assert "example.com" not in entry.object_repr


def test_import_without_consent_asks_each_new_address_to_confirm(
    editor, django_capture_on_commit_callbacks
):
    """Unticked: pending, and each gets a confirmation email once the import commits."""
    with django_capture_on_commit_callbacks(execute=True):
        client_for(editor).post(IMPORT, {"file": _csv("a@example.com\nb@example.com\n")})
    assert set(Subscriber.objects.values_list("status", flat=True)) == {"pending"}
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]


def test_a_malformed_csv_names_the_line_and_imports_nothing(editor):
    """One bad address on line 3: the form says so and no row is written."""
    response = client_for(editor).post(
        IMPORT, {"file": _csv("a@example.com\nb@example.com\nnot an address\n"), "consent": "on"}
    )
    assert response.status_code == 200
    assert "第 3 行" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert not AuditEntry.objects.exists()


def test_export_lists_the_filtered_subscribers_as_csv(editor):
    """The export follows the changelist's filter and is audited without addresses."""
    subscriber("a@example.com")
    subscriber("b@example.com", status="unsubscribed")
    response = client_for(editor).get(EXPORT + "?status__exact=confirmed")
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0].startswith("email,status,language")
    assert "a@example.com,confirmed" in body and "b@example.com" not in body
    assert AuditEntry.objects.get(action="subscriber.export").data == {"count": 1}


def test_deleting_a_subscriber_erases_the_address_everywhere(editor):
    """The row goes; the delivery stays without it; the admin's history forgets the address."""
    issue = IssueFactory(published=True)
    reader = subscriber("reader@example.com")
    row = Delivery.objects.create(
        issue=issue, subscriber=reader, state="failed", reason="550 reader@example.com unknown"
    )
    url = reverse("admin:newsletter_subscriber_delete", args=[reader.pk])
    response = client_for(editor).post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Subscriber.objects.exists()
    row.refresh_from_db()
    assert row.subscriber is None and row.reason == "" and row.state == "failed"
    assert not LogEntry.objects.filter(object_repr__contains="reader@example.com").exists()
    assert not AuditEntry.objects.filter(object_repr__contains="reader@example.com").exists()
    assert AuditEntry.objects.filter(action="subscriber.erase").count() == 1


def _public_issue():
    issue = IssueFactory(published=True, slug="2025-11")
    public_item(issue=issue, section=SectionFactory(), title="Helm 4 正式发布")
    return issue


@pytest.mark.parametrize(
    ("role", "expected"),
    [("contributor", 403), ("reviewer", 403), ("editor", 302), ("administrator", 403)],
)
def test_only_the_editor_in_chief_sends_an_issue(people, role, expected):
    """The desk's test send and send buttons follow the matrix."""
    issue = _public_issue()
    url = reverse("admin:newsletter_issue_send_test", args=[issue.pk])
    response = client_for(people[role]).post(url, {"to": "me@example.com"})
    assert response.status_code == expected
    assert len(mail.outbox) == (1 if expected == 302 else 0)


def test_the_desk_sends_to_everyone_only_after_a_test(editor, django_capture_on_commit_callbacks):
    """Send refuses before a test send; after one it reaches every confirmed subscriber."""
    issue = _public_issue()
    for n in range(3):
        subscriber(f"reader{n}@example.com")
    client = client_for(editor)
    send = reverse("admin:newsletter_issue_send", args=[issue.pk])
    response = client.post(send, follow=True)
    assert "请先给自己发一封测试邮件" in response.content.decode()
    assert not Delivery.objects.exists()
    client.post(
        reverse("admin:newsletter_issue_send_test", args=[issue.pk]), {"to": "eddie@example.com"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "eddie@example.com",
        "reader0@example.com",
        "reader1@example.com",
        "reader2@example.com",
    ]
    assert AuditEntry.objects.filter(issue=issue, action="issue.send").count() == 1


def test_the_desk_reports_progress_and_the_reasons_of_failures(editor):
    """Sent, failed and pending counts, and each failure's reason, on the release desk."""
    issue = _public_issue()
    Delivery.objects.create(issue=issue, subscriber=subscriber("a@example.com"), state="sent")
    Delivery.objects.create(
        issue=issue,
        subscriber=subscriber("b@example.com"),
        state="failed",
        reason="550 no such user",
    )
    Delivery.objects.create(issue=issue, subscriber=subscriber("c@example.com"))
    html = (
        client_for(editor)
        .get(reverse("admin:newsletter_issue_release", args=[issue.pk]))
        .content.decode()
    )
    assert "550 no such user" in html and "b@example.com" in html
    assert '<progress max="3" value="2">' in html
    assert 'http-equiv="refresh"' in html


def test_the_desk_offers_no_sending_before_the_issue_is_out(editor):
    """A draft issue's desk explains that sending opens after publishing."""
    issue = IssueFactory()
    html = (
        client_for(editor)
        .get(reverse("admin:newsletter_issue_release", args=[issue.pk]))
        .content.decode()
    )
    assert reverse("admin:newsletter_issue_send", args=[issue.pk]) not in html
