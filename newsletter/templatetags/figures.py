"""Template helpers that show figures; they read prefetched rows and never query."""

from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from newsletter.figure_syntax import figure_sources_replace
from newsletter.rendering import figure_html

register = template.Library()


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

    def absolute_url(figure_id: int) -> str | None:
        url = urls.get(figure_id)
        if url is None:
            return None
        # Files on our own server get the site's address; a bucket URL is already absolute.
        return url if urlsplit(url).scheme else settings.SITE_URL + url

    return figure_sources_replace(markdown or "", absolute_url)
