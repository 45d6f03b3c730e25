"""The API's one way into the site's search (`newsletter.search`).

Only this adapter knows how the search is called, so a change there changes
one function here, not the endpoints.
"""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from newsletter.models import Item
from newsletter.search.query import parse_query
from newsletter.search.results import ranked_public_ids

# Longer queries are cut, as the search page cuts them.
QUERY_MAX_LENGTH = 100
# The API lists at most this many matches, best first; a narrower query finds the rest.
MAX_RESULTS = 1000


def items_matching(query: str) -> QuerySet[Item]:
    """Return the public items that match `query` (web-search syntax), best match first.

    The ranking is the search page's own (`ranked_public_ids`);
    the result is a queryset of public items in that order, which the API can
    filter further and paginate.
    """
    parsed = parse_query(query[:QUERY_MAX_LENGTH])
    if not parsed:
        return Item.objects.none()
    ids = ranked_public_ids(parsed, limit=MAX_RESULTS)
    if not ids:
        return Item.objects.none()
    rank = Case(
        *(When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)),
        output_field=IntegerField(),
    )
    return Item.objects.public().filter(pk__in=ids).order_by(rank)
