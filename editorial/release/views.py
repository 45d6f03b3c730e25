"""The release desk of an issue: its items by section, the pool of approved
items, the checklist, the schedule, publish and withdraw buttons, and, once
the issue is out, sending it to subscribers with its delivery report.

Mounted by the Issue admin's `get_urls()`; each POST calls one service of
`editorial.release` and goes back to the desk with a message. Scheduling and
publishing are confirmed first: their GET is a page saying how many items go
out, when (with the time zone) and who is emailed.
"""

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
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from editorial.errors import EditorialError, ReleaseRefused, report_refusal
from editorial.permissions.rules import can
from editorial.release import assembly, desk, publishing, sending
from editorial.release.checklist import issue_checklist
from editorial.release.forms import (
    ArrangeForm,
    PlaceItemForm,
    ScheduleForm,
    SendTestForm,
    WithdrawForm,
)
from editorial.release.preview import preview_url
from editorial.review import with_open_comment_count
from newsletter.models import Issue, Item, Section, Subscriber
from newsletter.subscribers.delivery import delivery_report


def _issue_for_desk(request, model_admin, object_id) -> Issue:
    issue = model_admin.get_object(request, object_id)
    if issue is None:
        raise Http404(_("No such issue."))
    if not can(request.user, "issue.arrange", issue):
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
        except EditorialError as error:
            report_refusal(request, error)
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
        with_open_comment_count(issue.items.select_related("section", "author")).in_issue_order()
    )
    sections = _sections()
    arrange = ArrangeForm(items=items, sections=sections)
    rows = arrange.rows()
    problems = issue_checklist(issue=issue)
    is_live = issue.is_public()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Release desk: %(issue)s") % {"issue": issue},
        "issue": issue,
        "is_live": is_live,
        "actions": desk.desk_actions(issue=issue, problems=problems, is_live=is_live),
        "time_zone": desk.time_zone_label(),
        "blocks": [
            (section, list(group)) for section, group in groupby(rows, key=lambda r: r[0].section)
        ],
        "pool": list(_pool().order_by("-updated_at")),
        "sections": list(sections),
        "problems": problems,
        "schedule_form": ScheduleForm(initial={"publish_at": issue.publish_at}),
        "withdraw_form": WithdrawForm(),
        "audit_entries": issue.audit_entries.select_related("actor", "item")[:20],
        "notified_count": len(desk.release_plan(issue=issue).notified),
        "preview_url": preview_url(issue),
        **_sending_context(request, issue),
    }
    return TemplateResponse(request, "editorial/admin/issue_release.html", context)


def _sending_context(request, issue: Issue) -> dict:
    """What the desk's "Send to subscribers" panel shows."""
    report = delivery_report(issue=issue)
    return {
        "can_send": can(request.user, "issue.send", issue),
        "send_test_form": SendTestForm(initial={"to": request.user.email}),
        "test_sent": sending.issue_was_test_sent(issue),
        "subscriber_count": Subscriber.objects.receiving().count(),
        "delivery": report,
        "sending_unfinished": report.counts["pending"] + report.counts["sending"] > 0,
    }


@_desk_action
def issue_arrange(request, issue: Issue):
    """Save the sections and positions typed in, or move one item up or down."""
    move = request.POST.get("move", "")
    if move:
        item_id, _sep, direction = move.partition(":")
        item = get_object_or_404(Item, pk=item_id, issue=issue)
        offset = -1 if direction == "up" else 1
        assembly.issue_move_item(issue=issue, item=item, actor=request.user, offset=offset)
        return _("顺序已更新。")
    form = ArrangeForm(request.POST, items=issue.items.order_by("pk"), sections=_sections())
    if not form.is_valid():
        raise ReleaseRefused([_("请为每个条目选择栏目并填写大于 0 的序号。")])
    assembly.issue_arrange(issue=issue, actor=request.user, placements=form.placements())
    return _("顺序已更新。")


@_desk_action
def issue_place(request, issue: Issue):
    """Pull an approved item from the pool into a section."""
    form = PlaceItemForm(request.POST, pool=_pool(), sections=_sections())
    if not form.is_valid():
        raise ReleaseRefused([_("请选择素材池中的条目和要放入的栏目。")])
    item = assembly.issue_place_item(
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
    assembly.issue_unplace_item(issue=issue, item=item, actor=request.user)
    return _("《%(title)s》已移回素材池。") % {"title": item}


def _confirmation(request, model_admin, object_id, *, action: str):
    """The page that says what a release will do and asks to confirm it (a GET)."""
    issue = _issue_for_desk(request, model_admin, object_id)
    publish_at = None
    if action == "schedule":
        form = ScheduleForm(request.GET)
        if not form.is_valid():
            messages.error(request, _("请填写有效的发布时间。"))
            return HttpResponseRedirect(_desk_url(issue))
        publish_at = form.cleaned_data["publish_at"]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("确认发布「%(issue)s」") % {"issue": issue}
        if action == "publish"
        else _("确认排期「%(issue)s」") % {"issue": issue},
        "issue": issue,
        "action": action,
        "plan": desk.release_plan(issue=issue, publish_at=publish_at),
        "publish_at_value": publish_at
        and timezone.localtime(publish_at).strftime("%Y-%m-%dT%H:%M"),
        "problems": issue_checklist(issue=issue),
        "time_zone": desk.time_zone_label(publish_at),
    }
    return TemplateResponse(request, "editorial/admin/issue_release_confirm.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def issue_schedule(request, object_id, *, model_admin):
    """GET: what scheduling at `publish_at` will do, to confirm; POST: schedule."""
    if request.method != "POST":
        return _confirmation(request, model_admin, object_id, action="schedule")
    return _issue_schedule(request, object_id, model_admin=model_admin)


@require_http_methods(["GET", "HEAD", "POST"])
def issue_publish(request, object_id, *, model_admin):
    """GET: what publishing now will do, to confirm; POST: publish."""
    if request.method != "POST":
        return _confirmation(request, model_admin, object_id, action="publish")
    return _issue_publish(request, object_id, model_admin=model_admin)


@_desk_action
def _issue_schedule(request, issue: Issue):
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        raise ReleaseRefused([_("请填写有效的发布时间。")])
    issue = publishing.issue_schedule(
        issue=issue, actor=request.user, publish_at=form.cleaned_data["publish_at"]
    )
    return _("「%(issue)s」已排期,将在 %(time)s 自动上线。") % {
        "issue": issue,
        "time": desk.zoned_time(issue.publish_at),
    }


@_desk_action
def _issue_publish(request, issue: Issue):
    issue = publishing.issue_publish(issue=issue, actor=request.user)
    return _("「%(issue)s」已发布。") % {"issue": issue}


@_desk_action
def issue_withdraw(request, issue: Issue):
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        raise ReleaseRefused([_("撤回一期需要写明原因。")])
    issue = publishing.issue_withdraw(
        issue=issue, actor=request.user, reason=form.cleaned_data["reason"]
    )
    return _("「%(issue)s」已撤回。") % {"issue": issue}


@_desk_action
def issue_send_test(request, issue: Issue):
    """Send the issue's email to the address typed in (one's own), at once."""
    form = SendTestForm(request.POST)
    if not form.is_valid():
        raise ReleaseRefused([_("请填写接收测试邮件的地址。")])
    to = sending.issue_send_test(issue=issue, actor=request.user, to=form.cleaned_data["to"])
    return _("测试邮件已发到 %(to)s。请检查无误后再发送给全部订阅者。") % {"to": to}


@_desk_action
def issue_send(request, issue: Issue):
    """Send the issue to every confirmed subscriber; only after a test send."""
    if not sending.issue_was_test_sent(issue):
        raise ReleaseRefused([_("请先给自己发一封测试邮件,检查无误后再发送给全部订阅者。")])
    created = sending.issue_send(issue=issue, actor=request.user)
    return _("开始发送:%(count)d 位订阅者将收到「%(issue)s」。进度见下方发送报告。") % {
        "count": created,
        "issue": issue,
    }
