"""Stored fragments of the issue page: each item's HTML and the issue's summary.

An item is rendered once per (item, its last edit, its number, site
generation, language) and kept in the cache; so is the summary of an issue
(table of contents, credits, neighbours, JSON-LD, reading time, lede). An
issue page then reads its items' keys (one light query) and assembles the
fragments; only the missing ones are rendered, from one full fetch.

The generation is in every key because a fragment shows more than its item:
project names, people's credits, the neighbouring issues. Whatever changes
those changes the generation (newsletter.caching.events).
"""

from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from newsletter import selectors, structured_data
from newsletter.caching.generation import Generation
from newsletter.caching.store import cache_get, cache_get_many, cache_set_many
from newsletter.models import Issue, Item
from newsletter.selectors import SectionBlock

# Bump when the markup of a fragment changes, so a deploy never serves old markup.
FRAGMENT_VERSION = 1


@dataclass(frozen=True)
class IssueSummary:
    """What an issue page shows besides its items, rendered; `guide` in the template."""

    toc: SafeString
    credits: SafeString
    json_ld: SafeString
    pager_top: SafeString
    pager_bottom: SafeString
    item_count: int
    reading_minutes: int
    lede: str


@dataclass
class IssuePage:
    """An issue page's parts: `blocks` whose items carry a rendered `fragment`, and the summary."""

    blocks: list[SectionBlock]
    guide: IssueSummary


def _summary_key(issue: Issue, generation: Generation, language: str) -> str:
    stamp = issue.updated_at.timestamp()
    return f"fragment:v{FRAGMENT_VERSION}:issue:{issue.pk}:{stamp}:{generation.token}:{language}"


def _item_key(item: Item, number: int, generation: Generation, language: str) -> str:
    stamp = item.updated_at.timestamp()
    place = f"{item.pk}:{stamp}:{number}"
    return f"fragment:v{FRAGMENT_VERSION}:item:{place}:{generation.token}:{language}"


def _render(template: str, context: dict) -> SafeString:
    return mark_safe(render_to_string(template, context).strip())  # noqa: S308 (our templates)


def issue_summary_render(*, issue: Issue, blocks: list[SectionBlock]) -> IssueSummary:
    """Render the summary of `issue` from its full `blocks` (selectors.issue_sections)."""
    guide = selectors.issue_guide(issue=issue, blocks=blocks)
    pager = "newsletter/includes/issue_pager.html"
    return IssueSummary(
        toc=_render("newsletter/includes/issue_toc.html", {"blocks": blocks}),
        credits=_render(
            "newsletter/includes/issue_credits.html",
            {"credits": selectors.issue_credits(blocks=blocks)},
        ),
        json_ld=structured_data.json_ld_script(
            structured_data.issue_graph(issue=issue, blocks=blocks)
        ),
        pager_top=_render(pager, {"guide": guide, "label": _("Previous and next issue")}),
        pager_bottom=_render(pager, {"guide": guide, "label": _("More issues")}),
        item_count=guide.item_count,
        reading_minutes=guide.reading_minutes,
        lede=guide.lede,
    )


def _outline(issue: Issue) -> list[SectionBlock]:
    """Return the public items of `issue` by section, with only what keys and headings need."""
    items = (
        Item.objects.public()
        .filter(issue=issue)
        .select_related("section")
        .only("pk", "updated_at", "section__slug", "section__name", "section__emoji")
        .in_issue_order()
    )
    return [
        SectionBlock(section=section, items=list(group))
        for section, group in groupby(items, key=lambda item: item.section)
    ]


def _numbered(blocks: list[SectionBlock]):
    for block in blocks:
        for number, item in enumerate(block.items, start=1):
            yield item, number


def _attach_item_fragments(
    blocks: list[SectionBlock], *, generation: Generation, language: str, full: bool
) -> None:
    keys = {
        item.pk: _item_key(item, number, generation, language) for item, number in _numbered(blocks)
    }
    found = cache_get_many(list(keys.values()))
    missing = [item for item, _number in _numbered(blocks) if keys[item.pk] not in found]
    if missing and not full:
        complete = Item.objects.filter(pk__in=[item.pk for item in missing]).for_listing()
        complete = {item.pk: item for item in complete}
    else:
        complete = {item.pk: item for item in missing}
    rendered = {}
    for item, number in _numbered(blocks):
        key = keys[item.pk]
        if key not in found:
            found[key] = rendered[key] = _render(
                "newsletter/includes/item.html",
                {"item": complete[item.pk], "number": number, "heading": "h3"},
            )
        item.fragment = found[key]
    cache_set_many(rendered, settings.FRAGMENT_CACHE_SECONDS)


def issue_page(*, issue: Issue, generation: Generation, language: str) -> IssuePage:
    """Return the parts of `issue`'s public page, from stored fragments where there are some.

    Warm: one query (the outline). Cold: the full fetch of `issue_sections`
    and the neighbours, and the fragments are stored for the next reader.
    """
    summary_key = _summary_key(issue, generation, language)
    summary = cache_get(summary_key)
    full = summary is None
    if full:
        blocks = selectors.issue_sections(issue=issue)
        summary = issue_summary_render(issue=issue, blocks=blocks)
        cache_set_many({summary_key: summary}, settings.FRAGMENT_CACHE_SECONDS)
    else:
        blocks = _outline(issue)
    _attach_item_fragments(blocks, generation=generation, language=language, full=full)
    return IssuePage(blocks=blocks, guide=summary)
