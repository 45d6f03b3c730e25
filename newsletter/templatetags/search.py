"""The search page's facet links: the current search with one filter set or cleared."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def facet_href(context, name: str, facet) -> str:
    """Return the query string of this search filtered by `facet` under `name`.

    An active facet's link clears that filter instead. The page number is
    dropped: a new filter starts at the first page.
    """
    params = context["request"].GET.copy()
    params.pop("page", None)
    if facet.active:
        params.pop(name, None)
    else:
        params[name] = facet.value
    return f"?{params.urlencode()}"
