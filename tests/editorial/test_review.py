"""Review comments: threads, replies, quotes, @mentions, resolve and reopen."""

import pytest
from django.urls import reverse

from editorial import review, workflow
from editorial.errors import EditorialError, NotPermitted
from editorial.models import AuditEntry, ReviewComment
from newsletter.models import Item
from newsletter.rendering import item_render
from tests.editorial.conftest import client_for
from tests.factories import ItemFactory, ReviewCommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(contributor):
    return ItemFactory(author=contributor, state=Item.State.IN_REVIEW, body="Helm 4 发布了。")


def test_a_reviewer_comments_on_a_quoted_passage(item, reviewer):
    """A comment keeps the passage it is about and is logged."""
    comment = review.comment_create(item=item, author=reviewer, body="请给出处", quote="Helm 4")
    assert (comment.quote, comment.parent, comment.is_resolved) == ("Helm 4", None, False)
    entry = AuditEntry.objects.get(item=item)
    assert (entry.action, entry.data) == ("comment.create", {"comment_id": comment.pk})


def test_an_empty_comment_is_refused(item, reviewer):
    """Nothing to say, nothing stored."""
    with pytest.raises(EditorialError, match="评论不能为空"):
        review.comment_create(item=item, author=reviewer, body="   ")


def test_a_reply_to_a_reply_joins_the_thread(item, reviewer, contributor):
    """Threads are one level deep."""
    thread = review.comment_create(item=item, author=reviewer, body="问题")
    reply = review.comment_create(item=item, author=contributor, body="改了", parent=thread)
    again = review.comment_create(item=item, author=reviewer, body="好", parent=reply)
    assert reply.parent == thread
    assert again.parent == thread
    assert AuditEntry.objects.filter(action="comment.reply").count() == 2


def test_a_reply_must_be_on_the_same_item(item, reviewer):
    """A parent from another item is refused."""
    elsewhere = ReviewCommentFactory(author=reviewer)
    with pytest.raises(EditorialError, match="同一条目"):
        review.comment_create(item=item, author=reviewer, body="回复", parent=elsewhere)


def test_a_contributor_cannot_comment_on_somebody_elses_item(item, other_contributor):
    """Contributors only see their own items."""
    with pytest.raises(NotPermitted):
        review.comment_create(item=item, author=other_contributor, body="路过")


def test_resolving_a_reply_resolves_its_thread(item, reviewer, contributor):
    """Only threads carry a resolution."""
    thread = ReviewCommentFactory(item=item, author=reviewer)
    reply = ReviewCommentFactory(item=item, author=contributor, parent=thread)
    resolved = review.comment_resolve(comment=reply, actor=contributor)
    assert resolved == thread
    thread.refresh_from_db()
    assert thread.resolved_by == contributor
    assert ReviewComment.objects.unresolved().count() == 0


def test_resolving_twice_is_refused(item, reviewer):
    """A resolved thread says so."""
    thread = ReviewCommentFactory(item=item, author=reviewer)
    review.comment_resolve(comment=thread, actor=reviewer)
    with pytest.raises(EditorialError, match="已经解决"):
        review.comment_resolve(comment=thread, actor=reviewer)


def test_a_resolved_thread_can_be_reopened_and_blocks_approval_again(item, reviewer):
    """Reopening puts the thread back in the way of approval."""
    thread = ReviewCommentFactory(item=item, author=reviewer)
    review.comment_resolve(comment=thread, actor=reviewer)
    review.comment_reopen(comment=thread, actor=reviewer)
    with pytest.raises(EditorialError, match="1 条未解决"):
        workflow.item_approve(item=item, actor=reviewer)
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["comment.resolve", "comment.reopen"]


def test_reopening_an_open_thread_is_refused(item, reviewer):
    """Nothing to reopen."""
    thread = ReviewCommentFactory(item=item, author=reviewer)
    with pytest.raises(EditorialError):
        review.comment_reopen(comment=thread, actor=reviewer)


def test_a_contributor_cannot_resolve_comments_on_another_item(reviewer, other_contributor):
    """Only the comment's author, the item's author, reviewers and editors resolve."""
    thread = ReviewCommentFactory(item=ItemFactory(author=reviewer), author=reviewer)
    with pytest.raises(NotPermitted):
        review.comment_resolve(comment=thread, actor=other_contributor)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("@rita 请看", ["rita"]),
        ("请 @rita 和 @eddie.wang 看看。", ["rita", "eddie.wang"]),
        ("@rita @rita", ["rita"]),
        ("写信到 a@example.com", []),
        ("结尾提到@rita.", ["rita"]),
    ],
)
def test_mentions_are_parsed_from_the_text(text, names):
    """Usernames after @, not email addresses, without a sentence's full stop."""
    assert review.mentioned_usernames(text) == names


def test_a_mention_inside_chinese_text_finds_the_colleague(item, reviewer, editor):
    """ "请@eddie看看" mentions eddie although no space follows the name."""
    assert review.mentioned_users("请@eddie看看,顺便@rita。") == [editor, reviewer]


def test_mentioned_colleagues_who_can_see_the_item_are_recorded(
    item, reviewer, editor, other_contributor
):
    """A contributor who cannot open the item is not mentioned."""
    comment = review.comment_create(
        item=item, author=reviewer, body="@eddie 看下 @carol 也看下 @nobody"
    )
    assert list(comment.mentions.all()) == [editor]


def test_comments_survive_later_edits_of_the_item(item, reviewer, contributor):
    """Comments are rows of their own; editing the text keeps them, and the quote is marked."""
    from editorial.selectors import item_review_panel

    ReviewCommentFactory(item=item, author=reviewer, quote="Helm 4")
    item.body = "Helm 4.1 发布了新版本。"
    item.save()
    workflow.item_edit(item=item, actor=contributor, changed_fields=["body"])
    panel = item_review_panel(item=Item.objects.get(pk=item.pk), user=reviewer)
    assert len(panel.threads) == 1
    assert panel.threads[0].quote_is_current
    item.body = "全新的正文"
    item.save()
    item_render(item=item)
    panel = item_review_panel(item=Item.objects.get(pk=item.pk), user=reviewer)
    assert not panel.threads[0].quote_is_current


def test_a_quote_selected_in_the_rendered_text_counts_as_current(item, reviewer):
    """A passage selected as readers read it ("WASM 插件", across lines) is still in the body."""
    from editorial.selectors import item_review_panel

    item.body = "Helm 4 带来了 **WASM 插件**。\n\n- 新的插件系统"
    item.save()
    item_render(item=item)
    ReviewCommentFactory(item=item, author=reviewer, quote="带来了 WASM 插件。\n\n新的插件")
    ReviewCommentFactory(item=item, author=reviewer, quote="不存在的话")
    panel = item_review_panel(item=Item.objects.get(pk=item.pk), user=reviewer)
    assert [thread.quote_is_current for thread in panel.threads] == [True, False]


def test_comments_are_shown_and_added_on_the_item_page(item, reviewer, contributor):
    """The item page lists threads and its form adds a comment."""
    ReviewCommentFactory(item=item, author=reviewer, body="第一条意见")
    page = client_for(contributor).get(reverse("admin:newsletter_item_change", args=[item.pk]))
    assert "第一条意见" in page.content.decode()
    response = client_for(contributor).post(
        reverse("admin:newsletter_item_comment_add", args=[item.pk]),
        {"body": "已补充", "quote": ""},
    )
    assert response.status_code == 302
    assert ReviewComment.objects.filter(item=item, body="已补充", author=contributor).exists()


def test_an_empty_comment_from_the_page_is_reported(item, reviewer):
    """A blank form gives a message, not an error page."""
    client = client_for(reviewer)
    response = client.post(
        reverse("admin:newsletter_item_comment_add", args=[item.pk]), {"body": ""}, follow=True
    )
    assert response.status_code == 200
    assert not ReviewComment.objects.exists()
    assert list(response.context["messages"])


def test_the_item_list_counts_open_comments(item, reviewer, editor):
    """The changelist shows how many threads are still open."""
    ReviewCommentFactory.create_batch(3, item=item, author=reviewer)
    resolved = ReviewCommentFactory(item=item, author=reviewer)
    review.comment_resolve(comment=resolved, actor=reviewer)
    response = client_for(editor).get(reverse("admin:newsletter_item_changelist"))
    row = next(obj for obj in response.context["cl"].result_list if obj.pk == item.pk)
    assert row.open_comment_count == 3
    assert '<td class="field-open_comments">3</td>' in response.content.decode()


def test_the_open_comment_count_is_not_multiplied_by_a_project_filter(item, reviewer, editor):
    """Filtering by project joins another table; the count stays right."""
    from tests.factories import ProjectFactory

    first, second = ProjectFactory(), ProjectFactory()
    item.projects.add(first, second)
    ReviewCommentFactory.create_batch(2, item=item, author=reviewer)
    response = client_for(editor).get(
        reverse("admin:newsletter_item_changelist"), {"projects__id__exact": first.pk}
    )
    assert [obj.open_comment_count for obj in response.context["cl"].result_list] == [2]


def test_review_assignment_sets_reviewer_and_due_date(item, editor, reviewer):
    """Assigning replaces any previous assignment and is logged."""
    import datetime

    review.review_assign(item=item, actor=editor, reviewer=reviewer, due_date=None)
    assignment = review.review_assign(
        item=item, actor=editor, reviewer=reviewer, due_date=datetime.date(2030, 1, 31)
    )
    assert assignment.due_date == datetime.date(2030, 1, 31)
    assert AuditEntry.objects.filter(action="item.assign_review").count() == 2


def test_the_author_cannot_be_assigned_their_own_review(reviewer, editor):
    """Four eyes: assign someone else."""
    item = ItemFactory(author=reviewer, state=Item.State.IN_REVIEW)
    with pytest.raises(EditorialError, match="不能让作者审校"):
        review.review_assign(item=item, actor=editor, reviewer=reviewer)


def test_only_reviewers_and_editors_can_be_assigned(item, editor, other_contributor):
    """A contributor is not a reviewer."""
    with pytest.raises(EditorialError, match="不是审校或主编"):
        review.review_assign(item=item, actor=editor, reviewer=other_contributor)
