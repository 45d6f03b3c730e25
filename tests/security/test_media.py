"""Uploaded files are served so that they can never run as a page."""

import pytest
from django.urls import include, path

from newsletter.media import serve_upload

# The development route of config.urls, which exists only with DEBUG on.
urlpatterns = [path("media/<path:path>", serve_upload), path("", include("config.urls"))]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def uploads(media_root):
    media_root.mkdir(parents=True, exist_ok=True)
    files = {
        "figure.png": b"\x89PNG\r\n\x1a\n",
        "page.html": b"<script>alert(document.cookie)</script>",
        "drawing.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "notes.txt": b"<script>alert(1)</script>",
    }
    for name, content in files.items():
        (media_root / name).write_bytes(content)
    return files


def test_every_upload_is_sandboxed_and_never_sniffed(client, uploads):
    """nosniff and a policy that allows nothing, whatever the file."""
    for name in uploads:
        response = client.get(f"/media/{name}")
        assert response.status_code == 200, name
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_raster_image_is_shown_inline(client, uploads):
    """PNG, JPEG, GIF, WebP and AVIF display in the browser."""
    response = client.get("/media/figure.png")
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "notes.txt"])
def test_anything_else_is_a_download(client, uploads, name):
    """HTML, SVG and other types are offered as attachments, never opened as a page."""
    response = client.get(f"/media/{name}")
    assert response.headers["Content-Disposition"] == "attachment"


def test_a_missing_file_is_404(client, uploads):
    """No file, no page."""
    assert client.get("/media/nothing.png").status_code == 404


def test_paths_cannot_leave_the_media_folder(client, uploads):
    """`..` does not reach files outside MEDIA_ROOT."""
    assert client.get("/media/../settings.py").status_code in {400, 404}
    assert client.get("/media/%2e%2e/%2e%2e/manage.py").status_code in {400, 404}
