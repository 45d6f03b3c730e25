"""Purging reverse proxies and CDNs, as Wagtail's frontend cache does.

A backend is told the paths of the pages that changed, after the change has
committed, and asks its cache to forget them: HTTP `PURGE` for Varnish or
nginx, the Cloudflare API, or a CloudFront invalidation. They are configured
from the environment (README.md, "Public site at archive scale: caching"). A
failing purge is logged and never fails the editor's action: the cached copy
then expires after PAGE_SHARED_SECONDS.

Each backend sends through a transport (`send(method, url, headers, body)`
returning the status code) so that tests can check the requests it makes.
"""

import json
import logging
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

Transport = Callable[[str, str, dict, bytes | None], int]

PURGE_TIMEOUT_SECONDS = 5


def urllib_send(method: str, url: str, headers: dict, body: bytes | None) -> int:
    """Send one request with the standard library; return its status code."""
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class HttpPurgeBackend:
    """Send `PURGE <path>` to each proxy (Varnish, nginx), with the site's Host header."""

    def __init__(self, *, proxies: list[str], site_url: str, send: Transport = urllib_send):
        self.proxies = [proxy.rstrip("/") for proxy in proxies]
        self.host = urlsplit(site_url).netloc
        self.send = send

    def purge(self, paths: Iterable[str]) -> None:
        for proxy in self.proxies:
            for path in paths:
                status = self.send("PURGE", proxy + path, {"Host": self.host}, None)
                if status >= 400:
                    logger.warning("PURGE %s%s answered %s.", proxy, path, status)


class CloudflareBackend:
    """Purge absolute URLs through Cloudflare's API, 30 per request (its limit)."""

    BATCH = 30

    def __init__(self, *, zone_id: str, token: str, site_url: str, send: Transport = urllib_send):
        self.endpoint = f"https://api.cloudflare.com/client/v4/zones/{zone_id}/purge_cache"
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.site_url = site_url.rstrip("/")
        self.send = send

    def purge(self, paths: Iterable[str]) -> None:
        urls = [self.site_url + path for path in paths]
        for start in range(0, len(urls), self.BATCH):
            body = json.dumps({"files": urls[start : start + self.BATCH]}).encode()
            status = self.send("POST", self.endpoint, self.headers, body)
            if status >= 400:
                logger.warning("Cloudflare purge answered %s.", status)


class CloudFrontBackend:
    """Create one CloudFront invalidation for the paths (boto3, installed separately)."""

    def __init__(self, *, distribution_id: str, client=None):
        self.distribution_id = distribution_id
        self._client = client

    @property
    def client(self):
        if self._client is None:
            try:
                import boto3
            except ImportError:
                raise ImproperlyConfigured(
                    "CLOUDFRONT_DISTRIBUTION_ID is set but boto3 is not installed: "
                    "pip install boto3."
                ) from None
            self._client = boto3.client("cloudfront")
        return self._client

    def purge(self, paths: Iterable[str]) -> None:
        items = sorted(set(paths))
        self.client.create_invalidation(
            DistributionId=self.distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(items), "Items": items},
                # Unique per call: CloudFront ignores a repeated reference.
                "CallerReference": uuid.uuid4().hex,
            },
        )


def purge_backends() -> list:
    """Return the backends the settings configure (none by default)."""
    backends = []
    if settings.PURGE_HTTP_PROXIES:
        backends.append(
            HttpPurgeBackend(proxies=settings.PURGE_HTTP_PROXIES, site_url=settings.SITE_URL)
        )
    if settings.CLOUDFLARE_ZONE_ID:
        if not settings.CLOUDFLARE_API_TOKEN:
            raise ImproperlyConfigured("CLOUDFLARE_ZONE_ID needs CLOUDFLARE_API_TOKEN as well.")
        backends.append(
            CloudflareBackend(
                zone_id=settings.CLOUDFLARE_ZONE_ID,
                token=settings.CLOUDFLARE_API_TOKEN,
                site_url=settings.SITE_URL,
            )
        )
    if settings.CLOUDFRONT_DISTRIBUTION_ID:
        backends.append(CloudFrontBackend(distribution_id=settings.CLOUDFRONT_DISTRIBUTION_ID))
    return backends


def purge_paths(paths: Iterable[str]) -> None:
    """Ask every configured backend to forget `paths`; a failure is logged, not raised."""
    paths = sorted(set(paths))
    if not paths:
        return
    for backend in purge_backends():
        try:
            backend.purge(paths)
        except Exception:
            # The editor's change is committed; a proxy that cannot be reached
            # must not turn it into an error. Its copy expires by itself.
            logger.warning("Purging %s failed.", type(backend).__name__, exc_info=True)
