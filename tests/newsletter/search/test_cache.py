"""Search answers are remembered under the site's generation, and never stale."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from editorial.permissions.roles import Role
from editorial.release import publishing
from newsletter.caching.generation import site_generation
from newsletter.models import Item, SearchEntry
from newsletter.search.index import search_index_catch_up, search_index_update
from newsletter.search.results import SearchFilters, search_results
from tests.factories import RoleUserFactory, public_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return RoleUserFactory(username="eddie", role=Role.EDITOR)


def _search(text: str, **filters):
    with CaptureQueriesContext(connection) as queries:
        results = search_results(text=text, filters=SearchFilters(**filters))
        titles = [hit.title for hit in results.page]
    return results, titles, len(queries)


def test_a_query_asked_again_costs_the_generation_and_the_items_only():
    """The facets, ranked page and suggestions come from the cache the second time."""
    public_item(title="Helm 4 发布")
    _first, titles, first_cost = _search("helm")
    _again, titles_again, again_cost = _search("helm")
    assert titles == titles_again == ["Helm 4 发布"]
    assert again_cost == 2
    assert first_cost > again_cost


def test_nothing_is_remembered_when_the_cache_is_off(settings):
    """DIGEST_SEARCH_CACHE_SECONDS=0 asks the database every time: the generation,
    the matches, their scores and the page's items."""
    settings.DIGEST_SEARCH_CACHE_SECONDS = 0
    public_item(title="Helm 4 发布")
    _search("kubernetes")  # reads the snapshot of the public items, once per generation
    _r, _t, first_cost = _search("helm")
    _r, _t, again_cost = _search("helm")
    assert again_cost == first_cost == 4


def test_an_item_indexed_after_a_search_is_found_by_the_same_query():
    """Indexing changes the generation, so the remembered answer is not used."""
    public_item(title="Helm 4 发布")
    assert _search("helm")[1] == ["Helm 4 发布"]
    public_item(title="Helm 3.19 发布")
    assert sorted(_search("helm")[1]) == ["Helm 3.19 发布", "Helm 4 发布"]


def test_a_withdrawn_issue_leaves_the_remembered_answers(editor):
    """Withdrawal changes the index, and the next search finds nothing."""
    item = public_item(title="Helm 4 发布")
    assert _search("helm")[1] == ["Helm 4 发布"]
    publishing.issue_withdraw(issue=item.issue, actor=editor, reason="事实错误")
    assert _search("helm")[1] == []


def test_a_tag_added_to_a_public_item_shows_in_the_facets_at_once():
    """Facets read live tags; tagging a public item changes the generation."""
    item = public_item(title="Helm 4 发布")
    assert _search("helm")[0].facets.tags == []
    item.tags.add(Tag.objects.create(name="包管理", slug="package-management"))
    assert [facet.label for facet in _search("helm")[0].facets.tags] == ["包管理"]


def test_a_deleted_item_leaves_the_count_at_once():
    """Deleting an item takes its entry by cascade and changes the generation."""
    public_item(title="Helm 4 发布")
    keep = public_item(title="Helm 3.19 发布")
    assert _search("helm")[0].total == 2
    Item.objects.exclude(pk=keep.pk).delete()
    assert _search("helm")[0].total == 1


def test_a_rolled_back_change_leaves_no_generation_to_reuse():
    """Each change draws a new generation, so a rolled-back one is never seen again."""
    item = public_item(title="Helm 4 发布")
    with pytest.raises(RuntimeError), transaction.atomic():
        search_index_update(items=[item])
        inside = site_generation().token
        raise RuntimeError("rolled back")
    search_index_update(items=[item])
    assert site_generation().token != inside


def test_the_catch_up_after_an_issue_came_due_changes_the_generation():
    """What only the index learns (an item public but not yet indexed) still renews answers."""
    public_item(title="Helm 4 发布")
    SearchEntry.objects.all().delete()
    assert _search("helm")[1] == []
    assert search_index_catch_up().indexed == 1
    assert _search("helm")[1] == ["Helm 4 发布"]
