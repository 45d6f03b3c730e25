"""The newsroom's rules, in one place.

* The role matrix: `can(user, action, obj)` answers and `require(...)` enforces
  who may do what. The admin asks it for every page and button, and every
  service below calls `require` itself, so hiding a button is never the only
  guard.
* Item transitions (`item_submit`, `item_approve`…), one function each in the
  Wagtail shape: lock the row, check the current state, change it, write one
  audit row, send notifications once the transaction commits.
* Review comments and assignments, and the issue as a release: assembly,
  the publish checklist, schedule, publish, withdraw.

Every refusal raises `WorkflowError` with a sentence meant for the editor.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Trim
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from editorial import notifications
from editorial.models import AuditEntry, ReviewAssignment, ReviewComment
from editorial.roles import ADMINISTRATOR, CONTRIBUTOR, EDITOR, REVIEWER, ROLES
from newsletter.models import Issue, Item, ItemFigure, Section

User = get_user_model()


class WorkflowError(ValidationError):
    """A transition, edit or placement the workflow refuses.

    `messages` holds one sentence per reason, written for the editor.
    """


class NotAllowed(WorkflowError):
    """Refused because of who is asking, not because of the object's state."""


# ---------------------------------------------------------------------------
# Roles and the permission matrix
# ---------------------------------------------------------------------------


def user_roles(user) -> frozenset[str]:
    """Return the roles (group names) of `user`; a superuser holds every role.

    Cached on the user object: the admin asks many times per request.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_editorial_roles", None)
    if cached is None:
        if user.is_superuser:
            cached = frozenset(ROLES)
        else:
            cached = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._editorial_roles = cached
    return cached


def _is_author(user, item: Item | None) -> bool:
    return item is not None and item.author_id is not None and item.author_id == user.pk


def _issue_released(issue: Issue | None) -> bool:
    """Scheduled or published: readers see it now or will without anyone acting."""
    return issue is not None and issue.status in (Issue.Status.SCHEDULED, Issue.Status.PUBLISHED)


def _one_of(*allowed: str, refusal: str) -> Callable:
    def rule(user, roles, obj):
        return None if roles & set(allowed) else str(refusal)

    return rule


def _item_view(user, roles, item):
    if roles & {REVIEWER, EDITOR}:
        return None
    if CONTRIBUTOR in roles and (item is None or _is_author(user, item)):
        return None
    return _("你只能查看自己写的条目。")


def _item_change(user, roles, item):
    if EDITOR in roles:
        return None
    if CONTRIBUTOR in roles and item is None:
        return None
    if CONTRIBUTOR in roles and _is_author(user, item):
        if _issue_released(item.issue):
            return _("《%(title)s》所在的一期已排期或发布,只有主编可以修改。") % {"title": item}
        return None
    return _("你只能修改自己写的条目。")


def _item_delete(user, roles, item):
    if EDITOR in roles:
        return None
    if CONTRIBUTOR in roles and (item is None or _is_author(user, item)):
        if item is None or item.state == Item.State.DRAFT:
            return None
        return _("只能删除自己尚未提交的草稿。")
    return _("你只能删除自己写的草稿。")


def _authors_action(user, roles, item):
    """Submit, resubmit, return to draft: the item's author, or an editor for them."""
    if EDITOR in roles:
        return None
    if CONTRIBUTOR in roles and (item is None or _is_author(user, item)):
        return None
    return _("只有条目的作者或主编可以这样做。")


def _review_decision(user, roles, item):
    """Approve or request changes: a reviewer or editor, never on their own item."""
    if not roles & {REVIEWER, EDITOR}:
        return _("只有审校或主编可以审校条目。")
    if _is_author(user, item):
        return _("不能审校自己写的条目。")
    return None


def _comment_resolve(user, roles, comment):
    if roles & {REVIEWER, EDITOR}:
        return None
    if comment is None:
        return None if CONTRIBUTOR in roles else _("你不能处理这条审校意见。")
    if comment.author_id == user.pk or _is_author(user, comment.item):
        return None
    return _("只有意见的作者、条目的作者、审校或主编可以处理这条意见。")


def _profile_change(user, roles, profile):
    """A member edits their own contributor profile; an Administrator edits anyone's."""
    if ADMINISTRATOR in roles:
        return None
    if roles and (profile is None or profile.user_id == user.pk):
        return None
    return _("你只能修改自己的资料。")


_EDITOR_ONLY = _one_of(EDITOR, refusal=gettext_lazy("只有主编可以这样做。"))
_NEWSROOM = _one_of(
    CONTRIBUTOR, REVIEWER, EDITOR, refusal=gettext_lazy("你不在编辑部的任何角色中。")
)

# The permission matrix of DESIGN.md. Each rule returns None when `user` may
# act, or the sentence that explains the refusal.
RULES: dict[str, Callable] = {
    "item.view": _item_view,
    "item.add": _one_of(
        CONTRIBUTOR, EDITOR, refusal=gettext_lazy("只有撰稿人或主编可以新建条目。")
    ),
    "item.change": _item_change,
    "item.delete": _item_delete,
    "item.submit": _authors_action,
    "item.resubmit": _authors_action,
    "item.return_to_draft": _authors_action,
    "item.request_changes": _review_decision,
    "item.approve": _review_decision,
    "item.correct": _one_of(EDITOR, refusal=gettext_lazy("只有主编可以做发布后的勘误。")),
    "item.assign_review": _one_of(
        REVIEWER, EDITOR, refusal=gettext_lazy("只有审校或主编可以指派审校。")
    ),
    "comment.add": _item_view,
    "comment.resolve": _comment_resolve,
    "issue.view": _one_of(REVIEWER, EDITOR, refusal=gettext_lazy("只有审校或主编可以查看期刊。")),
    "issue.add": _EDITOR_ONLY,
    "issue.change": _EDITOR_ONLY,
    "issue.delete": _EDITOR_ONLY,
    "issue.arrange": _EDITOR_ONLY,
    "issue.schedule": _EDITOR_ONLY,
    "issue.publish": _EDITOR_ONLY,
    "issue.withdraw": _EDITOR_ONLY,
    "section.view": _NEWSROOM,
    "section.manage": _EDITOR_ONLY,
    "project.view": _NEWSROOM,
    "project.manage": _EDITOR_ONLY,
    "audit.view": _one_of(
        EDITOR, ADMINISTRATOR, refusal=gettext_lazy("只有主编或管理员可以查看操作日志。")
    ),
    "account.manage": _one_of(ADMINISTRATOR, refusal=gettext_lazy("只有管理员可以管理账号。")),
    "profile.change": _profile_change,
}


def require(user, action: str, obj=None) -> None:
    """Raise `NotAllowed` unless `user` may perform `action` (on `obj`).

    `obj` is the item, issue or comment acted on; without it the answer is
    whether the user may perform the action on some object at all (what the
    admin needs to decide whether to show a menu entry).
    """
    rule = RULES[action]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise NotAllowed(_("请先登录。"))
    reason = rule(user, user_roles(user), obj)
    if reason is not None:
        raise NotAllowed(reason)


def can(user, action: str, obj=None) -> bool:
    """Return whether `user` may perform `action` (on `obj`); see `require`."""
    try:
        require(user, action, obj)
    except NotAllowed:
        return False
    return True


def items_visible_to(user, queryset=None):
    """Return the items `user` may open in the admin: contributors see their own."""
    queryset = Item.objects.all() if queryset is None else queryset
    roles = user_roles(user)
    if roles & {REVIEWER, EDITOR}:
        return queryset
    if CONTRIBUTOR in roles:
        return queryset.filter(author=user)
    return queryset.none()


def users_with_role(*roles: str):
    """Return active users holding any of `roles` (superusers hold all of them)."""
    return User.objects.filter(
        Q(groups__name__in=roles) | Q(is_superuser=True), is_active=True
    ).distinct()


# ---------------------------------------------------------------------------
# Audit
# ---------------------------------------------------------------------------


def audit_entry_create(
    *,
    actor,
    action: str,
    item: Item | None = None,
    issue: Issue | None = None,
    account=None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
    object_repr: str = "",
) -> AuditEntry:
    """Write one row of the audit log and return it. `actor` None means the system.

    The subject is `item`, `issue` or `account` (a user); `object_repr` names
    a subject that is none of these, such as an invited email address.
    """
    subject = next((s for s in (item, issue, account) if s is not None), None)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        item=item,
        issue=issue,
        account=account,
        object_repr=(object_repr or (str(subject) if subject is not None else ""))[:300],
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )


# ---------------------------------------------------------------------------
# Item transitions
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    label: str

    @property
    def name(self) -> str:
        """The action without its prefix, as used in URLs: "submit"."""
        return self.action.partition(".")[2]


S = Item.State
ITEM_TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("item.submit", frozenset({S.DRAFT}), S.IN_REVIEW, gettext_lazy("提交审校")),
        Transition(
            "item.resubmit",
            frozenset({S.CHANGES_REQUESTED}),
            S.IN_REVIEW,
            gettext_lazy("修改后重新提交"),
        ),
        Transition(
            "item.request_changes",
            frozenset({S.IN_REVIEW}),
            S.CHANGES_REQUESTED,
            gettext_lazy("要求修改"),
        ),
        Transition("item.approve", frozenset({S.IN_REVIEW}), S.APPROVED, gettext_lazy("批准")),
        Transition(
            "item.return_to_draft",
            frozenset({S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED}),
            S.DRAFT,
            gettext_lazy("退回草稿"),
        ),
    )
}

# Fields whose change is assembly, not writing: moving an approved item around
# the issue does not send it back to review.
PLACEMENT_FIELDS = frozenset({"issue", "section", "position", "author"})


def item_transitions_for(*, item: Item, user) -> list[Transition]:
    """Return the transitions `user` may perform on `item` in its current state."""
    return [
        transition
        for transition in ITEM_TRANSITIONS.values()
        if item.state in transition.sources and can(user, transition.action, item)
    ]


def _lock_item(item: Item) -> Item:
    # The row lock serialises two editors pressing buttons at the same moment:
    # the second sees the state the first left behind. Only the item's row is
    # locked (`of`): its issue may be absent, and PostgreSQL cannot lock the
    # nullable side of an outer join.
    return Item.objects.select_for_update(of=("self",)).select_related("issue").get(pk=item.pk)


def _check_state(item: Item, transition: Transition) -> None:
    if item.state not in transition.sources:
        raise WorkflowError(
            _("《%(title)s》当前是「%(state)s」,不能%(label)s。")
            % {"title": item, "state": item.get_state_display(), "label": transition.label}
        )


def _save_state(item: Item, state: str) -> None:
    item.state = state
    try:
        item.full_clean(exclude=["tags"])
    except ValidationError as error:
        raise WorkflowError(
            [_("《%(title)s》有内容需要先修正:") % {"title": item}, *error.messages]
        ) from error
    item.save(update_fields=["state", "updated_at"])


def _item_ready(*, item: Item, actor, action: str) -> Item:
    """Lock `item` and check that `actor` may run `action` on it now; return the locked item."""
    item = _lock_item(item)
    require(actor, action, item)
    _check_state(item, ITEM_TRANSITIONS[action])
    return item


def _item_move(
    *, item: Item, actor, action: str, note: str = "", data: dict | None = None
) -> tuple[Item, AuditEntry]:
    """Move an item made ready by `_item_ready` to the target of `action`; write its audit row."""
    transition = ITEM_TRANSITIONS[action]
    from_state = item.state
    _save_state(item, transition.target)
    entry = audit_entry_create(
        actor=actor,
        action=action,
        item=item,
        from_state=from_state,
        to_state=transition.target,
        note=note,
        data=data,
    )
    return item, entry


def _item_transition(
    *, item: Item, actor, action: str, note: str = "", data: dict | None = None
) -> tuple[Item, AuditEntry]:
    """Run `action` on `item` inside the caller's transaction; return item and audit row."""
    item = _item_ready(item=item, actor=actor, action=action)
    return _item_move(item=item, actor=actor, action=action, note=note, data=data)


def item_submit(*, item: Item, actor, note: str = "") -> Item:
    """Send a draft to review; notify its reviewer (or every reviewer).

    Returns the updated item. Raises `WorkflowError` unless the item is a
    draft and `actor` is its author or an editor.
    """
    with transaction.atomic():
        item, _entry = _item_transition(item=item, actor=actor, action="item.submit", note=note)
        notifications.item_submitted(item=item, actor=actor)
    return item


def item_resubmit(*, item: Item, actor, note: str = "") -> Item:
    """Send a revised item back to review after changes were requested.

    Returns the updated item; raises `WorkflowError` as `item_submit` does.
    """
    with transaction.atomic():
        item, _entry = _item_transition(item=item, actor=actor, action="item.resubmit", note=note)
        notifications.item_submitted(item=item, actor=actor)
    return item


def item_request_changes(*, item: Item, actor, comment: str, quote: str = "") -> Item:
    """Ask the author for changes; the request is also kept as a review comment.

    Returns the updated item. Raises `WorkflowError` when the comment is empty,
    the item is not in review, or `actor` is not a reviewer or is its author.
    """
    comment = comment.strip()
    if not comment:
        raise WorkflowError(_("要求修改时请写下需要修改的地方。"))
    with transaction.atomic():
        item = _item_ready(item=item, actor=actor, action="item.request_changes")
        review_comment = _comment_write(item=item, author=actor, body=comment, quote=quote)
        item, _entry = _item_move(
            item=item,
            actor=actor,
            action="item.request_changes",
            note=comment,
            data={"comment_id": review_comment.pk},
        )
        notifications.item_review_outcome(item=item, actor=actor, approved=False, note=comment)
    return item


def item_approve(*, item: Item, actor, note: str = "") -> Item:
    """Approve an item in review; notify its author.

    Returns the updated item. Raises `WorkflowError` when `actor` wrote the
    item, is not a reviewer, the item is not in review, or open review
    comments remain.
    """
    with transaction.atomic():
        item = _item_ready(item=item, actor=actor, action="item.approve")
        open_count = ReviewComment.objects.filter(item=item).unresolved().count()
        if open_count:
            raise WorkflowError(
                ngettext(
                    "这篇条目还有 %(count)d 条未解决的审校意见",
                    "这篇条目还有 %(count)d 条未解决的审校意见",
                    open_count,
                )
                % {"count": open_count}
            )
        item, _entry = _item_move(item=item, actor=actor, action="item.approve", note=note)
        # Credited as 审校 on the public pages: whoever approved this version.
        # An UPDATE, not save(): nothing to re-render, and the row is locked already.
        Item.objects.filter(pk=item.pk).update(reviewer=actor)
        item.reviewer = actor
        notifications.item_review_outcome(item=item, actor=actor, approved=True, note=note)
    return item


def item_return_to_draft(*, item: Item, actor, note: str = "") -> Item:
    """Take an item out of review (or an approved one back) to be reworked.

    Returns the updated item. Raises `WorkflowError` for a draft, for an
    approved item whose issue is scheduled or published (withdraw the issue
    first), or when `actor` is neither the author nor an editor.
    """
    with transaction.atomic():
        item = _item_ready(item=item, actor=actor, action="item.return_to_draft")
        if item.state == Item.State.APPROVED and _issue_released(item.issue):
            raise WorkflowError(
                _("《%(title)s》所在的一期已排期或发布,请先撤回这一期。") % {"title": item}
            )
        item, _entry = _item_move(item=item, actor=actor, action="item.return_to_draft", note=note)
    return item


def item_correct(*, item: Item, actor, note: str, changed_fields: Iterable[str] = ()) -> AuditEntry:
    """Log an editor's correction of an approved item; the item stays approved.

    Returns the audit row. Raises `WorkflowError` when the note is empty, the
    item is not approved, or `actor` is not an editor.
    """
    note = note.strip()
    if not note:
        raise WorkflowError(_("勘误需要写明改了什么、为什么改。"))
    with transaction.atomic():
        item = _lock_item(item)
        require(actor, "item.correct", item)
        if item.state != Item.State.APPROVED:
            raise WorkflowError(
                _("《%(title)s》还没有通过审校,直接修改即可,不需要勘误。") % {"title": item}
            )
        return audit_entry_create(
            actor=actor,
            action="item.correct",
            item=item,
            from_state=item.state,
            to_state=item.state,
            note=note,
            data={"changed_fields": sorted(changed_fields)},
        )


def item_edit_needs_correction(*, item: Item) -> bool:
    """Whether changing `item` needs an editor's correction note.

    True for approved items of a scheduled or published issue: readers have
    (or will have) seen them, so only a logged correction may change them.
    """
    return item.state == Item.State.APPROVED and _issue_released(item.issue)


def item_edit(
    *, item: Item, actor, changed_fields: Iterable[str], correction_note: str = ""
) -> Item:
    """Apply the workflow's rule to a save of `item` that changed `changed_fields`.

    Editing an approved item sends it back to review, unless an editor makes a
    logged correction (`correction_note`), which keeps it approved. Changes to
    placement only (issue, section, position, author) never do. Call it inside
    the transaction that saved the item. Returns the item.

    Raises `WorkflowError` when an approved item of a released issue is changed
    without a correction note, or the note is given by someone who is not an
    editor.
    """
    changed = set(changed_fields) - PLACEMENT_FIELDS
    if not changed:
        return item
    with transaction.atomic():
        locked = _lock_item(item)
        if locked.state != Item.State.APPROVED:
            return item
        if correction_note.strip():
            item_correct(item=locked, actor=actor, note=correction_note, changed_fields=changed)
            return item
        if _issue_released(locked.issue):
            raise WorkflowError(
                _("《%(title)s》所在的一期已排期或发布,修改须由主编填写勘误说明。")
                % {"title": locked}
            )
        require(actor, "item.change", locked)
        _save_state(locked, Item.State.IN_REVIEW)
        audit_entry_create(
            actor=actor,
            action="item.edit",
            item=locked,
            from_state=Item.State.APPROVED,
            to_state=Item.State.IN_REVIEW,
            data={"changed_fields": sorted(changed)},
        )
        notifications.item_submitted(item=locked, actor=actor)
    item.state = locked.state
    return item


# ---------------------------------------------------------------------------
# Review comments and assignments
# ---------------------------------------------------------------------------

# A username after "@", not inside an email address. Django usernames may hold
# letters, digits and @ . + - _, but a trailing full stop ends a sentence. Only
# ASCII word characters before the "@" rule it out: Chinese text puts mentions
# straight after a character, as in "请@rita看看".
MENTION = re.compile(r"(?<![A-Za-z0-9_@.+-])@([\w.+-]+)")


def mentioned_usernames(text: str) -> list[str]:
    """Return the usernames @mentioned in `text`, in order, without repeats."""
    names = [match.rstrip(".") for match in MENTION.findall(text)]
    return list(dict.fromkeys(name for name in names if name))


def mentioned_users(text: str) -> list:
    """Return the active users @mentioned in `text`, in order of first mention.

    Chinese text runs on after a name ("@rita看看"), and usernames may be
    Chinese too, so each mention is matched to the longest existing username
    it starts with. One query.
    """
    tokens = mentioned_usernames(text)
    prefixes = {token[:end] for token in tokens for end in range(1, len(token) + 1)}
    users = {
        user.get_username(): user
        for user in User.objects.filter(username__in=prefixes, is_active=True)
    }
    found = []
    for token in tokens:
        for end in range(len(token), 0, -1):
            user = users.get(token[:end])
            if user is not None:
                if user not in found:
                    found.append(user)
                break
    return found


def _comment_write(
    *, item: Item, author, body: str, quote: str = "", parent: ReviewComment | None = None
) -> ReviewComment:
    comment = ReviewComment(item=item, author=author, body=body, quote=quote.strip(), parent=parent)
    comment.full_clean()
    comment.save()
    candidates = [user for user in mentioned_users(body) if user.pk != author.pk]
    # Only colleagues who can open the item are mentioned: a link they cannot
    # follow helps nobody and would reveal the item's title to them.
    mentioned = [user for user in candidates if can(user, "item.view", item)]
    if mentioned:
        comment.mentions.set(mentioned)
        notifications.comment_mentions(comment=comment, users=mentioned)
    return comment


def comment_create(
    *, item: Item, author, body: str, quote: str = "", parent: ReviewComment | None = None
) -> ReviewComment:
    """Add a review comment to `item`, or a reply to the thread of `parent`.

    @mentioned colleagues who can see the item are notified. Returns the
    comment. Raises `WorkflowError` for an empty body, a parent on another
    item, or an author who cannot see the item.
    """
    body = body.strip()
    if not body:
        raise WorkflowError(_("评论不能为空。"))
    with transaction.atomic():
        item = _lock_item(item)
        require(author, "comment.add", item)
        if parent is not None:
            if parent.item_id != item.pk:
                raise WorkflowError(_("只能回复同一条目下的评论。"))
            # Threads are one level deep: a reply to a reply joins the thread.
            parent = parent.parent or parent
        comment = _comment_write(item=item, author=author, body=body, quote=quote, parent=parent)
        audit_entry_create(
            actor=author,
            action="comment.reply" if parent else "comment.create",
            item=item,
            note=body,
            data={"comment_id": comment.pk},
        )
    return comment


def _lock_thread(comment: ReviewComment) -> ReviewComment:
    thread_id = comment.parent_id or comment.pk
    return (
        ReviewComment.objects.select_for_update(of=("self",))
        .select_related("item")
        .get(pk=thread_id)
    )


def comment_resolve(*, comment: ReviewComment, actor) -> ReviewComment:
    """Mark the thread of `comment` resolved; returns the thread's first comment.

    Raises `WorkflowError` when it is already resolved or `actor` may not.
    """
    with transaction.atomic():
        thread = _lock_thread(comment)
        require(actor, "comment.resolve", thread)
        if thread.is_resolved:
            raise WorkflowError(_("这条意见已经解决了。"))
        thread.resolved_at = timezone.now()
        thread.resolved_by = actor
        thread.save(update_fields=["resolved_at", "resolved_by"])
        audit_entry_create(
            actor=actor, action="comment.resolve", item=thread.item, data={"comment_id": thread.pk}
        )
    return thread


def comment_reopen(*, comment: ReviewComment, actor) -> ReviewComment:
    """Reopen the resolved thread of `comment`; returns the thread's first comment.

    Raises `WorkflowError` when it is open already or `actor` may not.
    """
    with transaction.atomic():
        thread = _lock_thread(comment)
        require(actor, "comment.resolve", thread)
        if not thread.is_resolved:
            raise WorkflowError(_("这条意见本来就没有解决。"))
        thread.resolved_at = None
        thread.resolved_by = None
        thread.save(update_fields=["resolved_at", "resolved_by"])
        audit_entry_create(
            actor=actor, action="comment.reopen", item=thread.item, data={"comment_id": thread.pk}
        )
    return thread


def review_assign(*, item: Item, actor, reviewer, due_date: date | None = None) -> ReviewAssignment:
    """Make `reviewer` responsible for reviewing `item` by `due_date`.

    Returns the assignment (one per item; a new call replaces it) and tells
    the reviewer. Raises `WorkflowError` when the reviewer is the author or
    holds no reviewing role, or `actor` may not assign.
    """
    with transaction.atomic():
        item = _lock_item(item)
        require(actor, "item.assign_review", item)
        if reviewer is not None:
            if _is_author(reviewer, item):
                raise WorkflowError(_("不能让作者审校自己写的条目。"))
            if not reviewer.is_active or not user_roles(reviewer) & {REVIEWER, EDITOR}:
                raise WorkflowError(
                    _("%(user)s 不是审校或主编,不能被指派审校。") % {"user": reviewer}
                )
        assignment, _created = ReviewAssignment.objects.update_or_create(
            item=item,
            defaults={"reviewer": reviewer, "due_date": due_date, "assigned_by": actor},
        )
        audit_entry_create(
            actor=actor,
            action="item.assign_review",
            item=item,
            data={
                "reviewer": reviewer.get_username() if reviewer else None,
                "due_date": due_date,
            },
        )
        if reviewer is not None and reviewer.pk != getattr(actor, "pk", None):
            notifications.review_assigned(assignment=assignment, actor=actor)
    return assignment


# ---------------------------------------------------------------------------
# The issue as a release: assembly, checklist, schedule, publish, withdraw
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One reason an issue cannot be scheduled yet, naming what to fix."""

    code: str
    message: str
    item: Item | None = None
    section: Section | None = None


# An image in Markdown written with empty alt text: ![](diagram.png)
IMAGE_WITHOUT_ALT = re.compile(r"!\[\s*\]\(")


def _url_variants(url: str) -> set[str]:
    """The URL with and without a trailing slash: both name the same article."""
    url = url.strip()
    if not url:
        return set()
    bare = url.rstrip("/")
    return {bare, f"{bare}/"}


def _figure_problems(items: list[Item]) -> list[Problem]:
    by_pk = {item.pk: item for item in items}
    missing = (
        ItemFigure.objects.filter(item__in=list(by_pk))
        .annotate(alt=Trim("figure__alt_text"))
        .filter(alt="")
        .select_related("figure")
        .order_by("pk")
    )
    return [
        Problem(
            "figure_alt",
            _("《%(title)s》的配图「%(figure)s」缺少替代文字。")
            % {"title": by_pk[row.item_id], "figure": row.figure},
            item=by_pk[row.item_id],
        )
        for row in missing
    ]


def _duplicate_problems(issue: Issue, items: list[Item]) -> list[Problem]:
    problems = []
    urls = set().union(*(_url_variants(item.source_url) for item in items)) if items else set()
    titles = {item.title.strip() for item in items}
    earlier = (
        Item.objects.public()
        .exclude(issue=issue)
        .filter(Q(source_url__in=urls) | Q(title__in=titles))
        .select_related("issue")
        .order_by("issue__publish_at", "pk")
    )
    by_url, by_title = {}, {}
    for published in earlier:
        for url in _url_variants(published.source_url):
            by_url.setdefault(url, published)
        by_title.setdefault(published.title.strip(), published)
    seen_url, seen_title = {}, {}
    for item in items:
        url = item.source_url.strip().rstrip("/")
        title = item.title.strip()
        match, reason = _same_source_or_title(url, title, by_url, by_title)
        if match is not None:
            problems.append(
                Problem(
                    "duplicate",
                    _("《%(title)s》与第 %(issue)s 期已发布的《%(other)s》重复(%(reason)s)。")
                    % {"title": item, "issue": match.issue.slug, "other": match, "reason": reason},
                    item=item,
                )
            )
            continue
        twin, reason = _same_source_or_title(url, title, seen_url, seen_title)
        if twin is not None:
            problems.append(
                Problem(
                    "duplicate",
                    _("《%(title)s》与本期的《%(other)s》重复(%(reason)s)。")
                    % {"title": item, "other": twin, "reason": reason},
                    item=item,
                )
            )
        if url:
            seen_url.setdefault(url, item)
        seen_title.setdefault(title, item)
    return problems


def _same_source_or_title(url: str, title: str, by_url: dict, by_title: dict):
    """Return (item, reason) for the item sharing `url`, else `title`; (None, "") if none."""
    if url and (match := by_url.get(url)) is not None:
        return match, _("原文链接相同")
    if (match := by_title.get(title)) is not None:
        return match, _("标题相同")
    return None, ""


def issue_checklist(*, issue: Issue) -> list[Problem]:
    """Return what stands between `issue` and its release; empty when it may go out.

    Checks, each naming the item or section at fault: the issue has items;
    every item has a section, is approved, has a source link, has no open
    review comment, no image or figure without alt text, and does not repeat
    an item already published (same source URL or title) or another item of
    this issue; every section shown has at least one approved item. A fixed
    number of queries, whatever the size of the issue.
    """
    items = list(
        issue.items.select_related("section")
        .annotate(
            open_comments=Count(
                "review_comments",
                filter=Q(
                    review_comments__parent__isnull=True,
                    review_comments__resolved_at__isnull=True,
                ),
            )
        )
        .order_by("section__position", "section__name", "position", "pk")
    )
    if not items:
        return [Problem("empty", _("这一期还没有任何条目。"))]
    problems: list[Problem] = []
    approved_by_section: dict[Section, int] = defaultdict(int)
    for item in items:
        if item.section is None:
            problems.append(
                Problem(
                    "no_section", _("《%(title)s》还没有分配栏目。") % {"title": item}, item=item
                )
            )
        else:
            approved_by_section[item.section] += 1 if item.state == Item.State.APPROVED else 0
        if item.state != Item.State.APPROVED:
            problems.append(
                Problem(
                    "not_approved",
                    _("《%(title)s》尚未通过审校(当前状态:%(state)s)。")
                    % {"title": item, "state": item.get_state_display()},
                    item=item,
                )
            )
        if not item.source_url.strip():
            problems.append(
                Problem("no_source", _("《%(title)s》缺少原文链接。") % {"title": item}, item=item)
            )
        if item.open_comments:
            problems.append(
                Problem(
                    "open_comments",
                    _("《%(title)s》还有 %(count)d 条未解决的审校意见。")
                    % {"title": item, "count": item.open_comments},
                    item=item,
                )
            )
        if IMAGE_WITHOUT_ALT.search(item.body) or IMAGE_WITHOUT_ALT.search(item.remark):
            problems.append(
                Problem(
                    "image_alt",
                    _("《%(title)s》正文里有图片缺少替代文字。") % {"title": item},
                    item=item,
                )
            )
    for section, approved in approved_by_section.items():
        if not approved:
            problems.append(
                Problem(
                    "empty_section",
                    _("栏目「%(section)s」没有一篇通过审校的条目,读者会看到一个空栏目。")
                    % {"section": section},
                    section=section,
                )
            )
    problems += _figure_problems(items)
    problems += _duplicate_problems(issue, items)
    return problems


def _lock_issue(issue: Issue) -> Issue:
    return Issue.objects.select_for_update().get(pk=issue.pk)


def _issue_is_live(issue: Issue) -> bool:
    return Issue.objects.public().filter(pk=issue.pk).exists()


def _check_assembly_open(issue: Issue) -> None:
    if _issue_is_live(issue):
        raise WorkflowError(
            _("「%(issue)s」已经上线,调整条目前请先撤回这一期。") % {"issue": issue}
        )


def _refuse_if_problems(issue: Issue) -> None:
    problems = issue_checklist(issue=issue)
    if problems:
        raise WorkflowError([problem.message for problem in problems])


def _keep_schedule_valid(issue: Issue) -> None:
    # A scheduled issue passed the checklist; a change that breaks it is refused
    # rather than letting an unchecked issue go out at its time.
    if issue.status == Issue.Status.SCHEDULED:
        _refuse_if_problems(issue)


@dataclass(frozen=True)
class Placement:
    """Where an editor wants an item: a section and a position in it."""

    item_id: int
    section_id: int | None
    position: int


def _renumber(issue: Issue, placements: Sequence[Placement]) -> list[Item]:
    """Give every item of `issue` its wanted section and dense positions 1…n.

    Positions are unique per (issue, section) and checked row by row, so a
    swap done in one pass would collide. Phase one moves every item to a
    temporary position above all current and final ones; phase two writes
    the final positions. Items the placements do not mention keep their
    section and relative order.
    """
    items = list(issue.items.select_for_update().order_by("position", "pk"))
    by_pk = {item.pk: item for item in items}
    wanted = {placement.item_id: placement for placement in placements}
    unknown = set(wanted) - set(by_pk)
    if unknown:
        raise WorkflowError(_("只能排列本期的条目。"))
    section_ids = {p.section_id for p in placements if p.section_id is not None}
    known_sections = set(Section.objects.filter(pk__in=section_ids).values_list("pk", flat=True))
    if section_ids - known_sections:
        raise WorkflowError(_("选择的栏目不存在。"))

    groups: dict[int | None, list[Item]] = defaultdict(list)
    for item in items:
        placement = wanted.get(item.pk)
        groups[placement.section_id if placement else item.section_id].append(item)

    def sort_key(item: Item):
        placement = wanted.get(item.pk)
        position = placement.position if placement else item.position
        moved = placement is not None and (
            placement.position != item.position or placement.section_id != item.section_id
        )
        # Where two items ask for the same slot, the one the editor moved wins.
        return (position, 0 if moved else 1, item.position, item.pk)

    final = {}
    for section_id, section_items in groups.items():
        for position, item in enumerate(sorted(section_items, key=sort_key), start=1):
            final[item.pk] = (section_id, position)
    temporary = max([item.position for item in items] + [len(items)]) + 1
    for offset, item in enumerate(items):
        item.section_id, item.position = final[item.pk][0], temporary + offset
    Item.objects.bulk_update(items, ["section", "position"])
    for item in items:
        item.position = final[item.pk][1]
    Item.objects.bulk_update(items, ["position"])
    return items


def issue_arrange(*, issue: Issue, actor, placements: Sequence[Placement]) -> Issue:
    """Move items of `issue` to the given sections and positions, renumbering 1…n.

    Returns the issue. Raises `WorkflowError` for a live issue, items of other
    issues, unknown sections, or an arrangement that would break a scheduled
    issue's checklist.
    """
    with transaction.atomic():
        issue = _lock_issue(issue)
        require(actor, "issue.arrange", issue)
        _check_assembly_open(issue)
        original = {p.item_id: p for p in _current_placements(issue)}
        _renumber(issue, placements)
        _keep_schedule_valid(issue)
        audit_entry_create(
            actor=actor,
            action="issue.arrange",
            issue=issue,
            data={
                "placements": [
                    {"item": p.item_id, "section": p.section_id, "position": p.position}
                    for p in _current_placements(issue)
                    if original.get(p.item_id) != p
                ]
            },
        )
    return issue


def _current_placements(issue: Issue) -> list[Placement]:
    return [
        Placement(item_id=pk, section_id=section_id, position=position)
        for pk, section_id, position in issue.items.order_by("pk").values_list(
            "pk", "section_id", "position"
        )
    ]


def issue_move_item(*, issue: Issue, item: Item, actor, offset: int) -> Issue:
    """Move `item` up (negative `offset`) or down within its section of `issue`.

    Returns the issue; raises `WorkflowError` as `issue_arrange` does.
    """
    siblings = list(
        issue.items.filter(section_id=item.section_id)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    if item.pk not in siblings:
        raise WorkflowError(_("只能排列本期的条目。"))
    index = siblings.index(item.pk)
    target = min(max(index + offset, 0), len(siblings) - 1)
    siblings.insert(target, siblings.pop(index))
    placements = [
        Placement(item_id=pk, section_id=item.section_id, position=position)
        for position, pk in enumerate(siblings, start=1)
    ]
    return issue_arrange(issue=issue, actor=actor, placements=placements)


def issue_place_item(*, issue: Issue, item: Item, section: Section, actor) -> Item:
    """Pull an approved item from the pool into `section` of `issue`, at the end.

    Returns the item. Raises `WorkflowError` for an item that is not approved
    or already placed, a live issue, or a change that breaks a scheduled
    issue's checklist.
    """
    with transaction.atomic():
        issue = _lock_issue(issue)
        require(actor, "issue.arrange", issue)
        _check_assembly_open(issue)
        item = _lock_item(item)
        if item.issue_id is not None:
            raise WorkflowError(
                _("《%(title)s》已经排在「%(issue)s」里了。") % {"title": item, "issue": item.issue}
            )
        if item.state != Item.State.APPROVED:
            raise WorkflowError(_("《%(title)s》还没有通过审校,不能排进期刊。") % {"title": item})
        last = issue.items.filter(section=section).aggregate(last=Max("position"))["last"] or 0
        item.issue, item.section, item.position = issue, section, last + 1
        item.save(update_fields=["issue", "section", "position", "updated_at"])
        _keep_schedule_valid(issue)
        audit_entry_create(
            actor=actor,
            action="issue.place_item",
            issue=issue,
            item=item,
            data={"section": section.pk, "position": item.position},
        )
    return item


def issue_unplace_item(*, issue: Issue, item: Item, actor) -> Item:
    """Send `item` from `issue` back to the pool of unplaced items.

    Returns the item. Raises `WorkflowError` for an item of another issue, a
    live issue, or a change that breaks a scheduled issue's checklist.
    """
    with transaction.atomic():
        issue = _lock_issue(issue)
        require(actor, "issue.arrange", issue)
        _check_assembly_open(issue)
        item = _lock_item(item)
        if item.issue_id != issue.pk:
            raise WorkflowError(_("只能移出本期的条目。"))
        item.issue, item.position = None, 0
        item.save(update_fields=["issue", "position", "updated_at"])
        _keep_schedule_valid(issue)
        audit_entry_create(actor=actor, action="issue.unplace_item", issue=issue, item=item)
    return item


def issue_schedule(*, issue: Issue, actor, publish_at: datetime) -> Issue:
    """Schedule `issue` to go live at `publish_at`; it then appears by itself.

    Returns the issue. Raises `WorkflowError` when `publish_at` is not in the
    future, the issue is already published, or the checklist finds problems
    (one message per problem).
    """
    with transaction.atomic():
        issue = _lock_issue(issue)
        require(actor, "issue.schedule", issue)
        if issue.status == Issue.Status.PUBLISHED:
            raise WorkflowError(_("「%(issue)s」已经发布了。") % {"issue": issue})
        if publish_at is None or publish_at <= timezone.now():
            raise WorkflowError(_("发布时间必须晚于现在。"))
        if _issue_is_live(issue):
            raise WorkflowError(_("「%(issue)s」已经上线,不能再改期。") % {"issue": issue})
        _refuse_if_problems(issue)
        issue.publish_at = publish_at
        _issue_move(
            issue,
            actor=actor,
            action="issue.schedule",
            to_status=Issue.Status.SCHEDULED,
            data={"publish_at": publish_at},
        )
    return issue


def _issue_move(
    issue: Issue, *, actor, action: str, to_status: str, note: str = "", data=None
) -> Issue:
    """Set the issue's status, save it validated, and write its one audit row."""
    from_status = issue.status
    issue.status = to_status
    issue.full_clean()
    issue.save()
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


def _mark_published(issue: Issue, *, actor, action: str) -> Issue:
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
    the publish time becomes now. Returns the issue. Raises `WorkflowError`
    when it is already published or the checklist finds problems.
    """
    with transaction.atomic():
        issue = _lock_issue(issue)
        require(actor, "issue.publish", issue)
        if issue.status == Issue.Status.PUBLISHED:
            raise WorkflowError(_("「%(issue)s」已经发布了。") % {"issue": issue})
        _refuse_if_problems(issue)
        return _mark_published(issue, actor=actor, action="issue.publish")


def issue_withdraw(*, issue: Issue, actor, reason: str) -> Issue:
    """Take a scheduled or published issue off the site, with a reason.

    Returns the issue. Raises `WorkflowError` without a reason or for an
    issue that is not released.
    """
    reason = reason.strip()
    if not reason:
        raise WorkflowError(_("撤回一期需要写明原因。"))
    with transaction.atomic():
        issue = _lock_issue(issue)
        require(actor, "issue.withdraw", issue)
        if not _issue_released(issue):
            raise WorkflowError(_("「%(issue)s」没有排期也没有发布,无需撤回。") % {"issue": issue})
        _issue_move(
            issue,
            actor=actor,
            action="issue.withdraw",
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
            published.append(_mark_published(issue, actor=None, action="issue.publish_due"))
    return published
