"""The Content-Security-Policy middleware: django-csp's, aware of where uploads live."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


def media_origin() -> str:
    """Return the scheme and host of an absolute MEDIA_URL, or "" for a local one."""
    if not settings.MEDIA_URL.startswith(("https://", "http://")):
        return ""
    return "/".join(settings.MEDIA_URL.split("/", 3)[:3])


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware that also lets pages show images from MEDIA_URL's host.

    Read per response rather than once in config.settings, so a deployment's
    settings module that sets an absolute MEDIA_URL (a bucket or CDN) after
    importing config.settings still gets its images allowed.
    """

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origin = media_origin()
        if origin:
            update = dict(parts.update or {})
            update["img-src"] = [*update.get("img-src", []), origin]
            parts.update = update
        return parts
