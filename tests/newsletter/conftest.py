"""Content shared by the publication's tests: a published archive, and unpublished content planted
beside it for the leak tests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsletter.models import Issue, Item
from tests.factories import (
    FurtherReadingFactory,
    IssueFactory,
    ItemFactory,
    ProjectFactory,
    SectionFactory,
    public_item,
)

# Every unpublished thing the leak tests plant carries this word.
SECRET = "机密LEAK"


@pytest.fixture
def published(db):
    """Two public issues (2025-10, 2025-11) with items covering Helm, tagged and linked."""
    helm = ProjectFactory(name="Helm", slug="helm", summary="包管理器")
    releases = SectionFactory(name="新版本", slug="new-releases", position=1)
    fun = SectionFactory(name="梗", slug="fun", position=2)
    older = IssueFactory(published=True, slug="2025-10", title="云原生月刊 10 月")
    older.publish_at = timezone.now() - timedelta(days=40)
    older.save()
    issue = IssueFactory(published=True, slug="2025-11", title="云原生月刊 11 月", intro="本期导读")
    items = []
    for position, (target, section, title) in enumerate(
        [
            (issue, releases, "Helm 4 发布"),
            (issue, releases, "Linkerd 2.19"),
            (issue, fun, "一个关于 YAML 的梗"),
            (older, releases, "Helm 3.19 发布"),
        ],
        start=1,
    ):
        item = public_item(
            issue=target, section=section, position=position, title=title, remark="值得一看"
        )
        item.tags.add("网络")
        FurtherReadingFactory(item=item, title="发布说明", url="https://example.com/notes")
        items.append(item)
    items[0].projects.add(helm)
    items[3].projects.add(helm)
    return {"issue": issue, "older": older, "items": items, "project": helm}


@pytest.fixture
def planted(db, published):
    """Unpublished content of every kind, each piece carrying SECRET; returns what was planted."""
    # Projects and sections are the public catalogue (their pages exist, as on the
    # site); what must not show is that unpublished items cover them.
    secret_project = ProjectFactory(name="Upcoming project", slug="secret-project")
    secret_section = SectionFactory(name="Upcoming section", slug="secret-section")
    issues = {
        "draft": IssueFactory(slug="2099-draft", title=f"{SECRET} draft issue", intro=SECRET),
        "scheduled": IssueFactory(
            scheduled=True, slug="2099-scheduled", title=f"{SECRET} scheduled", intro=SECRET
        ),
        "withdrawn": IssueFactory(
            status=Issue.Status.WITHDRAWN,
            publish_at=timezone.now() - timedelta(days=3),
            slug="2099-withdrawn",
            title=f"{SECRET} withdrawn",
            intro=SECRET,
        ),
        "published_in_future": IssueFactory(
            status=Issue.Status.PUBLISHED,
            publish_at=timezone.now() + timedelta(days=3),
            slug="2099-future",
            title=f"{SECRET} future",
            intro=SECRET,
        ),
    }
    secret = {"body": f"{SECRET} body", "remark": f"{SECRET} remark"}
    items = []
    # Approved items in issues that are not out.
    for issue in issues.values():
        items.append(
            ItemFactory(issue=issue, approved=True, title=f"{SECRET} in {issue.slug}", **secret)
        )
    # Items of a published issue that are not approved.
    for state in (Item.State.DRAFT, Item.State.IN_REVIEW, Item.State.CHANGES_REQUESTED):
        items.append(
            ItemFactory(issue=published["issue"], state=state, title=f"{SECRET} {state}", **secret)
        )
    # Approved, but waiting in the pool: no issue.
    items.append(
        ItemFactory(
            issue=None, section=secret_section, approved=True, title=f"{SECRET} unplaced", **secret
        )
    )
    for item in items:
        item.projects.add(secret_project, published["project"])
        item.tags.add("秘密标签", "网络")
        FurtherReadingFactory(item=item, title=f"{SECRET} link")
    return {"issues": issues, "items": items, "project": secret_project, "section": secret_section}
