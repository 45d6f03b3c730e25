"""The one gate every uploaded image passes: `image_validate`.

The Figure admin, the figure inline on the item page and the markdownx
drag-and-drop endpoint all call it before anything is stored, so an upload
path cannot skip a check. What comes out is a clean re-encoding made by Pillow:
the attacker's original bytes are never kept, and with them go EXIF, GPS,
comments and anything hidden after the image data.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

# An animation is decoded and re-encoded frame by frame (seconds per 40 MP for
# GIF): all its frames together must fit the pixel limit, so a small file with
# thousands of frames cannot keep a worker busy for minutes.
MAX_ANIMATION_FRAMES = 1000

# Pillow format name → (file extension, MIME type). Only these decoders are
# ever used: Image.open(formats=...) never tries TIFF, PSD, EPS or the others,
# whose parsers have a longer history of security bugs.
ACCEPTED_FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
ACCEPTED_FORMAT_NAMES = "PNG、JPEG、GIF、WebP"

# Signatures of formats we refuse, only to name them in the message.
_KNOWN_REFUSED_SIGNATURES = [
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"8BPS", "PSD (Photoshop)"),
    (b"BM", "BMP"),
    (b"%PDF", "PDF"),
    (b"\x00\x00\x01\x00", "ICO"),
    (b"PK\x03\x04", "ZIP"),
]
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"avif")
_SNIFF_BYTES = 512

# Large enough to look sharp on a retina screen, small enough to re-encode fast.
JPEG_QUALITY = 90


@dataclass(frozen=True)
class CleanImage:
    """An upload that passed every check, re-encoded without metadata."""

    content: bytes
    format: str
    width: int
    height: int
    is_animated: bool
    original_name: str

    @property
    def content_hash(self) -> str:
        """SHA-256 of the clean bytes: the same picture uploaded twice hashes the same."""
        return hashlib.sha256(self.content).hexdigest()

    @property
    def extension(self) -> str:
        return ACCEPTED_FORMATS[self.format][0]

    @property
    def content_type(self) -> str:
        return ACCEPTED_FORMATS[self.format][1]


def max_upload_bytes() -> int:
    """The largest upload accepted, in bytes (DIGEST_MAX_UPLOAD_BYTES)."""
    return settings.DIGEST_MAX_UPLOAD_BYTES


def max_pixels() -> int:
    """The most pixels an image may have, all frames together (DIGEST_MAX_IMAGE_PIXELS)."""
    return settings.DIGEST_MAX_IMAGE_PIXELS


def upload_help() -> str:
    """Return the limits an uploader should know, in both languages."""
    size = filesizeformat(max_upload_bytes())
    megapixels = max_pixels() // 1_000_000
    return (
        f"{ACCEPTED_FORMAT_NAMES},不超过 {size}、{megapixels} 百万像素;"
        "会去除 EXIF/GPS 等元数据并按拍摄方向摆正。"
        f" / PNG, JPEG, GIF or WebP, at most {size} and {megapixels} megapixels;"
        " EXIF/GPS data is removed and photos are turned upright."
    )


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _sniff_refused_format(head: bytes) -> ValidationError | None:
    """Return a precise refusal for well-known formats we do not take, else None."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<") or b"<svg" in text or b"<html" in text or b"<script" in text:
        kind = "SVG" if b"<svg" in text else "HTML/XML"
        return _refuse(
            f"不接受 {kind} 文件:矢量图和网页里可以藏脚本。请导出为 PNG 后再上传。"
            f" / {kind} files are not accepted because they can carry scripts;"
            " please export the diagram as PNG.",
            "markup",
        )
    for signature, name in _KNOWN_REFUSED_SIGNATURES:
        if head.startswith(signature):
            return _refuse(
                f"这是 {name} 文件,只接受 {ACCEPTED_FORMAT_NAMES}。请另存为 PNG 或 JPEG。"
                f" / This is a {name} file; only PNG, JPEG, GIF and WebP are accepted.",
                "unsupported_format",
            )
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return _refuse(
            f"这是 HEIC/AVIF 照片,只接受 {ACCEPTED_FORMAT_NAMES}。请转换为 JPEG。"
            " / HEIC/AVIF photos are not accepted; please convert to JPEG.",
            "unsupported_format",
        )
    return None


def _not_an_image() -> ValidationError:
    return _refuse(
        f"无法识别为图片,只接受 {ACCEPTED_FORMAT_NAMES}(按文件内容判断,而不是扩展名)。"
        " / This is not a PNG, JPEG, GIF or WebP image (judged by its content, not its name).",
        "unsupported_format",
    )


def _damaged() -> ValidationError:
    return _refuse(
        "图片文件已损坏或不完整,请重新导出后再上传。"
        " / The image is damaged or incomplete; please export it again.",
        "damaged",
    )


def _too_many_pixels(width: int, height: int, limit: int) -> ValidationError:
    return _refuse(
        f"图片尺寸过大({width}×{height} 像素),上限为 {limit // 1_000_000} 百万像素。"
        f" / The image is too large ({width}×{height} pixels);"
        f" the limit is {limit // 1_000_000} megapixels.",
        "too_many_pixels",
    )


def check_upload_size(size: int) -> None:
    """Refuse an empty file or one over DIGEST_MAX_UPLOAD_BYTES; raises `ValidationError`."""
    if size == 0:
        raise _refuse("文件是空的(0 字节)。 / The file is empty.", "empty")
    limit = max_upload_bytes()
    if size > limit:
        raise _refuse(
            f"文件太大({filesizeformat(size)}),上限为 {filesizeformat(limit)}。"
            f" / The file is too large ({filesizeformat(size)});"
            f" the limit is {filesizeformat(limit)}.",
            "too_large",
        )


def _bomb() -> ValidationError:
    return _refuse(
        "图片声明的尺寸大得异常,疑似解压炸弹,已拒绝。"
        " / The image declares an absurd size (a decompression bomb) and was refused.",
        "too_many_pixels",
    )


def _open(data: bytes) -> Image.Image:
    """Open `data` with the accepted decoders only; reads the header, decodes nothing."""
    try:
        return Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _bomb() from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise _not_an_image() from error


def _check_pixels(image: Image.Image) -> int:
    """Refuse from the header alone; return the number of frames."""
    width, height = image.size
    limit = max_pixels()
    if width < 1 or height < 1:
        raise _damaged()
    if width * height > limit:
        raise _too_many_pixels(width, height, limit)
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_ANIMATION_FRAMES or frames * width * height > limit:
        raise _refuse(
            f"动图帧数过多({frames} 帧,{width}×{height}),请缩短或缩小后再上传。"
            f" / The animation has too many frames ({frames} at {width}×{height}).",
            "too_many_pixels",
        )
    return frames


def _encode(image: Image.Image, image_format: str, frames: int) -> bytes:
    """Decode every frame and write a fresh file without metadata."""
    output = io.BytesIO()
    if frames > 1:
        # Animations keep their frames and timing; they carry no orientation.
        options = {"save_all": True, "loop": image.info.get("loop", 0)}
        if image_format == "WEBP":
            options["lossless"] = True
        image.save(output, format=image_format, **options)
        return output.getvalue()

    image.load()
    upright = ImageOps.exif_transpose(image)
    options: dict = {}
    icc_profile = image.info.get("icc_profile")
    if icc_profile:
        # The colour profile is not personal data and keeps colours right.
        options["icc_profile"] = icc_profile
    if image_format == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        options.update(quality=JPEG_QUALITY, optimize=True)
    elif image_format == "PNG":
        options["optimize"] = True
    elif image_format == "WEBP":
        options["lossless"] = image.info.get("lossless", False) or upright.mode in ("P", "1")
        options.setdefault("quality", JPEG_QUALITY)
    elif image_format == "GIF" and "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    # No exif=, no pnginfo=, no comment=: Pillow writes only what it is given.
    upright.save(output, format=image_format, **options)
    return output.getvalue()


def image_validate(*, upload: UploadedFile) -> CleanImage:
    """Check `upload` and return it re-encoded as a `CleanImage`.

    Nothing is written anywhere: the caller stores the result. Raises
    `ValidationError` (a bilingual message and a code: empty, too_large,
    markup, unsupported_format, too_many_pixels, damaged) for anything that is
    not a sound PNG, JPEG, GIF or WebP within the size and pixel limits.
    """
    # `size` is counted by Django's upload handler as the bytes arrive (large
    # files are spooled to a temporary file, not memory): checking it reads nothing.
    check_upload_size(upload.size or 0)
    upload.seek(0)
    data = upload.read()
    refusal = _sniff_refused_format(data[:_SNIFF_BYTES])
    if refusal is not None:
        raise refusal
    # A decompression bomb warning becomes an error: nothing huge is decoded.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = _open(data)
            image_format = image.format
            _check_pixels(image)
            image.verify()
            image = _open(data)
            frames = _check_pixels(image)
            content = _encode(image, image_format, frames)
        except ValidationError:
            raise
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise _bomb() from error
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as error:
            # Pillow reports truncated and corrupt data with these.
            raise _damaged() from error
        finally:
            upload.seek(0)
    width, height = Image.open(io.BytesIO(content), formats=[image_format]).size
    return CleanImage(
        content=content,
        format=image_format,
        width=width,
        height=height,
        is_animated=frames > 1,
        original_name=getattr(upload, "name", "") or "",
    )
