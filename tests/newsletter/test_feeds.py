"""Feeds: one entry per issue with the whole issue, one per item, per project, section and
tag; a browser view; nothing unpublished; fixed query budgets."""

from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.factories import FurtherReadingFactory, ProjectFactory, public_item
from tests.newsletter.conftest import SECRET

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_READER = "application/atom+xml, application/rss+xml;q=0.9, */*;q=0.1"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
QUERY_BUDGET = 10


def _atom(client, url: str) -> ElementTree.Element:
    response = client.get(url, HTTP_ACCEPT=FEED_READER)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    # Our own output, rendered a moment ago.
    return ElementTree.fromstring(response.content)  # noqa: S314


def _titles(feed: ElementTree.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def test_the_main_feed_has_one_entry_per_issue_carrying_the_whole_issue(client, published):
    """/feed/ lists issues newest first; an entry's content holds every item of its issue."""
    feed = _atom(client, "/feed/")
    assert _titles(feed) == ["云原生月刊 11 月", "云原生月刊 10 月"]
    latest = next(feed.iter(f"{ATOM}entry"))
    content = latest.findtext(f"{ATOM}content")
    for title in ("Helm 4 发布", "Linkerd 2.19", "一个关于 YAML 的梗", "本期导读", "发布说明"):
        assert title in content
    assert "Helm 3.19" not in content, "items of the other issue stay in their own entry"
    assert 'href="http://127.0.0.1:8000/projects/helm/"' in content, "links are absolute"
    assert latest.find(f"{ATOM}link").get("href") == "http://127.0.0.1:8000/issues/2025-11/"
    assert latest.findtext(f"{ATOM}summary") == "本期导读"


def test_the_rss_feed_carries_whole_issues_too(client, published):
    """/feed.rss: one item per issue, its description the whole issue."""
    response = client.get("/feed.rss", HTTP_ACCEPT=FEED_READER)
    rss = ElementTree.fromstring(response.content)  # noqa: S314
    items = rss.findall("channel/item")
    assert [item.findtext("title") for item in items] == ["云原生月刊 11 月", "云原生月刊 10 月"]
    assert "Linkerd 2.19" in items[0].findtext("description")


def test_the_items_feed_has_one_entry_per_item(client, published):
    """/feed/items/ lists every public item, newest issue first, each with its text."""
    feed = _atom(client, "/feed/items/")
    assert _titles(feed) == ["Helm 4 发布", "Linkerd 2.19", "一个关于 YAML 的梗", "Helm 3.19 发布"]
    assert "值得一看" in next(feed.iter(f"{ATOM}entry")).findtext(f"{ATOM}content")


@pytest.mark.parametrize(
    ("url", "titles"),
    [
        ("/feed/projects/helm/", ["Helm 4 发布", "Helm 3.19 发布"]),
        ("/feed/sections/fun/", ["一个关于 YAML 的梗"]),
        (
            "/feed/tags/网络/",
            ["Helm 4 发布", "Linkerd 2.19", "一个关于 YAML 的梗", "Helm 3.19 发布"],
        ),
    ],
)
def test_project_section_and_tag_feeds_hold_their_items(client, published, url, titles):
    """A feed per project, section and tag, titled after it."""
    feed = _atom(client, url)
    assert _titles(feed) == titles
    assert feed.findtext(f"{ATOM}title").startswith(settings.DIGEST["PUBLICATION_NAME"] + " · ")


def test_unknown_or_unpublished_feed_subjects_answer_404(client, planted):
    """No feed for an unknown project or section, or for a project or tag only unpublished items
    carry."""
    for url in (
        "/feed/projects/nope/",
        "/feed/projects/secret-project/",
        "/feed/sections/nope/",
        "/feed/tags/秘密标签/",
    ):
        assert client.get(url).status_code == 404, url


def test_no_feed_shows_unpublished_content(client, planted):
    """Planted drafts, items in review and unreleased issues are in none of the feeds."""
    for url in (
        "/feed/",
        "/feed.rss",
        "/feed/items/",
        "/feed/projects/helm/",
        "/feed/sections/secret-section/",
        "/feed/tags/网络/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SECRET not in body and "2099-" not in body, url


def test_a_browser_gets_the_feed_as_xml_with_the_xslt_view(client, published):
    """Same bytes, typed application/xml for a browser, with the stylesheet instruction."""
    for_reader = client.get("/feed/", HTTP_ACCEPT=FEED_READER)
    for_browser = client.get("/feed/", HTTP_ACCEPT=BROWSER)
    assert for_browser["Content-Type"] == "application/xml; charset=utf-8"
    assert for_browser.content == for_reader.content
    assert "Accept" in for_browser["Vary"]
    head = for_browser.content.decode()[:600]
    assert '<?xml-stylesheet href="/static/feeds/feed.xsl"' in head and 'type="text/xsl"' in head
    assert "<!-- 这是一个订阅源" in head, "a sentence for browsers without XSLT"
    assert client.get("/feed/", HTTP_ACCEPT="*/*")["Content-Type"].startswith(
        "application/atom+xml"
    )


def test_the_xslt_is_served_from_our_origin_and_finds_the_site_stylesheet(client):
    """The stylesheet is a static file typed text/xsl; the CSS it links is where it says."""
    response = client.get("/static/feeds/feed.xsl")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xsl")
    xsl = Path(finders.find("feeds/feed.xsl")).read_text(encoding="utf-8")
    css = f"{settings.STATIC_URL}css/digest.css"
    assert f'href="{css}"' in xsl
    assert client.get(css).status_code == 200
    assert "<script" not in xsl and "style=" not in xsl


FEED_URLS = [
    "/feed/",
    "/feed.rss",
    "/feed/items/",
    "/feed/projects/helm/",
    "/feed/sections/new-releases/",
    "/feed/tags/网络/",
]


@pytest.mark.parametrize("url", FEED_URLS)
def test_feeds_have_a_query_budget_that_does_not_grow(
    client, django_assert_max_num_queries, published, url
):
    """Twenty more items cost no more queries."""
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(url).status_code == 200
    for position in range(20):
        item = public_item(issue=published["issue"], position=100 + position)
        item.projects.add(published["project"], ProjectFactory())
        item.tags.add("网络")
        FurtherReadingFactory(item=item)
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(url).status_code == 200
