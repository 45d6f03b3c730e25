"""A figure's words (alt text and caption) belong to every item that shows it.

Changing them changes those items: who may do so is who may change every one
of them, and on a released item that is only the editor-in-chief, as for a
correction. Every change writes an audit row.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from editorial.audit import audit_entry_create
from editorial.errors import NotPermitted
from editorial.models import AuditAction
from editorial.permissions.rules import can, issue_is_released
from newsletter.figures import figure_update
from newsletter.models import Figure, Item


def figure_words_check(*, figure: Figure, actor) -> None:
    """Raise `NotPermitted` unless `actor` may change the words of `figure`."""
    items = Item.objects.filter(item_figures__figure=figure).select_related("issue").distinct()
    for item in items:
        released = issue_is_released(item.issue)
        if not can(actor, "item.correct" if released else "item.change", item):
            reason = (
                _(
                    "图 #%(figure)s 出现在已排期或发布的《%(title)s》中,"
                    "只有主编可以修改它的替代文字和说明。"
                )
                if released
                else _("图 #%(figure)s 也出现在《%(title)s》中,你不能修改它的替代文字和说明。")
            )
            raise NotPermitted(reason % {"figure": figure.pk, "title": item})


def figure_words_change(*, figure: Figure, actor, alt_text: str, caption: str) -> Figure:
    """Change the alt text and caption of `figure`, re-render what shows it, log it.

    Returns the figure. Raises `NotPermitted` as `figure_words_check` does and
    `ValidationError` for an empty alt text.
    """
    with transaction.atomic():
        figure = Figure.objects.select_for_update().get(pk=figure.pk)
        figure_words_check(figure=figure, actor=actor)
        before = {"alt_text": figure.alt_text, "caption": figure.caption}
        figure = figure_update(figure=figure, alt_text=alt_text, caption=caption)
        after = {"alt_text": figure.alt_text, "caption": figure.caption}
        if before != after:
            audit_entry_create(
                actor=actor,
                action=AuditAction.FIGURE_CHANGE,
                object_repr=f"figure #{figure.pk}",
                data={
                    "figure": figure.pk,
                    "from": before,
                    "to": after,
                    "items": sorted(figure.placements.values_list("item_id", flat=True)),
                },
            )
    return figure
