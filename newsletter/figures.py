"""Figures: storing a validated upload, editing, placing and deleting it.

Every upload path (the Figure admin, the inline on the item page, the
markdownx endpoint) validates with `newsletter.images.image_validate` and then
calls `figure_create`. A figure's markup is made by `newsletter.rendering`.
"""

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from newsletter.background import enqueue_on_commit
from newsletter.images import CleanImage
from newsletter.models import Figure, Item, ItemFigure
from newsletter.rendering import figure_pages_rerender
from newsletter.renditions import renditions_delete
from newsletter.tasks import figure_renditions_make


def _file_name(image: CleanImage) -> str:
    digest = image.content_hash
    return f"figures/{digest[:2]}/{digest}.{image.extension}"


def figure_create(
    *, image: CleanImage, alt_text: str, caption: str = "", uploaded_by=None
) -> tuple[Figure, bool]:
    """Store `image` as a figure and queue its renditions; return (figure, created).

    The renditions are made by a background task once the figure is committed
    (`newsletter.tasks.figure_renditions_make`); until then pages show the original.

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
    enqueue_on_commit(figure_renditions_make, figure.pk)
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
