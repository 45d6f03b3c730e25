"""The page cache and the HTTP caching headers of the public site.

Public pages (PUBLIC_PAGES) are the same bytes for every anonymous reader of
a language (DESIGN.md, "Cacheable"), so an anonymous GET is answered from
the cache, keyed by scheme, host, path, query, language, Accept header and
the site generation. A request carrying a session cookie (staff, signed in)
always goes to the view; a response that sets a cookie, carries a CSP nonce
or is not a 200 is never stored.

Every public page gets an ETag and a Last-Modified (the generation's time),
answers conditional GETs with 304, and says `Cache-Control: public` with a
short browser lifetime and a longer shared one for proxies and CDNs, which
are purged on change. Admin and preview pages say `private, no-store`.
"""

import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_http_date_safe

from newsletter.caching.generation import request_generation
from newsletter.caching.store import cache_get, cache_set_many

# The views whose pages are public and the same for every anonymous reader.
PUBLIC_PAGES = frozenset(
    {
        "newsletter:home",
        "newsletter:issue_archive",
        "newsletter:issue_detail",
        "newsletter:issue_markdown",
        "newsletter:project_list",
        "newsletter:project_detail",
        "newsletter:section_detail",
        "newsletter:tag_detail",
        "newsletter:search",
        "newsletter:feed_atom",
        "newsletter:feed_rss",
        "newsletter:feed_items",
        "newsletter:feed_project",
        "newsletter:feed_section",
        "newsletter:feed_tag",
        "sitemap",
        "editorial:contributor",
    }
)
# Where those pages live: a request elsewhere (the API, uploads, webhooks)
# is not looked up in the page cache at all, and costs it nothing.
PUBLIC_PREFIXES = (
    "/issues/",
    "/projects/",
    "/sections/",
    "/tags/",
    "/search/",
    "/feed",
    "/sitemap.xml",
    "/contributors/",
)
# Pages for one person only: never kept by a browser's disk or any proxy.
PRIVATE_PAGES = frozenset({"editorial:preview"})


def _is_admin(request) -> bool:
    return request.path_info.startswith("/admin/")


def _variant(request) -> str:
    """Return the digest of what selects one public page's bytes, generation included."""
    # LocaleMiddleware has not run yet: read the language the same way it will.
    language = translation.get_language_from_request(request)
    # The Host as sent, not validated: a key is only stored after the view
    # answered, which validates it, so an unknown host finds nothing here.
    meta = request.META
    forwarded = settings.USE_X_FORWARDED_HOST and meta.get("HTTP_X_FORWARDED_HOST")
    host = forwarded or meta.get("HTTP_HOST") or meta.get("SERVER_NAME", "")
    address = f"{request.scheme}://{host}{request.get_full_path()}"
    # The feeds answer browsers and feed readers differently (Vary: Accept).
    accept = request.META.get("HTTP_ACCEPT", "")
    generation = request_generation(request).token
    return hashlib.sha256(f"{address}|{language}|{accept}|{generation}".encode()).hexdigest()


class PageCacheMiddleware:
    """Serve public pages from the cache and give every page its caching headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or _is_admin(request):
            return _private(request, self.get_response(request))
        variant = None
        if _may_use_cache(request):
            # Looked up before the URL is even resolved: only public pages are
            # ever stored, so a hit is one.
            variant = _variant(request)
            stored = cache_get(f"page:{variant}")
            if stored is not None:
                return _conditional(request, _response_from(stored))
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        name = match.view_name if match is not None else ""
        if name not in PUBLIC_PAGES:
            return _private(request, response, name)
        if response.status_code != 200 or response.streaming:
            return response
        _public_headers(request, response, variant or _variant(request))
        if variant is not None and _may_store(response):
            cache_set_many({f"page:{variant}": _stored(response)}, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return _conditional(request, response)


def _may_use_cache(request) -> bool:
    # Signed-in staff may see what readers do not (and their session must
    # never be stored); readers have no session cookie.
    path = request.path_info
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and (path == "/" or path.startswith(PUBLIC_PREFIXES))
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _public_headers(request, response, variant: str) -> None:
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        # A signed-in person's copy is theirs: no proxy keeps it.
        patch_cache_control(response, private=True, max_age=0)
    else:
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PAGE_BROWSER_SECONDS,
            s_maxage=settings.PAGE_SHARED_SECONDS,
        )
    # The language comes from Accept-Language or the language cookie.
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    # Weak: the page's bytes are a function of its variant (address, language,
    # Accept) and the site generation, so their digest validates it without
    # hashing the page on every request.
    response["ETag"] = f'W/"{variant[:40]}"'
    response["Last-Modified"] = http_date(request_generation(request).changed_at)


def _conditional(request, response):
    value = response.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(value) if value else None,
        response=response,
    )


def _private(request, response, name: str = ""):
    if _is_admin(request) or name in PRIVATE_PAGES:
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
    return response


def _may_store(response) -> bool:
    # A cookie belongs to one reader; a CSP nonce replayed from a cache is no nonce.
    return not response.cookies and b'nonce="' not in response.content


def _stored(response) -> dict:
    # The headers of the middleware inside this one (language, frames, Vary)
    # are kept; those outside it (security, CSP) are added again on a hit.
    return {"content": response.content, "headers": dict(response.headers.items())}


def _response_from(stored: dict) -> HttpResponse:
    response = HttpResponse(stored["content"])
    for name, value in stored["headers"].items():
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response
