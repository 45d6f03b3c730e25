"""The rendering service: stored HTML of items and issue intros, written after each save."""

import pytest
from django.core.management import call_command

from newsletter.models import Issue, Item
from newsletter.rendering import issue_render, item_render
from newsletter.services import issue_import
from tests.factories import FigureFactory, IssueFactory, ItemFactory

pytestmark = pytest.mark.django_db


def test_rendering_an_item_stores_its_body_and_remark_with_item_scoped_anchors():
    """body_html and remark_html are written, their heading ids carrying the item's key."""
    item = Item.objects.create(title="条目", body="## 简介\n\n正文", remark="**好**")
    item_render(item=item)
    item.refresh_from_db()
    assert f'id="item-{item.pk}-简介"' in item.body_html
    assert item.remark_html == "<p><strong>好</strong></p>\n"


def test_rendering_an_item_writes_only_the_html():
    """An edit not saved yet stays unsaved, and updated_at keeps the time of the last edit."""
    item = ItemFactory(body="正文")
    updated_at = item.updated_at
    item.title = "未保存的标题"
    item.body = "新正文"
    item_render(item=item)
    item.refresh_from_db()
    assert item.body_html == "<p>新正文</p>\n"
    assert item.title != "未保存的标题" and item.body == "正文"
    assert item.updated_at == updated_at


def test_an_unsaved_item_cannot_be_rendered():
    """Its heading ids need its key: the service says so instead of writing wrong anchors."""
    with pytest.raises(ValueError, match="Save the item"):
        item_render(item=Item(title="未保存", body="## 标题"))


def test_rendering_an_issue_stores_its_intro_with_issue_scoped_anchors():
    """intro_html is written, its heading ids carrying the issue's slug."""
    issue = Issue.objects.create(slug="2025-11", title="十一月", intro="## 本期导读\n\n欢迎")
    issue_render(issue=issue)
    issue.refresh_from_db()
    assert 'id="issue-2025-11-本期导读"' in issue.intro_html
    assert "<p>欢迎</p>" in issue.intro_html


def test_the_factories_store_rendered_items_and_issues():
    """Tests start from rows as the services leave them."""
    issue = IssueFactory(intro="导语")
    item = ItemFactory(issue=issue, body="正文", remark="点评")
    issue.refresh_from_db()
    item.refresh_from_db()
    assert issue.intro_html == "<p>导语</p>\n"
    assert (item.body_html, item.remark_html) == ("<p>正文</p>\n", "<p>点评</p>\n")


def test_rerender_markdown_rebuilds_the_html_of_every_item_and_issue(capsys):
    """The command restores HTML lost or made by an older pipeline."""
    item = ItemFactory(body="正文")
    Item.objects.filter(pk=item.pk).update(body_html="stale")
    Issue.objects.filter(pk=item.issue.pk).update(intro="导语", intro_html="stale")
    call_command("rerender_markdown")
    item.refresh_from_db()
    item.issue.refresh_from_db()
    assert item.body_html == "<p>正文</p>\n"
    assert item.issue.intro_html == "<p>导语</p>\n"
    assert "Re-rendered 1 items and 1 issues." in capsys.readouterr().out


def test_an_imported_issue_is_stored_rendered_with_its_figures_placed():
    """issue_import renders the intro and each item, and places the figures they show."""
    figure = FigureFactory()
    text = (
        "# 云原生月刊\n\n本期导语。\n\n## 🆕 专题一 产品新功能/新版本\n\n### 1. Helm 4 发布\n\n"
        f"正文。\n\n![图](figure:{figure.pk})\n"
    )
    issue, _count = issue_import(text=text, slug="2025-11")
    item = issue.items.get()
    issue.refresh_from_db()
    assert "本期导语" in issue.intro_html
    assert "<p>正文。</p>" in item.body_html and "<picture>" in item.body_html
    assert list(item.item_figures.values_list("figure_id", "embedded")) == [(figure.pk, True)]
