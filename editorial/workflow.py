"""Item transitions: draft → in review → (changes requested → in review)* → approved.

One function each, in the Wagtail shape: lock the row, check permission and
the current state, change it, write one audit row, send notifications once the
transaction commits. `item_edit` applies the rule for editing an approved item.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from reversion.models import Version

from editorial import notifications
from editorial.audit import audit_entry_create
from editorial.errors import ItemRefused
from editorial.locks import item_lock
from editorial.models import AuditAction, AuditEntry, ReviewComment
from editorial.permissions.rules import can, issue_is_released, require
from editorial.review import comment_write
from newsletter.models import Item
from newsletter.search.index import search_index_update


@dataclass(frozen=True)
class Transition:
    """One move of an item's state: the action, the states it starts from, where it ends."""

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
        Transition(
            AuditAction.ITEM_SUBMIT, frozenset({S.DRAFT}), S.IN_REVIEW, gettext_lazy("提交审校")
        ),
        Transition(
            AuditAction.ITEM_RESUBMIT,
            frozenset({S.CHANGES_REQUESTED}),
            S.IN_REVIEW,
            gettext_lazy("修改后重新提交"),
        ),
        Transition(
            AuditAction.ITEM_REQUEST_CHANGES,
            frozenset({S.IN_REVIEW}),
            S.CHANGES_REQUESTED,
            gettext_lazy("要求修改"),
        ),
        Transition(
            AuditAction.ITEM_APPROVE, frozenset({S.IN_REVIEW}), S.APPROVED, gettext_lazy("批准")
        ),
        Transition(
            AuditAction.ITEM_RETURN_TO_DRAFT,
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
    allowed = [
        transition
        for transition in ITEM_TRANSITIONS.values()
        if item.state in transition.sources and can(user, transition.action, item)
    ]
    # No approve button for a former author: `item_approve` would refuse it.
    approvable = any(t.action == AuditAction.ITEM_APPROVE for t in allowed)
    if approvable and user.pk in item_author_ids(item=item):
        allowed = [t for t in allowed if t.action != AuditAction.ITEM_APPROVE]
    return allowed


def _check_state(item: Item, transition: Transition) -> None:
    if item.state not in transition.sources:
        raise ItemRefused(
            _("《%(title)s》当前是「%(state)s」,不能%(label)s。")
            % {"title": item, "state": item.get_state_display(), "label": transition.label}
        )


def _save_state(item: Item, state: str) -> None:
    item.state = state
    try:
        item.full_clean(exclude=["tags"])
    except ValidationError as error:
        raise ItemRefused(
            [_("《%(title)s》有内容需要先修正:") % {"title": item}, *error.messages]
        ) from error
    item.save(update_fields=["state", "updated_at"])


def _item_ready(*, item: Item, actor, action: str) -> Item:
    """Lock `item` and check that `actor` may run `action` on it now; return the locked item."""
    item = item_lock(item)
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

    Returns the updated item. Raises `ItemRefused` unless the item is a
    draft and `actor` is its author or an editor.
    """
    with transaction.atomic():
        item, _entry = _item_transition(
            item=item, actor=actor, action=AuditAction.ITEM_SUBMIT, note=note
        )
        notifications.item_submitted(item=item, actor=actor)
    return item


def item_resubmit(*, item: Item, actor, note: str = "") -> Item:
    """Send a revised item back to review after changes were requested.

    Returns the updated item; raises `ItemRefused` as `item_submit` does.
    """
    with transaction.atomic():
        item, _entry = _item_transition(
            item=item, actor=actor, action=AuditAction.ITEM_RESUBMIT, note=note
        )
        notifications.item_submitted(item=item, actor=actor)
    return item


def item_request_changes(*, item: Item, actor, comment: str, quote: str = "") -> Item:
    """Ask the author for changes; the request is also kept as a review comment.

    Returns the updated item. Raises `ItemRefused` when the comment is empty,
    the item is not in review, or `actor` is not a reviewer or is its author.
    """
    comment = comment.strip()
    if not comment:
        raise ItemRefused(_("要求修改时请写下需要修改的地方。"))
    with transaction.atomic():
        item = _item_ready(item=item, actor=actor, action=AuditAction.ITEM_REQUEST_CHANGES)
        review_comment = comment_write(item=item, author=actor, body=comment, quote=quote)
        item, _entry = _item_move(
            item=item,
            actor=actor,
            action=AuditAction.ITEM_REQUEST_CHANGES,
            note=comment,
            data={"comment_id": review_comment.pk},
        )
        notifications.item_review_outcome(item=item, actor=actor, approved=False, note=comment)
    return item


def item_author_ids(*, item: Item) -> set[int]:
    """Return the ids of everyone who has ever been `item`'s author.

    The current author, the author of every kept revision, and both sides of
    every logged change of author: setting the author to someone else for a
    moment does not make the item somebody else's work.
    """
    authors = {item.author_id}
    for version in Version.objects.get_for_object(item):
        authors.add(version.field_dict.get("author_id"))
    changes = AuditEntry.objects.for_item(item).filter(action=AuditAction.ITEM_AUTHOR_CHANGE)
    for data in changes.values_list("data", flat=True):
        authors.update((data.get("from"), data.get("to")))
    authors.discard(None)
    return authors


def item_approve(*, item: Item, actor, note: str = "") -> Item:
    """Approve an item in review; notify its author.

    Returns the updated item. Raises `ItemRefused` when `actor` is or ever was
    the item's author, is not a reviewer, the item is not in review, or open
    review comments remain.
    """
    with transaction.atomic():
        item = _item_ready(item=item, actor=actor, action=AuditAction.ITEM_APPROVE)
        if actor.pk in item_author_ids(item=item):
            raise ItemRefused(_("你曾是《%(title)s》的作者,不能批准它。") % {"title": item})
        open_count = ReviewComment.objects.filter(item=item).unresolved().count()
        if open_count:
            raise ItemRefused(
                ngettext(
                    "这篇条目还有 %(count)d 条未解决的审校意见",
                    "这篇条目还有 %(count)d 条未解决的审校意见",
                    open_count,
                )
                % {"count": open_count}
            )
        item, _entry = _item_move(
            item=item, actor=actor, action=AuditAction.ITEM_APPROVE, note=note
        )
        # Credited as 审校 on the public pages: whoever approved this version.
        # An UPDATE, not save(): nothing to re-render, and the row is locked already.
        Item.objects.filter(pk=item.pk).update(reviewer=actor)
        item.reviewer = actor
        notifications.item_review_outcome(item=item, actor=actor, approved=True, note=note)
    return item


def item_return_to_draft(*, item: Item, actor, note: str = "") -> Item:
    """Take an item out of review (or an approved one back) to be reworked.

    Returns the updated item. Raises `ItemRefused` for a draft, for an
    approved item whose issue is scheduled or published (withdraw the issue
    first), or when `actor` is neither the author nor an editor.
    """
    with transaction.atomic():
        item = _item_ready(item=item, actor=actor, action=AuditAction.ITEM_RETURN_TO_DRAFT)
        if item.state == Item.State.APPROVED and issue_is_released(item.issue):
            raise ItemRefused(
                _("《%(title)s》所在的一期已排期或发布,请先撤回这一期。") % {"title": item}
            )
        item, _entry = _item_move(
            item=item, actor=actor, action=AuditAction.ITEM_RETURN_TO_DRAFT, note=note
        )
    return item


def item_correct(
    *, item: Item, actor, note: str, changed_fields: Iterable[str] = (), data: dict | None = None
) -> AuditEntry:
    """Log an editor's correction of an approved item; the item stays approved.

    Returns the audit row (`data` added to it). Raises `ItemRefused` when the note is empty, the
    item is not approved, or `actor` is not an editor.
    """
    note = note.strip()
    if not note:
        raise ItemRefused(_("勘误需要写明改了什么、为什么改。"))
    with transaction.atomic():
        item = item_lock(item)
        require(actor, AuditAction.ITEM_CORRECT, item)
        if item.state != Item.State.APPROVED:
            raise ItemRefused(
                _("《%(title)s》还没有通过审校,直接修改即可,不需要勘误。") % {"title": item}
            )
        # The corrected text is what readers now find (the caller saved it in
        # this transaction).
        search_index_update(items=[item])
        return audit_entry_create(
            actor=actor,
            action=AuditAction.ITEM_CORRECT,
            item=item,
            from_state=item.state,
            to_state=item.state,
            note=note,
            data={"changed_fields": sorted(changed_fields), **(data or {})},
        )


def item_edit_needs_correction(*, item: Item) -> bool:
    """Whether changing `item` needs an editor's correction note.

    True for approved items of a scheduled or published issue: readers have
    (or will have) seen them, so only a logged correction may change them.
    """
    return item.state == Item.State.APPROVED and issue_is_released(item.issue)


def item_edit(
    *,
    item: Item,
    actor,
    changed_fields: Iterable[str],
    correction_note: str = "",
    data: dict | None = None,
) -> Item:
    """Apply the workflow's rule to a save of `item` that changed `changed_fields`.

    Editing an approved item sends it back to review, unless an editor makes a
    logged correction (`correction_note`), which keeps it approved. Changes to
    placement only (issue, section, position, author) never do. Call it inside
    the transaction that saved the item; `data` is added to the audit row.
    Returns the item.

    Raises `ItemRefused` when an approved item of a released issue is changed
    without a correction note, or the note is given by someone who is not an
    editor.
    """
    changed = set(changed_fields) - PLACEMENT_FIELDS
    if not changed:
        return item
    with transaction.atomic():
        locked = item_lock(item)
        if locked.state != Item.State.APPROVED:
            return item
        if correction_note.strip():
            item_correct(
                item=locked, actor=actor, note=correction_note, changed_fields=changed, data=data
            )
            return item
        if issue_is_released(locked.issue):
            raise ItemRefused(
                _("《%(title)s》所在的一期已排期或发布,修改须由主编填写勘误说明。")
                % {"title": locked}
            )
        require(actor, "item.change", locked)
        _save_state(locked, Item.State.IN_REVIEW)
        # The approval was of the old text: nobody is credited for the new one
        # until it is approved again.
        Item.objects.filter(pk=locked.pk).update(reviewer=None)
        audit_entry_create(
            actor=actor,
            action=AuditAction.ITEM_EDIT,
            item=locked,
            from_state=Item.State.APPROVED,
            to_state=Item.State.IN_REVIEW,
            data={"changed_fields": sorted(changed), **(data or {})},
        )
        notifications.item_submitted(item=locked, actor=actor)
    item.state, item.reviewer = locked.state, None
    return item


def item_author_check(*, item: Item, actor, author) -> None:
    """Raise unless `actor` may make `author` the author of `item` now.

    Authorship is fixed once the item leaves its first draft: a changed author
    after submission would let someone approve their own text.
    """
    require(actor, "item.author_change", item)
    if item.state != Item.State.DRAFT:
        raise ItemRefused(_("《%(title)s》已经提交审校,作者不能再更改。") % {"title": item})
    if author is not None and not author.is_active:
        raise ItemRefused(_("%(user)s 的账号已停用,不能成为作者。") % {"user": author})


def item_author_change(*, item: Item, actor, author) -> Item:
    """Make `author` the author of the draft `item`, with an audit row.

    Returns the item. Raises `ItemRefused` or `NotPermitted` as
    `item_author_check` does.
    """
    with transaction.atomic():
        locked = item_lock(item)
        if locked.author_id == getattr(author, "pk", None):
            return item
        item_author_check(item=locked, actor=actor, author=author)
        previous = locked.author_id
        locked.author = author
        locked.save(update_fields=["author", "updated_at"])
        audit_entry_create(
            actor=actor,
            action=AuditAction.ITEM_AUTHOR_CHANGE,
            item=locked,
            from_state=locked.state,
            to_state=locked.state,
            data={"from": previous, "to": locked.author_id},
        )
    item.author = author
    return item
