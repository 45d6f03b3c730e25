"""Credits on public pages ("作者", "审校") and the public contributor page."""

import pytest
from django.urls import reverse

from editorial import workflow
from editorial.accounts import profiles
from editorial.permissions.roles import Role
from newsletter.models import Item
from tests.factories import (
    ContributorProfileFactory,
    FurtherReadingFactory,
    IssueFactory,
    ItemFactory,
    ProjectFactory,
    RoleUserFactory,
    SectionFactory,
    public_item,
)
from tests.newsletter.test_pages import QUERY_BUDGET

pytestmark = pytest.mark.django_db

# Three for the page, one for the site generation (newsletter.caching.generation).
CONTRIBUTOR_PAGE_BUDGET = 4


@pytest.fixture
def writer():
    return ContributorProfileFactory(
        user=RoleUserFactory(username="alice", role=Role.CONTRIBUTOR), display_name="爱丽丝"
    ).user


@pytest.fixture
def checker():
    return ContributorProfileFactory(
        user=RoleUserFactory(username="rita", role=Role.REVIEWER), display_name="审校丽塔"
    ).user


def _contributor_url(user) -> str:
    return reverse("editorial:contributor", args=[user.username])


def test_approving_an_item_records_its_reviewer(writer, checker):
    """`item_approve` sets who is credited as 审校."""
    item = ItemFactory(author=writer, state=Item.State.IN_REVIEW)
    workflow.item_approve(item=item, actor=checker)
    item.refresh_from_db()
    assert item.reviewer == checker


def test_the_issue_page_credits_author_and_reviewer_linked_to_their_pages(client, writer, checker):
    """Each item names its author and reviewer; the header sums up the issue's people."""
    item = public_item(author=writer, reviewer=checker, title="Helm 4 发布")
    html = client.get(item.issue.get_absolute_url()).content.decode()
    assert "作者" in html and "审校" in html and "本期作者" in html
    alice = f'<a class="credit" href="{_contributor_url(writer)}">爱丽丝</a>'
    rita = f'<a class="credit" href="{_contributor_url(checker)}">审校丽塔</a>'
    assert html.count(alice) == 2
    assert html.count(rita) == 2


def test_credits_show_wherever_an_item_is_listed(client, writer):
    """Project, section and tag pages show the same credit line."""
    item = public_item(author=writer)
    project = ProjectFactory()
    item.projects.add(project)
    item.tags.add("网络")
    for url in (
        project.get_absolute_url(),
        item.section.get_absolute_url(),
        reverse("newsletter:tag_detail", args=["网络"]),
    ):
        assert "爱丽丝" in client.get(url).content.decode(), url


def test_people_without_a_public_profile_are_not_credited(client, writer):
    """No profile, or a private one: no name and no link on public pages."""
    private = ContributorProfileFactory(display_name="匿名者", is_public=False).user
    nobody = RoleUserFactory(username="bob", first_name="鲍勃", role=Role.CONTRIBUTOR)
    issue = IssueFactory(published=True)
    public_item(issue=issue, author=private, reviewer=nobody)
    html = client.get(issue.get_absolute_url()).content.decode()
    assert "匿名者" not in html and "鲍勃" not in html
    assert "/contributors/" not in html
    assert 'class="credits' not in html


def test_the_issue_page_keeps_its_query_budget_with_credits(
    client, django_assert_max_num_queries, writer, checker
):
    """Credits are read with the items: sixteen credited items cost what four do."""
    issue = IssueFactory(published=True)
    sections = [SectionFactory(), SectionFactory()]
    project = ProjectFactory()

    def fill(count):
        for index in range(count):
            item = public_item(
                issue=issue, section=sections[index % 2], author=writer, reviewer=checker
            )
            item.projects.add(project)
            item.tags.add("网络")
            FurtherReadingFactory(item=item)

    fill(4)
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert "爱丽丝" in client.get(issue.get_absolute_url()).content.decode()
    others = [ContributorProfileFactory().user for _ in range(3)]
    fill(12)
    for item, author in zip(issue.items.all()[:3], others, strict=False):
        Item.objects.filter(pk=item.pk).update(author=author)
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(issue.get_absolute_url()).status_code == 200


# ---------------------------------------------------------------------------
# The contributor page
# ---------------------------------------------------------------------------


def test_the_contributor_page_lists_published_work_and_never_drafts(client, writer, checker):
    """Written and reviewed public items; drafts, reviews in progress and scheduled issues never."""
    written = public_item(author=writer, title="已发布的条目")
    reviewed = public_item(author=checker, reviewer=writer, title="她审校的条目")
    ItemFactory(author=writer, title="草稿条目", issue=written.issue)
    ItemFactory(author=writer, title="审校中的条目", state=Item.State.IN_REVIEW)
    ItemFactory(
        author=writer, title="排期中的条目", approved=True, issue=IssueFactory(scheduled=True)
    )
    ItemFactory(author=writer, title="待排的条目", approved=True, issue=None)
    response = client.get(_contributor_url(writer))
    assert response.status_code == 200
    html = response.content.decode()
    assert "爱丽丝" in html
    assert written.title in html and reviewed.title in html
    for hidden in ("草稿条目", "审校中的条目", "排期中的条目", "待排的条目"):
        assert hidden not in html
    assert written.get_absolute_url() in html


def test_the_contributor_page_shows_bio_avatar_and_links(client, writer):
    """Who they are: the stored bio HTML, the links as rel=me."""

    profiles.contributor_profile_save(
        user=writer,
        actor=writer,
        data=profiles.ProfileData(
            display_name="爱丽丝", bio="关注 **eBPF**。", links=("https://alice.dev",)
        ),
    )
    public_item(author=writer)
    html = client.get(_contributor_url(writer)).content.decode()
    assert "<strong>eBPF</strong>" in html
    assert 'href="https://alice.dev" rel="me noopener nofollow"' in html


def test_a_contributor_with_nothing_public_has_no_page(client, writer):
    """Drafts only: 404, as if the account did not exist."""
    ItemFactory(author=writer, title="草稿")
    ItemFactory(author=writer, approved=True, issue=IssueFactory(scheduled=True))
    assert client.get(_contributor_url(writer)).status_code == 404


def test_a_private_profile_has_no_page(client):
    """Public work or not, a profile that is not public answers 404."""
    hidden = ContributorProfileFactory(is_public=False).user
    public_item(author=hidden)
    assert client.get(_contributor_url(hidden)).status_code == 404


@pytest.mark.parametrize("username", ["nobody", "alice%20", "a/b"])
def test_an_unknown_contributor_answers_404(client, writer, username):
    """Unknown names get the site's 404 page."""
    public_item(author=writer)
    assert client.get(f"/contributors/{username}/").status_code == 404


def test_a_member_without_a_profile_has_no_page(client):
    """Public items alone do not make a page: the member has not introduced themselves."""
    member = RoleUserFactory(username="bob", role=Role.CONTRIBUTOR)
    public_item(author=member)
    assert client.get("/contributors/bob/").status_code == 404


def test_the_contributor_page_has_a_query_budget(client, django_assert_max_num_queries, writer):
    """Many items cost no more queries than one."""
    public_item(author=writer)
    with django_assert_max_num_queries(CONTRIBUTOR_PAGE_BUDGET):
        assert client.get(_contributor_url(writer)).status_code == 200
    for _ in range(10):
        public_item(author=writer)
        public_item(reviewer=writer)
    with django_assert_max_num_queries(CONTRIBUTOR_PAGE_BUDGET):
        response = client.get(_contributor_url(writer))
    assert response.status_code == 200
    assert response.context["page"].written_count == 11
    assert response.context["page"].reviewed_count == 10
    assert len(response.context["page"].entries) == 21


def test_the_sitemap_lists_contributor_pages_that_exist(client, writer, checker):
    """Public profiles with a public item are in the sitemap; others are not."""
    public_item(author=writer)
    ItemFactory(author=checker, approved=True)  # reviewed nothing public, wrote only a draft
    private = ContributorProfileFactory(
        user=RoleUserFactory(username="hidden", role=Role.CONTRIBUTOR), is_public=False
    ).user
    public_item(author=private)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert _contributor_url(writer) in sitemap
    assert _contributor_url(checker) not in sitemap
    assert _contributor_url(private) not in sitemap


def test_feeds_name_credited_authors_only(client, writer):
    """An item's author appears in the feeds under their public name."""
    public_item(author=writer, title="有作者的条目")
    public_item(author=RoleUserFactory(username="anon", role=Role.CONTRIBUTOR), title="无署名条目")
    for url in ("/feed/", "/feed.rss"):
        body = client.get(url).content.decode()
        assert body.count("爱丽丝") == 1, url
        assert "anon" not in body, url
