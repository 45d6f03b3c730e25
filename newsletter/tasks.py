"""Background tasks of the publication's figures (see `newsletter.background`).

The sending tasks live in `newsletter.subscribers.tasks`.
"""

import logging

from celery import shared_task

from newsletter.models import Figure
from newsletter.rendering import figure_pages_rerender
from newsletter.renditions import renditions_make

logger = logging.getLogger(__name__)


@shared_task(name="newsletter.figure_renditions_make")
def figure_renditions_make(figure_id: int) -> int:
    """Make the missing renditions of figure `figure_id`; return how many it has.

    The pages that already show the figure are re-rendered when renditions
    were added, so a figure placed before its renditions existed gets them. A
    figure deleted in the meantime, or an unreadable original, makes nothing
    (`manage.py make_renditions` retries).
    """
    figure = Figure.objects.filter(pk=figure_id).prefetch_related("renditions").first()
    if figure is None:
        return 0
    before = {rendition.spec for rendition in figure.renditions.all()}
    try:
        renditions = renditions_make(figure=figure)
    except (OSError, ValueError):
        # The figure still shows, from its original file.
        logger.exception("Could not make the renditions of figure %s", figure.pk)
        return len(before)
    if {rendition.spec for rendition in renditions} != before:
        figure_pages_rerender(figures=[figure])
    return len(renditions)
