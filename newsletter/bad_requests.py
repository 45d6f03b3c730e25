"""Requests no view should see: NUL characters in the path or the query string.

PostgreSQL cannot store or compare a NUL in text, so a `\x00` that reaches a
query is a server error there (on SQLite it quietly matches nothing). No
slug, username, token or search contains one, so the request is refused
before the view runs: 404 for a path (no page has such an address), 400 for
a query string. Form fields already refuse NUL (Django's CharField). A view
that validates its own input and answers in its own format (the read API's
422 in JSON) is marked with `validates_own_input` and left to do so.
"""

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest

NUL = "\x00"


def validates_own_input(view):
    """Mark `view` as refusing NUL characters itself; the middleware lets it answer."""
    view.validates_own_input = True
    return view


def has_nul_in_query(request: HttpRequest) -> bool:
    """Return whether a name or a value of the query string holds a NUL character."""
    return any(
        NUL in name or any(NUL in value for value in values) for name, values in request.GET.lists()
    )


class RefuseNulCharactersMiddleware:
    """Answers 404 for a path and 400 for a query string with a NUL character."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, view_args, view_kwargs):
        if getattr(view, "validates_own_input", False):
            return None
        if NUL in request.path_info:
            raise Http404("No page has a NUL character in its address.")
        if has_nul_in_query(request):
            raise BadRequest("NUL character in the query string.")
        return None
