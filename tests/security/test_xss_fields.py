"""Every known XSS vector, through every field a public page or feed renders, comes out inert."""

import html
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from newsletter.models import FurtherReading
from newsletter.services import issue_import
from tests.factories import (
    ContributorProfileFactory,
    FurtherReadingFactory,
    IssueFactory,
    ProjectFactory,
    SectionFactory,
    public_item,
)
from tests.html_safety import live_markup

pytestmark = pytest.mark.django_db

SECURITY_DIR = Path(__file__).resolve().parents[1] / "data" / "security"
ATOM = "{http://www.w3.org/2005/Atom}"
# URLs a browser would run rather than follow; the vector files hold them only
# inside markup, so URL fields get them plainly as well.
SCRIPT_URLS = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
]


def _vectors() -> list[str]:
    lines = []
    for path in sorted(SECURITY_DIR.glob("*.txt")):
        lines += [line for line in path.read_text().splitlines() if line.strip()]
    return lines


def _main(page: str) -> str:
    """Return the <main> element of `page`: the part that shows stored content."""
    start = page.index("<main")
    main = page[start : page.rindex("</main>") + len("</main>")]
    # The phone table of contents folds with <details>, written by our own template
    # (newsletter/includes/issue_toc.html) with no attribute stored content could fill.
    return main.replace('<details class="toc__group">', "")


def _publish_everywhere(vector: str, *, url: str):
    """Return a public item whose every rendered field, and its neighbours', holds `vector`."""
    issue = IssueFactory(published=True, title=vector[:200], intro=vector)
    section = SectionFactory(name=vector[:100], description=vector)
    project = ProjectFactory(name=vector[:100], summary=vector)
    # A public profile: credited as author and reviewer, its bio on the contributor page.
    person = ContributorProfileFactory(display_name=vector[:100], bio=vector).user
    item = public_item(
        issue=issue,
        section=section,
        author=person,
        reviewer=person,
        title=vector[:300],
        original_title=vector[:300],
        source_url=url[:500],
        body=vector,
        remark=vector,
    )
    FurtherReadingFactory(item=item, title=vector[:300], url=url[:500])
    item.projects.add(project)
    # The prefix keeps the tag's slug from being empty (a tag of only
    # punctuation or emoji has no slug, and so no page, to render).
    item.tags.add(f"标签{vector}"[:100])
    return item


def _assert_pages_inert(client, item):
    tag = item.tags.get()
    urls = [
        item.issue.get_absolute_url(),
        reverse("newsletter:home"),
        reverse("newsletter:issue_archive"),
        item.projects.get().get_absolute_url(),
        reverse("newsletter:project_list"),
        item.section.get_absolute_url(),
        reverse("newsletter:tag_detail", args=[tag.slug]),
        reverse("editorial:contributor", args=[item.author.username]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert live_markup(_main(response.content.decode())) == [], url


def _assert_feeds_inert(client):
    # The feeds are our own output, rendered a moment ago.
    atom = ElementTree.fromstring(client.get(reverse("newsletter:feed_atom")).content)  # noqa: S314
    rss = ElementTree.fromstring(client.get(reverse("newsletter:feed_rss")).content)  # noqa: S314
    descriptions = [
        element.text or ""
        for element in [
            *atom.iter(f"{ATOM}summary"),
            *atom.iter(f"{ATOM}content"),
            *rss.iter("description"),
        ]
    ]
    assert len(descriptions) >= 2
    for description in descriptions:
        # A feed reader unescapes the XML text and renders the HTML inside.
        assert live_markup(description) == [], description


@pytest.mark.parametrize("vector", _vectors())
def test_a_vector_in_every_rendered_field_stays_inert(client, vector):
    """Issue, project, section, tag and contributor pages and both feeds show it only as text."""
    item = _publish_everywhere(vector, url=vector)
    _assert_pages_inert(client, item)
    _assert_feeds_inert(client)


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_the_forms_refuse_a_script_url_as_a_source_or_further_reading_url(url):
    """Model validation, which the admin runs, accepts only web addresses in link fields."""
    item = public_item(source_url=url)
    with pytest.raises(ValidationError) as raised:
        item.full_clean()
    assert "source_url" in raised.value.message_dict
    link = FurtherReading(item=item, title="拓展", url=url, position=1)
    with pytest.raises(ValidationError) as raised:
        link.full_clean()
    assert "url" in raised.value.message_dict


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert%281%29",
        "JaVaScRiPt:alert`1`",
        "vbscript:msgbox",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    ],
)
def test_an_imported_script_url_never_becomes_a_link(client, url):
    """The importer keeps the title of a [title](javascript:…) link and drops the URL."""
    text = (
        "# 云原生月刊\n\n## 🆕 专题一 产品新功能/新版本\n\n### 1. Helm 4 发布\n\n"
        f"[Helm 4]({url})\n\n正文。\n\n#### 拓展阅读\n\n- [点我]({url})\n"
    )
    issue, _count = issue_import(text=text, slug="2025-11", publish_at=timezone.now())
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "点我" in page
    assert live_markup(_main(page)) == []


@pytest.mark.parametrize("vector", _vectors())
def test_the_search_query_is_echoed_as_text(client, vector):
    """What a reader typed into search comes back inert, in the page and in the form."""
    public_item(title="Helm 4 发布")
    response = client.get(reverse("newsletter:search"), {"q": vector})
    assert response.status_code == 200
    main = _main(response.content.decode())
    assert live_markup(re.sub(r"<form.*?</form>", "", main, flags=re.S)) == []
    field = re.search(r'<input id="search-q"[^>]*>', main).group(0)
    value = re.search(r'value="([^"]*)"', field).group(1)
    assert html.unescape(value) == vector.strip()[:100] or vector.strip() == ""
