"""The newsroom's extra admin pages: workflow buttons, comments, the release desk.

Each view is mounted by a ModelAdmin's `get_urls()` through
`admin_site.admin_view` (staff login, CSRF, no caching) and receives that
ModelAdmin. Views are thin: read the form, call the service in
`editorial.workflow`, turn a `WorkflowError` into a message. A refusal because
of the user's role answers 403: the page never offered that button.
"""

from collections.abc import Callable
from functools import wraps
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from editorial import selectors, workflow
from editorial.forms import (
    ArrangeForm,
    PlaceItemForm,
    ReviewAssignmentForm,
    ReviewCommentForm,
    ScheduleForm,
    TransitionForm,
    WithdrawForm,
)
from editorial.models import ReviewComment
from editorial.preview import preview_url
from newsletter.models import Issue, Item, Section


def _report(request, error: workflow.WorkflowError) -> None:
    if isinstance(error, workflow.NotAllowed):
        raise PermissionDenied(" ".join(error.messages)) from error
    for message in error.messages:
        messages.error(request, message)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


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


@require_POST
def item_transition(request, object_id, action: str, *, model_admin):
    """Run one transition on an item (a button of the item page)."""
    item = _item_or_404(request, model_admin, object_id)
    transition = workflow.ITEM_TRANSITIONS.get(f"item.{action}")
    if transition is None:
        raise Http404(_("No such transition."))
    form = TransitionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        if action == "request_changes":
            item = workflow.item_request_changes(
                item=item, actor=request.user, comment=data["comment"], quote=data["quote"]
            )
        else:
            item = ITEM_SERVICES[action](item=item, actor=request.user, note=data["note"])
    except workflow.WorkflowError as error:
        _report(request, error)
    else:
        messages.success(
            request,
            _("《%(title)s》:%(label)s,现在是「%(state)s」。")
            % {"title": item, "label": transition.label, "state": item.get_state_display()},
        )
    return HttpResponseRedirect(_item_url(item))


@require_POST
def comment_add(request, object_id, *, model_admin):
    """Add a review comment, or a reply when the form names a parent."""
    item = _item_or_404(request, model_admin, object_id)
    form = ReviewCommentForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return HttpResponseRedirect(_item_url(item) + "#review-comments")
    parent = None
    if form.cleaned_data["parent"]:
        parent = get_object_or_404(ReviewComment, pk=form.cleaned_data["parent"], item=item)
    try:
        comment = workflow.comment_create(
            item=item,
            author=request.user,
            body=form.cleaned_data["body"],
            quote=form.cleaned_data["quote"],
            parent=parent,
        )
    except workflow.WorkflowError as error:
        _report(request, error)
        return HttpResponseRedirect(_item_url(item) + "#review-comments")
    messages.success(request, _("评论已添加。"))
    return HttpResponseRedirect(_item_url(item) + f"#comment-{comment.pk}")


@require_POST
def comment_resolution(request, object_id, comment_id, action: str, *, model_admin):
    """Resolve or reopen a review thread."""
    item = _item_or_404(request, model_admin, object_id)
    comment = get_object_or_404(ReviewComment, pk=comment_id, item=item)
    service = {"resolve": workflow.comment_resolve, "reopen": workflow.comment_reopen}.get(action)
    if service is None:
        raise Http404(_("No such action."))
    try:
        service(comment=comment, actor=request.user)
    except workflow.WorkflowError as error:
        _report(request, error)
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
        _form_errors(request, form)
        return HttpResponseRedirect(_item_url(item))
    try:
        workflow.review_assign(
            item=item,
            actor=request.user,
            reviewer=form.cleaned_data["reviewer"],
            due_date=form.cleaned_data["due_date"],
        )
    except workflow.WorkflowError as error:
        _report(request, error)
    else:
        messages.success(request, _("审校指派已更新。"))
    return HttpResponseRedirect(_item_url(item))


# ---------------------------------------------------------------------------
# The release desk of an issue
# ---------------------------------------------------------------------------


def _issue_for_desk(request, model_admin, object_id) -> Issue:
    issue = model_admin.get_object(request, object_id)
    if issue is None:
        raise Http404(_("No such issue."))
    if not workflow.can(request.user, "issue.arrange", issue):
        raise PermissionDenied
    return issue


def _desk_url(issue: Issue) -> str:
    return reverse("admin:newsletter_issue_release", args=[issue.pk])


def _desk_action(view):
    """Wrap a release-desk POST: fetch the issue, report refusals, go back to the desk."""

    @wraps(view)
    @require_POST
    def wrapper(request, object_id, *, model_admin):
        issue = _issue_for_desk(request, model_admin, object_id)
        try:
            message = view(request, issue)
        except workflow.WorkflowError as error:
            _report(request, error)
        else:
            if message:
                messages.success(request, message)
        return HttpResponseRedirect(_desk_url(issue))

    return wrapper


def _sections():
    return Section.objects.order_by("position", "name")


def _pool():
    return Item.objects.filter(issue__isnull=True, state=Item.State.APPROVED).select_related(
        "section", "author"
    )


@require_safe
def issue_release(request, object_id, *, model_admin):
    """The release desk: items by section, the pool, the checklist, release buttons."""
    issue = _issue_for_desk(request, model_admin, object_id)
    items = list(
        selectors.with_open_comment_count(issue.items.select_related("section", "author")).order_by(
            "section__position", "section__name", "position", "pk"
        )
    )
    sections = _sections()
    arrange = ArrangeForm(items=items, sections=sections)
    rows = arrange.rows()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Release desk: %(issue)s") % {"issue": issue},
        "issue": issue,
        "is_live": Issue.objects.public().filter(pk=issue.pk).exists(),
        "blocks": [
            (section, list(group)) for section, group in groupby(rows, key=lambda r: r[0].section)
        ],
        "pool": list(_pool().order_by("-updated_at")),
        "sections": list(sections),
        "problems": workflow.issue_checklist(issue=issue),
        "schedule_form": ScheduleForm(initial={"publish_at": issue.publish_at}),
        "withdraw_form": WithdrawForm(),
        "audit_entries": issue.audit_entries.select_related("actor", "item")[:20],
        "preview_url": preview_url(issue),
    }
    return TemplateResponse(request, "editorial/admin/issue_release.html", context)


@_desk_action
def issue_arrange(request, issue: Issue):
    """Save the sections and positions typed in, or move one item up or down."""
    move = request.POST.get("move", "")
    if move:
        item_id, _sep, direction = move.partition(":")
        item = get_object_or_404(Item, pk=item_id, issue=issue)
        offset = -1 if direction == "up" else 1
        workflow.issue_move_item(issue=issue, item=item, actor=request.user, offset=offset)
        return _("顺序已更新。")
    form = ArrangeForm(request.POST, items=issue.items.order_by("pk"), sections=_sections())
    if not form.is_valid():
        raise workflow.WorkflowError([_("请为每个条目选择栏目并填写大于 0 的序号。")])
    workflow.issue_arrange(issue=issue, actor=request.user, placements=form.placements())
    return _("顺序已更新。")


@_desk_action
def issue_place(request, issue: Issue):
    """Pull an approved item from the pool into a section."""
    form = PlaceItemForm(request.POST, pool=_pool(), sections=_sections())
    if not form.is_valid():
        raise workflow.WorkflowError([_("请选择素材池中的条目和要放入的栏目。")])
    item = workflow.issue_place_item(
        issue=issue,
        item=form.cleaned_data["item"],
        section=form.cleaned_data["section"],
        actor=request.user,
    )
    return _("《%(title)s》已放入本期。") % {"title": item}


@_desk_action
def issue_unplace(request, issue: Issue):
    """Send an item of the issue back to the pool."""
    item = get_object_or_404(Item, pk=request.POST.get("item"), issue=issue)
    workflow.issue_unplace_item(issue=issue, item=item, actor=request.user)
    return _("《%(title)s》已移回素材池。") % {"title": item}


@_desk_action
def issue_schedule(request, issue: Issue):
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        raise workflow.WorkflowError([_("请填写有效的发布时间。")])
    issue = workflow.issue_schedule(
        issue=issue, actor=request.user, publish_at=form.cleaned_data["publish_at"]
    )
    return _("「%(issue)s」已排期,将在 %(time)s 自动上线。") % {
        "issue": issue,
        "time": timezone.localtime(issue.publish_at).strftime("%Y-%m-%d %H:%M"),
    }


@_desk_action
def issue_publish(request, issue: Issue):
    issue = workflow.issue_publish(issue=issue, actor=request.user)
    return _("「%(issue)s」已发布。") % {"issue": issue}


@_desk_action
def issue_withdraw(request, issue: Issue):
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        raise workflow.WorkflowError([_("撤回一期需要写明原因。")])
    issue = workflow.issue_withdraw(
        issue=issue, actor=request.user, reason=form.cleaned_data["reason"]
    )
    return _("「%(issue)s」已撤回。") % {"issue": issue}
