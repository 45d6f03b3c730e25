"""The search page: results, marks, filters with facet counts, suggestions,
pages, the echoed query and the query budget."""

import re

import pytest
from django.utils import timezone
from taggit.models import Tag

from newsletter.models import Issue
from newsletter.search.results import Facets, FacetValue
from newsletter.templatetags.search import facet_groups
from tests.factories import IssueFactory, ItemFactory, ProjectFactory, SectionFactory, public_item
from tests.html_safety import live_markup

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return [hit.title for hit in response.context["results"].page]


def test_search_finds_chinese_text_in_bodies(client):
    """A Chinese term matches the body of a public item, marked in the snippet."""
    public_item(title="Linkerd 2.19", body="默认启用后量子密钥交换算法")
    response = client.get("/search/", {"q": "后量子"})
    assert _titles(response) == ["Linkerd 2.19"]
    assert "<mark>后量子</mark>" in response.content.decode()


def test_search_is_case_insensitive_for_english(client):
    """GATEWAY finds Gateway."""
    public_item(title="Gateway API 1.4")
    assert _titles(client.get("/search/", {"q": "GATEWAY"})) == ["Gateway API 1.4"]


def test_a_chinese_query_without_spaces_finds_its_words_apart(client):
    """网关API finds text that writes 网关 and API apart."""
    public_item(title="网关 API 的新版本")
    assert _titles(client.get("/search/", {"q": "网关API"})) == ["网关 API 的新版本"]


def test_every_term_must_match(client):
    """Two terms narrow the results to items containing both."""
    public_item(title="Helm 4", body="插件系统")
    public_item(title="Helm 3", body="缺陷修复")
    assert _titles(client.get("/search/", {"q": "helm 插件"})) == ["Helm 4"]


def test_title_matches_come_first(client):
    """An item named after the term ranks above one that only mentions it."""
    public_item(title="Cilium 1.18 发布", body="正文")
    public_item(title="其他新闻", body="顺便提到 Cilium")
    assert _titles(client.get("/search/", {"q": "cilium"})) == ["Cilium 1.18 发布", "其他新闻"]


def test_equal_matches_go_to_the_newer_issue_first(client):
    """Ties in relevance are broken by the issue's publish time, newest first."""
    older = IssueFactory(published=True, title="旧的一期")
    older.publish_at = older.publish_at.replace(year=2024)
    older.save()
    public_item(title="Envoy 发布", issue=older)
    public_item(title="Envoy 发布", issue=IssueFactory(published=True, title="新的一期"))
    hits = client.get("/search/", {"q": "envoy"}).context["results"].page
    assert [hit.issue_title for hit in hits] == ["新的一期", "旧的一期"]


def test_an_exact_phrase_ranks_above_the_same_words_apart(client):
    """Both hold "服务" and "网格", only one as the phrase 服务网格."""
    public_item(title="改造", body="服务的网格化改造。" * 3)
    public_item(title="新闻", body="服务网格的新版本。")
    assert _titles(client.get("/search/", {"q": "服务 网格"})) == ["新闻", "改造"]


def test_quotes_exclusions_and_or_work_on_the_page(client):
    """Web-search syntax: a quoted phrase, a word left out, either of two words."""
    public_item(title="Gateway API 1.4", body="网关")
    public_item(title="API Gateway 对比", body="ingress")
    public_item(title="Helm 4")
    assert _titles(client.get("/search/", {"q": '"gateway api"'})) == ["Gateway API 1.4"]
    assert _titles(client.get("/search/", {"q": "gateway -ingress"})) == ["Gateway API 1.4"]
    found = set(_titles(client.get("/search/", {"q": "helm OR ingress"})))
    assert found == {"Helm 4", "API Gateway 对比"}


def test_drafts_and_unpublished_issues_are_never_found_or_counted(client):
    """Search goes through the visibility rule, facets and suggestions included."""
    section = SectionFactory(slug="secret-column", name="秘密栏目")
    ItemFactory(title="秘密草稿", issue=IssueFactory(published=True), section=section)
    ItemFactory(title="秘密排期", issue=IssueFactory(scheduled=True), approved=True)
    ItemFactory(title="秘密撤回", issue=IssueFactory(status=Issue.Status.WITHDRAWN), approved=True)
    response = client.get("/search/", {"q": "秘密"})
    results = response.context["results"]
    assert results.total == 0
    assert results.facets.sections == []
    html = response.content.decode()
    for title in ("秘密草稿", "秘密排期", "秘密撤回", "秘密栏目"):
        assert title not in html


def test_the_query_is_echoed_escaped(client):
    """A script in the query comes back as text."""
    response = client.get(
        "/search/", {"q": '<script>alert(1)</script>"><img src=x onerror=alert(1)>'}
    )
    html = response.content.decode()
    echoed = html[html.index("</form>") : html.index("</main>")]
    assert live_markup(echoed) == []
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img' in html


def test_marks_never_let_item_text_through_unescaped(client):
    """Titles and snippets are escaped before the marks are added."""
    public_item(title="<b>Helm</b> & co", body="Helm <script>alert(1)</script> 发布")
    html = client.get("/search/", {"q": "helm"}).content.decode()
    main = html[html.index("</form>") : html.index("</main>")]
    assert live_markup(main) == []
    assert "&lt;b&gt;<mark>Helm</mark>&lt;/b&gt; &amp; co" in main


def test_an_empty_query_shows_the_form_only(client):
    """No query, no results, still 200."""
    response = client.get("/search/")
    assert response.status_code == 200
    assert response.context["results"] is None


def test_results_come_in_pages_that_keep_the_query_and_filters(client):
    """25 results: 20 on the first page, 5 on the second; the links keep q and filters."""
    section = SectionFactory(slug="releases")
    for index in range(25):
        public_item(title=f"Kubernetes 新闻 {index}", section=section)
    first = client.get("/search/", {"q": "kubernetes", "section": "releases"})
    assert len(first.context["results"].page) == 20
    assert 'href="?q=kubernetes&amp;section=releases&amp;page=2"' in first.content.decode()
    second = client.get("/search/", {"q": "kubernetes", "section": "releases", "page": 2})
    assert len(second.context["results"].page) == 5


def test_filters_narrow_the_results_and_facets_count_them(client):
    """Facets count the results by section, project, tag and year; a filter narrows them."""
    releases, fun = SectionFactory(slug="releases", name="新版本"), SectionFactory(slug="fun")
    helm = ProjectFactory(slug="helm", name="Helm")
    first = public_item(title="Helm 4 发布", section=releases)
    first.projects.add(helm)
    first.tags.add("包管理")
    public_item(title="Helm 的梗图", section=fun)
    results = client.get("/search/", {"q": "helm"}).context["results"]
    assert {(f.value, f.count) for f in results.facets.sections} == {("releases", 1), ("fun", 1)}
    assert [(f.label, f.count) for f in results.facets.projects] == [("Helm", 1)]
    assert [(f.label, f.count) for f in results.facets.tags] == [("包管理", 1)]
    assert [f.count for f in results.facets.years] == [2]
    slug = Tag.objects.get(name="包管理").slug
    for params in ({"section": "releases"}, {"project": "helm"}, {"tag": slug}):
        narrowed = client.get("/search/", {"q": "helm", **params}).context["results"]
        assert [hit.title for hit in narrowed.page] == ["Helm 4 发布"]
        assert narrowed.total == 1
    year = timezone.localtime(first.issue.publish_at).year
    assert client.get("/search/", {"q": "helm", "year": year}).context["results"].total == 2
    assert client.get("/search/", {"q": "helm", "year": year - 1}).context["results"].total == 0


def test_an_active_facet_links_to_the_search_without_it(client):
    """The active value is marked and its link clears that filter, keeping the rest."""
    public_item(title="Helm 4", section=SectionFactory(slug="releases"))
    html = client.get("/search/", {"q": "helm", "section": "releases", "page": "1"}).content
    assert '<a href="?q=helm" aria-current="true">' in html.decode()


def test_a_facet_link_sets_or_clears_its_filter_in_place_and_drops_the_page(rf):
    """Other parameters keep their order; a value is escaped; an empty facet is left out."""
    request = rf.get("/search/", {"section": "fun", "q": "helm", "page": "3", "tag": "c"})
    facets = Facets(
        total=2,
        sections=[
            FacetValue(value="releases", label="新版本", count=1),
            FacetValue(value="fun", label="Fun", count=1, active=True),
        ],
        tags=[FacetValue(value="c++ & go", label="C++ & Go", count=2)],
    )
    groups = facet_groups({"request": request}, facets)
    assert [[href for href, _facet in group.links] for group in groups] == [
        ["?section=releases&q=helm&tag=c", "?q=helm&tag=c"],
        ["?section=fun&q=helm&tag=c%2B%2B+%26+go"],
    ]


def test_a_project_named_in_the_query_is_suggested_above_the_results(client):
    """Searching for Gateway API offers the project page first: 项目:Gateway API."""
    gateway = ProjectFactory(name="Gateway API", slug="gateway-api")
    public_item(title="Gateway API 1.4 发布").projects.add(gateway)
    html = client.get("/search/", {"q": "gateway api 1.4"}).content.decode()
    suggestion = '<a href="/projects/gateway-api/">项目:Gateway API</a>'
    assert suggestion in html
    assert html.index(suggestion) < html.index('class="search-results"')


def test_a_tag_is_suggested_only_when_a_public_item_carries_it(client):
    """A tag used only by drafts stays unknown to search."""
    public_item(title="服务网格 新闻").tags.add("服务网格")
    ItemFactory(title="草稿").tags.add("秘密标签")
    suggestions = client.get("/search/", {"q": "服务网格"}).context["results"].suggestions
    assert [(s.kind, s.name) for s in suggestions] == [("tag", "服务网格")]
    none = client.get("/search/", {"q": "秘密标签"}).context["results"]
    assert none.suggestions == [] and none.closest == []


def test_a_project_only_unpublished_items_cover_is_never_suggested(client):
    """Issue 9: it has no page, so neither a named nor a closest suggestion links to it."""
    helm = ProjectFactory(name="Helm", slug="helm")
    ItemFactory(title="Helm 5 草稿", approved=True, issue=None).projects.add(helm)
    public_item(title="Helm 新闻")
    named = client.get("/search/", {"q": "helm"}).context["results"]
    closest = client.get("/search/", {"q": "hellm"}).context["results"]
    assert named.suggestions == [] and closest.closest == []


def test_zero_results_offer_the_closest_projects_and_a_spelling_hint(client):
    """Kubernets finds nothing; the page offers Kubernetes, the project and the word."""
    kubernetes = ProjectFactory(name="Kubernetes", slug="kubernetes")
    public_item(title="Kubernetes 1.35 发布").projects.add(kubernetes)
    response = client.get("/search/", {"q": "kubernets 发布"})
    results = response.context["results"]
    assert results.total == 0
    assert ("project", "Kubernetes") in [(s.kind, s.name) for s in results.closest]
    assert results.spelling == "kubernetes 发布"
    html = response.content.decode()
    assert 'href="?q=kubernetes+%E5%8F%91%E5%B8%83"' in html


def test_no_spelling_hint_when_the_correction_finds_nothing_public(client):
    """A word seen only in a withdrawn item is never offered."""
    item = public_item(title="Karmada 发布")
    Issue.objects.filter(pk=item.issue_id).update(status=Issue.Status.WITHDRAWN)
    assert client.get("/search/", {"q": "karmadda"}).context["results"].spelling is None


def test_search_has_a_query_budget(client, django_assert_max_num_queries):
    """A page of results costs a fixed number of queries, however many items match:
    the generation, the snapshot of public items (three, once per generation),
    the matches, the scores of one window and the page's items."""
    project = ProjectFactory(name="Kubernetes", slug="kubernetes")
    for index in range(25):
        item = public_item(title=f"Kubernetes 新闻 {index}")
        item.projects.add(project)
        item.tags.add("容器", f"标签{index}")
    with django_assert_max_num_queries(8):
        response = client.get("/search/", {"q": "kubernetes", "project": "kubernetes"})
    assert len(response.context["results"].page) == 20
    with django_assert_max_num_queries(4):
        response = client.get("/search/", {"q": "新闻 kubernetes", "tag": "容器"})
    assert len(response.context["results"].page) == 20


def test_a_search_that_finds_nothing_has_a_query_budget(client, django_assert_max_num_queries):
    """Closest names and the spelling hint cost a fixed number of queries too."""
    kubernetes = ProjectFactory(name="Kubernetes", slug="kubernetes")
    public_item(title="Kubernetes Kubelet Kubeadm 发布").projects.add(kubernetes)
    with django_assert_max_num_queries(14):
        response = client.get("/search/", {"q": "kubernets kubelett kubeadmm"})
    assert response.context["results"].spelling == "kubernetes kubelet kubeadm"


def test_the_page_has_no_per_request_secret(client):
    """Public and cacheable: no CSRF token or session cookie on the search page."""
    public_item(title="Helm 4")
    response = client.get("/search/", {"q": "helm"})
    assert not response.cookies
    assert not re.search(r"csrfmiddlewaretoken|nonce=", response.content.decode())


def test_issue_titles_sections_and_facet_names_are_escaped(client):
    """The results and facets are written out in Python: every name is escaped there."""
    hostile = '<img src=x onerror=alert(1)>"'
    issue = IssueFactory(published=True, title=f"第 1 期 {hostile}")
    section = SectionFactory(slug="hostile", name=f"栏目 {hostile}")
    item = public_item(issue=issue, section=section, title="Helm 4 发布")
    item.tags.add(Tag.objects.create(name=f"标签 {hostile}", slug="hostile-tag"))
    html = client.get("/search/", {"q": "helm"}).content.decode()
    main = html[html.index("</form>") : html.index("</main>")]
    assert live_markup(main) == []
    escaped = "&lt;img src=x onerror=alert(1)&gt;&quot;"
    assert f">第 1 期 {escaped}</a> · 栏目 {escaped}</p>" in main
    assert f'>标签 {escaped} <span class="search-facet__count">1</span>' in main
