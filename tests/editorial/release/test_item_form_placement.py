"""Placement set on the item form goes through the release desk's rules, with an audit row."""

import pytest
from django.urls import reverse

from editorial.errors import EditorialError
from editorial.models import AuditEntry
from editorial.release.assembly import item_placement_set
from newsletter.models import Item
from tests.admin_forms import change_form_data
from tests.editorial.conftest import client_for
from tests.factories import IssueFactory, ItemFactory, public_item

pytestmark = pytest.mark.django_db


def _change(client, item, **changes):
    url = reverse("admin:newsletter_item_change", args=[item.pk])
    return client.post(url, change_form_data(client.get(url), **changes))


def test_adding_an_item_to_a_live_issue_on_the_item_form_is_refused(editor, section):
    """A published issue is closed: the form says so beside the field and nothing moves."""
    live = public_item(section=section).issue
    item = ItemFactory(issue=None, section=section, approved=True, title="池中条目")
    response = _change(client_for(editor), item, issue=str(live.pk), position="5")
    assert response.status_code == 200
    assert "撤回" in str(response.context["adminform"].form.errors["issue"])
    item.refresh_from_db()
    assert item.issue is None
    assert not AuditEntry.objects.exists()


def test_removing_an_item_from_a_live_issue_on_the_item_form_is_refused(editor):
    """Emptying the issue field of a public item does not take it off the site."""
    item = public_item()
    response = _change(client_for(editor), item, issue="")
    assert response.status_code == 200
    assert "issue" in response.context["adminform"].form.errors
    assert Item.objects.public().filter(pk=item.pk).exists()


def test_placing_from_the_item_form_is_the_desks_place_with_its_audit_row(editor, ready_issue):
    """Into a draft issue: placed last in its section, logged as issue.place_item."""
    section = ready_issue.items.first().section
    item = ItemFactory(issue=None, section=section, approved=True, title="Argo 发布")
    response = _change(client_for(editor), item, issue=str(ready_issue.pk), position="9")
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.issue, item.position) == (ready_issue, 3)
    entry = AuditEntry.objects.get(action="issue.place_item")
    assert (entry.item, entry.issue, entry.actor) == (item, ready_issue, editor)


def test_moving_within_an_issue_from_the_item_form_is_an_arrangement(editor, ready_issue):
    """A new position renumbers the section as the desk does, logged as issue.arrange."""
    second = ready_issue.items.get(position=2)
    item_placement_set(
        item=second, actor=editor, issue=ready_issue, section=second.section, position=1
    )
    assert list(ready_issue.items.order_by("position").values_list("title", flat=True)) == [
        "Linkerd 3 发布",
        "Helm 4 发布",
    ]
    assert AuditEntry.objects.get().action == "issue.arrange"


def test_a_scheduled_issue_refuses_an_unapproved_item_from_the_item_form(editor, section):
    """The checklist of a scheduled issue still holds: a draft cannot slip in."""
    scheduled = IssueFactory(scheduled=True)
    ItemFactory(issue=scheduled, section=section, approved=True)
    draft = ItemFactory(issue=None, section=section)
    with pytest.raises(EditorialError):
        item_placement_set(
            item=draft, actor=editor, issue=scheduled, section=section, position=None
        )
    assert Item.objects.get(pk=draft.pk).issue is None


def test_a_new_item_cannot_be_created_inside_a_live_issue(editor, section):
    """The add form applies the same rule as the change form."""
    live = public_item(section=section).issue
    client = client_for(editor)
    data = change_form_data(
        client.get(reverse("admin:newsletter_item_add")),
        title="直接塞进已发布的一期",
        issue=str(live.pk),
        section=str(section.pk),
        position="7",
    )
    response = client.post(reverse("admin:newsletter_item_add"), data)
    assert response.status_code == 200
    assert not Item.objects.filter(title="直接塞进已发布的一期").exists()


def test_an_item_of_a_live_issue_cannot_be_deleted_in_bulk(editor):
    """Deleting is removing too: the changelist's delete action leaves a public item alone."""
    item = public_item()
    response = client_for(editor).post(
        reverse("admin:newsletter_item_changelist"),
        {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    assert Item.objects.public().filter(pk=item.pk).exists()
