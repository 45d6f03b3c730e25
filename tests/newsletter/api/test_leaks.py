"""Nothing unpublished leaks through the API: not by endpoint, filter, search or count.

The `planted` fixture puts approved items in draft, scheduled, withdrawn and
future issues, unapproved items in a published issue and an approved item in
no issue; each carries a secret word in every field, a secret project, section
and tag. Every endpoint, every filter and every count is then read.
"""

import json

import pytest

from tests.newsletter.conftest import SECRET

pytestmark = pytest.mark.django_db


def _all_pages(client, url: str) -> list[dict]:
    """Follow `next` from `url`; return each page's JSON."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.json())
        url = pages[-1]["next"]
        url = url.removeprefix("http://127.0.0.1:8000") if url else None
    return pages


def _leaks(body) -> bool:
    return SECRET in json.dumps(body, ensure_ascii=False)


def test_no_list_shows_or_counts_unpublished_content(client, planted, published):
    """Issues, items, projects, sections and tags: nothing planted, and counts of public items."""
    public_items = len(published["items"])
    for url in (
        "/api/v1/issues/?page_size=1",
        "/api/v1/items/?page_size=2",
        "/api/v1/projects/",
        "/api/v1/sections/",
        "/api/v1/tags/",
    ):
        for page in _all_pages(client, url):
            assert not _leaks(page), url
    issues = _all_pages(client, "/api/v1/issues/")[0]
    assert issues["count"] == 2
    assert sum(issue["item_count"] for issue in issues["items"]) == public_items
    assert _all_pages(client, "/api/v1/items/")[0]["count"] == public_items
    projects = _all_pages(client, "/api/v1/projects/")[0]["items"]
    assert {p["slug"]: p["item_count"] for p in projects}["helm"] == 2
    assert "secret-project" not in {p["slug"] for p in projects}, "only unpublished items cover it"
    sections = _all_pages(client, "/api/v1/sections/")[0]["items"]
    assert {s["slug"]: s["item_count"] for s in sections}["secret-section"] == 0
    tags = _all_pages(client, "/api/v1/tags/")[0]["items"]
    assert [(tag["slug"], tag["item_count"]) for tag in tags] == [("网络", public_items)]


def test_no_unpublished_issue_or_item_has_a_detail(client, planted):
    """Each planted issue and item answers 404, its body naming nothing."""
    for issue in planted["issues"].values():
        response = client.get(f"/api/v1/issues/{issue.slug}/")
        assert response.status_code == 404, issue.slug
        assert not _leaks(response.json())
    for item in planted["items"]:
        response = client.get(f"/api/v1/items/{item.pk}/")
        assert response.status_code == 404, item.title
        assert not _leaks(response.json())


@pytest.mark.parametrize(
    "query",
    [
        "issue=2099-draft",
        "issue=2099-scheduled",
        "issue=2099-withdrawn",
        "issue=2099-future",
        "tag=秘密标签",
        "project=secret-project",
        "section=secret-section",
        f"q={SECRET}",
        "q=LEAK",
        "q=body",
        "q=remark",
    ],
)
def test_no_filter_or_search_finds_unpublished_items(client, planted, query):
    """Filtering by an unpublished issue, a secret tag, project or section, or searching for
    the secret word, finds nothing and counts nothing."""
    page = client.get(f"/api/v1/items/?{query}").json()
    assert page["count"] == 0 and page["items"] == [], query


def test_the_published_issue_shows_only_its_approved_items(client, planted, published):
    """Items in review in a published issue stay out of its detail and its count."""
    body = client.get("/api/v1/issues/2025-11/").json()
    assert not _leaks(body)
    assert body["item_count"] == 3
    assert sum(len(block["items"]) for block in body["sections"]) == 3


def test_the_document_and_docs_page_name_nothing_unpublished(client, planted):
    """The OpenAPI document and the docs page are static descriptions."""
    assert SECRET not in client.get("/api/v1/openapi.json").content.decode()
    assert SECRET not in client.get("/api/v1/").content.decode()
