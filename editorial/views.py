"""The item page's extra admin actions: workflow buttons, review comments,
review assignment.

Each view is mounted by a ModelAdmin's `get_urls()` through
`admin_site.admin_view` (staff login, CSRF, no caching) and receives that
ModelAdmin. Views are thin: read the form, call the service
(`editorial.workflow`, `editorial.review`), turn an `EditorialError` into a
message. A refusal because of the user's role answers 403: the page never
offered that button.
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from editorial import review, selectors, workflow
from editorial.errors import EditorialError, report_form_errors, report_refusal
from editorial.forms import ReviewAssignmentForm, ReviewCommentForm, TransitionForm
from editorial.models import ReviewComment
from newsletter.models import Item


def _item_or_404(request, model_admin, object_id) -> Item:
    # The admin's queryset already limits contributors to their own items, so
    # somebody else's item answers 404 as if it did not exist.
    item = model_admin.get_object(request, object_id)
    if item is None:
        raise Http404(_("No such item."))
    return item


def _item_url(item: Item) -> str:
    return reverse("admin:newsletter_item_change", args=[item.pk])


ITEM_SERVICES: dict[str, Callable] = {
    "submit": workflow.item_submit,
    "resubmit": workflow.item_resubmit,
    "approve": workflow.item_approve,
    "return_to_draft": workflow.item_return_to_draft,
}


def item_transition_run(request, *, item: Item, action: str, data: dict) -> Item:
    """Run the transition named `action` ("submit") on `item` and say how it went.

    `data` holds what the page posted: `note`, and `comment` and `quote` when
    asking for changes. The outcome is a message; a refusal of who is asking
    is a 403 (the page never offered that button). Returns the item as it is now.
    Raises Http404 for an unknown action.
    """
    transition = workflow.ITEM_TRANSITIONS.get(f"item.{action}")
    if transition is None:
        raise Http404(_("No such transition."))
    try:
        if action == "request_changes":
            item = workflow.item_request_changes(
                item=item,
                actor=request.user,
                comment=data.get("comment", ""),
                quote=data.get("quote", ""),
            )
        else:
            item = ITEM_SERVICES[action](item=item, actor=request.user, note=data.get("note", ""))
    except EditorialError as error:
        report_refusal(request, error)
    else:
        messages.success(
            request,
            _("《%(title)s》:%(label)s,现在是「%(state)s」。")
            % {"title": item, "label": transition.label, "state": item.get_state_display()},
        )
    return item


@require_POST
def item_transition(request, object_id, action: str, *, model_admin):
    """Run one transition on an item (a button of the item page for who cannot edit it)."""
    item = _item_or_404(request, model_admin, object_id)
    form = TransitionForm(request.POST)
    form.is_valid()
    item = item_transition_run(request, item=item, action=action, data=form.cleaned_data)
    return HttpResponseRedirect(_item_url(item))


@require_POST
def comment_add(request, object_id, *, model_admin):
    """Add a review comment, or a reply when the form names a parent."""
    item = _item_or_404(request, model_admin, object_id)
    form = ReviewCommentForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return HttpResponseRedirect(_item_url(item) + "#review-comments")
    parent = None
    if form.cleaned_data["parent"]:
        parent = get_object_or_404(ReviewComment, pk=form.cleaned_data["parent"], item=item)
    try:
        comment = review.comment_create(
            item=item,
            author=request.user,
            body=form.cleaned_data["body"],
            quote=form.cleaned_data["quote"],
            parent=parent,
        )
    except EditorialError as error:
        report_refusal(request, error)
        return HttpResponseRedirect(_item_url(item) + "#review-comments")
    messages.success(request, _("评论已添加。"))
    return HttpResponseRedirect(_item_url(item) + f"#comment-{comment.pk}")


@require_POST
def comment_resolution(request, object_id, comment_id, action: str, *, model_admin):
    """Resolve or reopen a review thread."""
    item = _item_or_404(request, model_admin, object_id)
    comment = get_object_or_404(ReviewComment, pk=comment_id, item=item)
    service = {"resolve": review.comment_resolve, "reopen": review.comment_reopen}.get(action)
    if service is None:
        raise Http404(_("No such action."))
    try:
        service(comment=comment, actor=request.user)
    except EditorialError as error:
        report_refusal(request, error)
    else:
        messages.success(
            request, _("意见已标记为解决。") if action == "resolve" else _("意见已重新打开。")
        )
    return HttpResponseRedirect(_item_url(item) + f"#comment-{comment.parent_id or comment.pk}")


@require_POST
def review_assignment(request, object_id, *, model_admin):
    """Assign the item's reviewer and due date."""
    item = _item_or_404(request, model_admin, object_id)
    form = ReviewAssignmentForm(request.POST, reviewers=selectors.reviewers())
    if not form.is_valid():
        report_form_errors(request, form)
        return HttpResponseRedirect(_item_url(item))
    try:
        review.review_assign(
            item=item,
            actor=request.user,
            reviewer=form.cleaned_data["reviewer"],
            due_date=form.cleaned_data["due_date"],
        )
    except EditorialError as error:
        report_refusal(request, error)
    else:
        messages.success(request, _("审校指派已更新。"))
    return HttpResponseRedirect(_item_url(item))
