"""newsletter.images.image_validate: the one gate every upload passes."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from newsletter.images import image_validate, max_upload_bytes
from tests.figures import samples


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("decompression bomb", "too_many_pixels"),
        ("truncated JPEG", "damaged"),
        ("text named .png", "unsupported_format"),
        ("HTML file", "markup"),
        ("SVG with a script", "markup"),
        ("zero bytes", "empty"),
        ("over the size limit", "too_large"),
        ("TIFF renamed .jpg", "unsupported_format"),
        ("PSD renamed .jpg", "unsupported_format"),
    ],
)
def test_every_bad_upload_is_refused_with_a_bilingual_message(kind, code):
    """Each bad kind is refused with its own code and a Chinese and English reason."""
    name, content = samples.bad_uploads(max_upload_bytes())[kind]
    with pytest.raises(ValidationError) as caught:
        image_validate(upload=samples.upload(name, content))
    assert caught.value.code == code
    message = caught.value.messages[0]
    assert " / " in message and any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_the_size_limit_is_a_setting(settings):
    """DIGEST_MAX_UPLOAD_BYTES lowers the limit."""
    settings.DIGEST_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        image_validate(upload=samples.upload("a.png", samples.png_bytes(200, 200) + b"\0" * 1000))
    assert caught.value.code == "too_large"


def test_the_pixel_limit_is_read_from_the_header_and_is_a_setting(settings):
    """An image over DIGEST_MAX_IMAGE_PIXELS is refused before it is decoded."""
    settings.DIGEST_MAX_IMAGE_PIXELS = 100 * 100
    with pytest.raises(ValidationError) as caught:
        image_validate(upload=samples.upload("a.png", samples.png_bytes(101, 100)))
    assert caught.value.code == "too_many_pixels"
    assert "101×100" in caught.value.messages[0]


def test_the_frames_of_an_animation_count_together_against_the_pixel_limit(settings):
    """Four 600×300 frames (720 000 pixels) exceed a 500 000-pixel limit."""
    settings.DIGEST_MAX_IMAGE_PIXELS = 500_000
    with pytest.raises(ValidationError) as caught:
        image_validate(upload=samples.upload("meme.gif", samples.animated_gif(600, 300)))
    assert caught.value.code == "too_many_pixels"
    assert "4" in caught.value.messages[0]


def test_a_header_just_over_the_default_limit_is_refused_without_decoding(monkeypatch):
    """7000×7000 (49 MP) is under Pillow's own limit but over ours: no pixel is decoded."""

    def no_decoding(image):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    with pytest.raises(ValidationError) as caught:
        image_validate(upload=samples.upload("a.png", samples.decompression_bomb_png(7000, 7000)))
    assert caught.value.code == "too_many_pixels"


def test_the_name_and_declared_type_do_not_matter_only_the_content():
    """A PNG named .jpg with a text/plain type is still a PNG."""
    clean = image_validate(
        upload=samples.upload("photo.jpg", samples.png_bytes(50, 40), "text/plain")
    )
    assert (clean.format, clean.width, clean.height) == ("PNG", 50, 40)


def test_exif_and_gps_are_removed_from_a_jpeg():
    """The stored bytes carry no EXIF block at all."""
    clean = image_validate(upload=samples.upload("trip.jpg", samples.jpeg_with_gps(), "image/jpeg"))
    reopened = Image.open(io.BytesIO(clean.content))
    assert clean.format == "JPEG"
    assert dict(reopened.getexif()) == {}
    assert "exif" not in reopened.info
    assert b"Phone Maker" not in clean.content


def test_the_exif_orientation_is_applied_before_it_is_removed():
    """A photo taken sideways (orientation 6) is stored upright, width and height swapped."""
    clean = image_validate(
        upload=samples.upload("side.jpg", samples.jpeg_with_gps(300, 200, orientation=6))
    )
    assert (clean.width, clean.height) == (200, 300)


def test_an_animated_gif_keeps_its_frames():
    """Re-encoding an animation keeps it animated."""
    clean = image_validate(upload=samples.upload("meme.gif", samples.animated_gif(), "image/gif"))
    assert clean.is_animated
    assert Image.open(io.BytesIO(clean.content)).n_frames == 4


def test_the_same_picture_gives_the_same_hash():
    """Two uploads of one file hash alike; a different picture does not."""
    first = image_validate(upload=samples.upload("a.png", samples.png_bytes(80, 80)))
    again = image_validate(upload=samples.upload("b.png", samples.png_bytes(80, 80)))
    other = image_validate(upload=samples.upload("c.png", samples.png_bytes(80, 81)))
    assert first.content_hash == again.content_hash != other.content_hash
