"""Writes to the publication's content that are not editorial decisions.

Editorial transitions (submit, approve, publish…) live in `editorial`.
"""

import re
from datetime import datetime

import reversion
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from newsletter.formats.document import ParsedIssue, ParsedItem, ParsedSection
from newsletter.formats.parsing import parse_issue
from newsletter.formats.projects import match_projects
from newsletter.models import FurtherReading, Issue, Item, Project, Section
from newsletter.rendering import issue_render, item_render
from newsletter.search.index import search_index_update_issue

ISSUE_SLUG = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")


class IssueExistsError(Exception):
    """Raised when an import would overwrite an issue without `replace`, or would turn
    a scheduled or published issue's items into drafts."""


def section_for_heading(*, parsed: ParsedSection) -> Section:
    """Return the recurring section an imported heading names.

    Sections are matched by name (the parser drops the "专题N" prefix), so the
    same column keeps one page across issues; an unknown column is created at
    the position its numeral gives.
    """
    section = Section.objects.filter(name=parsed.name).first()
    if section is not None:
        return section
    position = parsed.number or 0
    base_slug = slugify(parsed.name) or f"section-{position}"
    slug, counter = base_slug, 2
    while Section.objects.filter(slug=slug).exists():
        slug, counter = f"{base_slug}-{counter}", counter + 1
    return Section.objects.create(
        name=parsed.name, slug=slug, emoji=parsed.emoji, position=position
    )


def default_issue_title(slug: str) -> tuple[str, str]:
    """Return a (title, period) pair derived from a slug such as 2025-11."""
    match = ISSUE_SLUG.match(slug)
    if not match:
        return slug, ""
    period = f"{match['year']} 年 {int(match['month'])} 月"
    return f"{settings.DIGEST['PUBLICATION_NAME']} {period}", period


def _create_item(
    *, issue: Issue, section: Section, parsed: ParsedItem, state: str, catalogue
) -> Item:
    item = Item.objects.create(
        issue=issue,
        section=section,
        position=parsed.number,
        title=parsed.title,
        original_title=parsed.original_title,
        source_url=parsed.source_url,
        body=parsed.body,
        remark=parsed.remark,
        state=state,
    )
    item_render(item=item)
    FurtherReading.objects.bulk_create(
        FurtherReading(item=item, title=link.title, url=link.url, position=index)
        for index, link in enumerate(parsed.further_reading, start=1)
    )
    slugs = match_projects(f"{parsed.title} {parsed.original_title}", catalogue)
    if slugs:
        item.projects.set(Project.objects.filter(slug__in=slugs))
    return item


def _write_sections(*, issue: Issue, sections: list[ParsedSection], state: str) -> int:
    catalogue = [(project.slug, project.names) for project in Project.objects.all()]
    count = 0
    for parsed_section in sections:
        section = section_for_heading(parsed=parsed_section)
        for parsed_item in parsed_section.items:
            _create_item(
                issue=issue, section=section, parsed=parsed_item, state=state, catalogue=catalogue
            )
            count += 1
    return count


def issue_import(
    *,
    text: str,
    slug: str,
    replace: bool = False,
    publish_at: datetime | None = None,
) -> tuple[Issue, int]:
    """Import an issue from its plain-text or Markdown form.

    Parsing happens before anything is written, and writing is one
    transaction, so a bad file leaves the database untouched. With
    `publish_at`, items are imported approved and the issue published at that
    time (the archive of an issue already sent); otherwise everything is a
    draft for the newsroom to review.

    Returns the issue and the number of items imported. Raises
    `ImportFormatError` (with the line) for a file it cannot read and
    `IssueExistsError` when the slug is taken and `replace` is false.
    """
    parsed: ParsedIssue = parse_issue(text)
    title, period = default_issue_title(slug)
    released = publish_at is not None
    # Imported items start their revision history here (when versioned).
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(f"Imported as issue {slug}")
        issue = Issue.objects.select_for_update().filter(slug=slug).first()
        if issue is not None and not replace:
            raise IssueExistsError(f"Issue {slug} already exists; use --replace to overwrite it.")
        if issue is not None and issue.status in Issue.RELEASED_STATUSES and not released:
            # Readers would lose the issue's items to drafts behind the release
            # desk's back; replacing a released issue is only re-importing its archive.
            raise IssueExistsError(
                f"Issue {slug} is scheduled or published: withdraw it on the release desk "
                "first, or re-import its archive with --publish; nothing imported."
            )
        if issue is None:
            issue = Issue(slug=slug)
        issue.title = parsed.title or issue.title or title
        issue.period = issue.period or period
        issue.intro = parsed.intro or issue.intro
        if released:
            issue.status = Issue.Status.PUBLISHED
            issue.publish_at = publish_at
            issue.published_at = issue.published_at or timezone.now()
        issue.full_clean()
        issue.save()
        issue_render(issue=issue)
        issue.items.all().delete()
        state = Item.State.APPROVED if released else Item.State.DRAFT
        count = _write_sections(issue=issue, sections=parsed.sections, state=state)
        # The replaced items took their entries with them; a published import is
        # searchable once this commits.
        search_index_update_issue(issue=issue)
    return issue, count
