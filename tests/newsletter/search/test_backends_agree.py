"""SQLite (FTS5, bm25) and PostgreSQL (tsvector, ts_rank_cd) give the same results.

`tests/data/search_agreement.json` records, for each query over the demo
issues, every title found and, where both engines rank them alike, the order.
The suite runs on both databases (`.ci/run` runs it twice), and each run is
held to this one record, so the two backends agree with each other. The
broad queries whose middle ranks differ between the two relevance functions
("kubernetes", "发布", "api", "集群") are held to the same set of results and,
but for 集群, the same first result.
"""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from newsletter.search.results import SearchFilters, search_results

RECORD = json.loads(
    (Path(__file__).resolve().parents[2] / "data/search_agreement.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo issues, loaded once inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_the_record_covers_broad_and_narrow_queries():
    """The record holds the judged queries and the broad ones, most with their order."""
    assert len(RECORD) >= 35
    assert sum("order" in entry for entry in RECORD.values()) >= 30


@pytest.mark.parametrize("query", list(RECORD), ids=list(RECORD))
def test_both_databases_find_the_recorded_results(demo, db, query):
    """Every recorded title is found and nothing else, in the recorded order or first place."""
    expected = RECORD[query]
    results = search_results(text=query, filters=SearchFilters())
    titles = [hit.title for hit in results.page]
    assert results.total == len(expected["titles"])
    assert sorted(titles) == expected["titles"]
    if "order" in expected:
        assert titles == expected["order"]
    if "first" in expected:
        assert titles[0] == expected["first"]
