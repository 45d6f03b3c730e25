"""Renditions: a few widths in WebP and the figure's own format, made once, never upscaled."""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from newsletter.figures import figure_create
from newsletter.images import image_validate
from newsletter.models import Rendition
from newsletter.renditions import rendition_widths, renditions_make
from tests.factories import FigureFactory, ItemFactory
from tests.figures import samples

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("width", "expected"),
    [(4000, [480, 960, 1600]), (1600, [480, 960, 1600]), (1200, [480, 960, 1200]), (300, [300])],
)
def test_rendition_widths_never_exceed_the_original(width, expected):
    """A small figure is not blown up; the largest rendition is the original width or 1600."""
    assert rendition_widths(width) == expected


def test_a_figure_gets_webp_and_own_format_renditions_keyed_by_spec():
    """Each spec is one row with a file of that width and format."""
    figure = FigureFactory(image_width=2000, image_height=1000)
    renditions = {rendition.spec: rendition for rendition in figure.renditions.all()}
    assert set(renditions) == {f"w{w}-{f}" for w in (480, 960, 1600) for f in ("webp", "png")}
    for spec, rendition in renditions.items():
        with rendition.file.open("rb") as stored:
            image = Image.open(io.BytesIO(stored.read()))
        assert image.format == {"webp": "WEBP", "png": "PNG"}[rendition.format], spec
        assert (image.width, image.height) == (rendition.width, rendition.height)
        assert rendition.height == rendition.width // 2


def test_renditions_are_made_once():
    """Making them again finds every spec and writes nothing new."""
    figure = FigureFactory()
    before = sorted(Rendition.objects.values_list("pk", "file"))
    renditions_make(figure=figure)
    assert sorted(Rendition.objects.values_list("pk", "file")) == before


def test_a_rendition_lost_to_a_race_is_not_duplicated(media_root):
    """When another process recorded the spec first, its row wins and our file is removed."""
    figure = FigureFactory(image_width=500, image_height=250)
    winner = figure.renditions.get(spec="w480-webp")
    winner_files = samples.files_in(media_root)
    figure.renditions.exclude(pk=winner.pk).delete()
    # The other process's row appears between our check and our insert.
    figure._prefetched_objects_cache = {"renditions": []}
    renditions = renditions_make(figure=figure)
    assert figure.renditions.filter(spec="w480-webp").get() == winner
    assert winner in renditions
    assert set(samples.files_in(media_root)) >= set(winner_files)
    assert not any("w480-webp_" in name for name in samples.files_in(media_root))


def test_an_animated_gif_keeps_its_animation_in_webp_and_its_original_as_fallback(
    django_capture_on_commit_callbacks,
):
    """Animated WebP renditions only; browsers without WebP get the original GIF."""
    upload = samples.upload("meme.gif", samples.animated_gif(600, 300), "image/gif")
    with django_capture_on_commit_callbacks(execute=True):
        figure, _ = figure_create(image=image_validate(upload=upload), alt_text="梗图")
    specs = set(figure.renditions.values_list("spec", flat=True))
    assert specs == {"w480-webp", "w600-webp"}
    with figure.renditions.get(spec="w480-webp").file.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert image.n_frames == 4
    with figure.image.open("rb") as stored:
        assert Image.open(io.BytesIO(stored.read())).n_frames == 4


def test_make_renditions_rebuilds_missing_renditions_and_refreshes_item_html(capsys):
    """The command restores lost renditions and re-renders the items that show them."""
    figure = FigureFactory()
    item = ItemFactory(body=f"![图](figure:{figure.pk})")
    figure.renditions.all().delete()
    item.refresh_from_db()
    call_command("rerender_markdown")
    item.refresh_from_db()
    assert "srcset" not in item.body_html
    call_command("make_renditions")
    item.refresh_from_db()
    assert figure.renditions.count() == 6
    assert "w480-webp" in item.body_html
    assert "Renditions made for 1 figures" in capsys.readouterr().out


def test_make_renditions_force_replaces_the_files(media_root, django_capture_on_commit_callbacks):
    """--force rebuilds every rendition and removes the old files."""
    figure = FigureFactory()
    old = set(figure.renditions.values_list("file", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("make_renditions", "--force", str(figure.pk))
    new = set(figure.renditions.values_list("file", flat=True))
    assert len(new) == 6 and not old & new
    assert set(samples.files_in(media_root)) == new | {figure.image.name}


def test_renditions_are_made_only_once_the_upload_commits(django_capture_on_commit_callbacks):
    """A figure's renditions are background work queued on commit: none while it is uncommitted."""
    upload = samples.upload("arch.png", samples.png_bytes(800, 400))
    with django_capture_on_commit_callbacks() as callbacks:
        figure, _ = figure_create(image=image_validate(upload=upload), alt_text="架构图")
    assert not figure.renditions.exists()
    assert len(callbacks) == 1
    callbacks[0]()
    assert set(figure.renditions.values_list("spec", flat=True)) == {
        "w480-webp",
        "w480-png",
        "w800-webp",
        "w800-png",
    }


def test_renditions_made_later_reach_the_items_that_already_show_the_figure(
    django_capture_on_commit_callbacks,
):
    """A worker that makes renditions after an item embedded the figure re-renders the item."""
    upload = samples.upload("arch.png", samples.png_bytes(800, 400))
    with django_capture_on_commit_callbacks() as callbacks:
        figure, _ = figure_create(image=image_validate(upload=upload), alt_text="架构图")
    item = ItemFactory(body=f"![图](figure:{figure.pk})")
    assert ".webp" not in item.body_html
    callbacks[0]()
    item.refresh_from_db()
    assert "w480-webp" in item.body_html
