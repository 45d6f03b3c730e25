"""Template helpers for shared links: absolute addresses."""

from django import template

from newsletter.absolute import absolute_url as _absolute_url

register = template.Library()


@register.simple_tag
def absolute_url(url: str) -> str:
    """Return `url` on SITE_URL (for canonical links and cards, which must be absolute)."""
    return _absolute_url(str(url))
