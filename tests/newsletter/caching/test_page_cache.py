"""The page cache: anonymous readers get stored pages, per language and query; others never."""

import logging

import pytest

from newsletter.caching import middleware
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_second_anonymous_get_is_served_from_the_cache(client, published):
    """The same bytes, without the view."""
    first = client.get("/issues/2025-11/")
    second = client.get("/issues/2025-11/")
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_a_cache_hit_costs_one_query(client, published, django_assert_num_queries):
    """Only the site generation is read: it says whether the stored page is current."""
    client.get("/issues/2025-11/")
    with django_assert_num_queries(1):
        assert client.get("/issues/2025-11/")["X-Page-Cache"] == "hit"


def test_each_language_has_its_own_cached_page(client, published):
    """A reader asking for English never gets the Chinese page from the cache, nor the reverse."""
    chinese = client.get("/issues/2025-11/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    english = client.get("/issues/2025-11/", HTTP_ACCEPT_LANGUAGE="en")
    assert english["X-Page-Cache"] == "miss"
    assert "In this issue" in english.content.decode()
    assert "In this issue" not in chinese.content.decode()
    again = client.get("/issues/2025-11/", HTTP_ACCEPT_LANGUAGE="en")
    assert (again["X-Page-Cache"], again.content) == ("hit", english.content)


def test_each_query_has_its_own_cached_page(client, published):
    """?q=Helm and ?q=Linkerd are two pages."""
    helm = client.get("/search/", {"q": "Helm"})
    linkerd = client.get("/search/", {"q": "Linkerd"})
    assert linkerd["X-Page-Cache"] == "miss"
    assert helm.content != linkerd.content


def test_signed_in_staff_never_get_or_fill_the_cache(client, published):
    """A session cookie goes past the cache both ways."""
    staff = UserFactory(username="editor-on-the-site")
    client.force_login(staff)
    assert "X-Page-Cache" not in client.get("/issues/2025-11/")
    assert "X-Page-Cache" not in client.get("/issues/2025-11/")
    assert client.get("/issues/2025-11/", HTTP_COOKIE="")["X-Page-Cache"] == "miss"


def test_a_response_that_sets_a_cookie_is_never_stored(client, settings, monkeypatch):
    """The cookie belongs to one reader."""
    settings.ROOT_URLCONF = "tests.newsletter.caching.urls"
    monkeypatch.setattr(middleware, "PUBLIC_PAGES", middleware.PUBLIC_PAGES | {"cookie-page"})
    client.get("/cookie/")
    second = client.get("/cookie/")
    assert "X-Page-Cache" not in second
    assert second.cookies["remembered"].value == "yes"


def test_page_cache_seconds_zero_turns_the_page_cache_off(client, published, settings):
    """Every GET renders; the HTTP headers stay."""
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/issues/2025-11/")
    second = client.get("/issues/2025-11/")
    assert "X-Page-Cache" not in second
    assert second.has_header("ETag")


def test_pages_that_are_not_public_are_never_cached(client, published):
    """The admin login is rendered every time."""
    client.get("/admin/login/")
    assert "X-Page-Cache" not in client.get("/admin/login/")


def test_with_redis_down_the_site_still_serves_and_logs(client, published, settings, caplog):
    """A cache that refuses connections costs a log line, not a 500."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Port 1: nothing listens there, the connection is refused at once.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with caplog.at_level(logging.WARNING, logger="newsletter.caching.store"):
        for url in ("/", "/issues/2025-11/", "/issues/", "/feed/"):
            response = client.get(url)
            assert response.status_code == 200
            assert "X-Page-Cache" not in response or response["X-Page-Cache"] == "miss"
    assert "Cache read failed" in caplog.text
    assert "Helm 4 发布" in client.get("/issues/2025-11/").content.decode()


@pytest.mark.parametrize(
    "url",
    ["/", "/issues/", "/issues/2025-11/", "/issues/2025-11.md", "/projects/", "/projects/helm/",
     "/sections/new-releases/", "/tags/网络/", "/search/?q=Helm", "/feed/", "/feed.rss",
     "/feed/items/", "/feed/projects/helm/", "/sitemap.xml"],
)  # fmt: skip
def test_every_public_page_is_cached(client, published, url):
    """PUBLIC_PREFIXES covers every page of PUBLIC_PAGES."""
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_the_api_is_not_looked_up(client, published, django_assert_num_queries):
    """A request outside the public pages costs the page cache no query."""
    with django_assert_num_queries(0):
        client.get("/api/v1/openapi.json")
