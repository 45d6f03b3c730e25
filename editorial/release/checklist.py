"""The publish checklist: what stands between an issue and its release.

Each check is one function returning the problems it finds; `issue_checklist`
runs them all in a fixed number of queries, whatever the size of the issue.
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Trim
from django.utils.translation import gettext as _

from editorial.errors import ChecklistFailed
from editorial.review import with_open_comment_count
from newsletter.models import Issue, Item, ItemFigure, Section


@dataclass(frozen=True)
class Problem:
    """One reason an issue cannot be scheduled yet, naming what to fix."""

    code: str
    message: str
    item: Item | None = None
    section: Section | None = None


# An image in Markdown written with empty alt text: ![](diagram.png)
IMAGE_WITHOUT_ALT = re.compile(r"!\[\s*\]\(")


def _url_variants(url: str) -> set[str]:
    """The URL with and without a trailing slash: both name the same article."""
    url = url.strip()
    if not url:
        return set()
    bare = url.rstrip("/")
    return {bare, f"{bare}/"}


def _figure_problems(items: list[Item]) -> list[Problem]:
    by_pk = {item.pk: item for item in items}
    missing = (
        ItemFigure.objects.filter(item__in=list(by_pk))
        .annotate(alt=Trim("figure__alt_text"))
        .filter(alt="")
        .select_related("figure")
        .order_by("pk")
    )
    return [
        Problem(
            "figure_alt",
            _("《%(title)s》的配图「%(figure)s」缺少替代文字。")
            % {"title": by_pk[row.item_id], "figure": row.figure},
            item=by_pk[row.item_id],
        )
        for row in missing
    ]


def _duplicate_problems(issue: Issue, items: list[Item]) -> list[Problem]:
    problems = []
    urls = set().union(*(_url_variants(item.source_url) for item in items)) if items else set()
    titles = {item.title.strip() for item in items}
    earlier = (
        Item.objects.public()
        .exclude(issue=issue)
        .filter(Q(source_url__in=urls) | Q(title__in=titles))
        .select_related("issue")
        .order_by("issue__publish_at", "pk")
    )
    by_url, by_title = {}, {}
    for published in earlier:
        for url in _url_variants(published.source_url):
            by_url.setdefault(url, published)
        by_title.setdefault(published.title.strip(), published)
    seen_url, seen_title = {}, {}
    for item in items:
        url = item.source_url.strip().rstrip("/")
        title = item.title.strip()
        match, reason = _same_source_or_title(url, title, by_url, by_title)
        if match is not None:
            problems.append(
                Problem(
                    "duplicate",
                    _("《%(title)s》与第 %(issue)s 期已发布的《%(other)s》重复(%(reason)s)。")
                    % {"title": item, "issue": match.issue.slug, "other": match, "reason": reason},
                    item=item,
                )
            )
            continue
        twin, reason = _same_source_or_title(url, title, seen_url, seen_title)
        if twin is not None:
            problems.append(
                Problem(
                    "duplicate",
                    _("《%(title)s》与本期的《%(other)s》重复(%(reason)s)。")
                    % {"title": item, "other": twin, "reason": reason},
                    item=item,
                )
            )
        if url:
            seen_url.setdefault(url, item)
        seen_title.setdefault(title, item)
    return problems


def _same_source_or_title(url: str, title: str, by_url: dict, by_title: dict):
    """Return (item, reason) for the item sharing `url`, else `title`; (None, "") if none."""
    if url and (match := by_url.get(url)) is not None:
        return match, _("原文链接相同")
    if (match := by_title.get(title)) is not None:
        return match, _("标题相同")
    return None, ""


def _items_of(issue: Issue) -> list[Item]:
    """The items of `issue` in reading order, each with its count of open comment threads."""
    return list(with_open_comment_count(issue.items.select_related("section")).in_issue_order())


def _section_problems(items: list[Item]) -> list[Problem]:
    return [
        Problem("no_section", _("《%(title)s》还没有分配栏目。") % {"title": item}, item=item)
        for item in items
        if item.section is None
    ]


def _approval_problems(items: list[Item]) -> list[Problem]:
    return [
        Problem(
            "not_approved",
            _("《%(title)s》尚未通过审校(当前状态:%(state)s)。")
            % {"title": item, "state": item.get_state_display()},
            item=item,
        )
        for item in items
        if item.state != Item.State.APPROVED
    ]


def _source_problems(items: list[Item]) -> list[Problem]:
    return [
        Problem("no_source", _("《%(title)s》缺少原文链接。") % {"title": item}, item=item)
        for item in items
        if not item.source_url.strip()
    ]


def _comment_problems(items: list[Item]) -> list[Problem]:
    return [
        Problem(
            "open_comments",
            _("《%(title)s》还有 %(count)d 条未解决的审校意见。")
            % {"title": item, "count": item.open_comment_count},
            item=item,
        )
        for item in items
        if item.open_comment_count
    ]


def _image_alt_problems(items: list[Item]) -> list[Problem]:
    return [
        Problem(
            "image_alt", _("《%(title)s》正文里有图片缺少替代文字。") % {"title": item}, item=item
        )
        for item in items
        if IMAGE_WITHOUT_ALT.search(item.body) or IMAGE_WITHOUT_ALT.search(item.remark)
    ]


def _empty_section_problems(items: list[Item]) -> list[Problem]:
    approved_by_section: dict[Section, int] = defaultdict(int)
    for item in items:
        if item.section is not None:
            approved_by_section[item.section] += item.state == Item.State.APPROVED
    return [
        Problem(
            "empty_section",
            _("栏目「%(section)s」没有一篇通过审校的条目,读者会看到一个空栏目。")
            % {"section": section},
            section=section,
        )
        for section, approved in approved_by_section.items()
        if not approved
    ]


# The checks an issue must pass, each a function of its items.
ITEM_CHECKS = (
    _section_problems,
    _approval_problems,
    _source_problems,
    _comment_problems,
    _image_alt_problems,
    _empty_section_problems,
    _figure_problems,
)


def issue_checklist(*, issue: Issue) -> list[Problem]:
    """Return what stands between `issue` and its release; empty when it may go out.

    Checks, each naming the item or section at fault: the issue has items;
    every item has a section, is approved, has a source link, has no open
    review comment, no image or figure without alt text, and does not repeat
    an item already published (same source URL or title) or another item of
    this issue; every section shown has at least one approved item. A fixed
    number of queries, whatever the size of the issue. Problems are listed
    item by item, in reading order, so an editor fixes one item at a time.
    """
    items = _items_of(issue)
    if not items:
        return [Problem("empty", _("这一期还没有任何条目。"))]
    problems = [problem for check in ITEM_CHECKS for problem in check(items)]
    problems += _duplicate_problems(issue, items)
    order = {item.pk: index for index, item in enumerate(items)}
    # Stable: within one item, problems keep the order of the checks.
    return sorted(problems, key=lambda p: order[p.item.pk] if p.item else len(order))


def checklist_require(issue: Issue) -> None:
    """Raise `ChecklistFailed`, one message per problem, unless `issue` passes its checklist."""
    problems = issue_checklist(issue=issue)
    if problems:
        raise ChecklistFailed([problem.message for problem in problems])
