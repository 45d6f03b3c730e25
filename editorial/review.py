"""Review: comments in threads one level deep, with quotes, @mentions and
resolution, and assignments of a reviewer with a due date.

`comment_write` is shared with `workflow.item_request_changes`, which keeps the
reviewer's request as the first comment of a thread.
"""

import re
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial import notifications
from editorial.audit import audit_entry_create
from editorial.errors import CommentRefused
from editorial.locks import item_lock
from editorial.models import AuditAction, ReviewAssignment, ReviewComment
from editorial.permissions.roles import Role
from editorial.permissions.rules import can, is_author, require, user_roles
from newsletter.models import Item

User = get_user_model()


# A username after "@", not inside an email address. Django usernames may hold
# letters, digits and @ . + - _, but a trailing full stop ends a sentence. Only
# ASCII word characters before the "@" rule it out: Chinese text puts mentions
# straight after a character, as in "请@rita看看".
MENTION = re.compile(r"(?<![A-Za-z0-9_@.+-])@([\w.+-]+)")


def mentioned_usernames(text: str) -> list[str]:
    """Return the usernames @mentioned in `text`, in order, without repeats."""
    names = [match.rstrip(".") for match in MENTION.findall(text)]
    return list(dict.fromkeys(name for name in names if name))


# A comment notifies at most this many colleagues: a longer list is a
# mass mailing, not a review, and each name costs a set of candidates below.
MAX_MENTIONS = 50


def _username_max_length() -> int:
    return User._meta.get_field(User.USERNAME_FIELD).max_length or 150


def mention_candidates(tokens: list[str]) -> set[str]:
    """Return every username the mention `tokens` could name: their prefixes, bounded.

    Only the first MAX_MENTIONS tokens count, and no username is longer than
    the field allows, so a 25,000-character token yields at most that many
    prefixes instead of all 25,000 of them: the set grows linearly with the
    text, never quadratically.
    """
    longest = _username_max_length()
    return {
        token[:end]
        for token in tokens[:MAX_MENTIONS]
        for end in range(1, min(len(token), longest) + 1)
    }


def mentioned_users(text: str) -> list:
    """Return the active users @mentioned in `text`, in order of first mention.

    Chinese text runs on after a name ("@rita看看"), and usernames may be
    Chinese too, so each mention is matched to the longest existing username
    it starts with. One query; at most MAX_MENTIONS names are looked up.
    """
    tokens = mentioned_usernames(text)[:MAX_MENTIONS]
    users = {
        user.get_username(): user
        for user in User.objects.filter(username__in=mention_candidates(tokens), is_active=True)
    }
    longest = _username_max_length()
    found = []
    for token in tokens:
        for end in range(min(len(token), longest), 0, -1):
            user = users.get(token[:end])
            if user is not None:
                if user not in found:
                    found.append(user)
                break
    return found


def comment_write(
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
    comment. Raises `CommentRefused` for an empty body, a parent on another
    item, or an author who cannot see the item.
    """
    body = body.strip()
    if not body:
        raise CommentRefused(_("评论不能为空。"))
    with transaction.atomic():
        item = item_lock(item)
        require(author, "comment.add", item)
        if parent is not None:
            if parent.item_id != item.pk:
                raise CommentRefused(_("只能回复同一条目下的评论。"))
            # Threads are one level deep: a reply to a reply joins the thread.
            parent = parent.parent or parent
        comment = comment_write(item=item, author=author, body=body, quote=quote, parent=parent)
        audit_entry_create(
            actor=author,
            action=AuditAction.COMMENT_REPLY if parent else AuditAction.COMMENT_CREATE,
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

    Raises `CommentRefused` when it is already resolved or `actor` may not.
    """
    with transaction.atomic():
        thread = _lock_thread(comment)
        require(actor, "comment.resolve", thread)
        if thread.is_resolved:
            raise CommentRefused(_("这条意见已经解决了。"))
        thread.resolved_at = timezone.now()
        thread.resolved_by = actor
        thread.save(update_fields=["resolved_at", "resolved_by"])
        audit_entry_create(
            actor=actor,
            action=AuditAction.COMMENT_RESOLVE,
            item=thread.item,
            data={"comment_id": thread.pk},
        )
    return thread


def comment_reopen(*, comment: ReviewComment, actor) -> ReviewComment:
    """Reopen the resolved thread of `comment`; returns the thread's first comment.

    Raises `CommentRefused` when it is open already or `actor` may not.
    """
    with transaction.atomic():
        thread = _lock_thread(comment)
        require(actor, "comment.resolve", thread)
        if not thread.is_resolved:
            raise CommentRefused(_("这条意见本来就没有解决。"))
        thread.resolved_at = None
        thread.resolved_by = None
        thread.save(update_fields=["resolved_at", "resolved_by"])
        audit_entry_create(
            actor=actor,
            action=AuditAction.COMMENT_REOPEN,
            item=thread.item,
            data={"comment_id": thread.pk},
        )
    return thread


def review_assign(*, item: Item, actor, reviewer, due_date: date | None = None) -> ReviewAssignment:
    """Make `reviewer` responsible for reviewing `item` by `due_date`.

    Returns the assignment (one per item; a new call replaces it) and tells
    the reviewer. Raises `CommentRefused` when the reviewer is the author or
    holds no reviewing role, or `actor` may not assign.
    """
    with transaction.atomic():
        item = item_lock(item)
        require(actor, "item.assign_review", item)
        if reviewer is not None:
            if is_author(reviewer, item):
                raise CommentRefused(_("不能让作者审校自己写的条目。"))
            if not reviewer.is_active or not user_roles(reviewer) & {Role.REVIEWER, Role.EDITOR}:
                raise CommentRefused(
                    _("%(user)s 不是审校或主编,不能被指派审校。") % {"user": reviewer}
                )
        assignment, _created = ReviewAssignment.objects.update_or_create(
            item=item,
            defaults={"reviewer": reviewer, "due_date": due_date, "assigned_by": actor},
        )
        audit_entry_create(
            actor=actor,
            action=AuditAction.ITEM_ASSIGN_REVIEW,
            item=item,
            data={
                "reviewer": reviewer.get_username() if reviewer else None,
                "due_date": due_date,
            },
        )
        if reviewer is not None and reviewer.pk != getattr(actor, "pk", None):
            notifications.review_assigned(assignment=assignment, actor=actor)
    return assignment


def with_open_comment_count(queryset: QuerySet[Item]) -> QuerySet[Item]:
    """Annotate each item with `open_comment_count`, its unresolved review threads.

    A subquery rather than a join, so that list filters joining other
    relations (projects) cannot multiply the count.
    """
    open_threads = (
        ReviewComment.objects.unresolved()
        .filter(item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(
        open_comment_count=Coalesce(Subquery(open_threads), 0, output_field=IntegerField())
    )
