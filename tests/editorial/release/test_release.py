"""The issue as one release: assembly, the publish checklist, schedule, publish, withdraw."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from editorial.errors import EditorialError, NotPermitted
from editorial.models import AuditEntry
from editorial.release import assembly, checklist, publishing
from newsletter.models import Figure, Issue, Item, ItemFigure
from tests.editorial.conftest import client_for
from tests.factories import (
    FigureFactory,
    IssueFactory,
    ItemFactory,
    ReviewCommentFactory,
    SectionFactory,
    public_item,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def section():
    return SectionFactory(name="新版本")


@pytest.fixture
def ready_issue(section):
    """A draft issue whose checklist passes."""
    issue = IssueFactory(slug="2030-01")
    ItemFactory(issue=issue, section=section, position=1, approved=True, title="Helm 4 发布")
    ItemFactory(issue=issue, section=section, position=2, approved=True, title="Linkerd 3 发布")
    return issue


def _messages(problems):
    return [problem.message for problem in problems]


# ---------------------------------------------------------------------------
# The checklist
# ---------------------------------------------------------------------------


def test_a_ready_issue_passes_the_checklist(ready_issue):
    """No problem, nothing to say."""
    assert checklist.issue_checklist(issue=ready_issue) == []


def test_an_empty_issue_fails_the_checklist():
    """An issue needs items."""
    assert _messages(checklist.issue_checklist(issue=IssueFactory())) == ["这一期还没有任何条目。"]


def test_an_unapproved_item_fails_the_checklist_by_name(ready_issue, section):
    """The message names the item and its state."""
    ItemFactory(issue=ready_issue, section=section, position=3, title="未审条目")
    problems = checklist.issue_checklist(issue=ready_issue)
    assert [p.code for p in problems] == ["not_approved"]
    assert "《未审条目》尚未通过审校" in problems[0].message


def test_a_section_with_no_approved_item_fails_the_checklist(ready_issue):
    """Readers would see an empty column."""
    empty = SectionFactory(name="空栏目")
    ItemFactory(issue=ready_issue, section=empty, position=1, title="还在审")
    problems = checklist.issue_checklist(issue=ready_issue)
    assert {p.code for p in problems} == {"not_approved", "empty_section"}
    assert any("栏目「🆕 空栏目」" in p.message and p.section == empty for p in problems)


def test_an_item_without_a_section_fails_the_checklist(ready_issue):
    """Every item needs a column."""
    ItemFactory(issue=ready_issue, section=None, position=9, approved=True, title="无栏目")
    assert _messages(checklist.issue_checklist(issue=ready_issue)) == ["《无栏目》还没有分配栏目。"]


def test_an_item_without_a_source_link_fails_the_checklist(ready_issue, section):
    """Every item links its source."""
    ItemFactory(
        issue=ready_issue, section=section, position=3, approved=True, title="无链接", source_url=""
    )
    assert _messages(checklist.issue_checklist(issue=ready_issue)) == ["《无链接》缺少原文链接。"]


def test_an_unresolved_comment_fails_the_checklist(ready_issue):
    """Open review threads must be settled first."""
    item = ready_issue.items.get(position=1)
    ReviewCommentFactory(item=item)
    assert _messages(checklist.issue_checklist(issue=ready_issue)) == [
        "《Helm 4 发布》还有 1 条未解决的审校意见。"
    ]


def test_an_image_without_alt_text_in_the_body_fails_the_checklist(ready_issue, section):
    """![](…) gives screen readers nothing."""
    ItemFactory(
        issue=ready_issue, section=section, position=3, approved=True, title="配图",
        body="![](https://example.com/a.png)",
    )  # fmt: skip
    assert _messages(checklist.issue_checklist(issue=ready_issue)) == [
        "《配图》正文里有图片缺少替代文字。"
    ]


def test_a_figure_without_alt_text_fails_the_checklist(ready_issue):
    """Figures placed on an item need alt text too."""
    item = ready_issue.items.get(position=1)
    figure = FigureFactory()
    Figure.objects.filter(pk=figure.pk).update(alt_text="  ")
    ItemFigure.objects.create(item=item, figure=figure, position=1)
    problems = checklist.issue_checklist(issue=ready_issue)
    assert [p.code for p in problems] == ["figure_alt"]
    assert problems[0].message.startswith("《Helm 4 发布》的配图")


def test_an_item_already_published_by_source_url_fails_the_checklist(ready_issue, section):
    """The same article in an earlier issue is a duplicate, even with a trailing slash."""
    earlier = public_item(
        issue=IssueFactory(published=True, slug="2029-12"),
        source_url="https://helm.sh/blog/helm-4",
        title="早先的标题",
    )
    ItemFactory(
        issue=ready_issue, section=section, position=3, approved=True, title="新标题",
        source_url="https://helm.sh/blog/helm-4/",
    )  # fmt: skip
    assert _messages(checklist.issue_checklist(issue=ready_issue)) == [
        f"《新标题》与第 2029-12 期已发布的《{earlier.title}》重复(原文链接相同)。"
    ]


def test_an_item_already_published_by_title_fails_the_checklist(ready_issue, section):
    """The same title in an earlier issue is a duplicate."""
    public_item(issue=IssueFactory(published=True, slug="2029-11"), title="Linkerd 3 发布")
    problems = checklist.issue_checklist(issue=ready_issue)
    assert _messages(problems) == [
        "《Linkerd 3 发布》与第 2029-11 期已发布的《Linkerd 3 发布》重复(标题相同)。"
    ]


def test_a_draft_elsewhere_is_not_a_duplicate(ready_issue):
    """Only what readers have seen counts."""
    ItemFactory(issue=IssueFactory(), title="Linkerd 3 发布")
    assert checklist.issue_checklist(issue=ready_issue) == []


def test_two_items_of_the_same_issue_with_one_source_fail_the_checklist(ready_issue, section):
    """A duplicate inside the issue is caught too."""
    first = ready_issue.items.get(position=1)
    ItemFactory(
        issue=ready_issue, section=section, position=3, approved=True, title="重复",
        source_url=first.source_url,
    )  # fmt: skip
    assert _messages(checklist.issue_checklist(issue=ready_issue)) == [
        "《重复》与本期的《Helm 4 发布》重复(原文链接相同)。"
    ]


def test_the_checklist_runs_in_a_fixed_number_of_queries(
    ready_issue, section, django_assert_max_num_queries
):
    """Thirty items cost what two do."""
    for position in range(3, 33):
        ItemFactory(issue=ready_issue, section=section, position=position, approved=True)
    with django_assert_max_num_queries(4):
        checklist.issue_checklist(issue=ready_issue)


# ---------------------------------------------------------------------------
# Schedule, publish, withdraw
# ---------------------------------------------------------------------------


def test_scheduling_needs_a_time_in_the_future(ready_issue, editor):
    """The past is not a schedule."""
    with pytest.raises(EditorialError, match="发布时间必须晚于现在"):
        publishing.issue_schedule(
            issue=ready_issue, actor=editor, publish_at=timezone.now() - timedelta(minutes=1)
        )


def test_scheduling_is_blocked_by_every_checklist_problem(ready_issue, section, editor):
    """Each problem is one message of the refusal; nothing changes."""
    ItemFactory(issue=ready_issue, section=section, position=3, title="待审", source_url="")
    with pytest.raises(EditorialError) as refused:
        publishing.issue_schedule(
            issue=ready_issue, actor=editor, publish_at=timezone.now() + timedelta(days=1)
        )
    assert refused.value.messages == [
        "《待审》尚未通过审校(当前状态:草稿)。",
        "《待审》缺少原文链接。",
    ]
    ready_issue.refresh_from_db()
    assert ready_issue.status == Issue.Status.DRAFT
    assert not AuditEntry.objects.exists()


def test_a_scheduled_issue_is_invisible_before_its_time_and_visible_after(
    ready_issue, editor, client
):
    """Visibility follows publish_at by itself, with no job run."""
    publish_at = datetime(2030, 1, 31, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(datetime(2030, 1, 30, 12, 0, tzinfo=SHANGHAI), tick=False):
        publishing.issue_schedule(issue=ready_issue, actor=editor, publish_at=publish_at)
        assert client.get(ready_issue.get_absolute_url()).status_code == 404
        assert not Item.objects.public().exists()
    with time_machine.travel(datetime(2030, 1, 31, 8, 59, tzinfo=SHANGHAI), tick=False):
        assert client.get(ready_issue.get_absolute_url()).status_code == 404
    with time_machine.travel(datetime(2030, 1, 31, 9, 0, tzinfo=SHANGHAI), tick=False):
        response = client.get(ready_issue.get_absolute_url())
        assert response.status_code == 200
        assert "Helm 4 发布" in response.content.decode()
    entry = AuditEntry.objects.get(issue=ready_issue)
    assert (entry.action, entry.from_state, entry.to_state) == (
        "issue.schedule",
        Issue.Status.DRAFT,
        Issue.Status.SCHEDULED,
    )


def test_publishing_now_sets_the_times_and_status(ready_issue, editor):
    """Publish now: status, publish_at and published_at in one go."""
    with time_machine.travel(datetime(2030, 2, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        issue = publishing.issue_publish(issue=ready_issue, actor=editor)
        assert issue.status == Issue.Status.PUBLISHED
        assert issue.publish_at == issue.published_at == timezone.now()
    assert AuditEntry.objects.get(issue=issue).action == "issue.publish"


def test_publishing_is_blocked_by_the_checklist(ready_issue, section, editor):
    """Publish now runs the same checklist as scheduling."""
    ItemFactory(issue=ready_issue, section=section, position=3, title="待审")
    with pytest.raises(EditorialError):
        publishing.issue_publish(issue=ready_issue, actor=editor)
    ready_issue.refresh_from_db()
    assert ready_issue.status == Issue.Status.DRAFT


def test_publishing_twice_is_refused(ready_issue, editor):
    """Once out, it is out."""
    publishing.issue_publish(issue=ready_issue, actor=editor)
    with pytest.raises(EditorialError, match="已经发布"):
        publishing.issue_publish(issue=ready_issue, actor=editor)


def test_publishing_is_one_transaction(ready_issue, editor, monkeypatch):
    """If the audit row cannot be written, the issue is not published either."""

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(publishing, "audit_entry_create", broken)
    with pytest.raises(RuntimeError):
        publishing.issue_publish(issue=ready_issue, actor=editor)
    ready_issue.refresh_from_db()
    assert (ready_issue.status, ready_issue.published_at) == (Issue.Status.DRAFT, None)


def test_withdrawing_needs_a_reason(editor):
    """A withdrawal is explained."""
    issue = IssueFactory(published=True)
    with pytest.raises(EditorialError, match="需要写明原因"):
        publishing.issue_withdraw(issue=issue, actor=editor, reason=" ")


def test_withdrawing_takes_the_issue_off_the_site(editor, client):
    """A withdrawn issue answers 404 and the reason is logged."""
    item = public_item()
    issue = publishing.issue_withdraw(issue=item.issue, actor=editor, reason="事实错误")
    assert issue.status == Issue.Status.WITHDRAWN
    assert client.get(issue.get_absolute_url()).status_code == 404
    assert AuditEntry.objects.get(issue=issue).note == "事实错误"


def test_a_draft_cannot_be_withdrawn(editor):
    """Nothing is out to withdraw."""
    with pytest.raises(EditorialError, match="无需撤回"):
        publishing.issue_withdraw(issue=IssueFactory(), actor=editor, reason="x")


def test_a_withdrawn_issue_can_be_scheduled_again(ready_issue, editor):
    """Fix, then release again."""
    publishing.issue_publish(issue=ready_issue, actor=editor)
    publishing.issue_withdraw(issue=ready_issue, actor=editor, reason="修正")
    issue = publishing.issue_schedule(
        issue=ready_issue, actor=editor, publish_at=timezone.now() + timedelta(days=1)
    )
    assert issue.status == Issue.Status.SCHEDULED


def test_a_reviewer_cannot_publish(ready_issue, reviewer):
    """Publishing is the editor-in-chief's."""
    with pytest.raises(NotPermitted):
        publishing.issue_publish(issue=ready_issue, actor=reviewer)


# ---------------------------------------------------------------------------
# publish_due
# ---------------------------------------------------------------------------


def test_publish_due_publishes_each_due_issue_once(ready_issue, editor, mailoutbox):
    """Run twice, announce once; a future issue is left alone."""
    contributor_item = ready_issue.items.first()
    contributor_item.author = editor
    contributor_item.save()
    later = IssueFactory(scheduled=True)
    with time_machine.travel(datetime(2030, 1, 30, 12, 0, tzinfo=SHANGHAI), tick=False):
        publishing.issue_schedule(
            issue=ready_issue, actor=editor, publish_at=datetime(2030, 1, 31, 9, tzinfo=SHANGHAI)
        )
    later.publish_at = datetime(2030, 3, 1, tzinfo=SHANGHAI)
    later.save()
    with time_machine.travel(datetime(2030, 1, 31, 9, 5, tzinfo=SHANGHAI), tick=False):
        first = publishing.issue_publish_due()
        second = publishing.issue_publish_due()
    assert [issue.pk for issue in first] == [ready_issue.pk]
    assert second == []
    ready_issue.refresh_from_db()
    later.refresh_from_db()
    assert ready_issue.status == Issue.Status.PUBLISHED
    assert later.status == Issue.Status.SCHEDULED
    assert AuditEntry.objects.filter(action="issue.publish_due").count() == 1
    assert AuditEntry.objects.get(action="issue.publish_due").actor is None


def test_the_publish_due_command_reports_what_it_did(ready_issue, editor, capsys):
    """For cron: one line per issue, or "nothing due"."""
    with time_machine.travel(datetime(2030, 1, 30, 12, 0, tzinfo=SHANGHAI), tick=False):
        publishing.issue_schedule(
            issue=ready_issue, actor=editor, publish_at=datetime(2030, 1, 31, 9, tzinfo=SHANGHAI)
        )
    with time_machine.travel(datetime(2030, 2, 1, tzinfo=SHANGHAI), tick=False):
        call_command("publish_due")
        call_command("publish_due")
    output = capsys.readouterr().out.splitlines()
    assert output[0].startswith("published 2030-01")
    assert output[1] == "nothing due"


# ---------------------------------------------------------------------------
# Assembly: arrange, place, unplace
# ---------------------------------------------------------------------------


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
