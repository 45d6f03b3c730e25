"""Rendering: the stored HTML of items and issue intros, figures included.

Markdown is rendered when text is written, never when a page is read.
`newsletter.markdown` is the pure pipeline; this module gives it the figures
from the database and stores what it returns. Every write of an item's body
or remark, or of an issue's intro, calls `item_render` or `issue_render` once
the row is saved: the import, the admin, a revision revert, a figure edit, the
`rerender_markdown` command. `markdown_preview` is the editor's live preview,
through the same pipeline, so what an editor previews is what a reader gets.

`figure_html` is the one place the responsive `<picture>` markup is made, for
Markdown bodies and item pages alike.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from newsletter.figure_syntax import FIGURE_SCHEME
from newsletter.markdown import FigureMarkup, figure_references, render_markdown
from newsletter.models import Figure, Issue, Item, ItemFigure
from newsletter.renditions import content_type_for
from newsletter.validators import markdown_too_long

# The prose column is 40em of 17 px text; below that the image spans the screen.
FIGURE_SIZES = "(min-width: 720px) 680px, 100vw"


@dataclass(frozen=True)
class Picture:
    """What a `<picture>` element needs, read from a figure and its renditions."""

    figure: Figure
    full_url: str
    src: str
    srcset: str
    webp_srcset: str
    sizes: str = FIGURE_SIZES


def _srcset(renditions) -> str:
    return ", ".join(f"{rendition.file.url} {rendition.width}w" for rendition in renditions)


def figure_picture(figure: Figure) -> Picture:
    """Return the sources of `figure`; uses prefetched renditions when there are some.

    The `<img>` fallback keeps the figure's own format; WebP goes in a
    `<source>`. Without renditions (an animation, or not made yet) the original
    is served as is.
    """
    renditions = sorted(figure.renditions.all(), key=lambda rendition: rendition.width)
    webp = [rendition for rendition in renditions if rendition.format == "webp"]
    own = [rendition for rendition in renditions if rendition.format != "webp"]
    full_url = figure.image.url
    return Picture(
        figure=figure,
        full_url=full_url,
        src=own[-1].file.url if own else full_url,
        srcset=_srcset(own),
        webp_srcset=_srcset(webp),
    )


def figure_html(*, figure: Figure, block: bool = True) -> str:
    """Return the `<picture>` markup of `figure`.

    A block figure sits in a `<figure>` with its caption and links to the
    full-size image; an inline one (inside a sentence or a link) is the bare
    `<picture>`.
    """
    return render_to_string(
        "newsletter/includes/figure.html",
        {"picture": figure_picture(figure), "block": block, "webp_type": content_type_for("webp")},
    ).strip()


def figure_markup_by_id(figure_ids: Collection[int]) -> dict[int, FigureMarkup]:
    """Return the markup maker of each figure in `figure_ids` that exists.

    The `figures` resolver `render_markdown` takes: two queries (figures and
    their renditions) whatever the number of figures.
    """
    figures = Figure.objects.prefetch_related("renditions").in_bulk(list(figure_ids))
    return {pk: partial(figure_html, figure=figure) for pk, figure in figures.items()}


def markdown_preview(text: str) -> str:
    """Return the HTML of the editor's live preview of `text`, figures included.

    Named by MARKDOWNX_MARKDOWNIFY_FUNCTION; django-markdownx passes the text
    positionally. Text over DIGEST_BODY_MAX_CHARS is not rendered: the preview
    says so, as the form will when it is saved.
    """
    if markdown_too_long(text):
        message = _("内容超过了上限 %(limit)d 个字符,无法预览。") % {
            "limit": settings.DIGEST_BODY_MAX_CHARS
        }
        return f"<p>{message}</p>"
    return render_markdown(text, figures=figure_markup_by_id)


def _embedded_figures_sync(
    *, item: Item, shown: Collection[int], existing: Collection[int]
) -> None:
    """Place on `item` every existing figure its text shows; unplace those it stopped showing.

    A placement keeps the figure from being deleted from under the item and
    lets the publish checklist see it. Figures attached by hand (not embedded)
    are left alone. Placements are inserted with ignore_conflicts so two
    renders racing cannot duplicate one.
    """
    # Not item.item_figures.all(): a prefetched list may be stale.
    placements = {p.figure_id: p for p in ItemFigure.objects.filter(item=item)}
    stale = [p.pk for figure_id, p in placements.items() if p.embedded and figure_id not in shown]
    if stale:
        ItemFigure.objects.filter(pk__in=stale).delete()
    now_embedded = [
        p.pk for figure_id, p in placements.items() if not p.embedded and figure_id in shown
    ]
    if now_embedded:
        ItemFigure.objects.filter(pk__in=now_embedded).update(embedded=True)
    new = sorted(set(existing) - set(placements))
    if new:
        start = max((p.position for p in placements.values()), default=0) + 1
        ItemFigure.objects.bulk_create(
            [
                ItemFigure(item=item, figure_id=figure_id, position=start + offset, embedded=True)
                for offset, figure_id in enumerate(new)
            ],
            ignore_conflicts=True,
        )


def item_render(*, item: Item) -> Item:
    """Store the HTML of `item`'s body and remark and place the figures they show.

    Call it once the item is saved: heading ids carry the item's key, so that
    two items on one page never share an anchor. Only `body_html` and
    `remark_html` are written, so `updated_at` stays the time of the last edit.
    Returns the item. Raises ValueError for an item not saved yet.
    """
    if item.pk is None:
        raise ValueError("Save the item before rendering it: its heading ids carry its key.")
    shown = {*figure_references(item.body), *figure_references(item.remark)}
    # Both fields' figures in one fetch; the placements need the same list.
    markup = figure_markup_by_id(shown) if shown else {}

    def figures(_figure_ids: set[int]) -> dict[int, FigureMarkup]:
        return markup

    item.body_html = render_markdown(item.body, anchor_prefix=item.anchor, figures=figures)
    item.remark_html = render_markdown(
        item.remark, anchor_prefix=f"{item.anchor}-remark", figures=figures
    )
    with transaction.atomic():
        item.save(update_fields=["body_html", "remark_html"])
        _embedded_figures_sync(item=item, shown=shown, existing=markup.keys())
    return item


def issue_render(*, issue: Issue) -> Issue:
    """Store the HTML of `issue`'s intro; return the issue.

    Call it once the issue is saved; heading ids carry its slug. Only
    `intro_html` is written.
    """
    issue.intro_html = render_markdown(
        issue.intro, anchor_prefix=f"issue-{issue.slug}", figures=figure_markup_by_id
    )
    issue.save(update_fields=["intro_html"])
    return issue


def _issues_showing(figure_ids: set[int]) -> list[Issue]:
    # A text match cannot tell: "figure:12" starts "figure:123", "figure:012"
    # is figure 12, and a reference in a code span shows nothing. The database
    # finds the intros with any reference (one issue a month: few), the
    # Markdown reader decides.
    candidates = Issue.objects.filter(intro__contains=FIGURE_SCHEME)
    return [issue for issue in candidates if figure_ids & set(figure_references(issue.intro))]


def figure_pages_rerender(*, figures: Iterable[Figure]) -> int:
    """Re-render the stored HTML of the items and issues that show `figures`; return the count."""
    figure_ids = {figure.pk for figure in figures}
    if not figure_ids:
        return 0
    count = 0
    for item in Item.objects.filter(item_figures__figure__in=figure_ids).distinct():
        item_render(item=item)
        count += 1
    for issue in _issues_showing(figure_ids):
        issue_render(issue=issue)
        count += 1
    return count
