"""With Redis away, the cache answers as misses and logs it: pages do not fail."""

import logging
import socket

import pytest
from django.core.cache import caches
from django.urls import reverse

from newsletter.redis_cache import TolerantRedisCache
from tests.factories import public_item

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    """Return a loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_away(settings):
    """The default cache is Redis on a port where nothing answers."""
    settings.CACHES = {
        "default": {
            "BACKEND": "newsletter.redis_cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield caches["default"]
    caches["default"].close()


def test_every_call_answers_as_a_miss_and_the_outage_is_logged(redis_away, caplog):
    cache = redis_away
    assert isinstance(cache, TolerantRedisCache)
    with caplog.at_level(logging.WARNING, logger="newsletter.redis_cache"):
        assert cache.get("key", "default") == "default"
        cache.set("key", "value")
        assert cache.add("key", "value") is False
        assert cache.get_or_set("key", lambda: "computed") == "computed"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set_many({"a": 1}) == ["a"]
        assert cache.delete("key") is False
        with pytest.raises(ValueError):
            cache.incr("counter")
    assert "Redis cache unreachable" in caplog.text


def test_public_pages_answer_200_while_redis_is_away(redis_away, client):
    item = public_item()
    for url in ("/", item.issue.get_absolute_url(), "/search/?q=云原生", "/feed/"):
        assert client.get(url).status_code == 200, url


def test_subscribing_while_redis_is_away_is_refused_politely_not_a_500(redis_away, client):
    """The rate limit cannot count, so it fails closed: 429 with the page, never a 500."""
    response = client.post(reverse("newsletter:subscribe"), {"email": "reader@example.com"})
    assert response.status_code == 429
