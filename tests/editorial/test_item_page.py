"""The item page: workflow buttons that save first, the reader's view, figures, history in words."""

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from editorial import workflow
from editorial.models import AuditEntry
from editorial.release.preview import preview_object
from newsletter.models import Item
from tests.admin_forms import change_form_data
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
S = Item.State


def _url(item) -> str:
    return reverse("admin:newsletter_item_change", args=[item.pk])


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id":
                self.ids[value] += 1


def test_a_workflow_button_saves_the_pending_edits_then_submits(contributor):
    """The edited remark is saved and the item is in review, in one press, back on the item."""
    item = ItemFactory(author=contributor, issue=None, remark="旧的编者按")
    client = client_for(contributor)
    data = change_form_data(client.get(_url(item)), remark="新的编者按")
    data.update(_transition="submit", _transition_note="请看一下")
    response = client.post(_url(item), data)
    assert response.status_code == 302
    assert response["Location"] == _url(item)
    item.refresh_from_db()
    assert (item.remark, item.state) == ("新的编者按", S.IN_REVIEW)
    entry = AuditEntry.objects.get(item=item, action="item.submit")
    assert entry.note == "请看一下"
    page = client.get(response["Location"])
    assert f"《{item.title}》已保存。" in _messages(page)
    assert any("现在是「审校中」" in message for message in _messages(page))


def test_a_failed_save_keeps_the_text_and_the_intended_action(contributor):
    """An invalid form moves nothing: the text, the note and the pressed button come back."""
    item = ItemFactory(author=contributor, issue=None, title="原标题")
    client = client_for(contributor)
    data = change_form_data(client.get(_url(item)), title="", body="改了一半的正文")
    data.update(_transition="submit", _transition_note="先看这段")
    response = client.post(_url(item), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "改了一半的正文" in html
    assert 'id="pending-transition"' in html and "还没有「提交审校」" in html
    assert 'value="先看这段"' in html
    assert 'value="submit" class="button default pending"' in html
    item.refresh_from_db()
    assert (item.title, item.state) == ("原标题", S.DRAFT)
    assert not AuditEntry.objects.filter(item=item).exists()


def test_a_refused_transition_still_keeps_the_saved_edits(contributor):
    """The save stands and the refusal is a message: here the item changed state meanwhile."""
    item = ItemFactory(author=contributor, issue=None)
    client = client_for(contributor)
    data = change_form_data(client.get(_url(item)), body="保存下来的正文")
    Item.objects.filter(pk=item.pk).update(state=S.IN_REVIEW)
    data["_transition"] = "submit"
    response = client.post(_url(item), data, follow=True)
    item.refresh_from_db()
    assert (item.body, item.state) == ("保存下来的正文", S.IN_REVIEW)
    assert any("不能提交审校" in message for message in _messages(response))


def test_an_editor_asks_for_changes_from_the_form_with_their_corrections_saved(editor, contributor):
    """Request changes through the item form: the editor's fix is saved, the comment kept."""
    item = ItemFactory(author=contributor, state=S.IN_REVIEW, issue=None, body="Helm 4 发布了")
    client = client_for(editor)
    data = change_form_data(client.get(_url(item)), body="Helm 4 正式发布了")
    data.update(
        _transition="request_changes",
        _transition_comment="请补充升级说明",
        _transition_quote="正式发布",
    )
    assert client.post(_url(item), data).status_code == 302
    item.refresh_from_db()
    assert (item.body, item.state) == ("Helm 4 正式发布了", S.CHANGES_REQUESTED)
    comment = item.review_comments.get()
    assert (comment.body, comment.quote) == ("请补充升级说明", "正式发布")


def test_save_and_submit_on_a_new_item(contributor):
    """The add page's second button creates the item and sends it to review."""
    client = client_for(contributor)
    add = reverse("admin:newsletter_item_add")
    page = client.get(add)
    assert 'name="_transition" value="submit"' in page.content.decode()
    data = change_form_data(
        page,
        title="新条目",
        source_url="https://example.com/new",
        body="正文",
        _transition="submit",
    )
    response = client.post(add, data)
    item = Item.objects.get(title="新条目")
    assert response["Location"] == _url(item)
    assert (item.author, item.state) == (contributor, S.IN_REVIEW)


def test_workflow_buttons_of_an_editable_item_belong_to_the_item_form(contributor):
    """Buttons and note submit the change form; they come after it, so Enter presses Save."""
    item = ItemFactory(author=contributor, issue=None)
    html = client_for(contributor).get(_url(item)).content.decode()
    assert '<button type="submit" form="item_form" name="_transition" value="submit"' in html
    assert 'form="item_form" name="_transition_note"' in html
    assert html.index('name="_save"') < html.index('name="_transition" value="submit"')
    assert reverse("admin:newsletter_item_transition", args=[item.pk, "submit"]) not in html


def test_element_ids_on_the_item_page_are_unique(editor, contributor):
    """The body and the comment box no longer share id_body; no id appears twice."""
    item = ItemFactory(author=contributor, state=S.IN_REVIEW, issue=None)
    ReviewCommentFactory(item=item, author=editor)
    html = client_for(editor).get(_url(item)).content.decode()
    parser = _Ids()
    parser.feed(html)
    assert [name for name, count in parser.ids.items() if count > 1] == []
    assert 'id="id_body"' in html and 'id="id_comment_body"' in html


def test_the_reviewer_sees_the_item_as_readers_will_beside_its_source(reviewer, contributor):
    """The stored public rendering and the Markdown source, with the passage-comment hooks."""
    item = ItemFactory(author=contributor, state=S.IN_REVIEW, body="Helm 4 带来了 **WASM 插件**")
    html = client_for(reviewer).get(_url(item)).content.decode()
    assert '<details class="newsroom-panel reader-panel" id="reader-view" open>' in html
    assert "<strong>WASM 插件</strong>" in html
    assert "Helm 4 带来了 **WASM 插件**" in html
    assert 'data-quote-target="id_comment_quote"' in html
    assert 'id="id_comment_quote"' in html


def test_approve_is_held_back_while_threads_are_open(reviewer, contributor):
    """A button that can only fail is not offered; the page says why."""
    item = ItemFactory(author=contributor, state=S.IN_REVIEW)
    ReviewCommentFactory.create_batch(2, item=item, author=reviewer)
    html = client_for(reviewer).get(_url(item)).content.decode()
    assert reverse("admin:newsletter_item_transition", args=[item.pk, "approve"]) not in html
    assert "「批准」暂时不能用:还有 2 条未解决的审校意见。" in html


def test_view_on_site_opens_the_preview_of_an_unpublished_item(editor):
    """A draft's "view on site" is its signed preview; a public item's is its public page."""
    draft = ItemFactory(issue=None)
    html = client_for(editor).get(_url(draft)).content.decode()
    token = re.search(r'href="/preview/([^/"]+)/" class="viewsitelink"', html)[1]
    assert preview_object(token) == draft
    published = public_item()
    html = client_for(editor).get(_url(published)).content.decode()
    assert f'href="{published.get_absolute_url()}" class="viewsitelink"' in html


def test_a_reviewer_reads_the_figures_table_with_their_words(reviewer, contributor):
    """Read-only figure rows: translated headers, the figure's alt text and caption, no "None"."""
    figure = FigureFactory(alt_text="数据路径示意图", caption="eBPF 替代 iptables")
    item = ItemFactory(author=contributor, state=S.IN_REVIEW, body=f"正文\n\n{figure.markdown}\n")
    from newsletter.rendering import item_render

    item_render(item=item)
    html = client_for(reviewer).get(_url(item)).content.decode()
    table = html[html.index('id="item_figures-group"') :]
    assert "替代文字" in table and "图注" in table
    assert "数据路径示意图" in table and "eBPF 替代 iptables" in table
    assert "None" not in table
    assert f"![数据路径示意图](figure:{figure.pk})" in table


def test_the_figure_help_gives_the_exact_syntax(contributor):
    """Help above the figure rows and under the body, in the case it must be typed."""
    item = ItemFactory(author=contributor, issue=None)
    html = client_for(contributor).get(_url(item)).content.decode()
    assert "<code>![Gateway API 资源关系](figure:12)</code>" in html
    assert "![alt text](figure:12)" in html or "![替代文字](figure:12)" in html


def test_history_speaks_in_words_with_display_names(reviewer, contributor):
    """Actions and states in the interface language; people by their display names."""
    contributor.first_name = "林小溪"
    contributor.save()
    reviewer.first_name = "周审校"
    reviewer.save()
    item = ItemFactory(author=contributor, issue=None)
    workflow.item_submit(item=item, actor=contributor)
    workflow.item_request_changes(item=item, actor=reviewer, comment="请补充")
    html = client_for(contributor).get(_url(item)).content.decode()
    log = html[html.index('id="audit-log"') :]
    assert "要求修改" in log and "审校中 → 待修改" in log
    assert "item.request_changes" not in log and "in_review" not in log
    assert "周审校" in log and "林小溪" in log


def test_each_revision_is_labelled_with_the_action_that_made_it(editor, contributor):
    """Created, submitted, changes requested, approved: the revisions page says which."""
    client = client_for(contributor)
    add = reverse("admin:newsletter_item_add")
    data = change_form_data(
        client.get(add), title="带历史的条目", source_url="https://example.com/h", body="一"
    )
    client.post(add, data)
    item = Item.objects.get(title="带历史的条目")
    data = change_form_data(client.get(_url(item)), body="二", _transition="submit")
    client.post(_url(item), data)
    editor_client = client_for(editor)
    editor_client.post(
        reverse("admin:newsletter_item_transition", args=[item.pk, "request_changes"]),
        {"comment": "再改改"},
    )
    client.post(_url(item), change_form_data(client.get(_url(item)), body="三"))
    html = client.get(reverse("admin:newsletter_item_revisions", args=[item.pk])).content.decode()
    rows = html[html.index("<tbody>") :]
    order = [rows.index(label) for label in ("编辑", "要求修改", "提交审校", "创建")]
    assert order == sorted(order)


def test_a_section_page_badge_stays_out_of_the_reader_view_for_a_published_item(editor):
    """An approved item reads exactly as on its public page: no preview badge in the reader view."""
    item = public_item(section=SectionFactory(), issue=IssueFactory(published=True))
    html = client_for(editor).get(_url(item)).content.decode()
    view = html[html.index('class="reader-view"') : html.index('class="reader-source"')]
    assert "state-badge--" not in view
