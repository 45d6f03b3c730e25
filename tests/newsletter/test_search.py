"""Search: Chinese and English, public items only, escaped echo, query budget."""

import pytest

from newsletter.search import query_terms
from tests.factories import IssueFactory, ItemFactory, public_item
from tests.html_safety import live_markup

pytestmark = pytest.mark.django_db


def test_a_chinese_query_without_spaces_is_split_into_terms():
    """jieba splits 网关API into two terms."""
    assert query_terms("网关API") == ["网关", "api"]


def test_punctuation_and_repeats_are_not_terms():
    """Only word-like, distinct tokens count."""
    assert query_terms("Helm, helm!!") == ["helm"]


def test_search_finds_chinese_text_in_bodies(client):
    """A Chinese term matches the body of a public item."""
    public_item(title="Linkerd 2.19", body="默认启用后量子密钥交换算法")
    response = client.get("/search/", {"q": "后量子"})
    assert [r.item.title for r in response.context["results"]] == ["Linkerd 2.19"]
    assert "<mark>后量子</mark>" in response.content.decode()


def test_search_is_case_insensitive_for_english(client):
    """GATEWAY finds Gateway."""
    public_item(title="Gateway API 1.4")
    response = client.get("/search/", {"q": "GATEWAY"})
    assert len(response.context["results"]) == 1


def test_every_term_must_match(client):
    """Two terms narrow the results to items containing both."""
    public_item(title="Helm 4", body="插件系统")
    public_item(title="Helm 3", body="缺陷修复")
    response = client.get("/search/", {"q": "helm 插件"})
    assert [r.item.title for r in response.context["results"]] == ["Helm 4"]


def test_title_matches_come_first(client):
    """An item named after the term ranks above one that only mentions it."""
    public_item(title="其他新闻", body="顺便提到 Cilium")
    public_item(title="Cilium 1.18 发布", body="正文")
    titles = [r.item.title for r in client.get("/search/", {"q": "cilium"}).context["results"]]
    assert titles == ["Cilium 1.18 发布", "其他新闻"]


def test_drafts_and_unpublished_issues_are_never_found_or_counted(client):
    """Search goes through the visibility rule."""
    ItemFactory(title="秘密草稿", issue=IssueFactory(published=True))
    ItemFactory(title="秘密排期", issue=IssueFactory(scheduled=True), approved=True)
    response = client.get("/search/", {"q": "秘密"})
    assert response.context["page"].paginator.count == 0
    assert "秘密草稿" not in response.content.decode()


def test_the_query_is_echoed_escaped(client):
    """A script in the query comes back as text."""
    response = client.get(
        "/search/", {"q": '<script>alert(1)</script>"><img src=x onerror=alert(1)>'}
    )
    html = response.content.decode()
    echoed = html[html.index("</form>") : html.index("</main>")]
    assert live_markup(echoed) == []
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img' in html


def test_an_empty_query_shows_the_form_only(client):
    """No query, no results, still 200."""
    response = client.get("/search/")
    assert response.status_code == 200
    assert response.context["results"] == []


def test_search_has_a_query_budget(client, django_assert_max_num_queries):
    """A page of results costs a fixed number of queries."""
    for index in range(25):
        public_item(title=f"Kubernetes 新闻 {index}")
    with django_assert_max_num_queries(4):
        response = client.get("/search/", {"q": "kubernetes"})
    assert len(response.context["results"]) == 20
