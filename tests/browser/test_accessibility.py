"""axe-core finds no serious or critical violation on the public pages and main newsroom screens.

axe-core (npm, pinned in package.json) is injected by Playwright into Debian's
Chromium; see tests/browser/support.py for what is needed and when the tests
are skipped.
"""

import pytest
from django.urls import reverse

from editorial.permissions.roles import Role
from editorial.release.preview import preview_url
from tests.browser import support
from tests.factories import (
    FigureFactory,
    FurtherReadingFactory,
    IssueFactory,
    ItemFactory,
    ProjectFactory,
    ReviewCommentFactory,
    RoleUserFactory,
    SectionFactory,
    public_item,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def axe():
    support.need_axe()


@pytest.fixture
def pages():
    """Every address to check, worked out before the browser starts (no ORM in its loop)."""
    figure = FigureFactory(alt_text="Helm 4 插件架构", caption="插件经由 WASM 运行")
    item = public_item(
        title="Helm 4 发布",
        original_title="Helm 4 Released",
        body=f"### 简介\n\nHelm 4 带来了 **WASM 插件**。\n\n{figure.markdown}\n\n- 新的插件系统",
        remark="终于来了。",
    )
    project = ProjectFactory(name="Helm", slug="helm", summary="包管理器")
    item.projects.add(project)
    item.tags.add("包管理")
    FurtherReadingFactory(item=item, title="Helm 4 发布说明", url="https://helm.sh/")
    contributor = RoleUserFactory(username="alice", first_name="林小溪", role=Role.CONTRIBUTOR)
    reviewer = RoleUserFactory(username="rita", first_name="周审校", role=Role.REVIEWER)
    RoleUserFactory(username="eddie", first_name="王主编", role=Role.EDITOR)
    upcoming = IssueFactory(slug="2030-01", title="一月刊")
    section = SectionFactory(name="产品新功能")
    in_review = ItemFactory(
        issue=upcoming,
        section=section,
        author=contributor,
        state="in_review",
        title="Cilium 1.19 发布",
        body=f"### 简介\n\nCilium 1.19 带来更快的网络策略。\n\n{figure.markdown}",
    )
    ReviewCommentFactory(item=in_review, author=reviewer, quote="更快的网络策略", body="快多少?")
    ItemFactory(issue=None, section=section, approved=True, title="在素材池里")
    return {
        "public": [
            "/",
            "/issues/",
            item.issue.get_absolute_url(),
            "/projects/",
            project.get_absolute_url(),
            item.section.get_absolute_url(),
            reverse("newsletter:tag_detail", args=[item.tags.get().slug]),
            "/search/?q=Helm",
            preview_url(in_review),
        ],
        "eddie": [
            reverse("admin:index"),
            reverse("admin:newsletter_item_changelist"),
            reverse("admin:newsletter_item_add"),
            reverse("admin:newsletter_item_change", args=[in_review.pk]),
            reverse("admin:newsletter_item_revisions", args=[in_review.pk]),
            reverse("admin:newsletter_issue_change", args=[upcoming.pk]),
            reverse("admin:newsletter_issue_release", args=[upcoming.pk]),
            reverse("admin:newsletter_issue_release", args=[item.issue_id]),
            reverse("admin:newsletter_issue_publish", args=[item.issue_id]),
        ],
        "rita": [
            reverse("admin:index"),
            reverse("admin:newsletter_item_change", args=[in_review.pk]),
        ],
        "alice": [
            reverse("admin:index"),
            reverse("admin:newsletter_item_change", args=[in_review.pk]),
        ],
    }


def _check(page, url: str) -> list[str]:
    response = page.goto(url, wait_until="networkidle")
    assert response.status == 200, url
    return [f"{url}: {violation}" for violation in support.axe_violations(page)]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_public_pages_have_no_serious_accessibility_violations(pages, live_server, browser, scheme):
    """The reader's pages, in both colour schemes, as a Chinese reader gets them."""
    page = browser.new_page(locale="zh-CN", color_scheme=scheme)
    problems = [
        problem for url in pages["public"] for problem in _check(page, live_server.url + url)
    ]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_newsroom_screens_have_no_serious_accessibility_violations(
    pages, live_server, browser, scheme
):
    """Login, dashboards, item pages, revisions, the release desk and its confirmation, per role."""
    problems = []
    anonymous = browser.new_page(locale="zh-CN", color_scheme=scheme)
    problems += _check(anonymous, live_server.url + reverse("admin:login"))
    for username in ("eddie", "rita", "alice"):
        context = browser.new_context(locale="zh-CN", color_scheme=scheme)
        page = context.new_page()
        support.log_in(page, live_server.url, username)
        for url in pages[username]:
            problems += _check(page, live_server.url + url)
        context.close()
    assert problems == [], "\n".join(problems)
