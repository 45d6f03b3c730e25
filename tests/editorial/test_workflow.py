"""Item transitions as services: every allowed path, every refusal, one audit row each."""

import pytest

from editorial import review, workflow
from editorial.errors import EditorialError, NotPermitted
from editorial.models import AuditEntry, ReviewComment
from newsletter.models import Item
from tests.factories import IssueFactory, ItemFactory, ReviewCommentFactory

pytestmark = pytest.mark.django_db

S = Item.State


@pytest.fixture
def item(contributor):
    return ItemFactory(author=contributor, issue=None)


def _only_audit(item, action):
    entries = list(AuditEntry.objects.filter(item=item))
    assert len(entries) == 1
    assert entries[0].action == action
    return entries[0]


def test_the_author_submits_a_draft_for_review(item, contributor):
    """Submit moves draft → in review and logs item.submit with the note."""
    item = workflow.item_submit(item=item, actor=contributor, note="请看")
    assert item.state == S.IN_REVIEW
    entry = _only_audit(item, "item.submit")
    assert (entry.actor, entry.from_state, entry.to_state, entry.note) == (
        contributor,
        S.DRAFT,
        S.IN_REVIEW,
        "请看",
    )


def test_an_editor_may_submit_on_behalf_of_the_author(item, editor):
    """Editors act for authors."""
    assert workflow.item_submit(item=item, actor=editor).state == S.IN_REVIEW


def test_a_reviewer_cannot_submit_somebody_elses_draft(item, reviewer):
    """Submitting is the author's act."""
    with pytest.raises(NotPermitted):
        workflow.item_submit(item=item, actor=reviewer)
    assert not AuditEntry.objects.exists()


def test_another_contributor_cannot_submit_my_draft(item, other_contributor):
    """Contributors act on their own items only."""
    with pytest.raises(NotPermitted):
        workflow.item_submit(item=item, actor=other_contributor)


@pytest.mark.parametrize("state", [S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED])
def test_only_a_draft_can_be_submitted(contributor, state):
    """Submitting twice is refused with the current state in the message."""
    item = ItemFactory(author=contributor, state=state)
    with pytest.raises(EditorialError) as refused:
        workflow.item_submit(item=item, actor=contributor)
    assert "不能提交审校" in refused.value.messages[0]
    item.refresh_from_db()
    assert item.state == state
    assert not AuditEntry.objects.exists()


def test_a_reviewer_requests_changes_with_a_comment(contributor, reviewer):
    """Request changes needs a comment, which is kept as a review thread."""
    item = ItemFactory(author=contributor, state=S.IN_REVIEW)
    item = workflow.item_request_changes(
        item=item, actor=reviewer, comment="标题太长", quote="正文"
    )
    assert item.state == S.CHANGES_REQUESTED
    comment = ReviewComment.objects.get(item=item)
    assert (comment.body, comment.quote, comment.author) == ("标题太长", "正文", reviewer)
    entry = _only_audit(item, "item.request_changes")
    assert entry.data == {"comment_id": comment.pk}


def test_requesting_changes_without_a_comment_is_refused(contributor, reviewer):
    """The author must be told what to change."""
    item = ItemFactory(author=contributor, state=S.IN_REVIEW)
    with pytest.raises(EditorialError, match="请写下需要修改的地方"):
        workflow.item_request_changes(item=item, actor=reviewer, comment="  ")
    assert not ReviewComment.objects.exists()


def test_requesting_changes_of_a_draft_is_refused_and_leaves_no_comment(contributor, reviewer):
    """A refused transition writes nothing, not even its comment."""
    item = ItemFactory(author=contributor, state=S.DRAFT)
    with pytest.raises(EditorialError):
        workflow.item_request_changes(item=item, actor=reviewer, comment="改")
    assert not ReviewComment.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_contributor_cannot_request_changes(contributor, other_contributor):
    """Reviewing is for reviewers and editors."""
    item = ItemFactory(author=other_contributor, state=S.IN_REVIEW)
    with pytest.raises(NotPermitted):
        workflow.item_request_changes(item=item, actor=contributor, comment="改")


def test_the_author_resubmits_after_changes(contributor):
    """Resubmit moves changes requested → in review."""
    item = ItemFactory(author=contributor, state=S.CHANGES_REQUESTED)
    item = workflow.item_resubmit(item=item, actor=contributor)
    assert item.state == S.IN_REVIEW
    _only_audit(item, "item.resubmit")


def test_resubmitting_a_draft_is_refused(contributor):
    """Resubmit is only for items that were sent back."""
    item = ItemFactory(author=contributor, state=S.DRAFT)
    with pytest.raises(EditorialError):
        workflow.item_resubmit(item=item, actor=contributor)


def test_a_reviewer_approves_an_item_in_review(contributor, reviewer):
    """Approve moves in review → approved."""
    item = ItemFactory(author=contributor, state=S.IN_REVIEW)
    item = workflow.item_approve(item=item, actor=reviewer)
    assert item.state == S.APPROVED
    entry = _only_audit(item, "item.approve")
    assert (entry.from_state, entry.to_state) == (S.IN_REVIEW, S.APPROVED)


def test_an_editor_may_approve(contributor, editor):
    """The editor-in-chief reviews too."""
    item = ItemFactory(author=contributor, state=S.IN_REVIEW)
    assert workflow.item_approve(item=item, actor=editor).state == S.APPROVED


def test_nobody_approves_their_own_item(reviewer):
    """A reviewer who wrote the item may not approve it."""
    item = ItemFactory(author=reviewer, state=S.IN_REVIEW)
    with pytest.raises(NotPermitted, match="不能审校自己写的条目"):
        workflow.item_approve(item=item, actor=reviewer)
    item.refresh_from_db()
    assert item.state == S.IN_REVIEW


def test_not_even_a_superuser_approves_their_own_item(django_user_model):
    """Four eyes hold for everyone: the rule is about the text, not the account."""
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "x")
    item = ItemFactory(author=boss, state=S.IN_REVIEW)
    with pytest.raises(NotPermitted):
        workflow.item_approve(item=item, actor=boss)


def test_unresolved_comments_block_approval(contributor, reviewer):
    """Approval waits until every thread is resolved; the message counts them."""
    item = ItemFactory(author=contributor, state=S.IN_REVIEW)
    ReviewCommentFactory.create_batch(2, item=item, author=reviewer)
    with pytest.raises(EditorialError) as refused:
        workflow.item_approve(item=item, actor=reviewer)
    assert refused.value.messages == ["这篇条目还有 2 条未解决的审校意见"]
    assert not AuditEntry.objects.exists()


def test_resolved_comments_and_replies_do_not_block_approval(contributor, reviewer):
    """Only open threads count, not their replies."""
    item = ItemFactory(author=contributor, state=S.IN_REVIEW)
    thread = ReviewCommentFactory(item=item, author=reviewer)
    ReviewCommentFactory(item=item, author=contributor, parent=thread)
    review.comment_resolve(comment=thread, actor=reviewer)
    assert workflow.item_approve(item=item, actor=reviewer).state == S.APPROVED


@pytest.mark.parametrize("state", [S.DRAFT, S.CHANGES_REQUESTED, S.APPROVED])
def test_only_an_item_in_review_can_be_approved(contributor, reviewer, state):
    """Approving a draft or an approved item is refused."""
    item = ItemFactory(author=contributor, state=state)
    with pytest.raises(EditorialError):
        workflow.item_approve(item=item, actor=reviewer)


@pytest.mark.parametrize("state", [S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED])
def test_the_author_returns_an_item_to_draft(contributor, state):
    """An item can be taken back to draft from any later state."""
    item = ItemFactory(author=contributor, state=state, issue=None)
    item = workflow.item_return_to_draft(item=item, actor=contributor)
    assert item.state == S.DRAFT
    entry = _only_audit(item, "item.return_to_draft")
    assert entry.from_state == state


def test_a_draft_cannot_be_returned_to_draft(contributor):
    """There is nothing to return."""
    item = ItemFactory(author=contributor, state=S.DRAFT)
    with pytest.raises(EditorialError):
        workflow.item_return_to_draft(item=item, actor=contributor)


def test_an_approved_item_of_a_published_issue_is_not_returned_to_draft(editor):
    """Readers see it: the issue must be withdrawn first."""
    item = ItemFactory(state=S.APPROVED, issue=IssueFactory(published=True))
    with pytest.raises(EditorialError, match="请先撤回这一期"):
        workflow.item_return_to_draft(item=item, actor=editor)


def test_a_transition_on_a_stale_object_sees_the_stored_state(contributor, reviewer):
    """The service reads the locked row, not the caller's copy."""
    item = ItemFactory(author=contributor, state=S.IN_REVIEW)
    stale = Item.objects.get(pk=item.pk)
    workflow.item_approve(item=item, actor=reviewer)
    with pytest.raises(EditorialError):
        workflow.item_approve(item=stale, actor=reviewer)
    assert AuditEntry.objects.filter(action="item.approve").count() == 1


def test_an_invalid_item_cannot_be_submitted(contributor):
    """Submitting validates the item; the message names it."""
    item = ItemFactory(author=contributor, source_url="not a url")
    with pytest.raises(EditorialError) as refused:
        workflow.item_submit(item=item, actor=contributor)
    assert item.title in refused.value.messages[0]


def test_an_editor_logs_a_correction_and_the_item_stays_approved(editor):
    """item_correct keeps the state and records the note."""
    item = ItemFactory(state=S.APPROVED, issue=IssueFactory(published=True))
    entry = workflow.item_correct(
        item=item, actor=editor, note="修正版本号", changed_fields=["body"]
    )
    assert (entry.action, entry.note, entry.data) == (
        "item.correct",
        "修正版本号",
        {"changed_fields": ["body"]},
    )
    item.refresh_from_db()
    assert item.state == S.APPROVED


def test_a_correction_needs_a_note(editor):
    """An unexplained correction is refused."""
    item = ItemFactory(state=S.APPROVED)
    with pytest.raises(EditorialError, match="勘误需要写明"):
        workflow.item_correct(item=item, actor=editor, note="")


def test_a_reviewer_cannot_make_a_correction(reviewer):
    """Corrections are the editor-in-chief's."""
    item = ItemFactory(state=S.APPROVED)
    with pytest.raises(NotPermitted):
        workflow.item_correct(item=item, actor=reviewer, note="改")


def test_a_correction_of_an_unapproved_item_is_refused(editor):
    """A draft is simply edited."""
    item = ItemFactory(state=S.DRAFT)
    with pytest.raises(EditorialError):
        workflow.item_correct(item=item, actor=editor, note="改")


def test_editing_an_approved_item_sends_it_back_to_review(contributor):
    """The author's edit of an approved text needs a fresh review."""
    item = ItemFactory(author=contributor, state=S.APPROVED, issue=None)
    item = workflow.item_edit(item=item, actor=contributor, changed_fields=["body"])
    assert item.state == S.IN_REVIEW
    entry = _only_audit(item, "item.edit")
    assert (entry.from_state, entry.to_state) == (S.APPROVED, S.IN_REVIEW)
    assert entry.data == {"changed_fields": ["body"]}


def test_an_editors_correction_keeps_an_edited_item_approved(editor):
    """With a correction note the edit is logged as item.correct."""
    item = ItemFactory(state=S.APPROVED, issue=IssueFactory(published=True))
    item = workflow.item_edit(
        item=item, actor=editor, changed_fields=["body"], correction_note="错别字"
    )
    assert item.state == S.APPROVED
    assert _only_audit(item, "item.correct").note == "错别字"


def test_editing_an_approved_item_of_a_released_issue_needs_a_correction(editor):
    """Readers have seen it: a silent change is refused."""
    item = ItemFactory(state=S.APPROVED, issue=IssueFactory(published=True))
    with pytest.raises(EditorialError, match="勘误说明"):
        workflow.item_edit(item=item, actor=editor, changed_fields=["body"])


def test_moving_an_approved_item_keeps_it_approved(editor):
    """Placement is assembly, not writing."""
    item = ItemFactory(state=S.APPROVED, issue=None)
    item = workflow.item_edit(item=item, actor=editor, changed_fields=["section", "position"])
    assert item.state == S.APPROVED
    assert not AuditEntry.objects.exists()


def test_editing_a_draft_writes_no_audit_row(contributor):
    """Edits of unapproved text are revisions, not workflow events."""
    item = ItemFactory(author=contributor, state=S.DRAFT)
    workflow.item_edit(item=item, actor=contributor, changed_fields=["body"])
    assert not AuditEntry.objects.exists()


def test_available_transitions_follow_role_and_state(contributor, reviewer):
    """The buttons offered are exactly the allowed transitions."""
    item = ItemFactory(author=contributor, state=S.IN_REVIEW)
    mine = {t.name for t in workflow.item_transitions_for(item=item, user=contributor)}
    theirs = {t.name for t in workflow.item_transitions_for(item=item, user=reviewer)}
    assert mine == {"return_to_draft"}
    assert theirs == {"request_changes", "approve"}
