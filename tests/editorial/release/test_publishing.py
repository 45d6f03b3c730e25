"""Releasing an issue: schedule, publish (now or when due), withdraw."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from editorial.errors import EditorialError, NotPermitted
from editorial.models import AuditEntry
from editorial.release import publishing
from newsletter.models import Issue, Item
from tests.factories import (
    IssueFactory,
    ItemFactory,
    public_item,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


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
