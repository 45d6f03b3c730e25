"""Images made in memory for the figure tests: good ones, and every bad kind."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def png_bytes(width: int = 2000, height: int = 1000, color=(20, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_with_gps(width: int = 1200, height: int = 800, orientation: int = 1) -> bytes:
    """A JPEG whose EXIF holds a camera, GPS coordinates and an orientation."""
    exif = Image.Exif()
    exif[0x010F] = "Phone Maker"
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (39.0, 54.0, 27.0)
    gps[3], gps[4] = "E", (116.0, 23.0, 17.0)
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((30, 200, 30), (0, 0, width // 2, height // 2))
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def animated_gif(width: int = 600, height: int = 300, frames: int = 4) -> bytes:
    colors = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)]
    images = [Image.new("RGB", (width, height), colors[i % 4]) for i in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=120, loop=0)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def decompression_bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A valid-looking PNG of a few dozen bytes whose header declares `width`×`height`."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + _png_chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    data = jpeg_with_gps()
    return data[: len(data) // 2]


def tiff_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buffer, "TIFF")
    return buffer.getvalue()


def psd_header() -> bytes:
    """The start of a Photoshop file: signature, version 1, 3 channels, 64×64, 8 bit RGB."""
    return b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, 64, 64, 8, 3) + b"\x00" * 64


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def bad_uploads(max_bytes: int) -> dict[str, tuple[str, bytes]]:
    """Every kind of upload that must be refused: name → (file name, content)."""
    return {
        "decompression bomb": ("bomb.png", decompression_bomb_png()),
        "truncated JPEG": ("photo.jpg", truncated_jpeg()),
        "text named .png": ("notes.png", "这不是图片 just text\n".encode() * 20),
        "HTML file": ("page.png", HTML_PAGE),
        "SVG with a script": ("diagram.svg", SVG_WITH_SCRIPT),
        "zero bytes": ("empty.png", b""),
        "over the size limit": ("huge.png", png_bytes(64, 64) + b"\x00" * max_bytes),
        "TIFF renamed .jpg": ("scan.jpg", tiff_bytes()),
        "PSD renamed .jpg": ("layers.jpg", psd_header()),
    }


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def files_in(root) -> list[str]:
    """Every file under `root` (MEDIA_ROOT), as relative paths."""
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
