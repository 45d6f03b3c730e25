"""The admin home: my drafts, my reviews, what was sent back, the next issue, the calendar."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial.selectors import dashboard_for
from newsletter.models import Item
from tests.editorial.conftest import client_for
from tests.factories import (
    IssueFactory,
    ItemFactory,
    ReviewAssignmentFactory,
    ReviewCommentFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db
S = Item.State


def test_a_contributor_sees_their_drafts_and_what_was_sent_back(contributor, reviewer):
    """Own drafts and own items with changes requested, with the open comment count."""
    ItemFactory(author=contributor, title="我的草稿")
    sent_back = ItemFactory(author=contributor, title="要改的", state=S.CHANGES_REQUESTED)
    ReviewCommentFactory.create_batch(2, item=sent_back, author=reviewer)
    ItemFactory(author=reviewer, title="别人的草稿")
    html = client_for(contributor).get(reverse("admin:index")).content.decode()
    assert "我的草稿" in html
    assert "要改的" in html
    assert "2 条未解决意见" in html
    assert "别人的草稿" not in html
    dashboard = dashboard_for(user=contributor)
    assert [item.title for item in dashboard.changes_requested] == ["要改的"]
    assert dashboard.changes_requested[0].open_comment_count == 2
    assert dashboard.awaiting_my_review == []


def test_a_reviewer_sees_items_awaiting_review_by_due_date(contributor, reviewer, editor):
    """Assigned to me or to nobody, never my own, soonest due first."""
    later = ItemFactory(author=contributor, title="后到期", state=S.IN_REVIEW)
    ReviewAssignmentFactory(item=later, reviewer=reviewer, due_date=datetime.date(2030, 2, 1))
    sooner = ItemFactory(author=contributor, title="先到期", state=S.IN_REVIEW)
    ReviewAssignmentFactory(item=sooner, reviewer=reviewer, due_date=datetime.date(2030, 1, 1))
    ItemFactory(author=contributor, title="无人认领", state=S.IN_REVIEW)
    elsewhere = ItemFactory(author=contributor, title="别人负责", state=S.IN_REVIEW)
    ReviewAssignmentFactory(item=elsewhere, reviewer=editor)
    ItemFactory(author=reviewer, title="我自己写的", state=S.IN_REVIEW)
    titles = [item.title for item in dashboard_for(user=reviewer).awaiting_my_review]
    assert titles == ["先到期", "后到期", "无人认领"]
    html = client_for(reviewer).get(reverse("admin:index")).content.decode()
    assert "2030-01-01" in html


def test_the_editor_sees_the_next_issues_progress_and_checklist(editor, contributor):
    """Counts by state and the checklist of the next issue."""
    IssueFactory(published=True, slug="2029-12")
    upcoming = IssueFactory(slug="2030-01", title="一月刊")
    section = SectionFactory()
    ItemFactory(issue=upcoming, section=section, position=1, approved=True)
    ItemFactory(issue=upcoming, section=section, position=2, title="还在审", state=S.IN_REVIEW)
    progress = dashboard_for(user=editor).next_issue
    assert progress.issue == upcoming
    counts = dict(progress.counts)
    assert (counts["已通过"], counts["审校中"], counts["草稿"]) == (1, 1, 0)
    html = client_for(editor).get(reverse("admin:index")).content.decode()
    assert "一月刊" in html
    assert "《还在审》尚未通过审校" in html


def test_the_calendar_lists_issues_with_their_dates(editor):
    """Recent and coming issues, with publish dates."""
    IssueFactory(published=True, slug="2029-12", title="十二月刊")
    IssueFactory(scheduled=True, slug="2030-01", title="一月刊")
    IssueFactory(slug="2030-02", title="二月刊")
    calendar = [issue.title for issue in dashboard_for(user=editor).calendar]
    assert calendar == ["十二月刊", "一月刊", "二月刊"]


def test_an_account_administrator_sees_no_newsroom_lists(administrator):
    """The dashboard is for the newsroom; administrators get the plain index."""
    html = client_for(administrator).get(reverse("admin:index")).content.decode()
    assert "newsroom-dashboard" not in html


def _fill(editor, contributor, issue, section, positions):
    for position in positions:
        item = ItemFactory(
            issue=issue, section=section, position=position, author=editor, state=S.IN_REVIEW
        )
        ReviewAssignmentFactory(item=item, reviewer=contributor, due_date=datetime.date(2030, 1, 1))
        ItemFactory(author=editor, state=S.CHANGES_REQUESTED)
        ItemFactory(author=contributor, state=S.IN_REVIEW)
        ItemFactory(author=editor)


def _count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:index")).status_code == 200
    return len(queries)


def test_the_dashboard_runs_in_a_bounded_number_of_queries(editor, contributor):
    """Twenty times the items cost not one query more."""
    issue, section = IssueFactory(), SectionFactory()
    client = client_for(editor)
    _fill(editor, contributor, issue, section, [1])
    few = _count_queries(client)
    _fill(editor, contributor, issue, section, range(2, 21))
    assert _count_queries(client) == few <= 20


def test_the_editor_sees_approved_items_waiting_in_the_pool(editor, contributor):
    """The pool lists approved items in no issue, with their count; placed ones are not in it."""
    ItemFactory(issue=None, approved=True, title="池中一", author=contributor)
    ItemFactory(issue=None, approved=True, title="池中二", author=contributor)
    ItemFactory(issue=None, title="还是草稿", author=contributor)
    ItemFactory(issue=IssueFactory(), section=SectionFactory(), approved=True, title="已排入")
    dashboard = dashboard_for(user=editor)
    assert sorted(item.title for item in dashboard.pool) == ["池中一", "池中二"]
    assert dashboard.pool_count == 2
    html = client_for(editor).get(reverse("admin:index")).content.decode()
    assert "素材池:2 篇已批准的条目等待排入一期" in html


def test_a_contributor_sees_no_pool(contributor):
    """Placing items is the editor-in-chief's work: the pool is not on a contributor's home."""
    ItemFactory(issue=None, approved=True)
    assert dashboard_for(user=contributor).pool == []
    assert 'id="pool"' not in client_for(contributor).get(reverse("admin:index")).content.decode()


def test_reviewers_see_items_in_review_with_their_age_and_reviewer(
    reviewer, contributor, editor, time_machine
):
    """Longest-waiting first; the age counts from the submission, the reviewer by display name."""
    from editorial import workflow

    time_machine.move_to(datetime.datetime(2030, 1, 1, 9, tzinfo=datetime.UTC), tick=False)
    older = ItemFactory(author=contributor, title="早送审")
    workflow.item_submit(item=older, actor=contributor)
    time_machine.move_to(datetime.datetime(2030, 1, 3, 9, tzinfo=datetime.UTC), tick=False)
    newer = ItemFactory(author=contributor, title="晚送审")
    workflow.item_submit(item=newer, actor=contributor)
    editor.first_name = "王主编"
    editor.save()
    ReviewAssignmentFactory(item=newer, reviewer=editor, due_date=datetime.date(2030, 1, 5))
    time_machine.move_to(datetime.datetime(2030, 1, 4, 9, tzinfo=datetime.UTC), tick=False)
    in_review = dashboard_for(user=reviewer).in_review
    assert [item.title for item in in_review] == ["早送审", "晚送审"]
    assert in_review[0].in_review_since == datetime.datetime(2030, 1, 1, 9, tzinfo=datetime.UTC)
    html = client_for(reviewer).get(reverse("admin:index")).content.decode()
    assert "3\xa0日" in html and "1\xa0日" in html
    assert "王主编" in html


def test_my_due_dates_list_my_reviews_and_my_items_in_the_next_issue(
    reviewer, contributor, time_machine
):
    """Reviews assigned to me by due date; my unapproved items in the next issue by its date."""
    time_machine.move_to(datetime.datetime(2030, 1, 10, 9, tzinfo=datetime.UTC), tick=False)
    to_review = ItemFactory(author=contributor, title="待我审", state=S.IN_REVIEW)
    ReviewAssignmentFactory(item=to_review, reviewer=reviewer, due_date=datetime.date(2030, 1, 20))
    upcoming = IssueFactory(
        slug="2030-01", publish_at=datetime.datetime(2030, 1, 31, 1, tzinfo=datetime.UTC)
    )
    ItemFactory(issue=upcoming, section=SectionFactory(), author=reviewer, title="我写的")
    dates = dashboard_for(user=reviewer).my_due_dates
    assert [(due.date.isoformat(), due.item.title, due.kind) for due in dates] == [
        ("2030-01-20", "待我审", "review"),
        ("2030-01-31", "我写的", "issue"),
    ]
    html = client_for(reviewer).get(reverse("admin:index")).content.decode()
    assert "2030-01-20" in html and "你负责的审校到期" in html


def test_a_contributor_sees_the_next_issues_checklist(contributor):
    """Everyone in the newsroom sees whether the next issue is ready."""
    upcoming = IssueFactory(slug="2030-01", title="一月刊")
    ItemFactory(issue=upcoming, section=SectionFactory(), title="还在写", author=contributor)
    assert dashboard_for(user=contributor).next_issue.issue == upcoming
    html = client_for(contributor).get(reverse("admin:index")).content.decode()
    assert "一月刊" in html and "《还在写》尚未通过审校" in html
