"""Reads for the newsroom's pages: the review panel of an item, the dashboard,
and the public contributor page.

Each selector runs a fixed number of queries, whatever the number of items.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.paginator import Page
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from editorial import review, workflow
from editorial.models import AuditEntry, ContributorProfile, ReviewAssignment, ReviewComment
from editorial.permissions.roles import Role
from editorial.permissions.rules import can, issue_is_released, user_roles, users_with_role
from editorial.release.checklist import Problem, issue_checklist
from newsletter.models import Issue, Item
from newsletter.selectors import item_entries_page

DASHBOARD_LIST_LIMIT = 20


def reviewers() -> QuerySet:
    """Return everyone who may be assigned a review: reviewers and editors."""
    return users_with_role(Role.REVIEWER, Role.EDITOR).order_by("username")


@dataclass
class ItemReviewPanel:
    """What the item page shows beside the form: state, buttons, comments, log."""

    item: Item
    transitions: list
    threads: list[ReviewComment]
    open_count: int
    assignment: ReviewAssignment | None
    can_comment: bool
    can_assign: bool
    audit_entries: list[AuditEntry]
    # Buttons left out because they cannot work now: (label, reason) pairs.
    held_back: list[tuple[str, str]] = field(default_factory=list)
    # Whether the user is here to review (may approve or ask for changes).
    is_reviewing: bool = False


# Whitespace runs collapse to one space when a quote is compared with the
# text: a passage selected across paragraphs carries line breaks of its own.
_WHITESPACE = re.compile(r"\s+")


def _flat(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _quote_is_current(quote: str, item: Item) -> bool:
    """Whether `quote` still appears in the item: in its Markdown or as readers read it.

    Reviewers select passages in the rendered view, where `**WASM**` reads
    "WASM", so the quote is looked for in the rendered text as well.
    """
    if not quote:
        return True
    wanted = _flat(quote)
    sources = (item.body, item.remark, strip_tags(item.body_html), strip_tags(item.remark_html))
    return any(wanted in _flat(html.unescape(source)) for source in sources if source)


def _transitions_that_can_work(
    *, item: Item, transitions: list, open_count: int
) -> tuple[list, list[tuple[str, str]]]:
    """Split the transitions the user may run into those that can work now and the rest.

    The services refuse the rest anyway (approval with open threads, taking
    an item of a released issue back to draft); the page shows why instead of
    a button that can only fail.
    """
    usable, held_back = [], []
    for transition in transitions:
        reason = ""
        if transition.name == "approve" and open_count:
            reason = ngettext(
                "还有 %(count)d 条未解决的审校意见。",
                "还有 %(count)d 条未解决的审校意见。",
                open_count,
            ) % {"count": open_count}
        elif (
            transition.name == "return_to_draft"
            and item.state == Item.State.APPROVED
            and issue_is_released(item.issue)
        ):
            reason = _("它所在的一期已排期或发布,请先撤回这一期。")
        if reason:
            held_back.append((str(transition.label), reason))
        else:
            usable.append(transition)
    return usable, held_back


def item_review_panel(*, item: Item, user) -> ItemReviewPanel:
    """Return the review panel of `item` as `user` sees it.

    Each thread carries `replies_list`, `can_resolve` and `quote_is_current`
    (whether the quoted passage is still in the body: comments outlive the
    text they were written about).
    """
    threads = list(
        ReviewComment.objects.filter(item=item)
        .threads()
        .select_related("author", "resolved_by")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=ReviewComment.objects.select_related("author").order_by("created_at"),
                to_attr="replies_list",
            )
        )
    )
    for thread in threads:
        thread.item = item
        thread.can_resolve = can(user, "comment.resolve", thread)
        thread.quote_is_current = _quote_is_current(thread.quote, item)
    assignment = (
        ReviewAssignment.objects.filter(item=item).select_related("reviewer", "assigned_by").first()
    )
    open_count = sum(1 for thread in threads if not thread.is_resolved)
    allowed = workflow.item_transitions_for(item=item, user=user)
    transitions, held_back = _transitions_that_can_work(
        item=item, transitions=allowed, open_count=open_count
    )
    return ItemReviewPanel(
        item=item,
        transitions=transitions,
        held_back=held_back,
        is_reviewing=any(t.name in {"approve", "request_changes"} for t in allowed),
        threads=threads,
        open_count=open_count,
        assignment=assignment,
        can_comment=can(user, "comment.add", item),
        can_assign=can(user, "item.assign_review", item),
        audit_entries=list(
            AuditEntry.objects.for_item(item).select_related("actor")[:DASHBOARD_LIST_LIMIT]
        ),
    )


@dataclass
class IssueProgress:
    """How far the next issue is: items by state and what the checklist says."""

    issue: Issue
    counts: list[tuple[str, int]]
    problems: list[Problem]


@dataclass(frozen=True)
class DueDate:
    """A date someone in the newsroom works towards: a review due, an issue going out."""

    date: date
    item: Item
    kind: str  # "review": I review it by then; "issue": my item's issue goes out then


@dataclass
class Dashboard:
    """The admin home of one person."""

    my_drafts: list[Item] = field(default_factory=list)
    awaiting_my_review: list[Item] = field(default_factory=list)
    changes_requested: list[Item] = field(default_factory=list)
    in_review: list[Item] = field(default_factory=list)
    pool: list[Item] = field(default_factory=list)
    pool_count: int = 0
    my_due_dates: list[DueDate] = field(default_factory=list)
    next_issue: IssueProgress | None = None
    calendar: list[Issue] = field(default_factory=list)
    is_newsroom: bool = False
    is_reviewer: bool = False
    is_editor: bool = False


def next_issue() -> Issue | None:
    """Return the issue being prepared: the earliest one not yet out."""
    return (
        Issue.objects.filter(status__in=[Issue.Status.DRAFT, Issue.Status.SCHEDULED])
        .exclude(pk__in=Issue.objects.public().values("pk"))
        .order_by(F("publish_at").asc(nulls_last=True), "slug")
        .first()
    )


def issue_progress(*, issue: Issue) -> IssueProgress:
    """Return the item counts by state and the checklist of `issue`."""
    by_state = dict(
        issue.items.order_by()
        .values_list("state")
        .annotate(count=Count("pk"))
        .values_list("state", "count")
    )
    counts = [(label, by_state.get(value, 0)) for value, label in Item.State.choices]
    return IssueProgress(issue=issue, counts=counts, problems=issue_checklist(issue=issue))


def editorial_calendar(*, today=None) -> list[Issue]:
    """Return recent and coming issues with their dates, oldest first.

    Issues published in the last 90 days, every issue still to come, and
    undated drafts at the end; each with `item_count`.
    """
    today = today or timezone.now()
    recent = Q(publish_at__gte=today - timedelta(days=90))
    coming = Q(status__in=[Issue.Status.DRAFT, Issue.Status.SCHEDULED])
    return list(
        Issue.objects.filter(recent | coming)
        .annotate(item_count=Count("items"))
        .order_by(F("publish_at").asc(nulls_last=True), "slug")[:DASHBOARD_LIST_LIMIT]
    )


def items_in_review() -> list[Item]:
    """Return the items waiting for a review, longest-waiting first.

    Each carries `in_review_since` (when it last entered review, from the
    audit log; its last change when the log has no such row) and its
    assignment with the reviewer. One query.
    """
    entered = (
        AuditEntry.objects.filter(item=OuterRef("pk"), to_state=Item.State.IN_REVIEW)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return list(
        Item.objects.filter(state=Item.State.IN_REVIEW)
        .annotate(in_review_since=Coalesce(Subquery(entered), F("updated_at")))
        .select_related("author", "review_assignment__reviewer")
        .order_by("in_review_since", "pk")[:DASHBOARD_LIST_LIMIT]
    )


def due_dates_of(*, user, upcoming: Issue | None) -> list[DueDate]:
    """Return the dates `user` works towards, soonest first; two queries.

    Reviews assigned to them with a due date, and their own items not yet
    approved in the next issue, due when that issue goes out.
    """
    dates = [
        DueDate(assignment.due_date, assignment.item, "review")
        for assignment in ReviewAssignment.objects.filter(
            reviewer=user, due_date__isnull=False, item__state=Item.State.IN_REVIEW
        ).select_related("item")[:DASHBOARD_LIST_LIMIT]
    ]
    if upcoming is not None and upcoming.publish_at is not None:
        goes_out = timezone.localdate(upcoming.publish_at)
        dates += [
            DueDate(goes_out, item, "issue")
            for item in upcoming.items.filter(author=user)
            .exclude(state=Item.State.APPROVED)
            .order_by("position", "pk")[:DASHBOARD_LIST_LIMIT]
        ]
    return sorted(dates, key=lambda due: (due.date, due.item.pk))


def dashboard_for(*, user) -> Dashboard:
    """Return the dashboard of `user`: their work, their reviews, the next issue."""
    roles = user_roles(user)
    dashboard = Dashboard(is_newsroom=bool(roles - {Role.ADMINISTRATOR}))
    if not dashboard.is_newsroom:
        return dashboard
    mine = Item.objects.filter(author=user).select_related("issue", "section")
    dashboard.my_drafts = list(
        mine.filter(state=Item.State.DRAFT).order_by("-updated_at")[:DASHBOARD_LIST_LIMIT]
    )
    dashboard.changes_requested = list(
        review.with_open_comment_count(mine.filter(state=Item.State.CHANGES_REQUESTED)).order_by(
            "-updated_at"
        )[:DASHBOARD_LIST_LIMIT]
    )
    dashboard.is_reviewer = bool(roles & {Role.REVIEWER, Role.EDITOR})
    dashboard.is_editor = Role.EDITOR in roles
    upcoming = next_issue()
    if upcoming is not None:
        dashboard.next_issue = issue_progress(issue=upcoming)
    dashboard.my_due_dates = due_dates_of(user=user, upcoming=upcoming)
    if dashboard.is_editor:
        pool = Item.objects.filter(issue__isnull=True, state=Item.State.APPROVED)
        dashboard.pool = list(
            pool.select_related("author", "section").order_by("-updated_at")[:DASHBOARD_LIST_LIMIT]
        )
        dashboard.pool_count = (
            len(dashboard.pool) if len(dashboard.pool) < DASHBOARD_LIST_LIMIT else pool.count()
        )
    if dashboard.is_reviewer:
        dashboard.in_review = items_in_review()
        unassigned = Q(review_assignment__isnull=True) | Q(review_assignment__reviewer__isnull=True)
        dashboard.awaiting_my_review = list(
            Item.objects.filter(state=Item.State.IN_REVIEW)
            .filter(Q(review_assignment__reviewer=user) | unassigned)
            .exclude(author=user)
            .select_related("author", "issue", "review_assignment")
            .order_by(F("review_assignment__due_date").asc(nulls_last=True), "updated_at")[
                :DASHBOARD_LIST_LIMIT
            ]
        )
    dashboard.calendar = editorial_calendar()
    return dashboard


@dataclass
class ContributorPage:
    """A contributor's public page: their profile and a page of their published work.

    `entries` is a Django Page of `newsletter.selectors.ItemEntry`: the public
    items they wrote or reviewed, newest first.
    """

    profile: ContributorProfile
    written_count: int
    reviewed_count: int
    entries: Page


def contributor_page(*, username: str, number: str | None = None) -> ContributorPage | None:
    """Return page `number` of the public page of `username`, or None when readers may not
    see one.

    None for an unknown user, a profile that is not public, or someone with no
    public item written or reviewed: a page with nothing on it would only tell
    that the account exists. Starts from `Item.objects.public()`; three queries
    whatever the number of items. Raises Http404 for a page that does not exist.
    """
    profile = (
        ContributorProfile.objects.select_related("user")
        .filter(user__username=username, is_public=True)
        .first()
    )
    if profile is None:
        return None
    user = profile.user
    # An item they wrote and also approved (an editor's own correction) counts once, as written.
    reviewed = Q(reviewer=user) & ~Q(author=user)
    work = Item.objects.public().filter(Q(author=user) | reviewed)
    counts = work.aggregate(
        written=Count("pk", filter=Q(author=user)), reviewed=Count("pk", filter=reviewed)
    )
    if not counts["written"] and not counts["reviewed"]:
        return None
    return ContributorPage(
        profile=profile,
        written_count=counts["written"],
        reviewed_count=counts["reviewed"],
        entries=item_entries_page(
            work, number=number, count=counts["written"] + counts["reviewed"]
        ),
    )
