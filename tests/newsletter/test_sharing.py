"""Shared links: canonical URLs, Open Graph and Twitter cards, JSON-LD, the print stylesheet."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import (
    ContributorProfileFactory,
    IssueFactory,
    ProjectFactory,
    SectionFactory,
    public_item,
)

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


class _Head(HTMLParser):
    """Collects the meta properties, link rels and JSON-LD blocks of a page."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, list[dict]] = {}
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and ("property" in attributes or "name" in attributes):
            key = attributes.get("property") or attributes["name"]
            self.meta[key] = attributes.get("content", "")
        if tag == "link":
            self.links.setdefault(attributes.get("rel", ""), []).append(attributes)
        self._in_json_ld = tag == "script" and attributes.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        self._in_json_ld = False


def _head(client, url: str) -> _Head:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Head()
    parser.feed(response.content.decode())
    return parser


def test_an_issue_page_has_a_card_and_an_absolute_canonical_url(client):
    """og:type article, the title, the lede as description, the issue's URL everywhere."""
    issue = IssueFactory(published=True, slug="2025-11", title="云原生月刊 11 月", intro="本期导读")
    public_item(issue=issue)
    for url in ("/issues/2025-11/", "/"):
        head = _head(client, url)
        assert head.links["canonical"][0]["href"] == f"{SITE}/issues/2025-11/"
        assert head.meta["og:url"] == f"{SITE}/issues/2025-11/"
        assert head.meta["og:type"] == "article"
        assert head.meta["og:title"] == head.meta["twitter:title"] == "云原生月刊 11 月"
        assert head.meta["og:description"] == "本期导读"
        assert head.meta["twitter:card"] == "summary"
        assert "og:image" not in head.meta


def test_a_cover_makes_a_large_card_with_an_absolute_image(client, media_root):
    """An issue with a cover shares it as og:image, on SITE_URL."""
    issue = IssueFactory(published=True, slug="2025-11")
    issue.cover.save("cover.png", SimpleUploadedFile("cover.png", b"png"), save=True)
    head = _head(client, "/issues/2025-11/")
    assert head.meta["og:image"] == f"{SITE}{issue.cover.url}"
    assert head.meta["twitter:card"] == "summary_large_image"


@pytest.mark.parametrize("page", ["project", "section", "tag"])
def test_project_section_and_tag_pages_have_their_own_card(client, page):
    """Each titles its card after itself, with its canonical URL."""
    item = public_item()
    project = ProjectFactory(name="Helm", slug="helm", summary="包管理器")
    item.projects.add(project)
    item.section.name = "新版本"
    item.section.save()
    item.tags.add("网络")
    url, title = {
        "project": ("/projects/helm/", "Helm"),
        "section": (item.section.get_absolute_url(), "新版本"),
        "tag": ("/tags/网络/", "网络"),
    }[page]
    head = _head(client, url)
    assert head.meta["og:title"] == title
    assert head.links["canonical"][0]["href"] == SITE + url


def test_the_issue_page_describes_the_periodical_the_issue_and_each_item(client):
    """JSON-LD: a Periodical, its PublicationIssue, and a NewsArticle per public item."""
    issue = IssueFactory(published=True, slug="2025-11", title="云原生月刊 11 月")
    author = ContributorProfileFactory(display_name="小林").user
    first = public_item(issue=issue, title="Helm 4 发布", original_title="Helm 4", author=author)
    first.projects.add(ProjectFactory(name="Helm"))
    public_item(issue=issue, section=SectionFactory(), title="Linkerd 2.19")
    head = _head(client, "/issues/2025-11/")
    assert len(head.json_ld) == 1
    graph = json.loads(head.json_ld[0])["@graph"]
    periodical, publication_issue, *articles = graph
    assert periodical["@type"] == "Periodical"
    assert publication_issue["@type"] == "PublicationIssue"
    assert publication_issue["isPartOf"] == {"@id": periodical["@id"]}
    assert publication_issue["url"] == f"{SITE}/issues/2025-11/"
    assert [article["@type"] for article in articles] == ["NewsArticle", "NewsArticle"]
    assert [article["headline"] for article in articles] == ["Helm 4 发布", "Linkerd 2.19"]
    helm = articles[0]
    assert helm["url"] == f"{SITE}/issues/2025-11/#{first.anchor}"
    assert helm["isPartOf"] == {"@id": publication_issue["@id"]}
    assert helm["author"] == {"@type": "Person", "name": "小林"}
    assert helm["alternativeHeadline"] == "Helm 4" and helm["keywords"] == ["Helm"]
    assert publication_issue["hasPart"] == [{"@id": article["@id"]} for article in articles]


def test_json_ld_cannot_be_broken_out_of(client):
    """A title that closes the script element stays data: escaped, and still the same text."""
    title = '</script><script>alert(1)</script><!-- & "'
    item = public_item(title=title)
    html = client.get(item.issue.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    assert "<" not in block and ">" not in block
    headlines = [node.get("headline") for node in json.loads(block)["@graph"]]
    assert title in headlines


def test_json_ld_needs_no_nonce_and_pages_carry_no_secret(client):
    """The policy stays script-src 'self': a data block is not a script."""
    item = public_item()
    response = client.get(item.issue.get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy + ";" and "nonce" not in policy
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies


def test_unpublished_items_are_not_described(client):
    """The JSON-LD lists the approved items only."""
    issue = IssueFactory(published=True)
    public_item(issue=issue, title="公开")
    public_item(issue=issue, title="草稿", state="draft")
    graph = json.loads(_head(client, issue.get_absolute_url()).json_ld[0])["@graph"]
    assert [node.get("headline") for node in graph[2:]] == ["公开"]


def test_every_page_links_the_print_stylesheet(client):
    """A print stylesheet, for paper only, that hides navigation and shows link targets."""
    head = _head(client, "/issues/")
    sheets = {link["href"]: link.get("media") for link in head.links["stylesheet"]}
    assert sheets["/static/css/print.css"] == "print"
    css = Path(finders.find("css/print.css")).read_text(encoding="utf-8")
    assert ".masthead__nav" in css and ".toc-jump" in css
    assert 'content: " (" attr(href) ")"' in css
