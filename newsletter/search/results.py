"""The one way to search: `search_results`, the same on SQLite and PostgreSQL.

Every answer is checked against the snapshot of `Item.objects.public()`
(`snapshot`): the index only says which items match, so nothing
unpublished is found, counted or offered, whatever the index holds. A page
of results costs a fixed number of queries: the site's generation, the
matches (`ranking.find_candidates`), the scores of one window of them, and
the page's items; a query that finds nothing spends one or two more on the
closest names and a spelling hint instead. The facets and the suggested
names are counted from the snapshot, with no query. All but the items are
remembered under the site's generation (`cache`), so a query asked again
costs the generation and the items.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.utils.safestring import SafeString

from newsletter.caching.generation import site_generation
from newsletter.models import Item
from newsletter.search.backends import backend
from newsletter.search.cache import Remembered
from newsletter.search.highlight import highlight, snippet, terms_marker
from newsletter.search.query import Query, parse_query
from newsletter.search.ranking import Candidates, find_candidates, ranked_ids
from newsletter.search.snapshot import Entry, Snapshot, public_snapshot
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

    def accept(self, entry: Entry) -> bool:
        """Return whether the public item of `entry` passes every filter that is set."""
        return (
            (not self.section or entry.section == self.section)
            and (not self.project or self.project in entry.projects)
            and (not self.tag or self.tag in entry.tags)
            and (self.year is None or entry.year == self.year)
        )

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

    def __init__(
        self, *, query: Query, total: int, remembered: Remembered, ranked, public: Snapshot
    ) -> None:
        self.query = query
        self.public = public
        self.total = total
        self.remembered = remembered
        # ranked(start, stop) returns the ids ranked start to stop.
        self.ranked = ranked
        self.marker = terms_marker(query.terms)

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(self.total)
        if stop <= start:
            return []
        ids = self.remembered.get(f"ids:{start}:{stop}", lambda: self.ranked(start, stop))
        # The ids passed the visibility rule (the snapshot of this request's
        # generation, as did any remembered ids).
        rows = {row[0]: row for row in backend().result_rows(ids)}
        hits = []
        for pk in ids:
            if pk not in rows:
                continue
            _pk, title, issue_slug, issue_title, section, text = rows[pk]
            issue_url = self.public.issue_url(issue_slug)
            hits.append(
                SearchHit(
                    pk=pk,
                    title=title,
                    marked_title=highlight(title, self.marker),
                    snippet=snippet(text or "", self.marker),
                    url=f"{issue_url}#{Item.anchor_of(pk)}",
                    issue_title=issue_title or issue_slug,
                    issue_url=issue_url,
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


def _facet(counts: Counter, labels: dict[str, str], *, active: str) -> list[FacetValue]:
    values = [
        FacetValue(value=value, label=labels[value], count=count, active=value == active)
        for value, count in counts.items()
        if value is not None
    ]
    values.sort(key=lambda facet: (not facet.active, -facet.count, facet.label))
    return values[:MAX_FACET_VALUES]


def facets_count(candidates: Candidates, *, public: Snapshot, filters: SearchFilters) -> Facets:
    """Return how many of `candidates` fall in each section, project, tag and year."""
    # Counted group by group (items alike for the facets): the count of each
    # group is taken over the candidates by Counter, whose loop runs in C.
    sections: Counter = Counter()
    projects: Counter = Counter()
    tags: Counter = Counter()
    years: Counter = Counter()
    for group, count in Counter(map(public.group_of.__getitem__, candidates.ids)).items():
        entry = public.groups[group]
        sections[entry.section] += count
        years[entry.year] += count
        for project in entry.projects:
            projects[project] += count
        for tag in entry.tags:
            tags[tag] += count
    active_year = str(filters.year) if filters.year is not None else ""
    return Facets(
        total=len(candidates),
        sections=_facet(sections, public.sections, active=filters.section),
        projects=_facet(projects, public.projects, active=filters.project),
        tags=_facet(tags, public.tags, active=filters.tag),
        years=[
            FacetValue(value=str(y), label=str(y), count=count, active=str(y) == active_year)
            for y, count in sorted(years.items(), reverse=True)
        ],
    )


def finds_any(query: Query, *, public: Snapshot) -> bool:
    """Return whether `query` matches any item of `public` (reading no more
    matches than it takes to find one)."""
    if not query:
        return False
    matches = backend().matches(query)
    try:
        return any(pk in public for pk, _in_title in matches)
    finally:
        matches.close()


def ranked_public_ids(query: Query, *, limit: int) -> list[int]:
    """Return the ids of the first `limit` public items matching `query`, best first."""
    if not query:
        return []
    public = public_snapshot()
    candidates = find_candidates(query, public=public)
    return ranked_ids(query, candidates=candidates, public=public, start=0, stop=limit)


def search_results(
    *, text: str, filters: SearchFilters, page_number=1, generation: str | None = None
) -> SearchResults:
    """Search the public items for `text` (web-search syntax, see `query`).

    Returns the page `page_number` (out-of-range numbers give the last page),
    the facets of all results, the projects and tags the query names and,
    when nothing matches, the closest names and a spelling hint.
    `generation` is the site's generation token when the caller has read it.
    """
    query = parse_query(text)
    token = generation or site_generation().token
    public = public_snapshot(token)
    remembered = Remembered(token, query, filters)
    accept = filters.accept if filters else None
    matched: list[Candidates] = []

    def candidates() -> Candidates:
        # Read once per request, and only when something is not remembered.
        if not matched:
            matched.append(find_candidates(query, public=public, accept=accept))
        return matched[0]

    facets = Facets()
    if query:
        facets = remembered.get(
            "facets", lambda: facets_count(candidates(), public=public, filters=filters)
        )

    def ranked(start: int, stop: int) -> list[int]:
        return ranked_ids(query, candidates=candidates(), public=public, start=start, stop=stop)

    hits = RankedHits(
        query=query, total=facets.total, remembered=remembered, ranked=ranked, public=public
    )
    page = Paginator(hits, PAGE_SIZE).get_page(page_number)
    results = SearchResults(query=query, filters=filters, page=page, facets=facets)
    if query:
        # Tags are offered when a public item carries them, whatever the filters.
        results.suggestions = remembered.get("named", lambda: named_in_query(query, public=public))
        if not facets.total:
            results.closest = remembered.get("closest", lambda: closest_names(query, public=public))
            results.spelling = remembered.get(
                "spelling",
                lambda: spelling_hint(query, finds=lambda q: finds_any(q, public=public)),
            )
    return results
