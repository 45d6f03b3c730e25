"""Stored fragments: an issue page assembled from rendered items and summary."""

import re

import pytest
from django.test import RequestFactory

from newsletter.caching import fragments
from newsletter.caching.generation import site_generation
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def _summary(issue):
    """Return the stored (or newly rendered) summary of `issue`'s page."""
    return fragments.issue_summary(
        request=RequestFactory().get(issue.get_absolute_url()),
        slug=issue.slug,
        generation=site_generation(),
        language="zh-hans",
    )


@pytest.fixture
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def test_a_page_from_fragments_is_the_page_rendered_from_scratch(client, published, no_page_cache):
    """Cold and warm, the same bytes: nothing is dropped or added by the fragments."""
    cold = client.get("/issues/2025-11/").content
    warm = client.get("/issues/2025-11/").content
    assert warm == cold


def test_a_page_from_fragments_keeps_everything_the_issue_page_shows(
    client, published, no_page_cache
):
    """Neighbours, sharing cards, JSON-LD, reading time, credits, contents and subscribe box."""
    client.get("/issues/2025-11/")
    page = client.get("/issues/2025-11/").content.decode()
    for expected in [
        'rel="prev" href="/issues/2025-10/"',
        'property="og:title" content="云原生月刊 11 月"',
        "application/ld+json",
        "issue__reading",
        'id="toc"',
        'class="subscribe',
        "Helm 4 发布",
        "一个关于 YAML 的梗",
    ]:
        assert expected in page, expected


@pytest.mark.parametrize("url", ["/", "/issues/2025-11/"])
def test_a_stored_issue_page_costs_one_query(
    client, published, no_page_cache, django_assert_num_queries, url
):
    """The site generation; the issue and its items come from the stored summary."""
    client.get(url)
    with django_assert_num_queries(1):
        assert "Helm 4 发布" in client.get(url).content.decode()


def test_an_unknown_issue_is_not_found(client, published, no_page_cache):
    """A slug without a public issue answers 404, stored summaries or not."""
    client.get("/issues/2025-11/")
    assert client.get("/issues/2099-01/").status_code == 404


def test_items_are_numbered_per_section_from_fragments(client, published, no_page_cache):
    """The numbers are part of the key: each section counts from one."""
    client.get("/issues/2025-11/")
    page = client.get("/issues/2025-11/").content.decode()
    assert re.findall(r'item__number">(\d+)\.', page) == ["1", "2", "1"]


def test_a_change_renders_only_the_item_it_changed(published, no_page_cache, monkeypatch):
    """A new generation reassembles the page, but the unchanged items come from the cache."""
    issue = published["issue"]
    _summary(issue)
    item = published["items"][1]
    item.title = "Linkerd 2.19(更正)"
    item.save()
    rendered = []
    real_render = fragments._render

    def counting_render(name, context):
        rendered.append(name)
        return real_render(name, context)

    monkeypatch.setattr(fragments, "_render", counting_render)
    summary = _summary(issue)
    assert rendered.count("newsletter/includes/item.html") == 1
    assert "Linkerd 2.19(更正)" in summary.content
    rendered.clear()
    _summary(issue)
    assert rendered == []


def test_a_renamed_project_renders_the_items_that_show_it(published, no_page_cache, monkeypatch):
    """The project's name is part of the fingerprint of the items that carry its chip."""
    issue = published["issue"]
    _summary(issue)
    project = published["project"]
    project.name = "Helm Charts"
    project.save()
    rendered = []
    real_render = fragments._render
    monkeypatch.setattr(
        fragments,
        "_render",
        lambda name, context: rendered.append(name) or real_render(name, context),
    )
    summary = _summary(issue)
    assert rendered.count("newsletter/includes/item.html") == 1
    assert "Helm Charts" in summary.content


def test_a_draft_item_of_a_published_issue_stays_off_the_page(client, published, no_page_cache):
    """Fragments start from the visibility rule too."""
    client.get("/issues/2025-11/")
    ItemFactory(issue=published["issue"], title="草稿不公开", section=published["items"][0].section)
    assert "草稿不公开" not in client.get("/issues/2025-11/").content.decode()
