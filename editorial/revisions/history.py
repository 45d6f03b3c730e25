"""Revisions of items: every save kept, readable diffs, revert as a new revision.

django-reversion stores the snapshots; `RevisionMiddleware` wraps each write
request, so every admin save and every workflow action leaves one. This module
turns two snapshots into a diff a Chinese-reading editor can follow, and
restores an old snapshot's text as a new revision.
"""

import difflib
import re
from dataclasses import dataclass

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from reversion.models import Version

from editorial.audit import audit_entry_create
from editorial.errors import ItemRefused
from editorial.locks import item_lock
from editorial.models import AuditAction, AuditEntry
from editorial.permissions.rules import require
from editorial.workflow import item_edit, item_edit_needs_correction
from newsletter.models import FurtherReading, Item
from newsletter.rendering import item_render
from newsletter.search.index import search_index_update

# What a revision diff and a revert cover: the words, not the workflow. State,
# placement and version belong to the workflow and are never rolled back.
CONTENT_FIELDS = ["title", "original_title", "source_url", "body", "remark"]

# CJK text has no spaces: diff it character by character, Latin text by word.
_TOKEN = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]|[A-Za-z0-9_]+|\s+|.", re.DOTALL)
_PARAGRAPH_BREAK = re.compile(r"(\n[ \t]*\n+)")

# SequenceMatcher's work grows with the product of the two sides: 30,000
# Chinese characters, one unit each, took 30 s. Above this many units on
# either side the diff falls back to lines, then to paragraphs, then to the
# whole changed passage, so its cost stays bounded whatever the text.
DIFF_MAX_UNITS = 1000


def register_models() -> None:
    """Put items and their further reading under version control (idempotent)."""
    if not reversion.is_registered(FurtherReading):
        reversion.register(FurtherReading)
    if not reversion.is_registered(Item):
        # Tags live in taggit's own tables and are not part of a snapshot.
        reversion.register(Item, exclude=["tags"], follow=["further_reading"])


@dataclass(frozen=True)
class DiffSegment:
    """A run of text that is equal, inserted or deleted."""

    kind: str  # "equal", "insert" or "delete"
    text: str


@dataclass(frozen=True)
class FieldChange:
    """One changed field between two snapshots, with its inline diff."""

    name: str
    label: str
    old: str
    new: str
    segments: list[DiffSegment]
    granularity: str = "words"


def _words(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _paragraphs(text: str) -> list[str]:
    parts = _PARAGRAPH_BREAK.split(text)
    # split() alternates text and breaks: keep each break with its paragraph.
    return [
        parts[i] + (parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)
    ]


# From the finest to the coarsest: the first that fits DIFF_MAX_UNITS is used.
DIFF_GRANULARITIES = (("words", _words), ("lines", _lines), ("paragraphs", _paragraphs))


def _is_word_character(character: str) -> bool:
    return character.isascii() and (character.isalnum() or character == "_")


def _common_ends(old: str, new: str) -> tuple[int, int]:
    """Return the lengths of the common head and tail of two texts, never inside a word.

    One linear scan each, so an edit in one place of a long body is diffed
    on the changed passage only; stopping outside Latin words keeps each
    word whole in the diff (CJK characters are units of their own).
    """
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    while head and _is_word_character(old[head - 1]):
        head -= 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    while tail and _is_word_character(old[len(old) - tail]):
        tail -= 1
    return head, tail


def _segments(old_units: list[str], new_units: list[str]) -> list[DiffSegment]:
    matcher = difflib.SequenceMatcher(a=old_units, b=new_units, autojunk=False)
    segments: list[DiffSegment] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(DiffSegment("equal", "".join(old_units[a1:a2])))
            continue
        if a2 > a1:
            segments.append(DiffSegment("delete", "".join(old_units[a1:a2])))
        if b2 > b1:
            segments.append(DiffSegment("insert", "".join(new_units[b1:b2])))
    return segments


def text_diff_detailed(old: str, new: str) -> tuple[str, list[DiffSegment]]:
    """Return how finely two texts were compared and their inline diff.

    The granularity is "words" (CJK by character), "lines", "paragraphs" or,
    when even the paragraphs of the changed passage exceed DIFF_MAX_UNITS,
    "passage": the changed passage deleted and inserted whole.
    """
    old, new = old or "", new or ""
    head, tail = _common_ends(old, new)
    old_middle, new_middle = old[head : len(old) - tail], new[head : len(new) - tail]
    granularity, segments = (
        "passage",
        [
            DiffSegment(kind, text)
            for kind, text in (("delete", old_middle), ("insert", new_middle))
            if text
        ],
    )
    for name, split in DIFF_GRANULARITIES:
        old_units, new_units = split(old_middle), split(new_middle)
        if max(len(old_units), len(new_units)) <= DIFF_MAX_UNITS:
            granularity, segments = name, _segments(old_units, new_units)
            break
    before = [DiffSegment("equal", old[:head])] if head else []
    after = [DiffSegment("equal", old[len(old) - tail :])] if tail else []
    return granularity, _merged(before + segments + after)


def _merged(segments: list[DiffSegment]) -> list[DiffSegment]:
    merged: list[DiffSegment] = []
    for segment in segments:
        if merged and merged[-1].kind == segment.kind:
            merged[-1] = DiffSegment(segment.kind, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def text_diff(old: str, new: str) -> list[DiffSegment]:
    """Return the inline diff of two texts, CJK-aware, in bounded time (see DIFF_MAX_UNITS)."""
    return text_diff_detailed(old, new)[1]


def content_changes(old: dict, new: dict) -> list[FieldChange]:
    """Return the content fields that differ between two field dicts."""
    changes = []
    for name in CONTENT_FIELDS:
        before, after = str(old.get(name) or ""), str(new.get(name) or "")
        if before != after:
            label = str(Item._meta.get_field(name).verbose_name)
            changes.append(_field_change(name, label, before, after))
    old_links, new_links = old.get("further_reading", []), new.get("further_reading", [])
    if old_links != new_links:
        before, after = "\n".join(old_links), "\n".join(new_links)
        changes.append(_field_change("further_reading", _("further reading"), before, after))
    return changes


def _field_change(name: str, label: str, before: str, after: str) -> FieldChange:
    granularity, segments = text_diff_detailed(before, after)
    return FieldChange(name, label, before, after, segments, granularity)


def item_versions(*, item: Item):
    """Return the item's versions, newest first, with their revision and author."""
    return (
        Version.objects.get_for_object(item)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def _item_actions(item: Item) -> list:
    """The audit rows of what changed `item` itself, oldest first (not comments or assignments)."""
    return list(
        AuditEntry.objects.for_item(item)
        .filter(action__startswith="item.")
        .exclude(action=AuditAction.ITEM_ASSIGN_REVIEW)
        .order_by("created_at", "pk")
    )


def item_versions_labelled(*, item: Item) -> list[Version]:
    """Return the item's versions, newest first, each with `action_labels`: what made it.

    Every write request is one revision (RevisionMiddleware), stamped with the
    time its request began, and writes its audit rows after that: the rows
    from one revision's time up to the next one's are the actions of its
    request, such as "提交审校", "要求修改", "批准", "勘误". A revision with
    none is labelled by its comment (a revert leaves "恢复到 … 的修订"), else
    as the item's creation (the first) or an edit ("编辑"). Two queries.
    """
    versions = list(item_versions(item=item))
    actions = _item_actions(item)
    oldest_first = list(reversed(versions))
    for index, version in enumerate(oldest_first):
        began = version.revision.date_created
        following = (
            oldest_first[index + 1].revision.date_created if index + 1 < len(versions) else None
        )
        labels = [
            entry.get_action_display()
            for entry in actions
            if entry.created_at >= began and (following is None or entry.created_at < following)
        ]
        if not labels and version.revision.get_comment():
            labels = [version.revision.get_comment()]
        if not labels:
            labels = [_("创建") if index == 0 else _("编辑")]
        version.action_labels = labels
    return versions


def version_snapshot(version: Version) -> dict:
    """Return a version's content fields plus its further-reading lines."""
    data = {name: version.field_dict.get(name, "") for name in CONTENT_FIELDS}
    data["version"] = version.field_dict.get("version")
    links = [
        linked.field_dict
        for linked in version.revision.version_set.all()
        if linked.content_type.model_class() is FurtherReading
        and str(linked.field_dict.get("item_id")) == str(version.object_id)
    ]
    data["further_reading"] = _link_lines(sorted(links, key=lambda f: (f["position"], f["id"])))
    data["links"] = links
    return data


def item_snapshot(item: Item) -> dict:
    """Return the stored item's content in the shape of `version_snapshot`."""
    data = {name: getattr(item, name) for name in CONTENT_FIELDS}
    data["version"] = item.version
    links = list(item.further_reading.values("id", "title", "url", "position"))
    data["further_reading"] = _link_lines(links)
    return data


def _link_lines(links: list[dict]) -> list[str]:
    return [f"{link['title']} {link['url']}".strip() for link in links]


def snapshot_for_version_number(*, item: Item, number: int) -> dict | None:
    """Return the snapshot saved when the item had `version` == number, if kept."""
    for version in item_versions(item=item):
        if version.field_dict.get("version") == number:
            return version_snapshot(version)
    return None


def _revert_check(item: Item, actor, correction_note: str) -> None:
    """Raise unless `actor` may put old text on `item` now, as an edit would."""
    require(actor, "item.change", item)
    if item_edit_needs_correction(item=item):
        require(actor, "item.correct", item)
        if not correction_note.strip():
            raise ItemRefused(
                _("《%(title)s》所在的一期已排期或发布:恢复旧修订是一次勘误,请写明勘误说明。")
                % {"title": item}
            )


def _text_restore(item: Item, snapshot: dict) -> list[str]:
    """Put the snapshot's text and links on the locked `item`; return the fields that changed."""
    current = item_snapshot(item)
    changed = [name for name in CONTENT_FIELDS if current[name] != snapshot[name]]
    if current["further_reading"] != snapshot["further_reading"]:
        changed.append("further_reading")
    for name in CONTENT_FIELDS:
        setattr(item, name, snapshot[name])
    try:
        item.full_clean(exclude=["tags"])
    except ValidationError as error:
        raise ItemRefused([_("这个旧修订的内容现在不能保存:"), *error.messages]) from error
    item.version += 1
    item.save()
    item_render(item=item)
    item.further_reading.all().delete()
    FurtherReading.objects.bulk_create(
        FurtherReading(item=item, title=link["title"], url=link["url"], position=link["position"])
        for link in snapshot["links"]
    )
    return changed


def item_revert(*, item: Item, version: Version, actor, correction_note: str = "") -> Item:
    """Restore the text of `version` onto `item`: an edit, recorded as a new revision.

    The workflow's rule for edits applies: an approved item goes back to
    review, and on a released issue the revert must be an editor's logged
    correction (`correction_note`). Every revert writes an audit row.
    Placement and projects stay as they are; the version counter moves on, so
    an editor with the page open sees a conflict, not a silent overwrite.
    Raises ValueError when `version` belongs to another item, `ItemRefused`
    or `NotPermitted` when the edit is not allowed.
    """
    if str(version.object_id) != str(item.pk) or version.content_type.model_class() is not Item:
        raise ValueError("This revision belongs to another item.")
    snapshot = version_snapshot(version)
    with transaction.atomic(), reversion.create_revision():
        locked = item_lock(item)
        _revert_check(locked, actor, correction_note)
        from_state = locked.state
        changed = _text_restore(locked, snapshot)
        reverted = {"reverted_to": version.pk}
        if from_state == Item.State.APPROVED and changed:
            item_edit(
                item=locked,
                actor=actor,
                changed_fields=changed,
                correction_note=correction_note,
                data=reverted,
            )
        else:
            audit_entry_create(
                actor=actor,
                action=AuditAction.ITEM_REVERT,
                item=locked,
                from_state=from_state,
                to_state=from_state,
                data={"changed_fields": changed, **reverted},
            )
        search_index_update(items=[locked])
        reversion.set_user(actor)
        reversion.set_comment(
            _("Reverted to the revision of %(date)s")
            % {"date": version.revision.date_created.strftime("%Y-%m-%d %H:%M")}
        )
    locked.refresh_from_db()
    return locked
