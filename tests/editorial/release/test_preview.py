"""Signed preview links for unpublished issues and items."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from editorial.release.preview import preview_url
from tests.factories import IssueFactory, ItemFactory

pytestmark = pytest.mark.django_db


def test_an_issue_preview_shows_every_placed_item_to_someone_without_an_account(client):
    """The link works anonymously and shows drafts, marked as a preview."""
    issue = IssueFactory()
    ItemFactory(issue=issue, title="还在草稿")
    ItemFactory(issue=issue, title="已批准", approved=True)
    response = client.get(preview_url(issue))
    assert response.status_code == 200
    html = response.content.decode()
    assert "还在草稿" in html and "已批准" in html
    assert 'class="preview-banner"' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_an_item_preview_shows_the_draft_item(client):
    """A single draft item can be previewed."""
    item = ItemFactory(title="单条预览", body="**正文**")
    response = client.get(preview_url(item))
    assert response.status_code == 200
    assert "<strong>正文</strong>" in response.content.decode()


def test_previews_are_never_cached_or_indexed(client):
    """No-cache and noindex headers on every preview."""
    response = client.get(preview_url(IssueFactory()))
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_an_expired_link_answers_404(client):
    """After seven days the link is dead."""
    url = preview_url(IssueFactory())
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert client.get(url).status_code == 404


def test_a_link_is_still_valid_just_before_it_expires(client):
    """Within seven days the link works."""
    url = preview_url(IssueFactory())
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        assert client.get(url).status_code == 200


def test_a_tampered_link_answers_404(client):
    """Changing one character of the token breaks the signature."""
    url = preview_url(IssueFactory())
    token = url.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/preview/{forged}/").status_code == 404
    assert client.get("/preview/not-a-token/").status_code == 404


def test_a_link_to_a_deleted_item_answers_404(client):
    """A preview of something since deleted is not found, not a 500."""
    item = ItemFactory()
    url = preview_url(item)
    item.delete()
    assert client.get(url).status_code == 404
