"""Scores are computed a window of candidates at a time (DIGEST_SEARCH_RANK_WINDOW):
exact up to the window, and every result on exactly one page beyond it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletter.search.backends import backend
from newsletter.search.query import parse_query
from newsletter.search.results import SearchFilters, ranked_public_ids, search_results
from tests.factories import IssueFactory, public_item

pytestmark = pytest.mark.django_db


def _issue(months_ago: int):
    issue = IssueFactory(published=True, title=f"{months_ago} 个月前")
    issue.publish_at = timezone.now() - timedelta(days=30 * months_ago + 1)
    issue.save()
    return issue


@pytest.fixture
def archive():
    """Six months of Envoy news: a mention in the body of an item of each
    issue, and a title match in the three oldest issues."""
    items = {}
    # Unrelated news too: a word found in every item would weigh nothing.
    for index in range(12):
        public_item(issue=_issue(0), title=f"无关新闻 {index}", body="别的话题。")
    for months_ago in range(6):
        issue = _issue(months_ago)
        items[f"body-{months_ago}"] = public_item(
            issue=issue, title=f"其他新闻 {months_ago}", body="顺便提到 Envoy。"
        )
        if months_ago >= 3:
            # The older, the more relevant: "Envoy" in the title only (3), also
            # in the remark (4), also in the original title (5).
            items[f"title-{months_ago}"] = public_item(
                issue=issue,
                title=f"Envoy 发布 {months_ago}",
                remark="Envoy 代理" if months_ago >= 4 else "",
                original_title="Envoy released" if months_ago == 5 else "",
            )
    return items


def _ids(text: str) -> list[int]:
    return ranked_public_ids(parse_query(text), limit=100)


def _titles(ids: list[int], archive) -> list[str]:
    by_pk = {item.pk: name for name, item in archive.items()}
    return [by_pk[pk] for pk in ids]


BODIES = ["body-0", "body-1", "body-2", "body-3", "body-4", "body-5"]


def test_a_window_as_large_as_the_matches_ranks_them_exactly(archive, settings):
    """Title matches first, the most relevant (the oldest) first; then the
    equally relevant mentions, newest first."""
    settings.DIGEST_SEARCH_RANK_WINDOW = 200
    ranked = _titles(_ids("envoy"), archive)
    assert ranked[0] == "title-5"
    assert set(ranked[1:3]) == {"title-3", "title-4"}
    assert ranked[3:] == BODIES


def test_a_small_window_ranks_the_newest_candidates_first(archive, settings):
    """With a window of two, the two newest title matches are ranked against
    each other, then the next two candidates: the most relevant title match,
    being older, comes third, and title matches still come first."""
    settings.DIGEST_SEARCH_RANK_WINDOW = 2
    ranked = _titles(_ids("envoy"), archive)
    assert set(ranked[:2]) == {"title-3", "title-4"}
    assert ranked[2:] == ["title-5", *BODIES]


def test_every_result_is_on_exactly_one_page(archive, settings):
    """Pages cut across windows: paging through shows each result once, in one order."""
    settings.DIGEST_SEARCH_RANK_WINDOW = 4
    settings.DIGEST_SEARCH_CACHE_SECONDS = 0
    results = search_results(text="envoy", filters=SearchFilters())
    hits = results.page.paginator.object_list
    paged = [hit.pk for start in range(0, 9, 3) for hit in hits[start : start + 3]]
    assert paged == [hit.pk for hit in hits[0:9]]
    assert sorted(paged) == sorted(item.pk for item in archive.values())


def _scoring(queries) -> list[str]:
    return [q["sql"] for q in queries if "bm25(" in q["sql"] or "ts_rank_cd(" in q["sql"]]


def test_a_page_scores_only_its_window(archive, settings):
    """However many items match, the first results cost one scoring query of one window."""
    settings.DIGEST_SEARCH_RANK_WINDOW = 3
    with CaptureQueriesContext(connection) as queries:
        assert len(ranked_public_ids(parse_query("envoy"), limit=2)) == 2
    assert len(_scoring(queries)) == 1


def test_results_across_windows_are_scored_in_one_query(archive, settings):
    """The API's thousand results span many windows: still one scoring query,
    each window sorted on its own, as the pages show them."""
    settings.DIGEST_SEARCH_RANK_WINDOW = 2
    with CaptureQueriesContext(connection) as queries:
        ranked = _titles(_ids("envoy"), archive)
    assert len(_scoring(queries)) == 1
    assert set(ranked[:2]) == {"title-3", "title-4"}
    assert ranked[2:] == ["title-5", *BODIES]


@pytest.mark.parametrize(
    "text", ["envoy", "其他新闻", '"顺便提到 envoy" -无关', "envoy OR 无关", "nothing-here"]
)
def test_the_match_lists_are_the_matches_read_row_by_row(archive, text):
    """Each backend reads the lists in one row (SQLite as JSON, PostgreSQL as
    arrays); they hold the same ids and title flags as the rows."""
    query = parse_query(text)
    every, in_title = backend().match_lists(query)
    rows = backend().matches(query)
    assert sorted(every) == sorted(pk for pk, _title in rows)
    assert in_title == {pk for pk, title in backend().matches(query) if title}
    assert len(every) == len(set(every))
