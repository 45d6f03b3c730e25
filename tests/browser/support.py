"""What the browser tests share: Debian's Chromium through Playwright, logins, axe-core.

Chromium is /usr/bin/chromium (`.ci/run` installs it) and axe-core comes from
the npm registry, pinned in package.json (`.ci/run` runs `npm ci`); Playwright
never downloads a browser of its own here. Where either is missing the tests
are skipped with the reason, unless DIGEST_BROWSER_TESTS=required (CI sets
it): then they fail, so that CI cannot pass by skipping them.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
PASSWORD = "correct horse battery staple"
# axe's impacts that fail a page (WCAG AA contrast is "serious").
BLOCKING_IMPACTS = {"serious", "critical"}


def need(available: bool, reason: str) -> None:
    """Skip the test for `reason` when something it needs is missing; fail instead in CI."""
    if available:
        return
    if os.environ.get("DIGEST_BROWSER_TESTS") == "required":
        pytest.fail(f"{reason} (DIGEST_BROWSER_TESTS=required)")
    pytest.skip(reason)


def sync_api():
    """Return Playwright's sync API, or skip (fail in CI) when Playwright is not installed."""
    try:
        from playwright import sync_api as api
    except ImportError:
        need(False, "Playwright is not installed (pip install -e '.[dev]')")
    return api


def need_chromium() -> None:
    need(
        CHROMIUM.exists(),
        "needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
    )


def need_axe() -> None:
    need(AXE.exists(), "needs axe-core from npm: run `npm ci` at the repository root")


def log_in(page, base_url: str, username: str) -> None:
    """Log in through the admin's login form, as a person would."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    assert "/admin/login/" not in page.url, f"{username} could not log in"


def axe_violations(page) -> list[str]:
    """Run axe-core on the page; return its serious and critical violations, described.

    The script is evaluated through the DevTools protocol, which the page's
    Content-Security-Policy does not govern: the page itself stays as strict
    as readers get it.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
          const results = await axe.run(document, {resultTypes: ["violations"]});
          return results.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary),
          }));
        }"""
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}\n    "
        + "\n    ".join(violation["targets"])
        for violation in result
        if violation["impact"] in BLOCKING_IMPACTS
    ]
