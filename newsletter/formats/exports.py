"""Exports of a stored issue for other channels: Markdown, a standalone HTML
page, an HTML email (styles inlined, also pasteable into the WeChat editor), JSON.

By default only public issues export, through the one visibility rule. With
`preview`, an editor exports the approved items of an issue before it is out,
to prepare the email while the issue is scheduled.
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from newsletter import selectors
from newsletter.absolute import absolute_links
from newsletter.context_processors import publication
from newsletter.figure_syntax import figure_sources_replace
from newsletter.formats.document import ParsedIssue, ParsedItem, ParsedLink, ParsedSection
from newsletter.formats.writer import write_markdown
from newsletter.models import Issue, Item

EXPORT_FORMATS = ("md", "html", "email", "json")


class IssueNotPublicError(Exception):
    """Raised when exporting an issue readers cannot see yet, without `preview`."""


def _stylesheet(name: str) -> str:
    path = finders.find(f"css/{name}")
    return Path(path).read_text(encoding="utf-8") if path else ""


def export_sections(*, issue: Issue, preview: bool = False) -> list[selectors.SectionBlock]:
    """Return the sections and items an export of `issue` contains.

    Raises IssueNotPublicError for an issue that is not public, unless `preview`.
    """
    if issue.is_public():
        return selectors.issue_sections(issue=issue)
    if not preview:
        raise IssueNotPublicError(
            f"Issue {issue.slug} is not published; use --preview to export its approved items."
        )
    return selectors.issue_approved_sections(issue=issue)


def _figure_file_urls(markdown: str, item: Item) -> str:
    """Point `![alt](figure:ID)` in `markdown` at the figure's full-size file.

    For the Markdown export, read by tools that know nothing of figure ids;
    uses the item's prefetched placements and leaves unknown ids alone.
    """
    urls = {
        placement.figure_id: placement.figure.image.url for placement in item.item_figures.all()
    }

    def absolute_url(figure_id: int) -> str | None:
        url = urls.get(figure_id)
        if url is None:
            return None
        # Files on our own server get the site's address; a bucket URL is already absolute.
        return url if urlsplit(url).scheme else settings.SITE_URL + url

    return figure_sources_replace(markdown or "", absolute_url)


def _parsed_item(item: Item, number: int) -> ParsedItem:
    # Figures are pointed at their full-size files: the Markdown is read away from
    # the site, by tools that know nothing of figure ids. Imported back, such an
    # image is a plain image of the same file rather than the figure itself; every
    # other field comes back as it was (tests/importer/test_markdown_round_trip.py).
    return ParsedItem(
        number=number,
        title=item.title,
        original_title=item.original_title,
        source_url=item.source_url,
        body=_figure_file_urls(item.body, item),
        remark=_figure_file_urls(item.remark, item),
        further_reading=[
            ParsedLink(title=link.title, url=link.url) for link in item.further_reading.all()
        ],
    )


def _parsed_section(block: selectors.SectionBlock) -> ParsedSection:
    section = block.section
    items = [_parsed_item(item, number) for number, item in enumerate(block.items, start=1)]
    if section is None:
        # The issue page's heading for items without a section; imported back,
        # they land in a section of that name.
        return ParsedSection(emoji="", name=gettext("Other"), items=items)
    # A section's position is its 专题 numeral (专题六 is 6), so that importing
    # the file where the section does not exist yet puts it in its place.
    return ParsedSection(
        emoji=section.emoji, name=section.name, items=items, number=section.position or None
    )


def issue_markdown(*, issue: Issue, blocks: list[selectors.SectionBlock]) -> str:
    """Return `issue` with the items in `blocks` as Markdown (newsletter.formats.writer).

    What /issues/<slug>.md serves and `export_issue --format md` writes; items
    are numbered in reading order. Reads only what `blocks` fetched: no query.
    """
    with translation.override(settings.LANGUAGE_CODE):
        sections = [_parsed_section(block) for block in blocks]
    return write_markdown(ParsedIssue(title=issue.title, intro=issue.intro, sections=sections))


def _json(issue: Issue, blocks) -> str:
    def item_data(item: Item, number: int) -> dict:
        return {
            "number": number,
            "title": item.title,
            "original_title": item.original_title,
            "source_url": item.source_url,
            "url": settings.SITE_URL + item.get_absolute_url(),
            "body": item.body,
            "body_html": absolute_links(item.body_html),
            "remark": item.remark,
            "further_reading": [
                {"title": link.title, "url": link.url} for link in item.further_reading.all()
            ],
            "projects": [project.slug for project in item.projects.all()],
            "tags": [tag.name for tag in item.tags.all()],
        }

    data = {
        "slug": issue.slug,
        "title": issue.title,
        "period": issue.period,
        "intro": issue.intro,
        "publish_at": issue.publish_at.isoformat() if issue.publish_at else None,
        "url": settings.SITE_URL + issue.get_absolute_url(),
        "sections": [
            {
                "name": block.section.name if block.section else "",
                "emoji": block.section.emoji if block.section else "",
                "slug": block.section.slug if block.section else "",
                "items": [item_data(item, n) for n, item in enumerate(block.items, start=1)],
            }
            for block in blocks
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def issue_export(
    *, issue: Issue, export_format: str, preview: bool = False, unsubscribe_url: str = ""
) -> str:
    """Return `issue` rendered in `export_format` (one of EXPORT_FORMATS).

    Links and images are absolute (SITE_URL), as the result is read away from
    the site. An email (`email`, `html`) with `unsubscribe_url` ends with the
    reader's unsubscribe link. Raises IssueNotPublicError (see
    `export_sections`) and ValueError for an unknown format.
    """
    if export_format not in EXPORT_FORMATS:
        raise ValueError(
            f"Unknown format {export_format!r}; use one of {', '.join(EXPORT_FORMATS)}."
        )
    blocks = export_sections(issue=issue, preview=preview)
    # Exports are for the publication's readers: always in its own language.
    with translation.override(settings.LANGUAGE_CODE):
        if export_format == "json":
            return _json(issue, blocks)
        if export_format == "md":
            return issue_markdown(issue=issue, blocks=blocks)
        context = {"issue": issue, "blocks": blocks, **publication(request=None)}
        email = export_format == "email"
        context["stylesheet"] = _stylesheet("email.css" if email else "digest.css")
        context["email"] = email
        context["unsubscribe_url"] = unsubscribe_url
        html = absolute_links(render_to_string("newsletter/export/issue.html", context))
        return css_inline.inline(html) if email else html
