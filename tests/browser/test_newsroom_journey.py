"""A month's item from first draft to publication, in Chromium, each role in its own browser.

The contributor writes an item, adds a figure by dropping an image into the
body, edits and submits without saving first; the reviewer comments on a
passage selected in the reader's view and asks for changes; the contributor
resolves the comments and resubmits; the reviewer approves; the
editor-in-chief places the item in the next issue and confirms publishing.
See tests/browser/support.py for what is needed and when it is skipped.
"""

import base64
import re

import pytest
from django.urls import reverse

from editorial.permissions.roles import Role
from tests.browser import support
from tests.factories import IssueFactory, RoleUserFactory, SectionFactory
from tests.figures import samples

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Cilium 1.19 发布"
PASSAGE = "更快的网络策略"
RESOLVE = "#review-comments .review-thread.open form:not(.reply-form) button"


@pytest.fixture
def newsroom():
    """The people, a section and the next issue; addresses worked out before the browser starts."""
    RoleUserFactory(username="alice", first_name="林小溪", role=Role.CONTRIBUTOR)
    RoleUserFactory(username="rita", first_name="周审校", role=Role.REVIEWER)
    RoleUserFactory(username="eddie", first_name="王主编", role=Role.EDITOR)
    section = SectionFactory(name="产品新功能")
    issue = IssueFactory(slug="2030-01", title="一月刊")
    return {
        "section": section.pk,
        "desk": reverse("admin:newsletter_issue_release", args=[issue.pk]),
        "issue_page": issue.get_absolute_url(),
        "png": base64.b64encode(samples.png_bytes(640, 320)).decode(),
    }


def _person(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    support.log_in(page, live_server.url, username)
    return page, errors


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def _drop_image(page, selector: str, png_base64: str) -> None:
    """Drop a PNG file onto an element, as dragging one from the desktop does."""
    page.evaluate(
        """([selector, data]) => {
          const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
          const transfer = new DataTransfer();
          transfer.items.add(new File([bytes], "cilium-arch.png", {type: "image/png"}));
          const target = document.querySelector(selector);
          target.focus();
          target.selectionStart = target.selectionEnd = target.value.length;
          const drop = {dataTransfer: transfer, bubbles: true, cancelable: true};
          target.dispatchEvent(new DragEvent("drop", drop));
        }""",
        [selector, png_base64],
    )


def _select_text(page, container: str, words: str) -> None:
    """Select `words` inside `container` with the mouse's result: a DOM selection."""
    page.evaluate(
        """([container, words]) => {
          const root = document.querySelector(container);
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const at = walker.currentNode.data.indexOf(words);
            if (at >= 0) {
              const range = document.createRange();
              range.setStart(walker.currentNode, at);
              range.setEnd(walker.currentNode, at + words.length);
              const selection = window.getSelection();
              selection.removeAllRanges();
              selection.addRange(range);
              return;
            }
          }
          throw new Error("not found: " + words);
        }""",
        [container, words],
    )


def test_an_item_goes_from_draft_to_a_published_issue(newsroom, live_server, browser):
    """Every role's main path, through the pages alone, ends with the item on the public page."""
    base = live_server.url

    # The contributor writes an item and saves it once.
    alice, alice_errors = _person(browser, live_server, "alice")
    alice.goto(f"{base}/admin/newsletter/item/add/")
    alice.fill("#id_title", TITLE)
    alice.fill("#id_source_url", "https://cilium.io/blog/1.19")
    alice.fill("#id_body", f"### 简介\n\nCilium 1.19 带来{PASSAGE}。")
    alice.select_option("#id_section", str(newsroom["section"]))
    with alice.expect_navigation():
        alice.click("input[name=_continue]")
    assert alice.locator(".messagelist .success").count() == 1
    item_url = alice.url
    assert re.search(r"/admin/newsletter/item/\d+/change/$", item_url)
    assert _no_horizontal_overflow(alice)

    # She drops a diagram into the body: a dialog asks for its words first.
    _drop_image(alice, "#id_body", newsroom["png"])
    dialog = alice.locator("dialog.figure-dialog")
    dialog.wait_for()
    dialog.locator("button[type=submit]").click()  # Alt text is required: nothing happens.
    assert dialog.is_visible()
    dialog.locator("#figure-dialog-alt").fill("Cilium 数据路径示意图")
    dialog.locator("#figure-dialog-caption").fill("eBPF 替代 iptables")
    dialog.locator("button[type=submit]").click()
    dialog.wait_for(state="detached")
    body = alice.input_value("#id_body")
    assert re.search(r"!\[Cilium 数据路径示意图\]\(figure:\d+\)", body)

    # She edits the remark too and submits without saving first.
    alice.fill("#id_remark", "网络策略的性能终于不是瓶颈了。")
    with alice.expect_navigation():
        alice.click("#workflow button[value=submit]")
    assert "已保存" in alice.inner_text(".messagelist")
    assert "审校中" in alice.inner_text("#item-status")
    assert "网络策略的性能终于不是瓶颈了" in alice.input_value("#id_remark")
    assert "figure:" in alice.input_value("#id_body")
    figure_rows = alice.locator("#item_figures-group")
    assert "Cilium 数据路径示意图" in figure_rows.inner_html()
    assert alice.locator("#item_figures-group .figure-insert").count() == 1

    # The reviewer reads it as readers will, comments on a selected passage, asks for changes.
    rita, rita_errors = _person(browser, live_server, "rita")
    rita.goto(f"{base}/admin/")
    assert TITLE in rita.inner_text("#awaiting-review")
    rita.goto(item_url)
    reader = rita.locator(".reader-view")
    assert reader.locator("figure img[alt='Cilium 数据路径示意图']").count() == 1
    assert "eBPF 替代 iptables" in reader.locator("figcaption").inner_text()
    assert "Cilium 数据路径示意图" in rita.inner_text("#item_figures-group")
    assert _no_horizontal_overflow(rita)
    _select_text(rita, ".reader-view .prose", PASSAGE)
    rita.locator(".passage-bar button").click()
    assert rita.input_value("#id_comment_quote") == PASSAGE
    rita.fill("#id_comment_body", "快了多少?请给出数字。")
    with rita.expect_navigation():
        rita.click("#new-comment button[type=submit]")
    assert PASSAGE in rita.inner_text("#review-comments blockquote")
    assert "已经变了" not in rita.inner_text("#review-comments")
    rita.click(".request-changes summary")
    rita.fill("#id_request_changes_comment", "请补充升级注意事项。")
    with rita.expect_navigation():
        rita.click(".request-changes button[type=submit]")
    assert "待修改" in rita.inner_text("#item-status")

    # The contributor edits, is kept from leaving with unsaved words, resolves, resubmits.
    alice.goto(item_url)
    assert alice.locator("#review-comments .review-thread.open").count() == 2
    # Typed, not filled in by script: browsers guard only pages a person interacted with.
    alice.click("#id_body")
    alice.keyboard.press("Control+End")
    alice.keyboard.type("\n\n升级前请先备份。快了 40%。")
    guards = []
    alice.on("dialog", lambda dialog: (guards.append(dialog.type), dialog.dismiss()))
    with pytest.raises(support.sync_api().Error), alice.expect_navigation(timeout=3000):
        alice.locator(RESOLVE).first.click()
    assert guards == ["beforeunload"]
    assert alice.url == item_url
    with alice.expect_navigation():
        alice.click("#workflow button[value=resubmit]")
    assert "审校中" in alice.inner_text("#item-status")
    assert "升级前请先备份" in alice.input_value("#id_body")
    for _ in range(2):
        with alice.expect_navigation():
            alice.locator(RESOLVE).first.click()
    assert alice.locator("#review-comments .review-thread.open").count() == 0

    # The reviewer approves; the history speaks in words.
    rita.goto(item_url)
    with rita.expect_navigation():
        rita.click("#workflow button:has-text('批准')")
    assert "已通过" in rita.inner_text("#item-status")
    history = rita.inner_text("#audit-log")
    assert "要求修改" in history and "批准" in history and "in_review" not in history
    assert "周审校" in history and "林小溪" in history

    # The editor-in-chief sees the pool, places the item, and confirms publishing.
    eddie, eddie_errors = _person(browser, live_server, "eddie")
    eddie.goto(f"{base}/admin/")
    assert TITLE in eddie.inner_text("#pool")
    eddie.goto(base + newsroom["desk"])
    with eddie.expect_navigation():
        eddie.click("#pool button[type=submit]")
    assert TITLE in eddie.inner_text("#arrangement")
    assert "✓" in eddie.inner_text("#checklist")
    with eddie.expect_navigation():
        eddie.click("#release button:has-text('立即发布')")
    plan = eddie.inner_text("#release-plan")
    assert "1 篇" in plan and "Asia/Shanghai" in plan and "林小溪" in plan
    with eddie.expect_navigation():
        eddie.click("button:has-text('确认发布')")
    assert "已发布" in eddie.inner_text(".messagelist")
    assert eddie.locator("#release button:has-text('立即发布')").count() == 0
    assert eddie.locator("#release button:has-text('排期')").count() == 0

    # A reader finds it, with the figure described.
    reader_page = browser.new_page(locale="zh-CN")
    reader_page.goto(base + newsroom["issue_page"])
    assert TITLE in reader_page.inner_text("main")
    assert reader_page.locator("img[alt='Cilium 数据路径示意图']").count() == 1

    assert alice_errors == rita_errors == eddie_errors == []
