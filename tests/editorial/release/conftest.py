"""Fixtures of the release tests: a section and an issue ready to go out."""

import pytest

from tests.factories import IssueFactory, ItemFactory, SectionFactory


@pytest.fixture
def section():
    return SectionFactory(name="新版本")


@pytest.fixture
def ready_issue(section):
    """A draft issue whose checklist passes."""
    issue = IssueFactory(slug="2030-01")
    ItemFactory(issue=issue, section=section, position=1, approved=True, title="Helm 4 发布")
    ItemFactory(issue=issue, section=section, position=2, approved=True, title="Linkerd 3 发布")
    return issue
