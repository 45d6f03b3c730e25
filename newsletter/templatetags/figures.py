"""Template helpers that show figures; they read prefetched rows and never query."""

import re
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from newsletter.figures import figure_html

register = template.Library()

_FIGURE_LINK = re.compile(r"\(figure:(\d+)")


@register.simple_tag
def figure(figure):
    """Render `figure` as a block `<figure>` with its `<picture>` and caption."""
    # figure_html renders an autoescaped template: alt text and caption are escaped.
    return mark_safe(figure_html(figure=figure, block=True))


@register.filter
def not_embedded(placements) -> list:
    """Keep the placements whose figure is not already shown inside the item's text."""
    return [placement for placement in placements if not placement.embedded]


@register.filter
def figure_urls(markdown: str, item) -> str:
    """Point `![alt](figure:ID)` in `markdown` at the figure's full-size file.

    For the Markdown export, read by tools that know nothing of figure ids;
    uses the item's prefetched placements and leaves unknown ids alone.
    """
    urls = {
        placement.figure_id: placement.figure.image.url for placement in item.item_figures.all()
    }

    def replace(match: re.Match) -> str:
        url = urls.get(int(match[1]))
        if url is None:
            return match[0]
        # Files on our own server get the site's address; a bucket URL is already absolute.
        return f"({url if urlsplit(url).scheme else settings.SITE_URL + url}"

    return _FIGURE_LINK.sub(replace, markdown or "")
