"""The search page's lists: its results, and its facets with their links.

Both are written out here rather than looped over in the template: a
template loop cost about 50 µs a result and 40 µs a facet value (variable
lookups and escaping, node by node), more than finding and marking the
result itself, and a page shows up to 20 results and 40 values. The markup
below is the whole of it; every value not already marked safe (the marked
title and snippet, escaped by `newsletter.search.highlight`) goes through
`escape`.
"""

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

_HIT = (
    '<li class="search-result">'
    '<h2 class="search-result__title"><a href="{url}">{title}</a></h2>'
    '<p class="search-result__meta"><a href="{issue_url}">{issue_title}</a>{section}</p>'
    "{snippet}</li>\n"
)
_SNIPPET = '<p class="search-result__snippet">{}</p>'
_FACET_GROUP = (
    '<section class="search-facet">'
    '<h2 class="search-facet__heading">{heading}</h2><ul>{links}</ul></section>\n'
)
_FACET_LINK = (
    '<li><a href="{href}"{current}>{label}'
    ' <span class="search-facet__count">{count}</span></a></li>'
)


@dataclass(frozen=True)
class FacetGroup:
    """One facet as the page lists it: its heading and each value with its link."""

    heading: str
    links: list[tuple[str, object]]


@register.simple_tag
def search_hits(hits) -> SafeString:
    """Return the list items of `hits` (SearchHit): title, issue and section, snippet."""
    return mark_safe(  # noqa: S308 - every value is escaped or already safe
        "".join(
            _HIT.format(
                url=escape(hit.url),
                title=hit.marked_title,
                issue_url=escape(hit.issue_url),
                issue_title=escape(hit.issue_title),
                section=f" · {escape(hit.section)}" if hit.section else "",
                snippet=_SNIPPET.format(hit.snippet) if hit.snippet else "",
            )
            for hit in hits
        )
    )


@register.simple_tag(takes_context=True)
def search_facets(context, facets) -> SafeString:
    """Return the facets that have values as sections of links (see `facet_groups`)."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            _FACET_GROUP.format(
                heading=escape(group.heading),
                links="".join(
                    _FACET_LINK.format(
                        href=escape(href),
                        current=' aria-current="true"' if facet.active else "",
                        label=escape(facet.label),
                        count=facet.count,
                    )
                    for href, facet in group.links
                ),
            )
            for group in facet_groups(context, facets)
        )
    )


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
