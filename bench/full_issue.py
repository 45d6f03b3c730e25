"""A full issue for the caching benchmarks: 42 items, as the publication's real issues have.

The demo issues have 17 items; this copies their items (text, remark,
projects, tags, further reading) into one published issue, `bench-42`, dated
before the demo issues so that the home page and the other rows of `make
bench` stay the same.
"""

from datetime import datetime
from itertools import cycle, islice

from django.db import transaction
from django.utils import timezone

from newsletter.models import FurtherReading, Issue, Item
from newsletter.rendering import issue_render, item_render

ITEMS = 42
SLUG = "bench-42"


@transaction.atomic
def full_issue_build() -> Issue:
    """Create (once) and return the published 42-item issue `bench-42`."""
    existing = Issue.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    issue = Issue.objects.create(
        slug=SLUG,
        title="满载的一期(42 条)",
        intro="这一期把示例内容复制到 42 条,量出一整期的页面成本。",
        status=Issue.Status.PUBLISHED,
        publish_at=datetime(2020, 1, 1, tzinfo=timezone.get_current_timezone()),
        published_at=timezone.now(),
    )
    issue_render(issue=issue)
    sources = Item.objects.public().prefetch_related("projects", "tags", "further_reading")
    positions: dict[int | None, int] = {}
    for number, source in enumerate(islice(cycle(list(sources)), ITEMS), start=1):
        positions[source.section_id] = positions.get(source.section_id, 0) + 1
        item = Item.objects.create(
            issue=issue,
            section_id=source.section_id,
            position=positions[source.section_id],
            title=f"{source.title}({number})",
            original_title=source.original_title,
            source_url=source.source_url,
            body=source.body,
            remark=source.remark,
            author_id=source.author_id,
            reviewer_id=source.reviewer_id,
            state=Item.State.APPROVED,
        )
        item.projects.set(source.projects.all())
        item.tags.set(list(source.tags.all()))
        FurtherReading.objects.bulk_create(
            FurtherReading(item=item, title=link.title, url=link.url, position=link.position)
            for link in source.further_reading.all()
        )
        item_render(item=item)
    return issue
