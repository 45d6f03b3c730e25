"""Assembling an issue on the release desk: arrange, place from the pool, unplace."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.errors import EditorialError
from editorial.models import AuditEntry
from editorial.release import assembly, publishing
from newsletter.models import Issue
from tests.editorial.conftest import client_for
from tests.factories import (
    ItemFactory,
    SectionFactory,
    public_item,
)

pytestmark = pytest.mark.django_db


def _order(issue):
    return list(
        issue.items.order_by("section__position", "position").values_list(
            "title", "section__name", "position"
        )
    )


def test_moving_an_item_down_swaps_positions(ready_issue, editor):
    """↓ swaps with the next item; positions stay unique and dense."""
    first = ready_issue.items.get(position=1)
    assembly.issue_move_item(issue=ready_issue, item=first, actor=editor, offset=1)
    assert _order(ready_issue) == [("Linkerd 3 发布", "新版本", 1), ("Helm 4 发布", "新版本", 2)]
    assert AuditEntry.objects.get(issue=ready_issue).action == "issue.arrange"


def test_arranging_moves_items_across_sections_and_renumbers(ready_issue, section, editor):
    """Typed positions win ties for the item that moved; both sections are renumbered."""
    other = SectionFactory(name="实践", position=section.position + 1)
    stays = ItemFactory(issue=ready_issue, section=other, position=1, approved=True, title="实践一")
    helm = ready_issue.items.get(title="Helm 4 发布")
    linkerd = ready_issue.items.get(title="Linkerd 3 发布")
    assembly.issue_arrange(
        issue=ready_issue,
        actor=editor,
        placements=[
            assembly.Placement(item_id=helm.pk, section_id=other.pk, position=1),
            assembly.Placement(item_id=linkerd.pk, section_id=section.pk, position=2),
            assembly.Placement(item_id=stays.pk, section_id=other.pk, position=1),
        ],
    )
    assert _order(ready_issue) == [
        ("Linkerd 3 发布", "新版本", 1),
        ("Helm 4 发布", "实践", 1),
        ("实践一", "实践", 2),
    ]


def test_arranging_items_of_another_issue_is_refused(ready_issue, editor):
    """Placements name this issue's items only."""
    stranger = ItemFactory()
    with pytest.raises(EditorialError, match="只能排列本期的条目"):
        assembly.issue_arrange(
            issue=ready_issue,
            actor=editor,
            placements=[assembly.Placement(item_id=stranger.pk, section_id=None, position=1)],
        )


def test_a_live_issue_cannot_be_rearranged(editor):
    """Readers would see the numbers change under them."""
    item = public_item()
    with pytest.raises(EditorialError, match="已经上线"):
        assembly.issue_move_item(issue=item.issue, item=item, actor=editor, offset=1)


def test_an_approved_pool_item_is_placed_at_the_end_of_its_section(ready_issue, section, editor):
    """Pulling from the pool appends to the section."""
    pooled = ItemFactory(issue=None, approved=True, title="池中条目")
    item = assembly.issue_place_item(issue=ready_issue, item=pooled, section=section, actor=editor)
    assert (item.issue, item.section, item.position) == (ready_issue, section, 3)
    entry = AuditEntry.objects.get(action="issue.place_item")
    assert (entry.issue, entry.item) == (ready_issue, item)


def test_an_unapproved_item_cannot_be_placed_from_the_pool(ready_issue, section, editor):
    """The pool offers approved items only."""
    pooled = ItemFactory(issue=None, title="草稿")
    with pytest.raises(EditorialError, match="还没有通过审校"):
        assembly.issue_place_item(issue=ready_issue, item=pooled, section=section, actor=editor)


def test_an_item_placed_elsewhere_cannot_be_placed_again(ready_issue, section, editor):
    """One item, one issue."""
    elsewhere = ItemFactory(approved=True)
    with pytest.raises(EditorialError, match="已经排在"):
        assembly.issue_place_item(issue=ready_issue, item=elsewhere, section=section, actor=editor)


def test_unplacing_sends_an_item_back_to_the_pool(ready_issue, editor):
    """The item waits for another issue."""
    item = ready_issue.items.get(position=2)
    assembly.issue_unplace_item(issue=ready_issue, item=item, actor=editor)
    item.refresh_from_db()
    assert (item.issue, item.position) == (None, 0)


def test_a_change_that_breaks_a_scheduled_issue_is_refused(ready_issue, section, editor):
    """A scheduled issue stays one that passed its checklist."""
    publishing.issue_schedule(
        issue=ready_issue, actor=editor, publish_at=timezone.now() + timedelta(days=1)
    )
    pooled = ItemFactory(issue=None, approved=True, source_url="")
    with pytest.raises(EditorialError, match="缺少原文链接"):
        assembly.issue_place_item(issue=ready_issue, item=pooled, section=section, actor=editor)
    pooled.refresh_from_db()
    assert pooled.issue is None


def test_the_release_desk_shows_sections_pool_and_checklist(ready_issue, section, editor):
    """One page: items by section with states, the pool, the checklist."""
    ItemFactory(issue=None, approved=True, title="池中条目")
    ItemFactory(issue=ready_issue, section=section, position=3, title="待审条目")
    response = client_for(editor).get(
        reverse("admin:newsletter_issue_release", args=[ready_issue.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "新版本",
        "Helm 4 发布",
        "池中条目",
        "《待审条目》尚未通过审校",
        '<span class="state-badge state-draft">草稿</span>',
    ]:
        assert text in html


def test_the_release_desk_saves_typed_positions(ready_issue, section, editor):
    """The plain form reorders without JavaScript."""
    helm = ready_issue.items.get(title="Helm 4 发布")
    linkerd = ready_issue.items.get(title="Linkerd 3 发布")
    response = client_for(editor).post(
        reverse("admin:newsletter_issue_arrange", args=[ready_issue.pk]),
        {
            f"section-{helm.pk}": section.pk,
            f"position-{helm.pk}": 2,
            f"section-{linkerd.pk}": section.pk,
            f"position-{linkerd.pk}": 1,
        },
    )
    assert response.status_code == 302
    assert _order(ready_issue)[0][0] == "Linkerd 3 发布"


def test_scheduling_from_the_desk_reports_the_checklist(ready_issue, section, editor):
    """Refusals come back as messages naming the items."""
    ItemFactory(issue=ready_issue, section=section, position=3, title="待审条目")
    response = client_for(editor).post(
        reverse("admin:newsletter_issue_schedule", args=[ready_issue.pk]),
        {"publish_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    assert any("《待审条目》" in message for message in messages)
    ready_issue.refresh_from_db()
    assert ready_issue.status == Issue.Status.DRAFT


def test_the_issue_form_does_not_change_the_status(ready_issue, editor):
    """Status is read-only on the issue form: releasing goes through the desk."""
    response = client_for(editor).get(
        reverse("admin:newsletter_issue_change", args=[ready_issue.pk])
    )
    html = response.content.decode()
    assert 'name="status"' not in html
    assert reverse("admin:newsletter_issue_release", args=[ready_issue.pk]) in html
