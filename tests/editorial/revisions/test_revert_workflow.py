"""Revert is an edit: it follows the workflow's rule for edits and leaves an audit row."""

import pytest
import reversion
from reversion.models import Version

from editorial.errors import EditorialError
from editorial.models import AuditEntry
from editorial.revisions.history import item_revert
from newsletter.models import Item
from tests.editorial.conftest import client_for
from tests.factories import IssueFactory, ItemFactory, public_item

pytestmark = pytest.mark.django_db

S = Item.State


def _old_version(**fields) -> tuple[Item, Version]:
    """An item saved once with the old text, whose stored text then moved on."""
    with reversion.create_revision():
        item = ItemFactory(body="没人审过的旧文", **fields)
    Item.objects.filter(pk=item.pk).update(body="审校通过的新文")
    item.refresh_from_db()
    return item, Version.objects.get_for_object(item).get()


def _revert_url(item, version) -> str:
    return f"/admin/newsletter/item/{item.pk}/revisions/{version.pk}/revert/"


def test_reverting_an_approved_item_sends_it_back_to_review_uncredited(contributor, editor):
    """The restored text was never approved: the item is in review and nobody is credited."""
    item, version = _old_version(author=contributor, issue=None, approved=True)
    Item.objects.filter(pk=item.pk).update(reviewer=editor)

    item = item_revert(item=item, version=version, actor=contributor)

    item.refresh_from_db()
    assert (item.body, item.state, item.reviewer) == ("没人审过的旧文", S.IN_REVIEW, None)
    entry = AuditEntry.objects.get(item=item)
    assert (entry.action, entry.from_state, entry.to_state) == (
        "item.edit",
        S.APPROVED,
        S.IN_REVIEW,
    )
    assert entry.data["reverted_to"] == version.pk
    assert entry.data["changed_fields"] == ["body"]


def test_reverting_a_draft_writes_an_audit_row(contributor):
    """A revert is logged whatever the state: who restored which revision."""
    item, version = _old_version(author=contributor, issue=None)
    item_revert(item=item, version=version, actor=contributor)
    entry = AuditEntry.objects.get(item=item)
    assert (entry.action, entry.actor, entry.data["reverted_to"]) == (
        "item.revert",
        contributor,
        version.pk,
    )


def test_reverting_a_released_item_without_a_correction_note_is_refused(editor):
    """On a published item a revert is a correction: without its note nothing changes."""
    item, version = _old_version(issue=IssueFactory(published=True), approved=True)
    with pytest.raises(EditorialError):
        item_revert(item=item, version=version, actor=editor)
    item.refresh_from_db()
    assert (item.body, item.state) == ("审校通过的新文", S.APPROVED)
    assert not AuditEntry.objects.exists()


def test_reverting_a_released_item_is_the_editors_logged_correction(editor):
    """With a note the editor-in-chief's revert stays approved and is logged as a correction."""
    item, version = _old_version(issue=IssueFactory(published=True), approved=True)
    item_revert(item=item, version=version, actor=editor, correction_note="恢复原文:新版有误")
    item.refresh_from_db()
    assert (item.body, item.state) == ("没人审过的旧文", S.APPROVED)
    entry = AuditEntry.objects.get(item=item)
    assert (entry.action, entry.note) == ("item.correct", "恢复原文:新版有误")
    assert entry.data["reverted_to"] == version.pk


def test_a_reviewer_with_a_note_cannot_revert_a_released_item(reviewer):
    """Only the editor-in-chief corrects a released item, by revert as by edit."""
    item, version = _old_version(issue=IssueFactory(published=True), approved=True)
    with pytest.raises(EditorialError):
        item_revert(item=item, version=version, actor=reviewer, correction_note="想改回去")
    assert Item.objects.get(pk=item.pk).body == "审校通过的新文"


def test_the_revert_page_asks_the_editor_for_a_correction_note(editor):
    """Over HTTP: no note, a message and nothing changed; with a note, the correction."""
    client = client_for(editor)
    with reversion.create_revision():
        item = public_item(body="旧文")
    version = Version.objects.get_for_object(item).get()
    with reversion.create_revision():
        Item.objects.filter(pk=item.pk).update(body="新文")
        item.refresh_from_db()
        reversion.add_to_revision(item)
    page = client.get(f"/admin/newsletter/item/{item.pk}/revisions/").content.decode()
    # The older revision's restore form asks for the note.
    assert f'<textarea id="correction-{version.pk}" name="correction_note"' in page

    refused = client.post(_revert_url(item, version), follow=True)
    assert refused.status_code == 200
    shown = [str(message) for message in refused.context["messages"]]
    assert any("恢复旧修订是一次勘误" in message for message in shown)
    assert Item.objects.get(pk=item.pk).body == "新文"

    done = client.post(_revert_url(item, version), {"correction_note": "改回原文"})
    assert done.status_code == 302
    assert Item.objects.get(pk=item.pk).body == "旧文"
    assert AuditEntry.objects.get(item=item).action == "item.correct"
