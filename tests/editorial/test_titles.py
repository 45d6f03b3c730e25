"""Titles are one line: a carriage return or line feed is refused by the item form
and by the services, and a notification never fails on an old multi-line title."""

import pytest
from django.core import mail
from django.urls import reverse

from editorial import notifications, workflow
from editorial.errors import ItemRefused
from newsletter.models import Item
from newsletter.subscribers.emails import issue_email
from tests.admin_forms import change_form_data
from tests.editorial.conftest import client_for
from tests.factories import IssueFactory, ItemFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("title", ["Helm 4\r发布", "Helm 4\n发布", "Helm 4\r\nBcc: x@example.com"])
def test_the_item_form_refuses_a_title_with_a_line_break(contributor, title):
    """A form error beside the title; the stored title is unchanged."""
    item = ItemFactory(author=contributor, issue=None, title="Helm 4 发布")
    client = client_for(contributor)
    url = reverse("admin:newsletter_item_change", args=[item.pk])
    response = client.post(url, change_form_data(client.get(url), title=title))
    assert response.status_code == 200
    assert "只能有一行" in str(response.context["adminform"].form.errors["title"])
    assert Item.objects.get(pk=item.pk).title == "Helm 4 发布"


def test_the_original_title_is_one_line_too(contributor):
    """The English original title is shown as a heading line as well."""
    item = ItemFactory(author=contributor, issue=None)
    client = client_for(contributor)
    url = reverse("admin:newsletter_item_change", args=[item.pk])
    response = client.post(url, change_form_data(client.get(url), original_title="Helm\r4"))
    assert "original_title" in response.context["adminform"].form.errors


def test_the_workflow_refuses_an_item_whose_title_has_a_line_break(contributor):
    """A title stored around the form (an old row) stops at the next transition."""
    item = ItemFactory(author=contributor, issue=None)
    Item.objects.filter(pk=item.pk).update(title="Helm 4\r发布")
    with pytest.raises(ItemRefused, match="只能有一行"):
        workflow.item_submit(item=item, actor=contributor)
    assert Item.objects.get(pk=item.pk).state == Item.State.DRAFT


def test_a_notification_about_an_old_multi_line_title_is_sent_on_one_line(
    contributor, reviewer, django_capture_on_commit_callbacks
):
    """No BadHeaderError: the subject is the title with its line breaks made spaces."""
    item = ItemFactory(author=contributor, issue=None)
    Item.objects.filter(pk=item.pk).update(title="Helm 4\r发布")
    item.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.item_submitted(item=item, actor=contributor)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[待审校] 《Helm 4 发布》"
    assert mail.outbox[0].message()["Subject"]


def test_the_issue_email_subject_is_one_line(db):
    """The issue's email to subscribers has a one-line subject whatever its old title holds."""
    issue = IssueFactory(published=True)
    issue.__class__.objects.filter(pk=issue.pk).update(title="云原生月刊\r\n11 月")
    issue.refresh_from_db()
    assert issue_email(issue=issue).subject == "云原生月刊 11 月"
