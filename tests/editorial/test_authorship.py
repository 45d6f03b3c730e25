"""Authorship is fixed once an item is submitted, and nobody who ever wrote an
item approves it: setting the author to someone else for a moment does not help."""

import pytest
import reversion
from django.urls import reverse

from editorial import workflow
from editorial.errors import EditorialError
from editorial.models import AuditEntry
from newsletter.models import Item
from tests.admin_forms import change_form_data
from tests.editorial.conftest import client_for
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

S = Item.State


def _change(client, item, **changes):
    url = reverse("admin:newsletter_item_change", args=[item.pk])
    return client.post(url, change_form_data(client.get(url), **changes))


def test_changing_the_author_of_a_draft_is_logged(editor, contributor, other_contributor):
    """An editor may reassign a draft; the audit log keeps who it was and who it is."""
    item = ItemFactory(author=contributor, issue=None)
    response = _change(client_for(editor), item, author=str(other_contributor.pk))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.author == other_contributor
    entry = AuditEntry.objects.get(item=item, action="item.author_change")
    assert (entry.actor, entry.data) == (
        editor,
        {"from": contributor.pk, "to": other_contributor.pk},
    )


@pytest.mark.parametrize("state", [S.IN_REVIEW, S.APPROVED, S.CHANGES_REQUESTED])
def test_the_author_of_a_submitted_item_is_fixed(editor, contributor, other_contributor, state):
    """After submission the item form refuses a new author beside the field; nothing is saved."""
    item = ItemFactory(author=contributor, issue=None, state=state)
    response = _change(client_for(editor), item, author=str(other_contributor.pk), body="新正文")
    assert response.status_code == 200
    assert "作者不能再更改" in str(response.context["adminform"].form.errors["author"])
    item.refresh_from_db()
    assert (item.author, item.body) == (contributor, "### 简介\n\n正文。")
    assert not AuditEntry.objects.filter(action="item.author_change").exists()


def test_the_service_refuses_a_new_author_after_submission(editor, contributor, reviewer):
    """The rule is the service's, not only the form's."""
    item = ItemFactory(author=contributor, issue=None, state=S.IN_REVIEW)
    with pytest.raises(EditorialError):
        workflow.item_author_change(item=item, actor=editor, author=reviewer)
    assert Item.objects.get(pk=item.pk).author == contributor


def test_a_contributor_cannot_change_the_author(contributor, other_contributor):
    """Reassigning is the editor-in-chief's."""
    item = ItemFactory(author=contributor, issue=None)
    with pytest.raises(EditorialError):
        workflow.item_author_change(item=item, actor=contributor, author=other_contributor)


def test_the_self_approval_detour_is_closed(editor, contributor):
    """Author → someone else → approve: refused, the editor was the author."""
    item = ItemFactory(author=editor, issue=None)
    workflow.item_author_change(item=item, actor=editor, author=contributor)
    workflow.item_submit(item=item, actor=editor)
    with pytest.raises(EditorialError, match="作者"):
        workflow.item_approve(item=item, actor=editor)
    assert Item.objects.get(pk=item.pk).state == S.IN_REVIEW


def test_a_former_author_in_the_revision_history_cannot_approve(reviewer, contributor):
    """A revision that names the reviewer as author is enough to refuse them."""
    with reversion.create_revision():
        item = ItemFactory(author=reviewer, issue=None)
    # Changed behind the workflow's back (say, an old database): history still knows.
    Item.objects.filter(pk=item.pk).update(author=contributor, state=S.IN_REVIEW)
    with pytest.raises(EditorialError, match="作者"):
        workflow.item_approve(item=item, actor=reviewer)


def test_an_item_created_for_someone_else_counts_its_creator_as_author(editor, contributor):
    """The editor who adds an item naming another author is still the one who wrote it."""
    client = client_for(editor)
    add = client.get(reverse("admin:newsletter_item_add"))
    data = change_form_data(add, title="新条目", body="正文", author=str(contributor.pk))
    assert client.post(reverse("admin:newsletter_item_add"), data).status_code == 302
    item = Item.objects.get(title="新条目")
    assert item.author == contributor
    assert workflow.item_author_ids(item=item) == {editor.pk, contributor.pk}
    workflow.item_submit(item=item, actor=contributor)
    with pytest.raises(EditorialError):
        workflow.item_approve(item=item, actor=editor)


def test_the_bulk_approve_action_refuses_a_former_author(editor, contributor):
    """The changelist's action runs the same service: a message, and the item stays in review."""
    item = ItemFactory(author=editor, issue=None)
    workflow.item_author_change(item=item, actor=editor, author=contributor)
    workflow.item_submit(item=item, actor=contributor)
    response = client_for(editor).post(
        reverse("admin:newsletter_item_changelist"),
        {"action": "approve_selected", "_selected_action": [item.pk]},
        follow=True,
    )
    assert "不能批准" in response.content.decode()
    assert Item.objects.get(pk=item.pk).state == S.IN_REVIEW


def test_a_former_author_is_not_offered_the_approve_button(editor, contributor):
    """The item page offers only what the service would do."""
    item = ItemFactory(author=editor, issue=None)
    workflow.item_author_change(item=item, actor=editor, author=contributor)
    item = workflow.item_submit(item=item, actor=contributor)
    offered = {t.name for t in workflow.item_transitions_for(item=item, user=editor)}
    assert "approve" not in offered
    assert "request_changes" in offered
