"""What the release desk offers for an issue in its current state, and what a
release will do: the reads behind its buttons and its confirmation page.

The services of `editorial.release` refuse whatever cannot be done; these
reads keep the desk from offering it in the first place.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from editorial import notifications
from editorial.release.checklist import Problem
from newsletter.models import Issue


@dataclass(frozen=True)
class DeskActions:
    """The desk's buttons that can work for an issue now."""

    can_arrange: bool
    can_schedule: bool
    can_publish: bool
    can_withdraw: bool


def desk_actions(*, issue: Issue, problems: list[Problem], is_live: bool) -> DeskActions:
    """Return which of arrange, schedule, publish and withdraw can work on `issue` now.

    A live issue is not rearranged (withdraw it first) nor rescheduled; a
    published one is not published again; nothing is released while the
    checklist finds problems; only a released issue is withdrawn.
    """
    ready = not problems and issue.status != Issue.Status.PUBLISHED
    return DeskActions(
        can_arrange=not is_live,
        can_schedule=ready and not is_live,
        can_publish=ready,
        can_withdraw=issue.status in Issue.RELEASED_STATUSES,
    )


def zoned_time(moment: datetime) -> str:
    """Return `moment` in the site's time zone, naming the zone.

    For example "2025-11-30 09:00 (Asia/Shanghai, UTC+08:00)".
    """
    local = timezone.localtime(moment)
    return f"{local:%Y-%m-%d %H:%M} ({time_zone_label(local)})"


def time_zone_label(moment: datetime | None = None) -> str:
    """Return the site's time zone and its offset at `moment` (now by default).

    For example "Asia/Shanghai, UTC+08:00".
    """
    local = timezone.localtime(moment or timezone.now())
    offset = local.strftime("%z")
    return f"{timezone.get_current_timezone_name()}, UTC{offset[:3]}:{offset[3:]}"


@dataclass(frozen=True)
class ReleasePlan:
    """What releasing an issue will do, for the editor to confirm."""

    issue: Issue
    item_count: int
    publish_at: datetime
    notified: list


def release_plan(*, issue: Issue, publish_at: datetime | None = None) -> ReleasePlan:
    """Return what publishing `issue` at `publish_at` (now when None) will do.

    Readers will see its approved items; `notified` are the people
    `notifications.issue_published` will email when it goes out.
    """
    return ReleasePlan(
        issue=issue,
        item_count=issue.items.count(),
        publish_at=publish_at or timezone.now(),
        notified=list(notifications.issue_published_recipients(issue=issue)),
    )
