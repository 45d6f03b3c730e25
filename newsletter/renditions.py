"""Renditions: each figure resized to a few widths, in WebP and its own format.

They are made once, when the figure is stored, and kept as files plus
`Rendition` rows; `manage.py make_renditions` rebuilds them. Pages only read
the rows. A figure is never upscaled: a 700 px diagram gets a 480 px and a
700 px rendition, not a blurry 1600 px one.
"""

import io
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageSequence

from newsletter.images import ACCEPTED_FORMATS
from newsletter.models import Figure, Rendition

logger = logging.getLogger(__name__)

RENDITION_WIDTHS = (480, 960, 1600)
WEBP_QUALITY = 80
JPEG_QUALITY = 82

# Rendition format → (Pillow format, extension, MIME type).
RENDITION_FORMATS = {
    "webp": ("WEBP", "webp", "image/webp"),
    "jpeg": ("JPEG", "jpg", "image/jpeg"),
    "png": ("PNG", "png", "image/png"),
    "gif": ("GIF", "gif", "image/gif"),
}


@dataclass(frozen=True)
class RenditionSpec:
    width: int
    format: str

    @property
    def name(self) -> str:
        return f"w{self.width}-{self.format}"


def rendition_widths(original_width: int) -> list[int]:
    """Return the widths to make for an image `original_width` pixels wide, never wider."""
    widths = [width for width in RENDITION_WIDTHS if width < original_width]
    if original_width <= RENDITION_WIDTHS[-1]:
        widths.append(original_width)
    return widths


def rendition_specs(*, width: int, image_format: str, is_animated: bool) -> list[RenditionSpec]:
    """Return the renditions a figure should have.

    Animations get animated WebP only: readers whose browser lacks WebP get the
    original animation, which is also the `<img>` fallback.
    """
    formats = ["webp"]
    own = image_format.lower()
    if not is_animated and own != "webp":
        formats.append(own)
    return [RenditionSpec(w, f) for w in rendition_widths(width) for f in formats]


def content_type_for(rendition_format: str) -> str:
    return RENDITION_FORMATS[rendition_format][2]


def _resized_frame(frame: Image.Image, size: tuple[int, int]) -> Image.Image:
    if frame.mode in ("P", "1", "LA", "PA") or "transparency" in frame.info:
        frame = frame.convert("RGBA")
    elif frame.mode not in ("RGB", "RGBA", "L"):
        frame = frame.convert("RGB")
    if frame.size == size:
        return frame.copy()
    return frame.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image: Image.Image, spec: RenditionSpec, is_animated: bool) -> bytes:
    pillow_format = RENDITION_FORMATS[spec.format][0]
    height = max(1, round(image.height * spec.width / image.width))
    size = (spec.width, height)
    output = io.BytesIO()
    icc_profile = image.info.get("icc_profile")
    options: dict = {"icc_profile": icc_profile} if icc_profile else {}
    if is_animated:
        frames, durations = [], []
        for frame in ImageSequence.Iterator(image):
            frames.append(_resized_frame(frame, size))
            durations.append(frame.info.get("duration", 100))
        frames[0].save(
            output,
            format="WEBP",
            save_all=True,
            append_images=frames[1:],
            duration=durations,
            loop=image.info.get("loop", 0),
            quality=WEBP_QUALITY,
        )
        return output.getvalue()
    resized = _resized_frame(image, size)
    if pillow_format == "JPEG":
        resized = resized.convert("RGB") if resized.mode != "L" else resized
        options.update(quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif pillow_format == "WEBP":
        options.update(quality=WEBP_QUALITY, method=4)
    elif pillow_format == "PNG":
        options["optimize"] = True
    resized.save(output, format=pillow_format, **options)
    return output.getvalue()


def _file_name(figure: Figure, spec: RenditionSpec) -> str:
    extension = RENDITION_FORMATS[spec.format][1]
    return f"renditions/{figure.content_hash[:2]}/{figure.content_hash}-{spec.name}.{extension}"


def renditions_make(*, figure: Figure, force: bool = False) -> list[Rendition]:
    """Make the renditions `figure` is missing (all of them with `force`); return them all.

    Each rendition is written to storage first and then recorded with
    get_or_create: when two processes race, the loser deletes its file and
    uses the winner's row. Raises OSError when the stored original cannot be
    read.
    """
    storage = Rendition._meta.get_field("file").storage
    if force:
        renditions_delete(figure=figure)
    existing = {rendition.spec: rendition for rendition in figure.renditions.all()}
    with figure.image.open("rb") as source:
        image = Image.open(source, formats=list(ACCEPTED_FORMATS))
        image.load()
        is_animated = getattr(image, "n_frames", 1) > 1
        specs = rendition_specs(
            width=image.width, image_format=image.format, is_animated=is_animated
        )
        for spec in specs:
            if spec.name in existing:
                continue
            content = _encode(image, spec, is_animated)
            name = storage.save(_file_name(figure, spec), ContentFile(content))
            try:
                height = max(1, round(image.height * spec.width / image.width))
                rendition, created = Rendition.objects.get_or_create(
                    figure=figure,
                    spec=spec.name,
                    defaults={"file": name, "width": spec.width, "height": height},
                )
            except Exception:
                storage.delete(name)
                raise
            if not created and rendition.file.name != name:
                storage.delete(name)
            existing[spec.name] = rendition
    # Callers that prefetched renditions must see the new ones.
    if hasattr(figure, "_prefetched_objects_cache"):
        figure._prefetched_objects_cache.pop("renditions", None)
    return sorted(existing.values(), key=lambda rendition: (rendition.width, rendition.spec))


def renditions_delete(*, figure: Figure) -> None:
    """Delete the rendition rows of `figure`, and their files once that is committed."""
    names = list(figure.renditions.values_list("file", flat=True))
    figure.renditions.all().delete()
    storage = Rendition._meta.get_field("file").storage

    def delete_files():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
    if hasattr(figure, "_prefetched_objects_cache"):
        figure._prefetched_objects_cache.pop("renditions", None)
