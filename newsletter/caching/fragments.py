"""Stored fragments of the issue page: each item's HTML, and the issue's summary.

An item's fragment is keyed by a fingerprint of everything its template
shows (its text, links, projects, tags, credits, figures and renditions),
its number and the language: it is rendered once, when one of those
changes, and reused across site generations, so a change elsewhere (a new
issue, a renamed project on another item) renders no item again.

The rest of an issue page (contents, credits, neighbours, JSON-LD, reading
time, sharing cards) and its sections assembled from the item fragments are
stored under the site generation as the page's head and content: a warm
issue page reads one cache entry and renders only the page around it.
"""

import hashlib
from dataclasses import dataclass

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
FRAGMENT_VERSION = 2


@dataclass(frozen=True)
class IssueParts:
    """The rendered parts of an issue page's content; `guide` in its template."""

    sections: SafeString
    toc: SafeString
    credits: SafeString
    pager_top: SafeString
    pager_bottom: SafeString
    item_count: int
    reading_minutes: int
    lede: str


@dataclass(frozen=True)
class IssueSummary:
    """A public issue page but for the page around it: its title, head, content and lede."""

    title: str
    head: SafeString
    content: SafeString
    lede: str


def _render(template: str, context: dict) -> SafeString:
    # Our own autoescaped templates; the stored HTML in them is sanitised.
    return mark_safe(render_to_string(template, context).strip())  # noqa: S308


def _render_for(request, template: str, context: dict) -> SafeString:
    return mark_safe(render_to_string(template, context, request=request).strip())  # noqa: S308


def _person(user, credit) -> tuple:
    return (user.get_username(), credit.name) if credit is not None else ()


def _figures(item: Item) -> tuple:
    return tuple(
        (
            placement.embedded,
            placement.position,
            placement.figure.image.name,
            placement.figure.alt_text,
            placement.figure.caption,
            placement.figure.width,
            placement.figure.height,
            tuple(
                (rendition.file.name, rendition.width, rendition.format)
                for rendition in placement.figure.renditions.all()
            ),
        )
        for placement in item.item_figures.all()
    )


def item_fingerprint(item: Item) -> str:
    """Return a digest of everything `newsletter/includes/item.html` shows of `item`.

    `item` comes from `for_listing()`: reading its relations costs no query.
    """
    shown = (
        item.pk,
        item.issue.slug if item.issue else "",
        item.title,
        item.original_title,
        item.source_url,
        item.body_html,
        item.remark_html,
        tuple((link.title, link.url) for link in item.further_reading.all()),
        tuple((project.slug, project.name) for project in item.projects.all()),
        tuple((tag.slug, tag.name) for tag in item.tags.all()),
        _person(item.author, item.author_credit),
        _person(item.reviewer, item.reviewer_credit),
        _figures(item),
    )
    return hashlib.sha256(repr(shown).encode()).hexdigest()


def _item_key(item: Item, number: int, language: str) -> str:
    return f"fragment:v{FRAGMENT_VERSION}:item:{item_fingerprint(item)}:{number}:{language}"


def _numbered(blocks: list[SectionBlock]):
    for block in blocks:
        for number, item in enumerate(block.items, start=1):
            yield item, number


def items_with_fragments(blocks: list[SectionBlock], *, language: str) -> None:
    """Give each item of `blocks` (full, from `issue_sections`) its rendered `fragment`.

    Fragments come from the cache; the missing ones are rendered and stored.
    """
    keys = {item.pk: _item_key(item, number, language) for item, number in _numbered(blocks)}
    found = cache_get_many(list(keys.values()))
    rendered = {}
    for item, number in _numbered(blocks):
        key = keys[item.pk]
        if key not in found:
            found[key] = rendered[key] = _render(
                "newsletter/includes/item.html", {"item": item, "number": number, "heading": "h3"}
            )
        item.fragment = found[key]
    cache_set_many(rendered, settings.FRAGMENT_CACHE_SECONDS)


def issue_parts_render(*, issue: Issue, blocks: list[SectionBlock], language: str) -> IssueParts:
    """Render the parts of `issue`'s page from its full `blocks` (selectors.issue_sections)."""
    items_with_fragments(blocks, language=language)
    guide = selectors.issue_guide(issue=issue, blocks=blocks)
    pager = "newsletter/includes/issue_pager.html"
    return IssueParts(
        sections=_render("newsletter/includes/issue_sections.html", {"blocks": blocks}),
        toc=_render("newsletter/includes/issue_toc.html", {"blocks": blocks}),
        credits=_render(
            "newsletter/includes/issue_credits.html",
            {"credits": selectors.issue_credits(blocks=blocks)},
        ),
        pager_top=_render(pager, {"guide": guide, "label": _("Previous and next issue")}),
        pager_bottom=_render(pager, {"guide": guide, "label": _("More issues")}),
        item_count=guide.item_count,
        reading_minutes=guide.reading_minutes,
        lede=guide.lede,
    )


def _summary_render(request, issue: Issue, *, language: str, is_front_page: bool) -> IssueSummary:
    blocks = selectors.issue_sections(issue=issue)
    parts = issue_parts_render(issue=issue, blocks=blocks, language=language)
    json_ld = structured_data.json_ld_script(
        structured_data.issue_graph(issue=issue, blocks=blocks)
    )
    context = {"issue": issue, "guide": parts, "is_front_page": is_front_page}
    return IssueSummary(
        title=issue.title,
        # With the request: the templates use the publication's name and tagline.
        head=_render_for(
            request, "newsletter/includes/issue_head.html", {**context, "json_ld": json_ld}
        ),
        content=_render_for(request, "newsletter/includes/issue_content.html", context),
        lede=parts.lede,
    )


def issue_summary(
    *, request, slug: str | None, generation: Generation, language: str
) -> IssueSummary | None:
    """Return the public issue `slug`'s page (the latest issue's for None) but for the page
    around it, stored under the generation; None when there is no such public issue.

    Stored: no query at all (any change to a public issue changes the
    generation). Missing: the issue, the queries of `issue_sections` and the
    neighbours, and only the items whose fingerprint is new are rendered.
    """
    place = slug if slug is not None else ":latest"
    key = f"fragment:v{FRAGMENT_VERSION}:issue:{place}:{generation.token}:{language}"
    summary = cache_get(key)
    if summary is None:
        if slug is None:
            issue = selectors.issue_latest()
        else:
            issue = Issue.objects.public().filter(slug=slug).first()
        if issue is None:
            return None
        summary = _summary_render(request, issue, language=language, is_front_page=slug is None)
        cache_set_many({key: summary}, settings.FRAGMENT_CACHE_SECONDS)
    return summary
