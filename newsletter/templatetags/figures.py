"""Template helpers that show figures; they read prefetched rows and never query."""

from django import template
from django.utils.safestring import mark_safe

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
