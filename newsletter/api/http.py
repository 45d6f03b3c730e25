"""Read-only HTTP around every API view: HEAD, OPTIONS, CORS, ETag and 304.

CORS here is the whole policy of a public, read-only API that uses no cookies
or credentials: any origin may read (`Access-Control-Allow-Origin: *`, never
with credentials), only with GET, HEAD and OPTIONS. Being the same for every
origin, it needs no `Vary: Origin`, so one cached copy serves everyone; that
is why it is these few lines and not a per-origin middleware.
"""

from functools import wraps

from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils.cache import get_conditional_response, set_response_etag

ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
# Request headers a cross-origin reader may send: revalidation and content choice.
ALLOWED_HEADERS = ("Accept", "Accept-Language", "If-None-Match", "If-Modified-Since")
# Response headers a cross-origin script may read beyond the safelisted ones.
EXPOSED_HEADERS = ("ETag", "Link")
PREFLIGHT_MAX_AGE = 86400


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = ", ".join(EXPOSED_HEADERS)
    return response


def read_only(view):
    """Wrap an API view: answer only GET, HEAD and OPTIONS, with CORS, ETag and 304.

    HEAD runs the GET view (the server sends the headers without the body).
    A successful GET gets a strong ETag of its body; a request whose
    If-None-Match names it gets 304 Not Modified with no body.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            response["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
            response["Access-Control-Allow-Headers"] = ", ".join(ALLOWED_HEADERS)
            response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
            return _cors(response)
        if request.method not in ALLOWED_METHODS:
            return _cors(HttpResponseNotAllowed(ALLOWED_METHODS))
        # The operations are declared for GET; HEAD is GET's answer without the body.
        is_head = request.method == "HEAD"
        request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        finally:
            if is_head:
                request.method = "HEAD"
        if response.status_code == 200 and not response.streaming:
            set_response_etag(response)
            response = get_conditional_response(request, etag=response["ETag"], response=response)
        if is_head and not response.streaming:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return _cors(response)

    # Nothing here writes, and no cookie is read: there is nothing to forge.
    wrapper.csrf_exempt = True
    return wrapper
