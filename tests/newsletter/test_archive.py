"""The archive: each issue with its lede, item count and most covered projects, by year."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import IssueFactory, ItemFactory, ProjectFactory, SectionFactory, public_item

pytestmark = pytest.mark.django_db


def _entry(response, slug: str):
    return next(entry for entry in response.context["page"].object_list if entry.issue.slug == slug)


def test_the_lede_is_the_intro_as_plain_text(client):
    """An issue with an introduction shows it, without its markup, cut short."""
    issue = IssueFactory(published=True, slug="2025-11", intro="本期**重点**:" + "长" * 300)
    public_item(issue=issue)
    entry = _entry(client.get("/issues/"), "2025-11")
    assert entry.lede.startswith("本期重点:") and entry.lede.endswith("…")
    assert len(entry.lede) == 120


def test_without_an_intro_the_lede_is_the_first_public_remark(client):
    """The first remark in reading order, skipping items not yet approved."""
    issue = IssueFactory(published=True, slug="2025-11")
    first, second = SectionFactory(position=1), SectionFactory(position=2)
    ItemFactory(issue=issue, section=first, position=1, remark="草稿的话")
    public_item(issue=issue, section=first, position=2, remark="")
    public_item(issue=issue, section=second, position=1, remark="第二节的话")
    public_item(issue=issue, section=first, position=3, remark="第一节的话")
    assert _entry(client.get("/issues/"), "2025-11").lede == "第一节的话"


def test_the_projects_shown_are_those_most_items_cover(client):
    """At most three, most covered first, counting public items only."""
    issue = IssueFactory(published=True, slug="2025-11")
    helm, flux, argo, envoy = (
        ProjectFactory(name=name) for name in ("Helm", "Flux", "Argo", "Envoy")
    )
    for projects in ([helm, flux], [helm, argo], [helm, flux], [envoy]):
        public_item(issue=issue).projects.add(*projects)
    for _ in range(3):
        ItemFactory(issue=issue).projects.add(envoy)
    entry = _entry(client.get("/issues/"), "2025-11")
    assert [project.name for project in entry.projects] == ["Helm", "Flux", "Argo"]
    assert entry.item_count == 4
    html = client.get("/issues/").content.decode()
    assert html.index(">Helm<") < html.index(">Flux<") < html.index(">Argo<")


def test_issues_are_grouped_by_year_newest_first(client):
    """A heading per year; each year's issues under it."""
    for slug, days in (("2025-01", 30), ("2024-12", 400), ("2024-11", 430)):
        issue = IssueFactory(published=True, slug=slug, title=f"第 {slug} 期")
        issue.publish_at = timezone.now() - timedelta(days=days)
        issue.save()
    response = client.get("/issues/")
    html = response.content.decode()
    entries = response.context["page"].object_list
    years = sorted({timezone.localtime(entry.issue.publish_at).year for entry in entries})
    assert html.count('class="archive-year"') == len(years)
    assert html.index("第 2025-01 期") < html.index("第 2024-12 期") < html.index("第 2024-11 期")


def test_the_archive_query_budget_is_fixed(client, django_assert_max_num_queries):
    """Five queries however many issues and projects: the site generation, count, page,
    annotations, projects."""

    def add_issues(count: int, start: int):
        for number in range(start, start + count):
            issue = IssueFactory(
                published=True, slug=f"issue-{number}", intro="" if number % 2 else "导读"
            )
            item = public_item(issue=issue, remark="有意思")
            item.projects.add(ProjectFactory())

    add_issues(3, 0)
    with django_assert_max_num_queries(5):
        assert client.get("/issues/").status_code == 200
    add_issues(12, 3)
    with django_assert_max_num_queries(5):
        assert client.get("/issues/").status_code == 200
