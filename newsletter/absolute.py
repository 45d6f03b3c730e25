"""Absolute addresses (SITE_URL) for what is read away from the site: exports,
feeds, the read API, and the cards and structured data of shared links."""

import re

from django.conf import settings

# href/src/srcset values that start at the site root ("/media/…", "/issues/…").
_ROOT_RELATIVE = re.compile(r'(?P<attr>\b(?:href|src)=")/(?!/)')
_SRCSET = re.compile(r'\bsrcset="(?P<value>[^"]*)"')


def absolute_url(url: str) -> str:
    """Return `url` prefixed with SITE_URL when it starts at the site root, else unchanged."""
    if url.startswith("/") and not url.startswith("//"):
        return f"{settings.SITE_URL}{url}"
    return url


def absolute_links(html: str) -> str:
    """Return `html` with root-relative links and images made absolute (SITE_URL)."""
    html = _ROOT_RELATIVE.sub(lambda m: f"{m['attr']}{settings.SITE_URL}/", html)

    def srcset(match: re.Match) -> str:
        candidates = [part.strip() for part in match["value"].split(",")]
        return f'srcset="{", ".join(absolute_url(c) for c in candidates)}"'

    return _SRCSET.sub(srcset, html)
