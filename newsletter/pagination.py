"""Pages of the public lists: archive, section, tag, project and contributor pages.

A list page holds DIGEST_LIST_PAGE_SIZE entries, so what it costs and weighs
does not grow with the archive. Page numbers are strict: anything but a page
that exists is a 404, never a quiet fallback to another page, so each page
has one address and a crawler cannot wander off the end.
"""

from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404


def list_page(objects, *, number: str | None, count: int | None = None) -> Page:
    """Return page `number` of `objects` (the first when None).

    One query for the count, unless the caller knows it (`count`), and one for
    the page when `objects` is a queryset. Raises Http404 when `number` is not
    a whole number naming an existing page; an empty list has one, empty,
    first page.
    """
    # int() also reads " 2", "+2" and "２": more than one address for a page.
    if number is not None and not (number.isascii() and number.isdigit()):
        raise Http404("A page number is a whole number.")
    paginator = Paginator(objects, settings.DIGEST_LIST_PAGE_SIZE)
    if count is not None:
        # Paginator.count is a cached property: a known count spares its query.
        paginator.count = count
    try:
        return paginator.page(1 if number is None else number)
    except InvalidPage as error:
        raise Http404(str(error)) from error


def page_path(path: str, page: Page) -> str:
    """Return the one address of `page` of the list at `path`: the bare path for the first."""
    return path if page.number == 1 else f"{path}?page={page.number}"
