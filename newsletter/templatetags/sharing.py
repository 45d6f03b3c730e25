"""Template helpers for shared links: absolute addresses and JSON-LD."""

from django import template
from django.utils.safestring import SafeString

from newsletter import structured_data
from newsletter.absolute import absolute_url as _absolute_url

register = template.Library()


@register.simple_tag
def absolute_url(url: str) -> str:
    """Return `url` on SITE_URL (for canonical links and cards, which must be absolute)."""
    return _absolute_url(str(url))


@register.simple_tag
def issue_json_ld(issue, blocks) -> SafeString:
    """Render the JSON-LD of an issue page (structured_data.issue_graph)."""
    return structured_data.json_ld_script(structured_data.issue_graph(issue=issue, blocks=blocks))
