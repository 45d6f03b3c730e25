"""The one way to search: `search_results`, the same on SQLite and PostgreSQL.

Every read starts from `Item.objects.public()`: the index only narrows it,
so nothing unpublished is found, counted or offered, whatever the index
holds. A page of results costs a fixed number of queries: the facet counts
(which give the total), the ranked page, its items, and two for the projects
and tags the query names; a query that finds nothing spends a few more on
the closest names and a spelling hint instead of the page. All but the items
are remembered under the site's generation (`cache`), so a query asked again
costs the generation and the items.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from newsletter.models import Issue, Item
from newsletter.search.backends import backend
from newsletter.search.backends.base import SQL, FacetRow, visible_sql
from newsletter.search.cache import Remembered
from newsletter.search.highlight import highlight, snippet, terms_pattern
from newsletter.search.query import Query, parse_query
from newsletter.search.suggestions import (
    Suggestion,
    closest_names,
    named_in_query,
    spelling_hint,
)

PAGE_SIZE = 20
MAX_FACET_VALUES = 10
YEARS = range(1900, 10000)


@dataclass(frozen=True)
class SearchFilters:
    """Narrowing a search to a section, a project, a tag (by slug) or a year."""

    section: str = ""
    project: str = ""
    tag: str = ""
    year: int | None = None

    @classmethod
    def from_params(cls, params) -> "SearchFilters":
        """Read the filters from request parameters; a year that is not one is ignored."""
        year = params.get("year", "")
        return cls(
            section=params.get("section", "")[:100],
            project=params.get("project", "")[:100],
            tag=params.get("tag", "")[:100],
            year=int(year) if year.isdigit() and int(year) in YEARS else None,
        )

    def apply(self, items: QuerySet[Item]) -> QuerySet[Item]:
        """Return `items` narrowed by every filter that is set."""
        if self.section:
            items = items.filter(section__slug=self.section)
        if self.project:
            items = items.filter(projects__slug=self.project)
        if self.tag:
            items = items.filter(tags__slug=self.tag)
        if self.year is not None:
            items = items.filter(issue__publish_at__year=self.year)
        return items

    def __bool__(self) -> bool:
        return bool(self.section or self.project or self.tag or self.year is not None)


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: how many results have it, and whether it filters now."""

    value: str
    label: str
    count: int
    active: bool = False


@dataclass
class Facets:
    """The results counted by facet; `total` counts them all."""

    total: int = 0
    sections: list[FacetValue] = field(default_factory=list)
    projects: list[FacetValue] = field(default_factory=list)
    tags: list[FacetValue] = field(default_factory=list)
    years: list[FacetValue] = field(default_factory=list)


@dataclass(frozen=True)
class SearchHit:
    """A found item as the results list shows it: title and best passage with the
    query's terms marked, where it appeared, and links."""

    pk: int
    title: str
    marked_title: SafeString
    snippet: SafeString
    url: str
    issue_title: str
    issue_url: str
    section: str


class RankedHits(Sequence):
    """The results in rank order, fetched a page at a time (what Paginator slices)."""

    def __init__(self, *, query: Query, visible: SQL, total: int, remembered: Remembered) -> None:
        self.query = query
        self.visible = visible
        self.total = total
        self.remembered = remembered
        self.pattern = terms_pattern(query.terms)

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(self.total)
        if stop <= start:
            return []
        ids = self.remembered.get(
            f"ids:{start}:{stop}",
            lambda: backend().ranked_ids(
                query=self.query, visible=self.visible, limit=stop - start, offset=start
            ),
        )
        # The ids passed the visibility rule's own SQL (`visible`). Plain
        # rows rather than models: a page shows a few fields of twenty items.
        rows = {
            row[0]: row
            for row in Item.objects.filter(pk__in=ids).values_list(
                "pk", "title", "issue__slug", "issue__title", "section__name", "search_entry__text"
            )
        }
        issue_urls: dict[str, str] = {}
        hits = []
        for pk in ids:
            if pk not in rows:
                continue
            _pk, title, issue_slug, issue_title, section, text = rows[pk]
            if issue_slug not in issue_urls:
                issue_urls[issue_slug] = Issue(slug=issue_slug).get_absolute_url()
            hits.append(
                SearchHit(
                    pk=pk,
                    title=title,
                    marked_title=highlight(title, self.pattern),
                    snippet=snippet(text or "", self.pattern),
                    url=f"{issue_urls[issue_slug]}#{Item(pk=pk).anchor}",
                    issue_title=issue_title or issue_slug,
                    issue_url=issue_urls[issue_slug],
                    section=section or "",
                )
            )
        return hits


@dataclass
class SearchResults:
    """Everything the search page shows for one query."""

    query: Query
    filters: SearchFilters
    page: Page
    facets: Facets
    suggestions: list[Suggestion] = field(default_factory=list)
    closest: list[Suggestion] = field(default_factory=list)
    spelling: str | None = None

    @property
    def total(self) -> int:
        return self.page.paginator.count


def _facet(rows: list[FacetRow], *, kind: str, active: str) -> list[FacetValue]:
    values = [
        FacetValue(value=value, label=label, count=count, active=value == active)
        for row_kind, value, label, count in rows
        if row_kind == kind and value is not None
    ]
    values.sort(key=lambda facet: (not facet.active, -facet.count, facet.label))
    return values[:MAX_FACET_VALUES]


def facets_count(*, query: Query, visible: SQL, filters: SearchFilters) -> Facets:
    """Return how many `visible` items matching `query` fall in each section, project,
    tag and year (years in the site's time zone). One query."""
    rows = backend().facet_rows(query=query, visible=visible)
    years: Counter[int] = Counter()
    for kind, published, _label, count in rows:
        if kind == "published":
            years[timezone.localtime(published).year] += count
    active_year = str(filters.year) if filters.year is not None else ""
    return Facets(
        total=sum(count for kind, _value, _label, count in rows if kind == "section"),
        sections=_facet(rows, kind="section", active=filters.section),
        projects=_facet(rows, kind="project", active=filters.project),
        tags=_facet(rows, kind="tag", active=filters.tag),
        years=[
            FacetValue(value=str(y), label=str(y), count=count, active=str(y) == active_year)
            for y, count in sorted(years.items(), reverse=True)
        ],
    )


def search_count(query: Query) -> int:
    """Return how many public items match `query`."""
    if not query:
        return 0
    return backend().match_count(query=query, visible=visible_sql(Item.objects.public()))


def search_results(*, text: str, filters: SearchFilters, page_number=1) -> SearchResults:
    """Search the public items for `text` (web-search syntax, see `query`).

    Returns the page `page_number` (out-of-range numbers give the last page),
    the facets of all results, the projects and tags the query names and,
    when nothing matches, the closest names and a spelling hint.
    """
    query = parse_query(text)
    public = visible_sql(Item.objects.public())
    visible = visible_sql(filters.apply(Item.objects.public())) if filters else public
    facets = Facets()
    remembered = Remembered(query, filters)
    if query:
        facets = remembered.get(
            "facets", lambda: facets_count(query=query, visible=visible, filters=filters)
        )
    hits = RankedHits(query=query, visible=visible, total=facets.total, remembered=remembered)
    page = Paginator(hits, PAGE_SIZE).get_page(page_number)
    results = SearchResults(query=query, filters=filters, page=page, facets=facets)
    if query:
        # Tags are offered when a public item carries them, whatever the filters.
        results.suggestions = remembered.get("named", lambda: named_in_query(query, visible=public))
        if not facets.total:
            results.closest = remembered.get(
                "closest", lambda: closest_names(query, visible=public)
            )
            results.spelling = remembered.get(
                "spelling", lambda: spelling_hint(query, count=search_count)
            )
    return results
