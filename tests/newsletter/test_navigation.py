"""Finding one's way on an issue page: previous and next issue, contents on a phone,
back to top, reading time and item count."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from newsletter.reading import plain_text, reading_minutes
from newsletter.selectors import issue_neighbours
from tests.factories import IssueFactory, ItemFactory, SectionFactory, public_item

pytestmark = pytest.mark.django_db


class _Links(HTMLParser):
    """Collects (rel, href) of every <a> with a rel, and whether a <details> holds a link."""

    def __init__(self):
        super().__init__()
        self.rel_links: list[tuple[str, str]] = []
        self.details_depth = 0
        self.links_in_details: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "details":
            self.details_depth += 1
        if tag == "a" and attributes.get("rel") in ("prev", "next"):
            self.rel_links.append((attributes["rel"], attributes["href"]))
        if tag == "a" and self.details_depth:
            self.links_in_details.append(attributes["href"])

    def handle_endtag(self, tag):
        if tag == "details":
            self.details_depth -= 1


def _issue(slug: str, days_ago: int, **kwargs):
    issue = IssueFactory(published=True, slug=slug, title=f"第 {slug} 期", **kwargs)
    issue.publish_at = timezone.now() - timedelta(days=days_ago)
    issue.save()
    public_item(issue=issue, title=f"{slug} 的条目")
    return issue


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_an_issue_links_the_previous_and_next_issue_at_top_and_end(client):
    """rel=prev is the older public issue, rel=next the newer; each appears twice."""
    _issue("2025-09", 60)
    _issue("2025-10", 30)
    _issue("2025-11", 1)
    links = _parse(client.get("/issues/2025-10/").content.decode()).rel_links
    assert links == [
        ("prev", "/issues/2025-09/"),
        ("next", "/issues/2025-11/"),
        ("prev", "/issues/2025-09/"),
        ("next", "/issues/2025-11/"),
    ]


def test_the_newest_and_oldest_issue_link_one_way_only(client):
    """No next link on the latest issue, no previous on the first."""
    _issue("2025-10", 30)
    _issue("2025-11", 1)
    assert {rel for rel, _ in _parse(client.get("/").content.decode()).rel_links} == {"prev"}
    assert {
        rel for rel, _ in _parse(client.get("/issues/2025-10/").content.decode()).rel_links
    } == {"next"}


def test_unreleased_issues_are_never_a_neighbour(client):
    """A draft, a scheduled issue and a withdrawn one are skipped by prev and next."""
    older = _issue("2025-09", 60)
    current = _issue("2025-10", 30)
    IssueFactory(slug="2025-10-draft")
    IssueFactory(scheduled=True, slug="2025-12")
    withdrawn = IssueFactory(slug="2025-11", status="withdrawn")
    withdrawn.publish_at = timezone.now() - timedelta(days=5)
    withdrawn.save()
    neighbours = issue_neighbours(issue=current)
    assert neighbours.previous == older and neighbours.next is None


def test_issues_published_at_the_same_time_are_ordered_by_slug():
    """Equal publish times still give each issue one previous and one next."""
    moment = timezone.now() - timedelta(days=2)
    a, b, c = (IssueFactory(published=True, slug=slug) for slug in ("a", "b", "c"))
    for issue in (a, b, c):
        issue.publish_at = moment
        issue.save()
    assert issue_neighbours(issue=b).previous == a
    assert issue_neighbours(issue=b).next == c


def test_phones_reach_the_contents_without_javascript(client):
    """A folded <details> per section lists its items; links at each section end and a fixed
    link lead back to the contents, and one to the top."""
    issue = IssueFactory(published=True)
    section = SectionFactory(slug="new")
    item = public_item(issue=issue, section=section)
    html = client.get(issue.get_absolute_url()).content.decode()
    parsed = _parse(html)
    assert parsed.links_in_details == ["#new", f"#{item.anchor}"]
    assert 'id="toc"' in html
    assert html.count('href="#toc"') == 2, "after the section, and the fixed link"
    assert 'href="#top"' in html
    assert "<script" not in html.split("</head>")[1]


def test_the_issue_page_gives_its_item_count_and_reading_time(client):
    """Count of public items only; about a minute per 400 Chinese characters."""
    issue = IssueFactory(published=True)
    for position in range(3):
        public_item(issue=issue, body="字" * 600, position=position)
    ItemFactory(issue=issue, body="字" * 6000)
    html = client.get(issue.get_absolute_url()).content.decode()
    assert "3 条" in html
    assert "约 5 分钟读完" in html


def test_reading_time_counts_chinese_characters_and_latin_words():
    """400 characters or 200 words a minute, rounded up, at least one minute."""
    assert reading_minutes("") == 1
    assert reading_minutes("<p>" + "云" * 800 + "</p>") == 2
    assert reading_minutes("<p>" + "word " * 400 + "</p>", "<p>" + "云" * 400 + "</p>") == 3


def test_plain_text_strips_tags_decodes_entities_and_cuts():
    """A lede is text: no markup, no entities, cut with an ellipsis."""
    assert plain_text("<p>Helm &amp; <b>Flux</b></p>\n<p>二</p>") == "Helm & Flux 二"
    assert plain_text("<p>" + "长" * 50 + "</p>", 10) == "长" * 9 + "…"
    assert plain_text(None) == ""


def test_the_issue_page_budget_holds_with_neighbours(client, django_assert_max_num_queries):
    """Previous and next cost one query; the page stays within its budget of eight."""
    _issue("2025-09", 60)
    current = _issue("2025-10", 30)
    _issue("2025-11", 1)
    with django_assert_max_num_queries(8):
        assert client.get(current.get_absolute_url()).status_code == 200
