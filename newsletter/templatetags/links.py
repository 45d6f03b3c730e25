"""Template filters for links that come from stored data."""

from urllib.parse import urlsplit

from django import template

register = template.Library()

WEB_SCHEMES = {"http", "https"}


@register.filter
def web_url(url: str) -> str:
    """Return `url` when it is an http(s) address, otherwise an empty string.

    Form and import validation already refuse other schemes; this is the last
    guard, so a javascript: URL that slipped into the database some other way
    never becomes a live link.
    """
    url = (url or "").strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in WEB_SCHEMES else ""
