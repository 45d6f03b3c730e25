"""Releasing an issue: schedule, publish (now, or by itself when its time
comes: `issue_publish_due`), withdraw. Each is one transaction that locks the
issue, checks it, moves its status and writes one audit row.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial import notifications
from editorial.audit import audit_entry_create
from editorial.errors import ReleaseRefused
from editorial.locks import issue_lock
from editorial.models import AuditAction
from editorial.permissions.rules import issue_is_released, require
from editorial.release.checklist import checklist_require
from newsletter.models import Issue
from newsletter.search.index import search_index_update_issue


def issue_schedule(*, issue: Issue, actor, publish_at: datetime) -> Issue:
    """Schedule `issue` to go live at `publish_at`; it then appears by itself.

    Returns the issue. Raises `ReleaseRefused` when `publish_at` is not in the
    future, the issue is already published, or the checklist finds problems
    (one message per problem).
    """
    with transaction.atomic():
        issue = issue_lock(issue)
        require(actor, "issue.schedule", issue)
        if issue.status == Issue.Status.PUBLISHED:
            raise ReleaseRefused(_("「%(issue)s」已经发布了。") % {"issue": issue})
        if publish_at is None or publish_at <= timezone.now():
            raise ReleaseRefused(_("发布时间必须晚于现在。"))
        if issue.is_public():
            raise ReleaseRefused(_("「%(issue)s」已经上线,不能再改期。") % {"issue": issue})
        checklist_require(issue)
        issue.publish_at = publish_at
        _issue_move(
            issue,
            actor=actor,
            action=AuditAction.ISSUE_SCHEDULE,
            to_status=Issue.Status.SCHEDULED,
            data={"publish_at": publish_at},
        )
    return issue


def _issue_move(
    issue: Issue, *, actor, action: AuditAction, to_status: str, note: str = "", data=None
) -> Issue:
    """Set the issue's status, save it validated, index what is now public, write one audit row."""
    from_status = issue.status
    issue.status = to_status
    issue.full_clean()
    issue.save()
    # In the same transaction: published items become searchable, withdrawn
    # ones stop being found, as the move commits.
    search_index_update_issue(issue=issue)
    audit_entry_create(
        actor=actor,
        action=action,
        issue=issue,
        from_state=from_status,
        to_state=to_status,
        note=note,
        data=data or {},
    )
    return issue


def _mark_published(issue: Issue, *, actor, action: AuditAction) -> Issue:
    now = timezone.now()
    if issue.publish_at is None or issue.publish_at > now:
        issue.publish_at = now
    issue.published_at = now
    _issue_move(
        issue,
        actor=actor,
        action=action,
        to_status=Issue.Status.PUBLISHED,
        data={"publish_at": issue.publish_at},
    )
    notifications.issue_published(issue=issue)
    return issue


def issue_publish(*, issue: Issue, actor) -> Issue:
    """Publish `issue` now, in one transaction, and tell its contributors.

    A scheduled issue whose time has passed keeps its publish time; otherwise
    the publish time becomes now. Returns the issue. Raises `ReleaseRefused`
    when it is already published or the checklist finds problems.
    """
    with transaction.atomic():
        issue = issue_lock(issue)
        require(actor, "issue.publish", issue)
        if issue.status == Issue.Status.PUBLISHED:
            raise ReleaseRefused(_("「%(issue)s」已经发布了。") % {"issue": issue})
        checklist_require(issue)
        return _mark_published(issue, actor=actor, action=AuditAction.ISSUE_PUBLISH)


def issue_withdraw(*, issue: Issue, actor, reason: str) -> Issue:
    """Take a scheduled or published issue off the site, with a reason.

    Returns the issue. Raises `ReleaseRefused` without a reason or for an
    issue that is not released.
    """
    reason = reason.strip()
    if not reason:
        raise ReleaseRefused(_("撤回一期需要写明原因。"))
    with transaction.atomic():
        issue = issue_lock(issue)
        require(actor, "issue.withdraw", issue)
        if not issue_is_released(issue):
            raise ReleaseRefused(_("「%(issue)s」没有排期也没有发布,无需撤回。") % {"issue": issue})
        _issue_move(
            issue,
            actor=actor,
            action=AuditAction.ISSUE_WITHDRAW,
            to_status=Issue.Status.WITHDRAWN,
            note=reason,
        )
    return issue


def issue_publish_due() -> list[Issue]:
    """Mark scheduled issues whose time has passed as published and announce them.

    The issues are already visible (visibility follows `publish_at`); this
    records the publication and sends the emails. Each issue is its own
    transaction, and a row another run holds is skipped, so running it twice,
    or twice at once, announces every issue exactly once. Returns the issues
    it published.
    """
    due = list(
        Issue.objects.filter(status=Issue.Status.SCHEDULED, publish_at__lte=timezone.now())
        .order_by("publish_at")
        .values_list("pk", flat=True)
    )
    published = []
    for pk in due:
        with transaction.atomic():
            issue = (
                Issue.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Issue.Status.SCHEDULED, publish_at__lte=timezone.now())
                .first()
            )
            if issue is None:
                continue
            published.append(
                _mark_published(issue, actor=None, action=AuditAction.ISSUE_PUBLISH_DUE)
            )
    return published
