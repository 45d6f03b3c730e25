"""The publish checklist: every problem named, in a fixed number of queries."""

import pytest

from editorial.release import checklist
from newsletter.models import Figure, ItemFigure
from tests.factories import (
    FigureFactory,
    IssueFactory,
    ItemFactory,
    ReviewCommentFactory,
    SectionFactory,
    public_item,
)

pytestmark = pytest.mark.django_db


def _messages(problems):
    return [problem.message for problem in problems]


def test_a_ready_issue_passes_the_checklist(ready_issue):
    """No problem, nothing to say."""
    assert checklist.issue_checklist(issue=ready_issue) == []


def test_an_empty_issue_fails_the_checklist():
    """An issue needs items."""
    assert _messages(checklist.issue_checklist(issue=IssueFactory())) == ["这一期还没有任何条目。"]


def test_an_unapproved_item_fails_the_checklist_by_name(ready_issue, section):
    """The message names the item and its state."""
    ItemFactory(issue=ready_issue, section=section, position=3, title="未审条目")
    problems = checklist.issue_checklist(issue=ready_issue)
    assert [p.code for p in problems] == ["not_approved"]
    assert "《未审条目》尚未通过审校" in problems[0].message


def test_a_section_with_no_approved_item_fails_the_checklist(ready_issue):
    """Readers would see an empty column."""
    empty = SectionFactory(name="空栏目")
    ItemFactory(issue=ready_issue, section=empty, position=1, title="还在审")
    problems = checklist.issue_checklist(issue=ready_issue)
    assert {p.code for p in problems} == {"not_approved", "empty_section"}
    assert any("栏目「🆕 空栏目」" in p.message and p.section == empty for p in problems)


def test_an_item_without_a_section_fails_the_checklist(ready_issue):
    """Every item needs a column."""
    ItemFactory(issue=ready_issue, section=None, position=9, approved=True, title="无栏目")
    assert _messages(checklist.issue_checklist(issue=ready_issue)) == ["《无栏目》还没有分配栏目。"]


def test_an_item_without_a_source_link_fails_the_checklist(ready_issue, section):
    """Every item links its source."""
    ItemFactory(
        issue=ready_issue, section=section, position=3, approved=True, title="无链接", source_url=""
    )
    assert _messages(checklist.issue_checklist(issue=ready_issue)) == ["《无链接》缺少原文链接。"]


def test_an_unresolved_comment_fails_the_checklist(ready_issue):
    """Open review threads must be settled first."""
    item = ready_issue.items.get(position=1)
    ReviewCommentFactory(item=item)
    assert _messages(checklist.issue_checklist(issue=ready_issue)) == [
        "《Helm 4 发布》还有 1 条未解决的审校意见。"
    ]


def test_an_image_without_alt_text_in_the_body_fails_the_checklist(ready_issue, section):
    """![](…) gives screen readers nothing."""
    ItemFactory(
        issue=ready_issue, section=section, position=3, approved=True, title="配图",
        body="![](https://example.com/a.png)",
    )  # fmt: skip
    assert _messages(checklist.issue_checklist(issue=ready_issue)) == [
        "《配图》正文里有图片缺少替代文字。"
    ]


def test_a_figure_without_alt_text_fails_the_checklist(ready_issue):
    """Figures placed on an item need alt text too."""
    item = ready_issue.items.get(position=1)
    figure = FigureFactory()
    Figure.objects.filter(pk=figure.pk).update(alt_text="  ")
    ItemFigure.objects.create(item=item, figure=figure, position=1)
    problems = checklist.issue_checklist(issue=ready_issue)
    assert [p.code for p in problems] == ["figure_alt"]
    assert problems[0].message.startswith("《Helm 4 发布》的配图")


def test_an_item_already_published_by_source_url_fails_the_checklist(ready_issue, section):
    """The same article in an earlier issue is a duplicate, even with a trailing slash."""
    earlier = public_item(
        issue=IssueFactory(published=True, slug="2029-12"),
        source_url="https://helm.sh/blog/helm-4",
        title="早先的标题",
    )
    ItemFactory(
        issue=ready_issue, section=section, position=3, approved=True, title="新标题",
        source_url="https://helm.sh/blog/helm-4/",
    )  # fmt: skip
    assert _messages(checklist.issue_checklist(issue=ready_issue)) == [
        f"《新标题》与第 2029-12 期已发布的《{earlier.title}》重复(原文链接相同)。"
    ]


def test_an_item_already_published_by_title_fails_the_checklist(ready_issue, section):
    """The same title in an earlier issue is a duplicate."""
    public_item(issue=IssueFactory(published=True, slug="2029-11"), title="Linkerd 3 发布")
    problems = checklist.issue_checklist(issue=ready_issue)
    assert _messages(problems) == [
        "《Linkerd 3 发布》与第 2029-11 期已发布的《Linkerd 3 发布》重复(标题相同)。"
    ]


def test_a_draft_elsewhere_is_not_a_duplicate(ready_issue):
    """Only what readers have seen counts."""
    ItemFactory(issue=IssueFactory(), title="Linkerd 3 发布")
    assert checklist.issue_checklist(issue=ready_issue) == []


def test_two_items_of_the_same_issue_with_one_source_fail_the_checklist(ready_issue, section):
    """A duplicate inside the issue is caught too."""
    first = ready_issue.items.get(position=1)
    ItemFactory(
        issue=ready_issue, section=section, position=3, approved=True, title="重复",
        source_url=first.source_url,
    )  # fmt: skip
    assert _messages(checklist.issue_checklist(issue=ready_issue)) == [
        "《重复》与本期的《Helm 4 发布》重复(原文链接相同)。"
    ]


def test_the_checklist_runs_in_a_fixed_number_of_queries(
    ready_issue, section, django_assert_max_num_queries
):
    """Thirty items cost what two do."""
    for position in range(3, 33):
        ItemFactory(issue=ready_issue, section=section, position=position, approved=True)
    with django_assert_max_num_queries(4):
        checklist.issue_checklist(issue=ready_issue)


def test_problems_are_listed_item_by_item_in_reading_order(ready_issue, section):
    """An editor fixes one item at a time: each item's problems stand together, in page order."""
    ItemFactory(issue=ready_issue, section=section, position=4, title="后一条", source_url="")
    ItemFactory(issue=ready_issue, section=section, position=3, title="前一条", source_url="")
    problems = checklist.issue_checklist(issue=ready_issue)
    assert [(p.item.title, p.code) for p in problems] == [
        ("前一条", "not_approved"),
        ("前一条", "no_source"),
        ("后一条", "not_approved"),
        ("后一条", "no_source"),
    ]
