"""In headless Chromium, the public pages and the admin item editor run with zero CSP violations.

Uses Debian's /usr/bin/chromium (`.ci/run` installs it); Playwright never
downloads a browser of its own here.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import FurtherReadingFactory, ProjectFactory, UserFactory, public_item

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
PASSWORD = "correct horse battery staple"

# Runs before any page script and, like every Playwright init script, is not
# subject to the page's policy: it records what the policy blocked.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`
  );
});
"""

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


class Recorder:
    """Collects CSP violations and script errors from every page of one browser tab."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"console: {message.text}")

    def visit(self, url: str):
        response = self.page.goto(url, wait_until="networkidle")
        assert response.status == 200, url
        self.collect(url)
        return response

    def collect(self, url: str):
        for violation in self.page.evaluate("window.__cspViolations || []"):
            self.problems.append(f"{url}: {violation}")


@pytest.fixture
def content():
    item = public_item(
        title="Helm 4 发布",
        original_title="Helm 4 Released",
        body="### 简介\n\nHelm 4 带来了 **WASM 插件**。\n\n- 新的插件系统\n- 更快的渲染",
        remark="终于来了。",
    )
    item.projects.add(project := ProjectFactory(name="Helm", slug="helm", summary="包管理器"))
    item.tags.add("包管理")
    FurtherReadingFactory(item=item, title="Helm 4 发布说明", url="https://helm.sh/")
    UserFactory(username="chief", is_superuser=True)
    # Every address is worked out here, before the browser starts: Playwright's
    # sync API runs an event loop in this thread, where Django refuses the ORM.
    return {
        "public": [
            "/",
            "/issues/",
            item.issue.get_absolute_url(),
            "/projects/",
            project.get_absolute_url(),
            item.section.get_absolute_url(),
            "/search/?q=Helm",
        ],
        "admin": [
            reverse("admin:newsletter_item_change", args=[item.pk]),
            reverse("admin:newsletter_item_revisions", args=[item.pk]),
            reverse("admin:newsletter_issue_change", args=[item.issue_id]),
            reverse("admin:newsletter_issue_release", args=[item.issue_id]),
            reverse("admin:newsletter_figure_add"),
            reverse("admin:two_factor"),
            reverse("admin:index"),
        ],
    }


def test_public_pages_run_without_csp_violations(content, live_server, browser):
    """Front page, archive, an issue, projects, a project, a section and search."""
    recorder = Recorder(browser.new_page())
    for path in content["public"]:
        response = recorder.visit(live_server.url + path)
        assert "content-security-policy" in response.headers, path
    assert recorder.page.locator("main h1, main h2").count() > 0
    assert recorder.problems == []


def test_the_admin_item_editor_runs_without_csp_violations(content, live_server, browser):
    """Log in, preview Markdown in the item editor, open the item, issue, figure and 2FA pages."""
    recorder = Recorder(browser.new_page())
    page = recorder.page
    recorder.visit(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("input[type=submit]")
    recorder.collect("login")
    assert page.url == f"{live_server.url}/admin/"

    recorder.visit(f"{live_server.url}/admin/newsletter/item/add/")
    body = page.locator("textarea[name=body]")
    body.fill("### 新功能\n\n- **预览**在编辑器里")
    body.dispatch_event("input")
    # markdownx previews through its endpoint: proof that its script runs.
    page.locator(".markdownx-preview h4").wait_for(timeout=10_000)
    recorder.collect("add item, after preview")

    for path in content["admin"]:
        recorder.visit(live_server.url + path)
    assert recorder.problems == []
