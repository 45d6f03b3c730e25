"""The `figure:` reference syntax, and finding the pages that show a figure."""

import pytest
from django.db import connection

from newsletter.figure_syntax import (
    MAX_FIGURE_ID,
    figure_id_from_source,
    figure_reference,
    figure_sources_replace,
)
from newsletter.figures import figure_update
from newsletter.markdown import figure_references
from newsletter.models import Figure, Issue, Item
from newsletter.rendering import figure_pages_rerender, markdown_preview
from tests.factories import FigureFactory, IssueFactory, ItemFactory

pytestmark = pytest.mark.django_db


def test_a_written_reference_reads_back_as_its_figure():
    """Brackets and line breaks in the alt text cannot end the reference early."""
    text = figure_reference(12, "网关 [旧版]\n示意")
    assert text == "![网关 (旧版) 示意](figure:12)"
    assert figure_references(text) == [12]


def test_a_figure_writes_its_reference_with_the_shared_writer():
    """Figure.markdown is what the editor pastes into a body."""
    figure = FigureFactory(alt_text="架构图")
    assert figure.markdown == figure_reference(figure.pk, "架构图")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("figure:12", 12),
        ("figure:012", 12),
        ("figure:", None),
        ("figure:12a", None),
        ("figure:-1", None),
        ("figure:١٢", None),
        ("https://example.com/figure:12", None),
        (f"figure:{MAX_FIGURE_ID}", MAX_FIGURE_ID),
        (f"figure:{MAX_FIGURE_ID + 1}", None),
    ],
)
def test_only_a_plain_figure_source_names_a_figure(source, expected):
    """ASCII digits, within what the key column holds."""
    assert figure_id_from_source(source) == expected


def test_the_largest_figure_id_is_the_largest_key_the_database_holds():
    """The bound follows the primary key's column type."""
    internal_type = Figure._meta.pk.get_internal_type()
    assert connection.ops.integer_field_range(internal_type)[1] == MAX_FIGURE_ID


def test_rewriting_sources_keeps_titles_and_leaves_unknown_and_prefix_ids_alone():
    """Only the id asked for is rewritten: figure:12 is not the start of figure:123."""
    text = (
        '![a](figure:12 "标题") ![b](figure:123) ![c](figure:12) ![d](figure:99999999999999999999)'
    )
    urls = {12: "/media/a.png"}
    assert figure_sources_replace(text, urls.get) == (
        '![a](/media/a.png "标题") ![b](figure:123) ![c](/media/a.png) '
        "![d](figure:99999999999999999999)"
    )


def test_editing_a_figure_rerenders_only_the_issue_intros_that_show_it():
    """An intro showing figure 123 is not touched when figure 12 changes."""
    figure = FigureFactory(alt_text="旧说明")
    shows_it = IssueFactory(intro=f'导语\n\n![x](figure:{figure.pk} "标题")')
    # Another figure whose id starts with this one's digits.
    shows_another = IssueFactory(intro=f"导语\n\n![y](figure:{figure.pk}7)")
    Issue.objects.filter(pk=shows_another.pk).update(intro_html="untouched")
    figure_update(figure=figure, alt_text="新说明", caption="")
    shows_it.refresh_from_db()
    shows_another.refresh_from_db()
    assert 'alt="新说明"' in shows_it.intro_html
    assert shows_another.intro_html == "untouched"


def test_rerendering_counts_each_page_that_shows_the_figures_once():
    """Items by their placements, issues by their intros; a figure no page shows costs nothing."""
    figure, unused = FigureFactory(), FigureFactory()
    ItemFactory(body=f"![a](figure:{figure.pk})", remark=f"![b](figure:{figure.pk})")
    IssueFactory(intro=f"![c](figure:{figure.pk})")
    IssueFactory(intro=f"![d](figure:0{figure.pk})")
    IssueFactory(intro=f"`![e](figure:{figure.pk})` 只是示例")
    assert figure_pages_rerender(figures=[figure]) == 3
    assert figure_pages_rerender(figures=[unused]) == 0
    assert figure_pages_rerender(figures=[]) == 0


def test_an_item_embedding_a_changed_figure_gets_the_new_markup():
    """figure_update refreshes the stored HTML of the items that show the figure."""
    figure = FigureFactory(caption="旧图注")
    item = ItemFactory(body=f"![a](figure:{figure.pk})")
    figure_update(figure=figure, alt_text=figure.alt_text, caption="新图注")
    item = Item.objects.get(pk=item.pk)
    assert "<figcaption>新图注</figcaption>" in item.body_html


@pytest.mark.parametrize("source", ["figure:12a", "figure:", "figure:١٢"])
def test_a_mistyped_reference_shows_its_alt_text_not_a_broken_image(source):
    """Anything written as a figure source is a figure reference, known or not."""
    assert markdown_preview(f"![错图]({source})") == "<p>错图</p>\n"
    assert markdown_preview(f"见 ![错图]({source}) 所示") == "<p>见 错图 所示</p>\n"
