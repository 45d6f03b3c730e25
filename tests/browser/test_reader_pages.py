"""In headless Chromium: a feed opened in the browser shows its XSLT view, and the feed view,
the API docs page and an issue page with JSON-LD run with zero CSP violations.

Uses Debian's /usr/bin/chromium, like test_csp.py, and is skipped without it.
"""

from pathlib import Path

import pytest

from tests.factories import ProjectFactory, public_item

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


@pytest.fixture
def page():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.fixture
def content():
    item = public_item(title="Helm 4 发布", remark="终于来了。")
    item.projects.add(ProjectFactory(slug="helm"))
    # Worked out before the browser starts: Playwright's loop forbids the ORM here.
    return {"issue": item.issue.get_absolute_url(), "issue_title": item.issue.title}


def _watch_policy(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


def test_a_feed_opened_in_the_browser_shows_the_xslt_view(content, live_server, page):
    """The browser applies feed.xsl: a heading, the feed's address, the entries, styled."""
    problems = _watch_policy(page)
    # The transformed document replaces the XML one, which never reports idle.
    response = page.goto(f"{live_server.url}/feed/", wait_until="commit")
    assert response.status == 200
    assert "content-security-policy" in response.headers
    page.locator("h1").wait_for(timeout=10_000)
    assert page.locator("h1").first.inner_text() == "这是一个订阅源"
    assert page.locator(".feed-note__url code").inner_text().endswith("/feed/")
    assert page.locator(".archive__issue a").first.inner_text() == content["issue_title"]
    # The site's stylesheet applied: the masthead has its rule.
    border = page.evaluate(
        "getComputedStyle(document.querySelector('.masthead')).borderBottomStyle"
    )
    assert border == "solid"
    # Chromium, which is retiring XSLT, adds a warning banner of its own with an inline
    # style and an inline handler; the policy blocks those. Nothing else may be blocked,
    # and nothing in the page the stylesheet made may need inline code.
    banner = page.locator("xslt-warning-banner").count() > 0
    browser_own = ("Applying inline style", "Executing inline event handler")
    ours = [p for p in problems if not (banner and p.startswith(browser_own))]
    assert ours == [], ours
    inline = page.evaluate(
        """Array.from(document.querySelectorAll('*'))
            .filter(e => !e.closest('xslt-warning-banner'))
            .filter(e => e.hasAttribute('style')
                || e.getAttributeNames().some(n => n.startsWith('on'))
                || e.tagName === 'SCRIPT' || e.tagName === 'STYLE')
            .map(e => e.tagName)"""
    )
    assert inline == []


def test_the_api_docs_and_an_issue_page_run_without_csp_violations(content, live_server, page):
    """The docs page and JSON-LD need neither inline script permission nor a nonce."""
    problems = _watch_policy(page)
    for path in ("/api/v1/", content["issue"], "/issues/"):
        response = page.goto(live_server.url + path, wait_until="networkidle")
        assert response.status == 200, path
    assert page.locator(".api-docs__operation").count() == 0, "the last page is the archive"
    assert problems == [], problems
