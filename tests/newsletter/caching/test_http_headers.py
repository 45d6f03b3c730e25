"""HTTP caching: validators, conditional GET, Cache-Control and Vary."""

import pytest
from django.utils.http import http_date

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_URLS = ["/", "/issues/", "/issues/2025-11/", "/issues/2025-11.md", "/feed/", "/sitemap.xml"]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_may_be_kept_by_browsers_and_proxies(client, published, url):
    """public, a short max-age for browsers, a longer s-maxage for purged proxies."""
    response = client.get(url)
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=60", "s-maxage=600"} <= cache_control
    vary = {part.strip() for part in response["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary
    assert response["ETag"].startswith('W/"')
    assert response.has_header("Last-Modified")


@pytest.mark.parametrize("page_cache_seconds", [600, 0])
def test_a_matching_etag_answers_304(client, published, settings, page_cache_seconds):
    """With or without the page cache, a reader who has the page gets no body."""
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    etag = client.get("/issues/2025-11/")["ETag"]
    response = client.get("/issues/2025-11/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_an_unchanged_page_answers_304_to_if_modified_since(client, published):
    """Last-Modified is the time of the last public change."""
    last_modified = client.get("/issues/")["Last-Modified"]
    assert client.get("/issues/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_a_change_makes_the_old_etag_fail(client, published):
    """After a public change the validator no longer matches: the reader gets the new page."""
    etag = client.get("/issues/2025-11/")["ETag"]
    issue = published["issue"]
    issue.title = "云原生月刊 11 月(修订)"
    issue.save()
    response = client.get("/issues/2025-11/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "修订" in response.content.decode()


def test_the_last_modified_time_moves_with_a_change(client, published, time_machine):
    """A change later than the reader's copy is not 'not modified'."""
    time_machine.move_to(published["issue"].publish_at.replace(year=2031))
    before = client.get("/issues/")["Last-Modified"]
    time_machine.shift(3600)
    published["issue"].save()
    after = client.get("/issues/", HTTP_IF_MODIFIED_SINCE=before)
    assert after.status_code == 200
    assert after["Last-Modified"] != before
    assert after["Last-Modified"] == http_date(published["issue"].updated_at.timestamp())


def test_the_etag_is_the_same_in_every_process_and_with_the_page_cache_off(
    client, published, settings
):
    """It is derived from the page's variant and the generation, not from one process's cache."""
    cached = client.get("/issues/2025-11/")["ETag"]
    settings.PAGE_CACHE_SECONDS = 0
    assert client.get("/issues/2025-11/")["ETag"] == cached


def test_admin_pages_are_private_and_never_stored(client):
    """The login page says private, no-store."""
    cache_control = client.get("/admin/login/")["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control


def test_a_signed_in_persons_copy_is_private(client, published):
    """No proxy may keep what a session cookie fetched."""
    client.force_login(UserFactory(username="editor-reading"))
    cache_control = client.get("/issues/2025-11/")["Cache-Control"]
    assert "private" in cache_control
    assert "public" not in cache_control
