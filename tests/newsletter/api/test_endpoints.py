"""The read API's endpoints: what each returns, filters, pagination, query budgets."""

import pytest

from tests.factories import FurtherReadingFactory, ProjectFactory, public_item

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 8


def test_issue_list_gives_ledes_counts_and_projects_newest_first(client, published):
    """Each issue comes with its public item count, lede and most covered projects."""
    body = client.get("/api/v1/issues/").json()
    assert [issue["slug"] for issue in body["items"]] == ["2025-11", "2025-10"]
    latest = body["items"][0]
    assert latest["item_count"] == 3
    assert latest["lede"] == "本期导读"
    assert latest["url"] == "http://127.0.0.1:8000/issues/2025-11/"
    assert [project["slug"] for project in latest["projects"]] == ["helm"]
    assert body["items"][1]["lede"] == "值得一看", "without an intro, the first remark"


def test_issue_detail_has_sections_items_and_neighbours(client, published):
    """The detail carries the items by section, in order, and the previous issue."""
    body = client.get("/api/v1/issues/2025-11/").json()
    assert [block["section"]["slug"] for block in body["sections"]] == ["new-releases", "fun"]
    assert [item["title"] for item in body["sections"][0]["items"]] == [
        "Helm 4 发布",
        "Linkerd 2.19",
    ]
    assert body["item_count"] == 3 and body["reading_minutes"] >= 1
    assert body["previous"]["slug"] == "2025-10" and body["next"] is None
    item = body["sections"][0]["items"][0]
    assert item["further_reading"] == [{"title": "发布说明", "url": "https://example.com/notes"}]
    assert item["projects"][0]["slug"] == "helm"
    assert item["tags"][0]["name"] == "网络"


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("project=helm", ["Helm 4 发布", "Helm 3.19 发布"]),
        ("section=fun", ["一个关于 YAML 的梗"]),
        ("issue=2025-10", ["Helm 3.19 发布"]),
        ("tag=网络&issue=2025-10", ["Helm 3.19 发布"]),
        ("q=Helm", ["Helm 4 发布", "Helm 3.19 发布"]),
        ("q=Helm&issue=2025-11", ["Helm 4 发布"]),
        ("project=no-such-project", []),
    ],
)
def test_items_filter_by_project_tag_section_issue_and_words(client, published, query, titles):
    """Filters combine; an unknown slug gives an empty list, not an error."""
    response = client.get(f"/api/v1/items/?{query}")
    assert response.status_code == 200
    assert [item["title"] for item in response.json()["items"]] == titles


def test_q_goes_through_the_one_search_adapter(client, published, monkeypatch):
    """`q` is answered by newsletter.api.search.items_matching, the only caller of the
    site's search, and the other filters still apply to what it finds."""
    from newsletter.api import endpoints
    from newsletter.models import Item

    asked = []

    def fake_search(query):
        asked.append(query)
        return Item.objects.public().filter(title__contains="发布").order_by("-title")

    monkeypatch.setattr(endpoints, "items_matching", fake_search)
    body = client.get("/api/v1/items/?q=服务网格&issue=2025-11").json()
    assert asked == ["服务网格"]
    assert [item["title"] for item in body["items"]] == ["Helm 4 发布"]


def test_item_detail_and_its_absolute_links(client, published):
    """One item by id; its HTML links point at the site, its bad URLs are null."""
    item = published["items"][0]
    type(item).objects.filter(pk=item.pk).update(
        source_url="javascript:alert(1)", body_html='<p><a href="/projects/helm/">Helm</a></p>'
    )
    body = client.get(f"/api/v1/items/{item.pk}/").json()
    assert body["id"] == item.pk and body["source_url"] is None
    assert 'href="http://127.0.0.1:8000/projects/helm/"' in body["body_html"]
    assert body["url"] == f"http://127.0.0.1:8000/issues/2025-11/#{item.anchor}"


def test_unknown_issue_and_item_answer_404_with_a_sentence(client, published):
    """Not found is a JSON body with a detail, never a page."""
    for url in ("/api/v1/issues/2030-01/", "/api/v1/items/999999/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/items/?page=0", "/api/v1/items/?page_size=1000", "/api/v1/issues/bad%00slug/"],
)
def test_bad_parameters_answer_422(client, published, url):
    """Out-of-range pages and sizes, and slugs with a NUL byte, are refused before any query."""
    assert client.get(url).status_code == 422


def test_slugs_beyond_ascii_are_looked_up_and_ascii_punctuation_is_refused(client, published):
    """The server reads the slug pattern as the OpenAPI document states it: any
    character beyond ASCII may be in a slug (a Chinese tag, an accented letter),
    ASCII punctuation may not."""
    assert client.get("/api/v1/items/?tag=网络").status_code == 200
    for slug in ("ò", "…", "全角。"):
        # What a reader of the document (JavaScript's ASCII \w) sends is answered.
        assert client.get("/api/v1/items/", {"issue": slug}).json()["count"] == 0, slug
    for slug in ("a.b", "a b", "a/b", "a:b"):
        assert client.get("/api/v1/items/", {"issue": slug}).status_code == 422, slug


def test_pages_link_next_and_previous_by_absolute_url(client, published):
    """page_size splits the list; next and previous keep the other parameters."""
    first = client.get("/api/v1/items/?project=helm&page_size=1").json()
    assert first["count"] == 2 and first["pages"] == 2 and first["previous"] is None
    assert first["next"] == "http://127.0.0.1:8000/api/v1/items/?project=helm&page_size=1&page=2"
    second = client.get(first["next"].removeprefix("http://127.0.0.1:8000")).json()
    assert [item["title"] for item in second["items"]] == ["Helm 3.19 发布"]
    assert second["next"] is None and second["previous"].endswith("page=1")
    assert client.get("/api/v1/items/?page=50").json()["items"] == []


def test_catalogues_count_public_items(client, published):
    """Projects, sections and tags with the number of public items of each."""
    projects = client.get("/api/v1/projects/").json()["items"]
    assert {project["slug"]: project["item_count"] for project in projects} == {"helm": 2}
    sections = client.get("/api/v1/sections/").json()["items"]
    assert [(s["slug"], s["item_count"]) for s in sections] == [("new-releases", 3), ("fun", 1)]
    tags = client.get("/api/v1/tags/").json()["items"]
    assert tags == [
        {"slug": "网络", "name": "网络", "url": tags[0]["url"], "item_count": 4},
    ]


def test_the_docs_page_lists_every_endpoint_without_scripts(client, published):
    """/api/v1/ documents the operations on the site's own page, with no script at all."""
    response = client.get("/api/v1/")
    html = response.content.decode()
    assert response.status_code == 200
    for path in ("/api/v1/issues/{slug}/", "/api/v1/items/", "/api/v1/tags/"):
        assert path in html
    assert "<script" not in html and "cdn" not in html.lower()
    assert 'href="/api/v1/openapi.json"' in html


LIST_URLS = [
    "/api/v1/issues/",
    "/api/v1/issues/2025-11/",
    "/api/v1/items/",
    "/api/v1/items/?q=Helm",
    "/api/v1/items/?project=helm&tag=网络",
    "/api/v1/projects/",
    "/api/v1/sections/",
    "/api/v1/tags/",
    "/api/v1/",
    "/api/v1/openapi.json",
]


@pytest.mark.parametrize("url", LIST_URLS)
def test_every_endpoint_has_a_query_budget_that_does_not_grow(
    client, django_assert_max_num_queries, published, url
):
    """Twenty more items cost no more queries."""
    budget = QUERY_BUDGET
    if "q=" in url:
        # A search also reads the site's generation and, once per generation,
        # search's snapshot of the public items (three queries).
        budget += 4
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    project = ProjectFactory(slug="more")
    for position in range(20):
        item = public_item(issue=published["issue"], position=100 + position, title="Helm 更多")
        item.projects.add(project, published["project"])
        item.tags.add("网络", f"tag{position}")
        FurtherReadingFactory(item=item)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_item_detail_has_a_query_budget(client, django_assert_max_num_queries, published):
    """One item costs a fixed handful of queries."""
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(f"/api/v1/items/{published['items'][0].pk}/").status_code == 200
