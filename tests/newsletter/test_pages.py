"""Public pages: status codes, content, the visibility rule, query budgets."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    FurtherReadingFactory,
    IssueFactory,
    ItemFactory,
    ProjectFactory,
    SectionFactory,
    public_item,
)

pytestmark = pytest.mark.django_db

# Eight for the page, one for the site generation the page cache and the
# stored fragments are keyed by (newsletter.caching.generation).
QUERY_BUDGET = 9


def _fill_issue(issue, *, count: int, project, sections):
    """Put `count` public items with projects, tags and links into `issue`."""
    for index in range(count):
        item = public_item(issue=issue, section=sections[index % len(sections)])
        item.projects.add(project)
        item.tags.add("网络", f"tag{index % 3}")
        FurtherReadingFactory(item=item)


@pytest.fixture
def issue_with_items():
    issue = IssueFactory(published=True, slug="2025-11")
    sections = [SectionFactory(), SectionFactory()]
    _fill_issue(issue, count=4, project=ProjectFactory(slug="helm"), sections=sections)
    return issue


def test_home_shows_the_latest_public_issue(client):
    """The front page is the newest public issue, not a later draft."""
    old = public_item(title="旧的", issue=IssueFactory(published=True, slug="2025-10")).issue
    ItemFactory(title="草稿期", issue=IssueFactory(slug="2025-12"), approved=True)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["issue"] == old
    assert "草稿期" not in response.content.decode()


def test_home_without_issues_says_the_first_is_coming(client):
    """Before the first issue the front page still answers 200."""
    assert client.get("/").status_code == 200


def test_issue_page_shows_items_grouped_by_section_in_order(client):
    """Sections come in their position order and items by position."""
    issue = IssueFactory(published=True)
    late, early = SectionFactory(position=6, name="Meme"), SectionFactory(position=1, name="新版本")
    public_item(issue=issue, section=late, position=1, title="梗")
    public_item(issue=issue, section=early, position=2, title="第二")
    public_item(issue=issue, section=early, position=1, title="第一")
    html = client.get(issue.get_absolute_url()).content.decode()
    assert html.index("第一") < html.index("第二") < html.index("梗")


def test_issue_page_shows_original_title_remark_further_reading_and_chips(client):
    """Everything an item carries is on the page, the source linked."""
    item = public_item(
        title="Helm 4 发布",
        original_title="Helm 4 Released",
        source_url="https://helm.sh/blog/helm-4/",
        remark="值得**升级**",
    )
    item.projects.add(ProjectFactory(name="Helm", slug="helm"))
    item.tags.add("包管理")
    FurtherReadingFactory(item=item, title="Helm 4 迁移指南", url="")
    html = client.get(item.issue.get_absolute_url()).content.decode()
    assert (
        '<a href="https://helm.sh/blog/helm-4/" rel="noopener nofollow">Helm 4 Released</a>' in html
    )
    assert 'class="remark"' in html and "<strong>升级</strong>" in html
    assert "Helm 4 迁移指南" in html
    assert 'href="/projects/helm/"' in html
    assert f'href="{reverse("newsletter:tag_detail", args=["包管理"])}"' in html
    assert f'id="{item.anchor}"' in html


def test_drafts_and_items_in_review_are_absent_from_a_published_issue(client):
    """Only approved items of the issue appear."""
    issue = IssueFactory(published=True)
    public_item(issue=issue, title="已批准")
    ItemFactory(issue=issue, title="仍是草稿")
    ItemFactory(issue=issue, title="审校中", state="in_review")
    html = client.get(issue.get_absolute_url()).content.decode()
    assert "已批准" in html
    assert "仍是草稿" not in html and "审校中" not in html


@pytest.mark.parametrize("kind", ["draft", "scheduled"])
def test_unreleased_issues_answer_404_everywhere(client, kind):
    """A draft or scheduled issue is not found on its page or its Markdown."""
    issue = IssueFactory(slug="2099-01", **({"scheduled": True} if kind == "scheduled" else {}))
    ItemFactory(issue=issue, approved=True)
    assert client.get("/issues/2099-01/").status_code == 404
    assert client.get("/issues/2099-01.md").status_code == 404
    assert "2099-01" not in client.get("/issues/").content.decode()


def test_archive_groups_issues_by_year_and_counts_only_public_items(client):
    """The archive counts public items, never drafts."""
    issue = IssueFactory(published=True)
    public_item(issue=issue)
    ItemFactory(issue=issue)
    response = client.get("/issues/")
    assert response.status_code == 200
    assert response.context["page"].object_list[0].item_count == 1
    year = timezone.localtime(issue.publish_at).year
    assert f'<h2 id="year-{year}">' in response.content.decode()


def test_project_page_lists_public_items_newest_first(client):
    """A project's page follows it across issues and hides drafts."""
    project = ProjectFactory(slug="linkerd", name="Linkerd")
    older = public_item(issue=IssueFactory(published=True, slug="2025-10"), title="旧版本")
    newer = public_item(issue=IssueFactory(published=True, slug="2025-11"), title="新版本")
    draft = ItemFactory(title="草稿条目")
    for item in (older, newer, draft):
        item.projects.add(project)
    older.issue.publish_at = newer.issue.publish_at.replace(year=2020)
    older.issue.save()
    response = client.get("/projects/linkerd/")
    assert [entry.item for entry in response.context["page"]] == [newer, older]
    assert "草稿条目" not in response.content.decode()


def test_a_project_only_unpublished_items_cover_is_not_listed_and_has_no_page(client):
    """Issue 9: drafts, scheduled issues and the pool do not make a project public."""
    shown = ProjectFactory(name="公开项目", slug="shown")
    hidden = ProjectFactory(name="未公开项目", slug="hidden")
    public_item().projects.add(shown)
    ItemFactory().projects.add(hidden)
    ItemFactory(approved=True, issue=IssueFactory(scheduled=True)).projects.add(hidden)
    ItemFactory(approved=True, issue=None).projects.add(hidden)
    ProjectFactory(name="无条目项目", slug="empty")
    response = client.get("/projects/")
    assert [project.slug for project in response.context["projects"]] == ["shown"]
    html = response.content.decode()
    assert "公开项目" in html and "未公开项目" not in html and "无条目项目" not in html
    for slug in ("hidden", "empty"):
        assert client.get(f"/projects/{slug}/").status_code == 404, slug
        assert client.get(f"/feed/projects/{slug}/").status_code == 404, slug
    assert client.get("/projects/shown/").status_code == 200


def test_section_page_lists_its_public_items(client):
    """A section page spans issues and hides drafts."""
    section = SectionFactory(slug="fun")
    public_item(section=section, title="公开的梗")
    ItemFactory(section=section, title="未发布的梗")
    html = client.get("/sections/fun/").content.decode()
    assert "公开的梗" in html and "未发布的梗" not in html


def test_tag_page_lists_public_items_and_hides_draft_only_tags(client):
    """A tag used only by drafts does not exist publicly."""
    public_item(title="公开").tags.add("服务网格")
    ItemFactory().tags.add("秘密")
    assert "公开" in client.get("/tags/服务网格/").content.decode()
    assert client.get("/tags/秘密/").status_code == 404


def test_unknown_slugs_answer_404(client):
    """Unknown issues, projects, sections and tags are not found."""
    for url in ("/issues/nope/", "/projects/nope/", "/sections/nope/", "/tags/nope/"):
        assert client.get(url).status_code == 404, url


def test_issue_markdown_export_contains_the_items(client):
    """/issues/<slug>.md serves the issue as Markdown."""
    item = public_item(
        title="Linkerd 2.19", remark="好", issue=IssueFactory(published=True, slug="2025-11")
    )
    response = client.get("/issues/2025-11.md")
    assert response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    assert f"### 1. {item.title}" in text and "> 🎤 好" in text


def test_feeds_and_sitemap_list_only_public_content(client):
    """Atom, RSS and the sitemap carry public items and issues only."""
    public_item(title="公开条目", issue=IssueFactory(published=True, slug="2025-11"))
    ItemFactory(title="草稿条目", issue=IssueFactory(slug="2025-12"), approved=True)
    for url in ("/feed/", "/feed.rss", "/sitemap.xml"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "草稿条目" not in body and "2025-12" not in body, url
    assert "公开条目" in client.get("/feed/").content.decode()
    assert "/issues/2025-11/" in client.get("/sitemap.xml").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/issues/",
        "/issues/2025-11/",
        "/issues/2025-11.md",
        "/projects/",
        "/projects/helm/",
        "/tags/网络/",
        "/feed/",
        "/feed.rss",
        "/sitemap.xml",
    ],
)
def test_public_pages_have_a_query_budget_that_does_not_grow(
    client, django_assert_max_num_queries, issue_with_items, url
):
    """Twelve more items cost no more queries than four."""
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(url).status_code == 200
    _fill_issue(
        issue_with_items,
        count=12,
        project=ProjectFactory(slug="linkerd"),
        sections=[SectionFactory()],
    )
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(url).status_code == 200


def test_section_page_has_a_query_budget(client, django_assert_max_num_queries, issue_with_items):
    """A section page stays within the budget."""
    section = issue_with_items.items.first().section
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(section.get_absolute_url()).status_code == 200


def test_a_stored_script_url_never_becomes_a_link(client):
    """Source and further-reading URLs are only linked when they are http(s)."""
    item = public_item(original_title="Original", source_url="https://example.com/ok")
    type(item).objects.filter(pk=item.pk).update(source_url="javascript:alert(1)")
    FurtherReadingFactory(item=item, title="坏链接", url="javascript:alert(2)")
    for url in (item.issue.get_absolute_url(), f"/issues/{item.issue.slug}.md"):
        body = client.get(url).content.decode()
        assert "javascript:" not in body, url
        assert "Original" in body and "坏链接" in body


def test_a_tag_without_a_slug_is_shown_but_not_linked(client):
    """An emoji-only tag has no page, and the issue page still renders."""
    item = public_item()
    item.tags.add("🤔")
    response = client.get(item.issue.get_absolute_url())
    assert response.status_code == 200
    assert '<span class="chip chip--tag">#🤔</span>' in response.content.decode()


def test_favicon_redirects_to_the_icon(client):
    """/favicon.ico answers with a redirect to the site icon, not a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("icons/digest.svg")
