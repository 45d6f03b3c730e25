"""The search page's facet links: the current search with one filter set or cleared."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.utils.translation import gettext

register = template.Library()


@dataclass(frozen=True)
class FacetGroup:
    """One facet as the page lists it: its heading and each value with its link."""

    heading: str
    links: list[tuple[str, object]]


@register.simple_tag(takes_context=True)
def facet_groups(context, facets) -> list[FacetGroup]:
    """Return the facets that have values, each value with the query string of
    this search filtered by it.

    An active value's link clears that filter instead. The page number is
    dropped: a new filter starts at the first page. The request's parameters
    are read once for the page rather than copied for every link.
    """
    params = dict(context["request"].GET.lists())
    params.pop("page", None)
    groups = []
    for heading, name, values in (
        (gettext("Section"), "section", facets.sections),
        (gettext("Project"), "project", facets.projects),
        (gettext("Tag"), "tag", facets.tags),
        (gettext("Year"), "year", facets.years),
    ):
        if values:
            links = [(_href(params, name, facet), facet) for facet in values]
            groups.append(FacetGroup(heading=heading, links=links))
    return groups


def _href(params: dict[str, list[str]], name: str, facet) -> str:
    # A shallow copy: the lists of values are replaced, never changed. Setting
    # a key already there keeps its place, as QueryDict.urlencode would.
    query = dict(params)
    if facet.active:
        query.pop(name, None)
    else:
        query[name] = [facet.value]
    return f"?{urlencode(query, doseq=True)}"
