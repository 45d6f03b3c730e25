"""The release desk offers only what can work now, and publishing is confirmed first."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.models import NotificationPreference
from newsletter.models import Issue
from tests.editorial.conftest import client_for
from tests.factories import IssueFactory, ItemFactory, RoleUserFactory

pytestmark = pytest.mark.django_db


def _desk(issue) -> str:
    return reverse("admin:newsletter_issue_release", args=[issue.pk])


def test_publish_now_asks_for_confirmation_with_count_time_zone_and_recipients(ready_issue, editor):
    """The GET says how many items go out, when in which time zone, and who is emailed."""
    author = RoleUserFactory(username="lin", first_name="林小溪", email="lin@example.com")
    quiet = RoleUserFactory(username="quiet", email="quiet@example.com")
    NotificationPreference.objects.create(user=quiet, email_on_issue_published=False)
    first, second = ready_issue.items.order_by("position")
    first.author, second.author = author, quiet
    first.save()
    second.save()
    response = client_for(editor).get(
        reverse("admin:newsletter_issue_publish", args=[ready_issue.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "读者将在「" in html and "」里看到 2 篇条目" in html
    assert "Asia/Shanghai, UTC+08:00" in html
    assert "林小溪 &lt;lin@example.com&gt;" in html
    assert "quiet@example.com" not in html
    ready_issue.refresh_from_db()
    assert ready_issue.status == Issue.Status.DRAFT


def test_confirming_publishes(ready_issue, editor):
    """The confirmation page's button posts, and the issue is published."""
    client = client_for(editor)
    page = client.get(reverse("admin:newsletter_issue_publish", args=[ready_issue.pk]))
    assert 'method="post"' in page.content.decode()
    response = client.post(reverse("admin:newsletter_issue_publish", args=[ready_issue.pk]))
    assert response["Location"] == _desk(ready_issue)
    ready_issue.refresh_from_db()
    assert ready_issue.status == Issue.Status.PUBLISHED


def test_scheduling_is_confirmed_with_the_chosen_time_and_zone(ready_issue, editor):
    """The schedule form is a GET to the confirmation, which carries the time on to the POST."""
    when = timezone.localtime() + timedelta(days=3)
    typed = when.strftime("%Y-%m-%dT%H:%M")
    client = client_for(editor)
    html = client.get(
        reverse("admin:newsletter_issue_schedule", args=[ready_issue.pk]), {"publish_at": typed}
    ).content.decode()
    assert when.strftime("%Y-%m-%d %H:%M") in html and "Asia/Shanghai" in html
    assert f'name="publish_at" value="{typed}"' in html
    client.post(
        reverse("admin:newsletter_issue_schedule", args=[ready_issue.pk]), {"publish_at": typed}
    )
    ready_issue.refresh_from_db()
    assert ready_issue.status == Issue.Status.SCHEDULED


def test_the_schedule_field_names_the_time_zone(ready_issue, editor):
    """Beside the date-time box, and tied to it for screen readers."""
    html = client_for(editor).get(_desk(ready_issue)).content.decode()
    assert 'aria-describedby="schedule-time-zone"' in html
    assert '<span class="time-zone" id="schedule-time-zone">Asia/Shanghai, UTC+08:00</span>' in html


def test_a_published_issue_offers_only_withdrawal(ready_issue, editor):
    """After publishing, schedule and publish are gone, and so is rearranging the live issue."""
    client = client_for(editor)
    client.post(reverse("admin:newsletter_issue_publish", args=[ready_issue.pk]))
    html = client.get(_desk(ready_issue)).content.decode()
    assert reverse("admin:newsletter_issue_publish", args=[ready_issue.pk]) not in html
    assert reverse("admin:newsletter_issue_schedule", args=[ready_issue.pk]) not in html
    assert reverse("admin:newsletter_issue_withdraw", args=[ready_issue.pk]) in html
    assert reverse("admin:newsletter_issue_arrange", args=[ready_issue.pk]) not in html
    assert "请先撤回这一期" in html


def test_an_issue_with_problems_offers_no_release_button(ready_issue, section, editor):
    """Until the checklist passes, the desk says so instead of showing buttons that fail."""
    ItemFactory(issue=ready_issue, section=section, position=3, title="待审条目")
    html = client_for(editor).get(_desk(ready_issue)).content.decode()
    assert reverse("admin:newsletter_issue_publish", args=[ready_issue.pk]) not in html
    assert reverse("admin:newsletter_issue_schedule", args=[ready_issue.pk]) not in html
    assert reverse("admin:newsletter_issue_withdraw", args=[ready_issue.pk]) not in html
    assert "上面的检查清单全部通过后,才能排期和发布。" in html


def test_a_draft_issue_offers_schedule_and_publish_but_not_withdraw(ready_issue, editor):
    """A draft that passes the checklist can be scheduled or published, not withdrawn."""
    html = client_for(editor).get(_desk(ready_issue)).content.decode()
    assert reverse("admin:newsletter_issue_publish", args=[ready_issue.pk]) in html
    assert reverse("admin:newsletter_issue_schedule", args=[ready_issue.pk]) in html
    assert reverse("admin:newsletter_issue_withdraw", args=[ready_issue.pk]) not in html


def test_the_checklist_all_clear_is_not_pale_green(ready_issue, editor):
    """The "all clear" line uses a dark green that meets WCAG AA on white."""
    html = client_for(editor).get(_desk(ready_issue)).content.decode()
    assert '<p class="checklist-ok">' in html
    assert ".checklist-ok { color: #1b6b2f;" in html


def test_history_on_the_desk_speaks_in_words(ready_issue, editor):
    """Release history: action and status labels, not codes."""
    client = client_for(editor)
    client.post(reverse("admin:newsletter_issue_publish", args=[ready_issue.pk]))
    html = client.get(_desk(ready_issue)).content.decode()
    history = html[html.index('id="issue-log-heading"') :]
    assert "发布" in history and "草稿 → 已发布" in history
    assert "issue.publish" not in history


def test_an_unpublished_issue_is_not_public_on_the_desk(editor):
    """IssueFactory's draft: the desk renders for an empty issue too."""
    issue = IssueFactory()
    assert client_for(editor).get(_desk(issue)).status_code == 200
