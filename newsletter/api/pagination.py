"""Page-number pagination for the API's lists: `?page=` and `?page_size=`.

Each page says how many results there are in all and links the next and
previous pages by absolute URL (SITE_URL), so a client follows `next` until
it is null. A page past the last is empty, not an error.
"""

import math

from django.http import HttpRequest
from ninja import Field, Schema

from newsletter.absolute import absolute_url

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Far beyond any archive; bounds the OFFSET a request can ask the database for.
MAX_PAGE = 10_000


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Results per page.")


class Page(Schema):
    count: int = Field(description="Results on all pages together.")
    page: int
    pages: int = Field(description="Number of pages (0 when there are no results).")
    next: str | None = Field(description="Absolute URL of the next page, or null.")
    previous: str | None = Field(description="Absolute URL of the previous page, or null.")


def paginate(request: HttpRequest, results, query: PageQuery) -> dict:
    """Return the page of `results` (a queryset) that `query` asks for, as a `Page` dict.

    Two queries: the count and the page's rows (plus what `results` prefetches).
    """
    count = results.count()
    pages = math.ceil(count / query.page_size)
    offset = (query.page - 1) * query.page_size
    has_previous = 1 < query.page <= pages + 1
    return {
        "count": count,
        "page": query.page,
        "pages": pages,
        "next": _page_url(request, query.page + 1) if query.page < pages else None,
        "previous": _page_url(request, query.page - 1) if has_previous else None,
        "items": list(results[offset : offset + query.page_size]),
    }


def _page_url(request: HttpRequest, page: int) -> str:
    parameters = request.GET.copy()
    parameters["page"] = str(page)
    return absolute_url(f"{request.path}?{parameters.urlencode()}")
