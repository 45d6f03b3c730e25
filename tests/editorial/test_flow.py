"""One item's whole life, through the admin over HTTP, from draft to the public page."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from editorial.models import AuditEntry, ReviewComment
from newsletter.models import Issue, Item
from tests.admin_forms import change_form_data
from tests.editorial.conftest import client_for
from tests.factories import IssueFactory, SectionFactory

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def test_from_a_contributors_draft_to_the_public_issue_page(
    contributor, reviewer, editor, django_capture_on_commit_callbacks
):
    """Write, submit, comment, request changes, revise, resubmit, approve, publish, read."""
    section = SectionFactory(name="产品新功能")
    issue = IssueFactory(slug="2030-01", title="云原生月刊 2030 年 1 月")
    alice, rita, eddie = client_for(contributor), client_for(reviewer), client_for(editor)

    # The contributor writes an item.
    add_url = reverse("admin:newsletter_item_add")
    data = change_form_data(
        alice.get(add_url),
        title="Helm 4 正式发布",
        source_url="https://helm.sh/blog/helm-4-released",
        body="### 简介\n\nHelm 4 发布了,带来了插件系统。",
        section=section.pk,
        projects=[],
    )
    assert alice.post(add_url, data).status_code == 302
    item = Item.objects.get(title="Helm 4 正式发布")
    assert (item.author, item.state, item.issue) == (contributor, Item.State.DRAFT, None)
    change_url = reverse("admin:newsletter_item_change", args=[item.pk])

    # … and submits it; the reviewers are told after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        alice.post(reverse("admin:newsletter_item_transition", args=[item.pk, "submit"]))
    assert [message.to for message in mail.outbox] == [[reviewer.email]]

    # The reviewer comments on a passage, then asks for changes.
    with django_capture_on_commit_callbacks(execute=True):
        rita.post(
            reverse("admin:newsletter_item_comment_add", args=[item.pk]),
            {"body": "插件系统是什么?请展开一句。", "quote": "带来了插件系统"},
        )
        response = rita.post(
            reverse("admin:newsletter_item_transition", args=[item.pk, "request_changes"]),
            {"comment": "请补充升级注意事项"},
            follow=True,
        )
    assert any("现在是「待修改」" in message for message in _messages(response))
    item.refresh_from_db()
    assert item.state == Item.State.CHANGES_REQUESTED
    assert mail.outbox[-1].to == [contributor.email]

    # The contributor sees the comments, revises the text, replies and resubmits.
    page = alice.get(change_url)
    assert "插件系统是什么" in page.content.decode()
    data = change_form_data(
        page,
        body="### 简介\n\nHelm 4 发布了,带来了基于 WebAssembly 的插件系统。\n\n先备份再升级。",
    )
    assert alice.post(change_url, data).status_code == 302
    for thread in ReviewComment.objects.filter(item=item):
        alice.post(
            reverse("admin:newsletter_item_comment_add", args=[item.pk]),
            {"body": "已补充", "parent": thread.pk},
        )
    alice.post(reverse("admin:newsletter_item_transition", args=[item.pk, "resubmit"]))
    item.refresh_from_db()
    assert item.state == Item.State.IN_REVIEW

    # Approval waits for the open threads; the reviewer resolves them and approves.
    response = rita.post(
        reverse("admin:newsletter_item_transition", args=[item.pk, "approve"]), follow=True
    )
    assert "这篇条目还有 2 条未解决的审校意见" in _messages(response)
    for thread in ReviewComment.objects.filter(item=item, parent=None):
        rita.post(
            reverse(
                "admin:newsletter_item_comment_resolution", args=[item.pk, thread.pk, "resolve"]
            )
        )
    rita.post(reverse("admin:newsletter_item_transition", args=[item.pk, "approve"]))
    item.refresh_from_db()
    assert item.state == Item.State.APPROVED

    # The editor-in-chief pulls it from the pool into the issue and publishes.
    desk = eddie.get(reverse("admin:newsletter_issue_release", args=[issue.pk]))
    assert "Helm 4 正式发布" in desk.content.decode()
    eddie.post(
        reverse("admin:newsletter_issue_place", args=[issue.pk]),
        {"item": item.pk, "section": section.pk},
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = eddie.post(
            reverse("admin:newsletter_issue_publish", args=[issue.pk]), follow=True
        )
    assert any("已发布" in message for message in _messages(response))
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED
    assert [message.to for message in mail.outbox] == [[contributor.email]]

    # A reader finds it on the public issue page.
    public = Client().get(issue.get_absolute_url())
    assert public.status_code == 200
    assert "Helm 4 正式发布" in public.content.decode()
    assert "WebAssembly" in public.content.decode()

    # Every step left its row in the audit log.
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "item.submit",
        "comment.create",
        "item.request_changes",
        "comment.reply",
        "comment.reply",
        "item.resubmit",
        "comment.resolve",
        "comment.resolve",
        "item.approve",
        "issue.place_item",
        "issue.publish",
    ]
