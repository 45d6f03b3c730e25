"""Purge backends: the requests each sends, configured from the settings."""

import json
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsletter.caching import purge


class Transport:
    """Records the requests a backend sends and answers `status`."""

    def __init__(self, status: int = 200):
        self.status = status
        self.requests = []

    def __call__(self, method, url, headers, body):
        self.requests.append((method, url, headers, body))
        return self.status


def test_http_purge_sends_purge_for_each_path_to_each_proxy_with_the_site_host():
    """Varnish and nginx find the page by the Host the readers use."""
    send = Transport()
    backend = purge.HttpPurgeBackend(
        proxies=["http://10.0.0.1:6081/", "http://10.0.0.2:6081"],
        site_url="https://digest.example.com",
        send=send,
    )
    backend.purge(["/", "/issues/2025-11/"])
    assert send.requests == [
        ("PURGE", "http://10.0.0.1:6081/", {"Host": "digest.example.com"}, None),
        ("PURGE", "http://10.0.0.1:6081/issues/2025-11/", {"Host": "digest.example.com"}, None),
        ("PURGE", "http://10.0.0.2:6081/", {"Host": "digest.example.com"}, None),
        ("PURGE", "http://10.0.0.2:6081/issues/2025-11/", {"Host": "digest.example.com"}, None),
    ]


def test_a_refused_purge_is_logged(caplog):
    """A proxy answering 405 (PURGE not allowed from here) is worth a warning."""
    backend = purge.HttpPurgeBackend(
        proxies=["http://proxy"], site_url="https://d.example", send=Transport(405)
    )
    with caplog.at_level(logging.WARNING, logger="newsletter.caching.purge"):
        backend.purge(["/"])
    assert "answered 405" in caplog.text


def test_cloudflare_purges_absolute_urls_thirty_at_a_time():
    """The API's request shape: POST, bearer token, {"files": [...]}, at most 30 each."""
    send = Transport()
    backend = purge.CloudflareBackend(
        zone_id="zone123", token="secret", site_url="https://digest.example.com/", send=send
    )
    paths = [f"/issues/{n}/" for n in range(31)]
    backend.purge(paths)
    assert len(send.requests) == 2
    method, url, headers, body = send.requests[0]
    assert method == "POST"
    assert url == "https://api.cloudflare.com/client/v4/zones/zone123/purge_cache"
    assert headers["Authorization"] == "Bearer secret"
    assert headers["Content-Type"] == "application/json"
    files = json.loads(body)["files"]
    assert len(files) == 30
    assert files[0] == "https://digest.example.com/issues/0/"
    assert json.loads(send.requests[1][3]) == {"files": ["https://digest.example.com/issues/30/"]}


def test_cloudfront_creates_one_invalidation_with_every_path():
    """One call, the paths counted and a unique caller reference."""

    class Client:
        calls = []

        def create_invalidation(self, **kwargs):
            self.calls.append(kwargs)

    client = Client()
    backend = purge.CloudFrontBackend(distribution_id="E123", client=client)
    backend.purge(["/issues/", "/", "/issues/"])
    backend.purge(["/"])
    first, second = client.calls
    assert first["DistributionId"] == "E123"
    assert first["InvalidationBatch"]["Paths"] == {"Quantity": 2, "Items": ["/", "/issues/"]}
    references = {call["InvalidationBatch"]["CallerReference"] for call in client.calls}
    assert len(references) == 2


def test_backends_come_from_the_settings(settings):
    """Each backend is on when its variable is set."""
    settings.PURGE_HTTP_PROXIES = ["http://127.0.0.1:6081"]
    settings.CLOUDFLARE_ZONE_ID = "zone"
    settings.CLOUDFLARE_API_TOKEN = "token"
    settings.CLOUDFRONT_DISTRIBUTION_ID = "E1"
    kinds = [type(backend) for backend in purge.purge_backends()]
    assert kinds == [purge.HttpPurgeBackend, purge.CloudflareBackend, purge.CloudFrontBackend]


def test_no_backend_by_default(settings):
    """A site without a proxy purges nothing."""
    assert purge.purge_backends() == []


def test_cloudflare_without_a_token_is_refused(settings):
    """A zone alone cannot authenticate: say so at once."""
    settings.CLOUDFLARE_ZONE_ID = "zone"
    settings.CLOUDFLARE_API_TOKEN = ""
    with pytest.raises(ImproperlyConfigured, match="CLOUDFLARE_API_TOKEN"):
        purge.purge_backends()


def test_a_failing_backend_never_fails_the_change(monkeypatch, caplog):
    """The editor's change is committed; the error is logged."""

    class Broken:
        def purge(self, paths):
            raise OSError("connection refused")

    monkeypatch.setattr(purge, "purge_backends", lambda: [Broken()])
    with caplog.at_level(logging.WARNING, logger="newsletter.caching.purge"):
        purge.purge_paths(["/"])
    assert "Purging Broken failed" in caplog.text
