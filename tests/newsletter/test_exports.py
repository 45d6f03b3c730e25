"""export_issue: Markdown, standalone HTML, inlined email and JSON, public by default."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsletter.formats.exports import issue_export
from tests.factories import (
    FurtherReadingFactory,
    IssueFactory,
    ItemFactory,
    ProjectFactory,
    SectionFactory,
    public_item,
)
from tests.html_safety import live_markup

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(settings):
    settings.SITE_URL = "https://digest.example"
    issue = IssueFactory(published=True, slug="2025-11", title="云原生月刊 2025 年 11 月")
    section = SectionFactory(name="产品新功能/新版本", emoji="🆕", slug="new-releases")
    item = public_item(
        issue=issue,
        section=section,
        position=1,
        title="Helm 4 发布",
        source_url="https://helm.sh/blog/helm-4/",
        body="### 简介\n\n见 [项目页](/projects/helm/)。",
        remark="值得升级",
    )
    item.projects.add(ProjectFactory(slug="helm", name="Helm"))
    FurtherReadingFactory(item=item, title="迁移指南", url="https://helm.sh/docs/")
    ItemFactory(issue=issue, section=section, position=2, title="还在审校的条目")
    return issue


def _export(slug, *args):
    from io import StringIO

    out = StringIO()
    call_command("export_issue", slug, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_markdown_export_matches_the_public_markdown(client, issue):
    """--format md is the same text /issues/<slug>.md serves."""
    assert _export("2025-11", "--format", "md") == client.get("/issues/2025-11.md").content.decode()


def test_json_export_has_sections_items_and_absolute_urls(issue):
    """JSON carries the structure, with links readers can follow from anywhere."""
    data = json.loads(_export("2025-11", "--format", "json"))
    assert data["slug"] == "2025-11"
    [section] = data["sections"]
    assert section["name"] == "产品新功能/新版本"
    [item] = section["items"]
    assert item["title"] == "Helm 4 发布" and item["projects"] == ["helm"]
    assert item["further_reading"] == [{"title": "迁移指南", "url": "https://helm.sh/docs/"}]
    assert item["url"].startswith("https://digest.example/issues/2025-11/#item-")
    assert 'href="https://digest.example/projects/helm/"' in item["body_html"]


def test_email_export_inlines_styles_and_makes_links_absolute(issue):
    """The email has no <style> left, styles on elements, and absolute links."""
    html = _export("2025-11", "--format", "email")
    assert "<style" not in html
    assert 'class="remark"' in html and 'style="' in html
    assert 'href="https://digest.example/projects/helm/"' in html
    assert 'href="/' not in html and 'src="/' not in html
    # Inline styles are the point of an email; nothing else may be live.
    problems = live_markup(html[html.index("<body") :])
    assert [problem for problem in problems if not problem.endswith("[style]")] == []


def test_html_export_is_a_standalone_page_with_the_site_stylesheet(issue):
    """The HTML export embeds the stylesheet and needs nothing from the site."""
    html = _export("2025-11", "--format", "html")
    assert html.startswith("<!doctype html>")
    assert "<style>" in html and "--font-sans" in html
    assert 'href="/' not in html


def test_exports_contain_only_approved_items(issue):
    """Items still in review never leave through an export."""
    for export_format in ("md", "html", "email", "json"):
        text = issue_export(issue=issue, export_format=export_format)
        assert "还在审校的条目" not in text, export_format
        assert "Helm 4 发布" in text, export_format


def test_an_unpublished_issue_is_refused_without_preview():
    """A scheduled issue does not export until it is out, unless --preview."""
    issue = IssueFactory(scheduled=True, slug="2025-12")
    public_item(issue=issue, title="排期中的条目")
    with pytest.raises(CommandError, match="not published"):
        _export("2025-12")
    assert "排期中的条目" in _export("2025-12", "--preview")


def test_preview_exports_approved_items_only():
    """--preview still leaves drafts out."""
    issue = IssueFactory(slug="2025-12")
    ItemFactory(issue=issue, title="已通过", approved=True)
    ItemFactory(issue=issue, title="草稿")
    text = _export("2025-12", "--preview", "--format", "json")
    assert "已通过" in text and "草稿" not in text


def test_an_unknown_slug_is_a_clear_error():
    """A wrong slug says so."""
    with pytest.raises(CommandError, match="No issue"):
        _export("1999-01")


def test_output_writes_a_file(issue, tmp_path):
    """--output writes UTF-8 to the given path."""
    target = tmp_path / "issue.json"
    _export("2025-11", "--format", "json", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["slug"] == "2025-11"
