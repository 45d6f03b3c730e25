"""Serving user uploads in development, so that an upload can never run as a page.

Production serves /media/ from the web server with the same headers (README.md,
"Serving uploads safely"); this view is only routed when DEBUG is on.
"""

import mimetypes

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.static import serve

# Raster images the browser may show inline. Everything else, SVG included
# (it can carry script), is offered as a download when opened directly;
# an <img> element still displays it, since images never run script.
INLINE_CONTENT_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"}

# No script, no plugin, no form, no same-origin access even if a browser were
# persuaded to treat the file as HTML.
UPLOAD_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox"


def harden_upload_response(response: HttpResponse, path: str) -> HttpResponse:
    """Return `response` (an uploaded file) with headers that keep it inert."""
    response["X-Content-Type-Options"] = "nosniff"
    # Set here, so the site-wide CSP middleware leaves this stricter policy alone.
    response["Content-Security-Policy"] = UPLOAD_CONTENT_SECURITY_POLICY
    content_type, _encoding = mimetypes.guess_type(path)
    if content_type not in INLINE_CONTENT_TYPES:
        response["Content-Disposition"] = "attachment"
    return response


def serve_upload(request: HttpRequest, path: str) -> HttpResponse:
    """Return the file at MEDIA_ROOT/`path`, hardened; 404 when there is none."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    return harden_upload_response(response, path)
