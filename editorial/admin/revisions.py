"""Admin pages for an item's revisions: history, diff of any two, revert.

Mixed into ItemAdmin; every page checks the same change permission as the
item itself, so a contributor sees only the history of their own items.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from reversion.models import Version

from editorial.errors import EditorialError, report_refusal
from editorial.revisions.conflicts import item_claim_version
from editorial.revisions.history import (
    content_changes,
    item_revert,
    item_versions_labelled,
    version_snapshot,
)
from editorial.workflow import item_edit_needs_correction
from newsletter.models import Item


class ItemRevisionsMixin:
    """Adds revision pages to an item admin and claims the version on save."""

    def save_model(self, request, obj, form, change):
        if change:
            started_from = form.cleaned_data.get("expected_version") or obj.version
            item_claim_version(item=obj, expected_version=started_from)
        super().save_model(request, obj, form, change)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/revisions/",
                view(self.revisions_view),
                name="newsletter_item_revisions",
            ),
            path(
                "<int:object_id>/revisions/<int:version_id>/revert/",
                view(require_POST(self.revert_view)),
                name="newsletter_item_revert",
            ),
            *super().get_urls(),
        ]

    def _item_for_history(self, request, object_id, *, to_change: bool = False):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Through the admin's own queryset: an item a contributor may not see
        # is not found, rather than forbidden.
        item = self.get_object(request, str(object_id))
        if item is None:
            raise Http404("No such item.")
        allowed = (
            self.has_change_permission(request, item)
            if to_change
            else self.has_view_permission(request, item)
        )
        if not allowed:
            raise PermissionDenied
        return item

    def revisions_view(self, request, object_id):
        """List revisions; with ?a=&b= show the diff between two of them."""
        item = self._item_for_history(request, object_id)
        versions = item_versions_labelled(item=item)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "item": item,
            "can_revert": self.has_change_permission(request, item),
            "revert_needs_correction": item_edit_needs_correction(item=item),
            "versions": versions,
            "title": _("Revisions of “%(title)s”") % {"title": item.title},
        }
        if "a" in request.GET and "b" in request.GET:
            context.update(self._comparison(versions, request.GET["a"], request.GET["b"]))
        return TemplateResponse(request, "editorial/item_revisions.html", context)

    def _comparison(self, versions, first_id, second_id):
        by_id = {str(version.pk): version for version in versions}
        if first_id not in by_id or second_id not in by_id:
            raise Http404("Unknown revision.")
        older, newer = sorted(
            (by_id[first_id], by_id[second_id]), key=lambda v: (v.revision.date_created, v.pk)
        )
        return {
            "older": older,
            "newer": newer,
            "changes": content_changes(version_snapshot(older), version_snapshot(newer)),
        }

    def revert_view(self, request, object_id, version_id):
        item = self._item_for_history(request, object_id, to_change=True)
        version = get_object_or_404(Version.objects.get_for_object(item), pk=version_id)
        was_approved = item.state == Item.State.APPROVED
        try:
            item = item_revert(
                item=item,
                version=version,
                actor=request.user,
                correction_note=request.POST.get("correction_note", ""),
            )
        except EditorialError as error:
            report_refusal(request, error)
            return HttpResponseRedirect(reverse("admin:newsletter_item_revisions", args=[item.pk]))
        messages.success(request, _("The text was restored from that revision, as a new revision."))
        if was_approved and item.state != Item.State.APPROVED:
            messages.warning(
                request, _("《%(title)s》已批准过,恢复后重新进入审校。") % {"title": item}
            )
        return HttpResponseRedirect(reverse("admin:newsletter_item_change", args=[item.pk]))
