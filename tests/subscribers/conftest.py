"""A published issue to send and subscribers in each status (every test starts with an
empty cache, so no rate limit is used up: tests/conftest.py)."""

import pytest
from django.utils import timezone

from newsletter.models import Subscriber
from tests.factories import IssueFactory, SectionFactory, public_item


@pytest.fixture
def issue(db):
    issue = IssueFactory(published=True, slug="2025-11", title="云原生月刊 2025 年 11 月")
    public_item(issue=issue, section=SectionFactory(), title="Helm 4 正式发布", body="简介")
    return issue


def subscriber(email: str, status: str = "confirmed", **kwargs) -> Subscriber:
    confirmed_at = timezone.now() if status == "confirmed" else None
    return Subscriber.objects.create(
        email=email, status=status, confirmed_at=confirmed_at, **kwargs
    )
