"""List pages (issue 10): compact entries, strict pagination, a fixed cost, a bounded weight."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Item
from newsletter.reading import first_sentence
from newsletter.rendering import item_render
from tests.factories import (
    ContributorProfileFactory,
    IssueFactory,
    ProjectFactory,
    RoleUserFactory,
    SectionFactory,
    public_item,
)

pytestmark = pytest.mark.django_db

# What a list page may cost, whatever the size of the archive: the site
# generation (newsletter.caching), the subject, the count, the page, and
# (archive, contributor) one more read for the page's entries.
LIST_QUERY_BUDGET = 5
MAX_LIST_PAGE_BYTES = 300 * 1024
LIST_URLS = [
    "/issues/",
    "/sections/news/",
    "/tags/网络/",
    "/projects/helm/",
    "/contributors/alice/",
]


@pytest.fixture
def archive():
    """Returns a function adding `count` monthly issues, each with two public items covering
    Helm, tagged 网络, in the news section, written by alice."""
    section = SectionFactory(slug="news", name="新闻")
    helm = ProjectFactory(slug="helm", name="Helm")
    alice = ContributorProfileFactory(
        user=RoleUserFactory(username="alice", role="Contributor"), display_name="爱丽丝"
    ).user
    made = []

    def add(count: int) -> list[Item]:
        items = []
        for _ in range(count):
            issue = IssueFactory(published=True)
            issue.publish_at = timezone.now() - timedelta(days=30 * (len(made) + 1))
            issue.save(update_fields=["publish_at"])
            made.append(issue)
            for position in (1, 2):
                item = public_item(
                    issue=issue,
                    section=section,
                    position=position,
                    author=alice,
                    body="### 简介\n\nHelm v4.0.0 发布了。它带来插件系统。",
                )
                item.projects.add(helm)
                item.tags.add("网络")
                items.append(item)
        return items

    return add


# ---------------------------------------------------------------------------
# The first sentence
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<h4>简介</h4>\n<p>Helm v4.0.0 发布了。它带来插件系统。</p>", "Helm v4.0.0 发布了。"),
        ("<p>Gateway API 1.4 is out. It adds BackendTLSPolicy.</p>", "Gateway API 1.4 is out."),
        ("<p>值得<strong>升级</strong>!真的。</p>", "值得升级!"),
        ("<p>没有句号的一段</p><p>第二段。</p>", "没有句号的一段"),
        ("<p>见 k8s.io 与 v1.35 的说明,还没完", "见 k8s.io 与 v1.35 的说明,还没完"),
        ("<p>被截断的 <a hre", "被截断的"),
        ("<p>A &amp; B.</p>", "A & B."),
        ("", ""),
    ],
)
def test_the_first_sentence_is_read_from_the_first_paragraph(html, expected):
    """Headings before the paragraph are skipped; Latin dots inside words do not end it."""
    assert first_sentence(html, 120) == expected


def test_a_long_first_sentence_is_cut():
    """At most `length` characters, ending with an ellipsis."""
    assert first_sentence("<p>" + "长" * 500 + "。</p>", 20) == "长" * 19 + "…"


# ---------------------------------------------------------------------------
# Compact entries
# ---------------------------------------------------------------------------


def test_an_entry_links_the_item_on_its_issue_page_with_issue_date_and_first_sentence(
    client, archive
):
    """Title to the item's anchor, the issue, the date, the first sentence; no body."""
    item = archive(1)[0]
    html = client.get("/sections/news/").content.decode()
    assert f'<a href="/issues/{item.issue.slug}/#item-{item.pk}">{item.title}</a>' in html
    assert f'href="{item.issue.get_absolute_url()}"' in html
    # The date as readers see it, in the site's time zone (UTC+8): after
    # 16:00 UTC it is already the next day there.
    assert timezone.localtime(item.issue.publish_at).strftime("%Y-%m-%d") in html
    assert "Helm v4.0.0 发布了。" in html and "它带来插件系统" not in html
    assert 'class="prose"' not in html and "简介" not in html


def test_the_remark_gives_the_sentence_when_there_is_one(client, archive):
    """The editor's remark speaks for the item in a list; the body otherwise."""
    item = archive(1)[0]
    item.remark = "这一版值得升级。其余从略。"
    item_render(item=item)
    html = client.get("/projects/helm/").content.decode()
    assert "这一版值得升级。" in html and "其余从略" not in html


def test_a_list_reads_no_whole_body(client, archive):
    """The body and remark stay deferred; only a bounded prefix of their HTML is read."""
    items = archive(1)
    Item.objects.filter(pk__in=[item.pk for item in items]).update(
        body_html="<p>第一句。" + "很长的正文" * 20_000 + "</p>"
    )
    response = client.get("/tags/网络/")
    entries = list(response.context["page"])
    assert entries and all(
        {"body_html", "remark_html", "body"} <= entry.item.get_deferred_fields()
        for entry in entries
    )
    assert all(entry.summary == "第一句。" for entry in entries)
    assert len(response.content) < 20_000


def test_the_contributor_page_counts_and_marks_what_they_reviewed(client, archive):
    """Written and reviewed work in one list, newest first, reviews marked 审校."""
    archive(1)
    alice = Item.objects.first().author
    reviewed = public_item(reviewer=alice, title="她审校的条目")
    response = client.get("/contributors/alice/")
    page = response.context["page"]
    assert (page.written_count, page.reviewed_count) == (2, 1)
    entries = response.content.decode().split('<li class="entry">')[1:]
    marked = [entry for entry in entries if 'class="entry__role"' in entry]
    assert len(entries) == 3 and len(marked) == 1 and reviewed.title in marked[0]


# ---------------------------------------------------------------------------
# Pagination
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_pages_hold_a_page_of_entries_with_rel_links(client, settings, archive, url):
    """Page 1 links rel=next; the last links rel=prev back to the bare address; each is full."""
    settings.DIGEST_LIST_PAGE_SIZE = 3
    archive(4)  # 4 issues, 8 items: three pages of items, two of issues
    first = client.get(url)
    html = first.content.decode()
    assert first.status_code == 200
    assert '<link rel="next" href="?page=2">' in html and 'rel="prev"' not in html
    assert '<a href="?page=2" rel="next">' in html
    assert html.count('<li class="entry">') + html.count('<li class="archive__issue">') == 3
    last_number = int(re.search(r"1 / (\d+)</span>", html).group(1))
    last = client.get(url, {"page": last_number}).content.decode()
    previous = url if last_number == 2 else f"?page={last_number - 1}"
    assert f'<link rel="prev" href="{previous}">' in last and 'rel="next"' not in last
    assert f"{last_number} / {last_number}" in last


@pytest.mark.parametrize("url", LIST_URLS)
def test_each_page_of_a_list_is_its_own_canonical_address(client, settings, archive, url):
    """One canonical link per page: the bare address for page 1, ?page=N after it."""
    settings.DIGEST_LIST_PAGE_SIZE = 3
    archive(4)
    for number, expected in ((None, url), ("1", url), ("2", f"{url}?page=2")):
        html = client.get(url, {"page": number} if number else {}).content.decode()
        found = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
        assert found == [f"{settings.SITE_URL}{expected}"], (url, number)


@pytest.mark.parametrize("url", LIST_URLS)
@pytest.mark.parametrize("number", ["0", "99", "abc", " 2", "+2", "２", "1.0", "", "9" * 5000])
def test_a_page_that_does_not_exist_answers_404(client, settings, archive, url, number):
    """Out of range, not a number, or a number written another way: not found."""
    settings.DIGEST_LIST_PAGE_SIZE = 3
    archive(4)
    assert client.get(url, {"page": number}).status_code == 404


def test_the_archive_pages_issues_and_keeps_its_years(client, settings, archive):
    """Issues are paged, newest first, still grouped by year with their counts."""
    settings.DIGEST_LIST_PAGE_SIZE = 2
    archive(3)
    first = client.get("/issues/")
    entries = first.context["page"].object_list
    assert len(entries) == 2 and entries[0].issue.publish_at > entries[1].issue.publish_at
    assert all(entry.item_count == 2 for entry in entries)
    assert 'class="archive-year"' in first.content.decode()
    second = client.get("/issues/", {"page": 2}).context["page"].object_list
    assert len(second) == 1 and second[0].issue.publish_at < entries[1].issue.publish_at


# ---------------------------------------------------------------------------
# Cost and weight do not grow with the archive
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_pages_have_a_query_budget_that_does_not_grow(
    client, settings, django_assert_max_num_queries, archive, url
):
    """Forty items cost the queries that two do, on the first page and on the last."""
    settings.DIGEST_LIST_PAGE_SIZE = 5
    archive(1)
    with django_assert_max_num_queries(LIST_QUERY_BUDGET):
        assert client.get(url).status_code == 200
    archive(19)
    for number in ("1", "4"):
        with django_assert_max_num_queries(LIST_QUERY_BUDGET):
            assert client.get(url, {"page": number}).status_code == 200


def test_a_list_page_weighs_the_same_however_long_the_archive(client, archive):
    """With long stored bodies, a full page stays under 300 KB and does not grow with the
    archive."""
    long_html = "<h4>简介</h4><p>第一句。" + "正文" * 10_000 + "</p>"

    def weights(issues: int) -> dict[str, int]:
        archive(issues)
        Item.objects.update(body_html=long_html, remark_html="")
        return {url: len(client.get(url).content) for url in LIST_URLS}

    # 70 items: more than two pages of items, more than a page of issues; then twice that.
    before, after = weights(35), weights(35)
    for url in LIST_URLS:
        assert after[url] <= MAX_LIST_PAGE_BYTES, url
        assert after[url] - before[url] < 200, f"{url}: only counts and page numbers may change"


def test_each_list_query_reads_a_bounded_slice(client, settings, archive):
    """The page query carries LIMIT: the database hands over one page, not the archive."""
    settings.DIGEST_LIST_PAGE_SIZE = 5
    archive(10)
    with CaptureQueriesContext(connection) as queries:
        client.get("/sections/news/")
    page_queries = [q["sql"] for q in queries if '"newsletter_item"."title"' in q["sql"]]
    assert page_queries and all("LIMIT 5" in sql for sql in page_queries)


# ---------------------------------------------------------------------------
# Feeds
# ---------------------------------------------------------------------------


def test_feeds_carry_only_the_newest_issues_and_items(client, settings, archive):
    """DIGEST_FEED_ISSUES and DIGEST_FEED_ITEMS bound every feed."""
    settings.DIGEST_FEED_ISSUES, settings.DIGEST_FEED_ITEMS = 2, 3
    archive(5)
    for url, entries in (
        ("/feed/", 2),
        ("/feed.rss", 2),
        ("/feed/items/", 3),
        (reverse("newsletter:feed_project", args=["helm"]), 3),
        ("/feed/sections/news/", 3),
        (reverse("newsletter:feed_tag", args=["网络"]), 3),
    ):
        body = client.get(url).content.decode()
        assert body.count("<entry>") + body.count("<item>") == entries, url
