"""The API's one way into the site's search (`newsletter.search`).

The search is being reworked on its own; only this adapter knows how to call
it, so a new signature changes one function here, not the endpoints.
"""

from django.db.models import QuerySet

from newsletter import search
from newsletter.models import Item

# Longer queries are cut, as the search page cuts them.
QUERY_MAX_LENGTH = 100


def items_matching(query: str) -> QuerySet[Item]:
    """Return the public items that match `query`, best match first.

    The result is narrowed to `Item.objects.public()` here as well, whatever
    the search returns, so the API cannot show more than the visibility rule.
    """
    found = search.search_items(query[:QUERY_MAX_LENGTH])
    return found.filter(pk__in=Item.objects.public().values("pk"))
