"""Assembling an issue: placing approved items from the pool, ordering them
within and across sections, and sending them back to the pool.

A live issue cannot be rearranged (withdraw it first), and a scheduled one
only in ways that keep its checklist passing.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from editorial.audit import audit_entry_create
from editorial.errors import ReleaseRefused
from editorial.locks import issue_lock, item_lock
from editorial.models import AuditAction
from editorial.permissions.rules import require
from editorial.release.checklist import checklist_require
from newsletter.caching.events import public_pages_changed
from newsletter.models import Issue, Item, Section


def _check_assembly_open(issue: Issue) -> None:
    if issue.is_public():
        raise ReleaseRefused(
            _("「%(issue)s」已经上线,调整条目前请先撤回这一期。") % {"issue": issue}
        )


def _keep_schedule_valid(issue: Issue) -> None:
    # A scheduled issue passed the checklist; a change that breaks it is refused
    # rather than letting an unchecked issue go out at its time.
    if issue.status == Issue.Status.SCHEDULED:
        checklist_require(issue)


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
        raise ReleaseRefused(_("只能排列本期的条目。"))
    section_ids = {p.section_id for p in placements if p.section_id is not None}
    known_sections = set(Section.objects.filter(pk__in=section_ids).values_list("pk", flat=True))
    if section_ids - known_sections:
        raise ReleaseRefused(_("选择的栏目不存在。"))

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

    Returns the issue. Raises `ReleaseRefused` for a live issue, items of other
    issues, unknown sections, or an arrangement that would break a scheduled
    issue's checklist.
    """
    with transaction.atomic():
        issue = issue_lock(issue)
        require(actor, "issue.arrange", issue)
        _check_assembly_open(issue)
        original = {p.item_id: p for p in _current_placements(issue)}
        _renumber(issue, placements)
        _keep_schedule_valid(issue)
        if issue.status != Issue.Status.DRAFT:
            # A bulk update sends no signal: a scheduled issue's cached pages
            # (and its proxies) must learn of the new order themselves.
            public_pages_changed(issues=[issue])
        audit_entry_create(
            actor=actor,
            action=AuditAction.ISSUE_ARRANGE,
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

    Returns the issue; raises `ReleaseRefused` as `issue_arrange` does.
    """
    siblings = list(
        issue.items.filter(section_id=item.section_id)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    if item.pk not in siblings:
        raise ReleaseRefused(_("只能排列本期的条目。"))
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

    Returns the item. Raises `ReleaseRefused` for an item that is not approved
    or already placed, a live issue, or a change that breaks a scheduled
    issue's checklist.
    """
    with transaction.atomic():
        issue = issue_lock(issue)
        require(actor, "issue.arrange", issue)
        _check_assembly_open(issue)
        item = item_lock(item)
        if item.issue_id is not None:
            raise ReleaseRefused(
                _("《%(title)s》已经排在「%(issue)s」里了。") % {"title": item, "issue": item.issue}
            )
        if item.state != Item.State.APPROVED:
            raise ReleaseRefused(_("《%(title)s》还没有通过审校,不能排进期刊。") % {"title": item})
        _item_place(item, actor, issue, section)
    return item


def issue_unplace_item(*, issue: Issue, item: Item, actor) -> Item:
    """Send `item` from `issue` back to the pool of unplaced items.

    Returns the item. Raises `ReleaseRefused` for an item of another issue, a
    live issue, or a change that breaks a scheduled issue's checklist.
    """
    with transaction.atomic():
        issue = issue_lock(issue)
        require(actor, "issue.arrange", issue)
        _check_assembly_open(issue)
        item = item_lock(item)
        if item.issue_id != issue.pk:
            raise ReleaseRefused(_("只能移出本期的条目。"))
        _item_unplace(item, actor, issue)
    return item


def item_placement_check(
    *, item: Item, actor, issue: Issue | None, section: Section | None
) -> None:
    """Raise unless `actor` may move `item` into `issue` (None: the pool) and `section`.

    The desk's rules for every issue the move touches: an editor arranges, a
    live issue is closed, and an item in an issue has a section. Whether a
    scheduled issue keeps its checklist is known only once the move is made.
    """
    moves_issue = item.issue_id != getattr(issue, "pk", None)
    if item.issue_id is None and not moves_issue:
        return  # Choosing a column while the item waits in the pool.
    require(actor, "issue.arrange", issue or item.issue)
    for touched in {item.issue, issue} - {None}:
        _check_assembly_open(touched)
    if issue is not None and section is None:
        raise ReleaseRefused(_("排进期刊的条目需要选一个栏目。"))


def _item_unplace(item: Item, actor, issue: Issue) -> None:
    """Send the locked `item` from the locked `issue` to the pool; write the audit row."""
    item.issue, item.position = None, 0
    item.save(update_fields=["issue", "position", "updated_at"])
    _keep_schedule_valid(issue)
    audit_entry_create(actor=actor, action=AuditAction.ISSUE_UNPLACE_ITEM, issue=issue, item=item)


def _item_place(item: Item, actor, issue: Issue, section: Section) -> None:
    """Put the locked `item` last in `section` of the locked `issue`; write the audit row."""
    last = issue.items.filter(section=section).aggregate(last=Max("position"))["last"] or 0
    item.issue, item.section, item.position = issue, section, last + 1
    item.save(update_fields=["issue", "section", "position", "updated_at"])
    _keep_schedule_valid(issue)
    audit_entry_create(
        actor=actor,
        action=AuditAction.ISSUE_PLACE_ITEM,
        issue=issue,
        item=item,
        data={"section": section.pk, "position": item.position},
    )


def item_placement_set(
    *, item: Item, actor, issue: Issue | None, section: Section | None, position: int | None
) -> Item:
    """Move `item` to `position` in `section` of `issue` (None: the pool) by the desk's rules.

    The item form's placement fields come here: leaving or joining an issue
    is an unplace or a place, a move within one issue is an arrangement, each
    with its audit row. Returns the item. Raises `ReleaseRefused` or
    `NotPermitted` as `item_placement_check` does, or when a scheduled
    issue's checklist would fail.
    """
    with transaction.atomic():
        item = item_lock(item)
        item_placement_check(item=item, actor=actor, issue=issue, section=section)
        if issue is None and item.issue_id is None:
            item.section = section
            item.save(update_fields=["section", "updated_at"])
            return item
        if item.issue_id != getattr(issue, "pk", None):
            if item.issue_id is not None:
                _item_unplace(item, actor, issue_lock(item.issue))
            if issue is None:
                return item
            _item_place(item, actor, issue_lock(issue), section)
        unchanged = item.section_id == section.pk and (position in (None, item.position))
        if not unchanged:
            wanted = Placement(
                item_id=item.pk, section_id=section.pk, position=position or item.position
            )
            issue_arrange(issue=issue, actor=actor, placements=[wanted])
            item.refresh_from_db(fields=["section", "position"])
    return item
