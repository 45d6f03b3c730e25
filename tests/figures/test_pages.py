"""Figures on public pages: srcset served, figures after the text, a query budget that holds."""

import pytest
from django.conf import settings

from newsletter.models import ItemFigure
from tests.factories import FigureFactory, IssueFactory, ProjectFactory, SectionFactory, public_item
from tests.newsletter.test_pages import QUERY_BUDGET

pytestmark = pytest.mark.django_db


def _items_with_figures(issue, *, count: int, project, section):
    """Public items each showing one figure in the text and one after it."""
    for _ in range(count):
        # Small pictures: two renditions each, so the test stays quick.
        shown, attached = (FigureFactory(image_width=300, image_height=150) for _ in range(2))
        item = public_item(issue=issue, section=section, body=f"正文\n\n![图](figure:{shown.pk})")
        ItemFigure.objects.create(item=item, figure=attached, position=9)
        item.projects.add(project)
        item.tags.add("图")


@pytest.fixture
def issue_with_figures():
    issue = IssueFactory(published=True, slug="2025-11")
    project, section = ProjectFactory(slug="helm"), SectionFactory(slug="news")
    _items_with_figures(issue, count=2, project=project, section=section)
    return issue, project, section


def test_the_issue_page_serves_webp_renditions_in_srcset(client):
    """The page carries <picture> with WebP sources at 480, 960 and 1600 px."""
    figure = FigureFactory(image_width=2400, image_height=1200, alt_text="发布流程")
    item = public_item(body=f"![发布流程](figure:{figure.pk})")
    html = client.get(item.issue.get_absolute_url()).content.decode()
    for width in (480, 960, 1600):
        url = figure.renditions.get(spec=f"w{width}-webp").file.url
        assert f"{url} {width}w" in html
    assert '<source type="image/webp"' in html
    assert 'alt="发布流程" loading="lazy"' in html


def test_a_figure_placed_but_not_written_in_the_text_follows_the_body(client):
    """Attached figures appear after the body, once; embedded ones only where written."""
    shown, attached = FigureFactory(alt_text="文中的图"), FigureFactory(alt_text="文后的图")
    item = public_item(body=f"开头\n\n![x](figure:{shown.pk})\n\n结尾")
    ItemFigure.objects.create(item=item, figure=attached, position=3)
    html = client.get(item.issue.get_absolute_url()).content.decode()
    assert html.count('alt="文中的图"') == 1 and html.count('alt="文后的图"') == 1
    assert html.index("开头") < html.index("文中的图") < html.index("结尾") < html.index("文后的图")


def test_the_markdown_export_links_figures_to_their_files(client):
    """Tools reading /issues/<slug>.md get the image URL, not figure:ID."""
    figure = FigureFactory()
    item = public_item(
        issue=IssueFactory(published=True, slug="2025-12"), body=f"![图](figure:{figure.pk})"
    )
    text = client.get("/issues/2025-12.md").content.decode()
    assert f"![图]({settings.SITE_URL}{figure.image.url})" in text
    assert "figure:" not in text
    assert item.title in text


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/issues/2025-11/",
        "/issues/2025-11.md",
        "/projects/helm/",
        "/sections/news/",
        "/tags/图/",
    ],
)
def test_the_query_budget_does_not_grow_with_figures(
    client, django_assert_max_num_queries, issue_with_figures, url
):
    """Twelve more items with two figures each cost no more queries than two."""
    issue, project, section = issue_with_figures
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(url).status_code == 200
    _items_with_figures(issue, count=12, project=project, section=section)
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get(url)
    assert response.status_code == 200
    # List pages show compact entries (issue 10), so only the issue pages carry the figures.
    if url in ("/", "/issues/2025-11/"):
        assert response.content.decode().count("<picture>") >= 28
