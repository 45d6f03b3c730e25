"""The read API's routes, each wrapped in `http.read_only`; mounted at /api/v1/."""

from django.urls import URLPattern

from newsletter.api.endpoints import api
from newsletter.api.http import read_only
from newsletter.bad_requests import validates_own_input

_patterns, _ninja_app, app_name = api.urls

urlpatterns = [
    # Parameters, NUL included, are checked by the schema: 422 in JSON.
    URLPattern(
        pattern.pattern,
        validates_own_input(read_only(pattern.callback)),
        pattern.default_args,
        pattern.name,
    )
    for pattern in _patterns
]
