"""Search over public items, in Chinese and English.

Queries are segmented with jieba, so "网关API" finds text that says "网关 API";
every term must appear (in the title, original title, body or remark). Matching
is a case-insensitive substring test, which suits Chinese (no word boundaries)
and works the same on SQLite and PostgreSQL. Known limit: no relevance ranking
beyond "title matches first, then newest", which is enough for an archive of a
few thousand items.
"""

import logging
import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

import jieba
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from newsletter.models import ITEM_READING_ORDER, Item

jieba.setLogLevel(logging.WARNING)

MAX_TERMS = 8
MAX_QUERY_LENGTH = 100
SNIPPET_RADIUS = 40
SEARCHED_FIELDS = ["title", "original_title", "body", "remark"]
_WORDLIKE = re.compile(r"\w", re.UNICODE)


def query_terms(query: str) -> list[str]:
    """Return the distinct search terms of `query`, at most MAX_TERMS."""
    terms: list[str] = []
    for token in jieba.cut(query[:MAX_QUERY_LENGTH]):
        token = token.strip().lower()
        if token and _WORDLIKE.search(token) and token not in terms:
            terms.append(token)
    return terms[:MAX_TERMS]


def _matches(term: str) -> Q:
    return reduce(or_, (Q(**{f"{field}__icontains": term}) for field in SEARCHED_FIELDS))


def search_items(query: str) -> QuerySet[Item]:
    """Return public items matching every term of `query`, title hits first."""
    terms = query_terms(query)
    if not terms:
        return Item.objects.none()
    items = Item.objects.public()
    for term in terms:
        items = items.filter(_matches(term))
    title_hit = Case(
        When(reduce(or_, (Q(title__icontains=term) for term in terms)), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        items.annotate(title_hit=title_hit)
        .select_related("issue", "section")
        .order_by("-title_hit", *ITEM_READING_ORDER)
    )


@dataclass
class SearchResult:
    item: Item
    snippet: SafeString


def _highlight(text: str, terms: list[str]) -> SafeString:
    # Longest first, so the whole phrase wins over the pieces jieba cut it into.
    ordered = sorted(terms, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(term) for term in ordered), re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    # Every piece of user-controlled text above went through escape().
    return mark_safe("".join(pieces))  # noqa: S308


def snippet(item: Item, terms: list[str]) -> SafeString:
    """Return an escaped excerpt of the item around its first match, terms marked."""
    text = " ".join(strip_tags(item.body_html + " " + item.remark_html).split())
    lowered = text.lower()
    positions = [lowered.find(term) for term in terms if term in lowered]
    if not positions:
        return _highlight(text[: SNIPPET_RADIUS * 2], terms)
    start = max(0, min(positions) - SNIPPET_RADIUS)
    excerpt = text[start : start + SNIPPET_RADIUS * 3]
    prefix = "…" if start else ""
    suffix = "…" if start + SNIPPET_RADIUS * 3 < len(text) else ""
    return _highlight(f"{prefix}{excerpt}{suffix}", terms)


def results_with_snippets(items: list[Item], query: str) -> list[SearchResult]:
    """Return one SearchResult per item, with a highlighted snippet."""
    terms = [*query_terms(query), *query.lower().split()]
    return [SearchResult(item=item, snippet=snippet(item, terms)) for item in items]
