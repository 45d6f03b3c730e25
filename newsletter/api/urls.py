"""The read API's routes, each wrapped in `http.read_only`; mounted at /api/v1/."""

from django.urls import URLPattern

from newsletter.api.endpoints import api
from newsletter.api.http import read_only

_patterns, _ninja_app, app_name = api.urls

urlpatterns = [
    URLPattern(pattern.pattern, read_only(pattern.callback), pattern.default_args, pattern.name)
    for pattern in _patterns
]
