"""`![alt](figure:ID)` in Markdown, the `<picture>` markup, and the sanitiser's rules for it."""

import pytest
from django.db.models import ProtectedError

from newsletter.figures import figure_delete
from newsletter.markdown import figure_references, render_markdown, sanitize_html
from newsletter.models import ItemFigure
from newsletter.rendering import figure_markup_by_id, item_render, markdown_preview
from tests.factories import FigureFactory, ItemFactory
from tests.html_safety import live_markup

pytestmark = pytest.mark.django_db


def _live(html: str) -> list[str]:
    # The shared check flags every <source>, meant for <video>/<audio>; inside
    # <picture> it only offers image URLs, which the other checks cover.
    return [problem for problem in live_markup(html) if problem != "<source>"]


def test_a_figure_alone_in_a_paragraph_becomes_a_responsive_figure():
    """<figure> with WebP and PNG srcsets, sizes, dimensions, lazy loading, caption and a link."""
    figure = FigureFactory(image_width=2000, image_height=1000, alt_text="架构图", caption="图 1")
    html = markdown_preview(f"![架构图](figure:{figure.pk})")
    webp = {r.width: r.file.url for r in figure.renditions.filter(spec__endswith="webp")}
    assert html.startswith("<figure>") and "<p>" not in html
    assert f'<a href="{figure.image.url}">' in html
    assert '<source type="image/webp" srcset="' in html
    assert f"{webp[480]} 480w, {webp[960]} 960w, {webp[1600]} 1600w" in html
    assert 'sizes="' in html
    assert 'width="2000" height="1000" alt="架构图" loading="lazy" decoding="async"' in html
    assert "<figcaption>图 1</figcaption>" in html


def test_a_figure_inside_a_sentence_is_a_bare_picture():
    """Inline, the figure is phrasing content: no <figure>, no nested link."""
    figure = FigureFactory()
    html = markdown_preview(f"见 ![图](figure:{figure.pk}) 所示")
    assert html.startswith("<p>见 <picture>") and "<figure>" not in html
    assert "<a " not in html


def test_the_alt_text_readers_get_is_the_figures():
    """The text in brackets is the author's note; the figure's alt text is shown."""
    figure = FigureFactory(alt_text="服务网格流量示意")
    html = markdown_preview(f"![IMG_0001](figure:{figure.pk})")
    assert 'alt="服务网格流量示意"' in html and "IMG_0001" not in html


def test_an_unknown_figure_shows_its_alt_text_and_no_image():
    """A typo in the id never becomes a broken image or a figure: URL."""
    html = markdown_preview("![缺失的图](figure:99999)")
    assert "缺失的图" in html
    assert "<img" not in html and "figure:" not in html


def test_rendering_any_number_of_figures_costs_two_queries(django_assert_num_queries):
    """All the figures of a text and their renditions are fetched together."""
    figures = [FigureFactory() for _ in range(5)]
    with django_assert_num_queries(2):
        one = render_markdown(f"![a](figure:{figures[0].pk})", figures=figure_markup_by_id)
    with django_assert_num_queries(2):
        many = render_markdown(
            "\n\n".join(f"![a](figure:{f.pk})" for f in figures), figures=figure_markup_by_id
        )
    assert one.count("<picture>") == 1 and many.count("<picture>") == 5


def test_text_without_figures_does_not_query(django_assert_num_queries):
    """Ordinary Markdown renders without touching the database."""
    with django_assert_num_queries(0):
        render_markdown("![photo](https://example.com/a.png) and text", figures=figure_markup_by_id)


def test_the_pure_pipeline_shows_a_figure_as_its_alt_text_and_never_queries(
    django_assert_num_queries,
):
    """Without a figure resolver, render_markdown reads no model."""
    figure = FigureFactory()
    with django_assert_num_queries(0):
        html = render_markdown(f"![架构图](figure:{figure.pk})")
    assert html == "<p>架构图</p>\n"


@pytest.mark.parametrize("figure_id", ["99999999999999999999999", str(2**63)])
def test_a_figure_id_too_large_for_the_database_is_an_unknown_figure(figure_id):
    """The preview, the stored HTML and the placements treat it as a typo, on every database."""
    text = f"![太大的图](figure:{figure_id})"
    assert markdown_preview(text) == "<p>太大的图</p>\n"
    item = ItemFactory(body=text)
    item.refresh_from_db()
    assert item.body_html == "<p>太大的图</p>\n"
    assert not item.item_figures.exists()
    assert figure_references(text) == []


def test_alt_text_and_caption_cannot_inject_markup():
    """Both are escaped in the stored HTML."""
    figure = FigureFactory(
        alt_text='"><script>alert(1)</script>', caption='<img src=x onerror="alert(1)">'
    )
    html = markdown_preview(f"![x](figure:{figure.pk})")
    assert _live(html) == [], html
    assert "&lt;script&gt;" in html or "script" not in html


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="x" srcset="javascript:alert(1) 1x">',
        '<img src="x" srcset="/media/a.png 1x, data:image/png;base64,AAAA 2x">',
        '<picture><source srcset="javascript:alert(1)" type="image/webp"></picture>',
        '<picture><source srcset="/media/a.webp" type="text/html"></picture>',
        '<img src="data:image/png;base64,AAAA">',
        '<img src="//evil.example/a.png">',
        '<img src="/media/../admin/">',
        '<img src="/static/../media/x.png">',
        '<img src="/media/x.png\\@evil">',
        '<figure onclick="alert(1)"><figcaption style="x">a</figcaption></figure>',
    ],
)
def test_the_sanitiser_holds_image_urls_to_our_media_or_http(markup):
    """src and srcset only ever point at MEDIA_URL or http(s); no script survives."""
    html = sanitize_html(markup)
    assert _live(html) == [], html
    for bad in ("javascript", "data:", "//evil", "..", "text/html", "onclick", "style", "\\"):
        assert bad not in html, html


def test_the_sanitiser_keeps_good_responsive_markup():
    """Media paths and https URLs in src and srcset pass."""
    markup = (
        '<picture><source type="image/webp" srcset="/media/a-480.webp 480w, '
        'https://cdn.example.com/a-960.webp 960w" sizes="100vw">'
        '<img src="/media/a.png" srcset="/media/a-480.png 480w" sizes="100vw" width="10" '
        'height="5" alt="a" loading="lazy" decoding="async"></picture>'
    )
    assert sanitize_html(markup) == markup


def test_figure_references_ignore_code():
    """A figure written in a code span is an example, not a placement."""
    text = "![a](figure:1)\n\n`![b](figure:2)`\n\n```\n![c](figure:3)\n```\n\n![d](figure:1)"
    assert figure_references(text) == [1]


def test_rendering_an_item_places_the_figures_its_text_shows():
    """Body and remark figures become embedded placements; dropping one unplaces it."""
    shown, remarked, attached = FigureFactory(), FigureFactory(), FigureFactory()
    item = ItemFactory(body=f"![a](figure:{shown.pk})", remark=f"![b](figure:{remarked.pk})")
    ItemFigure.objects.create(item=item, figure=attached, position=5)
    placements = {p.figure_id: p.embedded for p in item.item_figures.all()}
    assert placements == {shown.pk: True, remarked.pk: True, attached.pk: False}
    item.body = "没有图了"
    item.save()
    item_render(item=item)
    assert set(item.item_figures.values_list("figure_id", flat=True)) == {remarked.pk, attached.pk}


def test_rendering_an_item_stores_figure_markup_and_places_figures_after_existing_ones():
    """item_render writes the <picture> markup; new placements follow those already there."""
    first, second, attached = FigureFactory(), FigureFactory(), FigureFactory()
    item = ItemFactory(body="草稿")
    ItemFigure.objects.create(item=item, figure=attached, position=3)
    item.body = f"![a](figure:{second.pk})\n\n![b](figure:{first.pk})"
    item.save()
    item_render(item=item)
    item.refresh_from_db()
    assert item.body_html.count("<picture>") == 2
    placements = list(item.item_figures.values_list("figure_id", "position", "embedded"))
    assert placements == [(attached.pk, 3, False), (first.pk, 4, True), (second.pk, 5, True)]


def test_an_attached_figure_written_into_the_text_becomes_embedded():
    """The same figure is placed once per item."""
    figure = FigureFactory()
    item = ItemFactory()
    ItemFigure.objects.create(item=item, figure=figure)
    item.body = f"![a](figure:{figure.pk})"
    item.save()
    item_render(item=item)
    assert list(item.item_figures.values_list("figure_id", "embedded")) == [(figure.pk, True)]


def test_a_figure_shown_by_an_item_cannot_be_deleted():
    """PROTECT: the figure and its files stay."""
    figure = FigureFactory()
    ItemFactory(body=f"![a](figure:{figure.pk})")
    with pytest.raises(ProtectedError):
        figure_delete(figure=figure)
    assert figure.renditions.count() == 6
    assert figure.image.storage.exists(figure.image.name)


def test_the_editor_preview_shows_figures(admin_client):
    """The markdownx preview endpoint uses the same pipeline, figures included."""
    figure = FigureFactory()
    response = admin_client.post(
        "/markdownx/markdownify/", {"content": f"![a](figure:{figure.pk})"}
    )
    assert "<picture>" in response.content.decode()
