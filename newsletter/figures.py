"""Figures: storing a validated upload, editing and deleting it, and its markup.

Every upload path (the Figure admin, the inline on the item page, the
markdownx endpoint) validates with `newsletter.images.image_validate` and then
calls `figure_create`; `figure_html` is the one place the responsive
`<picture>` markup is made, for Markdown bodies and item pages alike.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from newsletter.images import CleanImage
from newsletter.models import Figure, Issue, Item, ItemFigure
from newsletter.renditions import content_type_for, renditions_delete, renditions_make

logger = logging.getLogger(__name__)

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


def figures_by_id(ids: Iterable[int]) -> dict[int, Figure]:
    """Return the figures with `ids` and their renditions, in two queries whatever their number."""
    return Figure.objects.prefetch_related("renditions").in_bulk(list(ids))


def _file_name(image: CleanImage) -> str:
    digest = image.content_hash
    return f"figures/{digest[:2]}/{digest}.{image.extension}"


def figure_create(
    *, image: CleanImage, alt_text: str, caption: str = "", uploaded_by=None
) -> tuple[Figure, bool]:
    """Store `image` as a figure with its renditions; return (figure, created).

    The same picture stored before returns the existing figure untouched and
    stores nothing. Raises `ValidationError` when the alt text is missing.
    """
    digest = image.content_hash
    existing = Figure.objects.filter(content_hash=digest).first()
    if existing is not None:
        return existing, False
    figure = Figure(
        alt_text=alt_text.strip(),
        caption=caption.strip(),
        width=image.width,
        height=image.height,
        content_hash=digest,
        uploaded_by=uploaded_by,
    )
    figure.full_clean(exclude=["image", "content_hash"])
    storage = figure.image.storage
    name = _file_name(image)
    # A file with this name has this content: it is left over from a request
    # that was rolled back, or another upload of the same picture in flight.
    written = None if storage.exists(name) else storage.save(name, ContentFile(image.content))
    figure.image.name = written or name
    try:
        with transaction.atomic():
            figure.save()
    except IntegrityError:
        # Someone stored the same picture a moment ago: theirs wins.
        winner = Figure.objects.get(content_hash=digest)
        if written and winner.image.name != written:
            storage.delete(written)
        return winner, False
    except Exception:
        if written:
            storage.delete(written)
        raise
    try:
        renditions_make(figure=figure)
    except (OSError, ValueError):
        # The figure still shows, from its original file; make_renditions retries.
        logger.exception("Could not make the renditions of figure %s", figure.pk)
    return figure, True


def figure_update(*, figure: Figure, alt_text: str, caption: str) -> Figure:
    """Change the alt text and caption of `figure` and refresh the items that show it.

    Item HTML is stored, so the items and issue intros embedding this figure
    are re-rendered. Raises `ValidationError` when the alt text is empty.
    """
    figure.alt_text, figure.caption = alt_text.strip(), caption.strip()
    figure.full_clean(exclude=["image", "content_hash"])
    with transaction.atomic():
        figure.save(update_fields=["alt_text", "caption"])
        figure_pages_rerender(figures=[figure])
    return figure


def figure_pages_rerender(*, figures: Iterable[Figure]) -> int:
    """Re-render the stored HTML of items and issues that show `figures`; return the count."""
    figure_ids = [figure.pk for figure in figures]
    count = 0
    for item in Item.objects.filter(item_figures__figure__in=figure_ids).distinct():
        item.save(update_fields=["body_html", "remark_html"])
        count += 1
    for figure_id in figure_ids:
        for issue in Issue.objects.filter(intro__contains=f"(figure:{figure_id}"):
            issue.save(update_fields=["intro_html"])
            count += 1
    return count


def item_figure_place(*, item: Item, figure: Figure, position: int) -> ItemFigure:
    """Place `figure` on `item` at `position`; return the placement.

    A figure is placed once per item: placing it again (say, it was already
    embedded in the text) moves the existing placement.
    """
    placement, created = ItemFigure.objects.get_or_create(
        item=item, figure=figure, defaults={"position": position}
    )
    if not created and placement.position != position:
        placement.position = position
        placement.save(update_fields=["position"])
    return placement


def figure_delete(*, figure: Figure) -> None:
    """Delete an unused `figure` and, once that is committed, its files.

    Raises `django.db.models.ProtectedError` while an item still uses it.
    """
    name = figure.image.name
    storage = figure.image.storage
    with transaction.atomic():
        renditions_delete(figure=figure)
        figure.delete()
        transaction.on_commit(lambda: storage.delete(name))
