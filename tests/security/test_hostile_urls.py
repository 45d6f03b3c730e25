"""Every URL pattern with hostile path and query values: never a server error.

The crawl walks the root URLconf (config.urls) the way `reverse` does, puts
each hostile value in each path parameter in turn and in common query
parameters, and requests the result as an anonymous visitor and as a
logged-in editor. Runs on SQLite and on PostgreSQL (`.ci/run` runs both),
which refuses NUL characters in text.
"""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils.regex_helper import normalize

from editorial.permissions.roles import Role
from newsletter.models import Item
from tests.factories import IssueFactory, ItemFactory, RoleUserFactory

pytestmark = pytest.mark.django_db

# Already percent-encoded, as they go on the wire: a raw "%ff" is not UTF-8.
HOSTILE_VALUES = {
    "nul": "%00",
    "nul inside": "a%00b",
    "overlong": "x" * 4000,
    "right-to-left": quote("\u202eabc\u200f\u200e"),
    "not utf-8": "%ff%fe%c0%ae",
    "broken escape": "%zz%",
    "huge number": "99999999999999999999999",
    "negative": "-1",
    "dot segments": "..%2f..%2fetc",
}

# Query parameters views and the admin read; unknown ones are ignored.
QUERY_NAMES = [
    "q", "term", "page", "p", "o", "e", "next", "sort", "state", "status", "section",
    "project", "tag", "format", "a", "b", "token", "email", "_changelist_filters",
    "_to_field", "_popup", "issue__id__exact",
]  # fmt: skip
# The admin autocomplete only searches for a field that uses it.
AUTOCOMPLETE_FIELDS = [("newsletter", "item", "projects"), ("newsletter", "itemfigure", "figure")]


def _patterns(patterns, prefix: str = ""):
    """Yield (format string, parameter names) for every pattern, as `reverse` sees them."""
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.removeprefix("^")
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, regex)
        else:
            yield normalize(regex)[0]


def _hostile_paths(format_string: str, params: list[str], plausible: dict[str, str]):
    """Yield each path with one parameter hostile and the others plausible."""
    for name in params:
        for value in HOSTILE_VALUES.values():
            values = {other: plausible.get(other, "1") for other in params} | {name: value}
            yield "/" + format_string % values


def _hostile_queries(path: str):
    for value in HOSTILE_VALUES.values():
        yield path + "?" + "&".join(f"{name}={value}" for name in QUERY_NAMES)
    if path == "/admin/autocomplete/":
        for app_label, model_name, field_name in AUTOCOMPLETE_FIELDS:
            for value in HOSTILE_VALUES.values():
                yield (
                    f"{path}?app_label={app_label}&model_name={model_name}"
                    f"&field_name={field_name}&term={value}"
                )


def hostile_urls(plausible: dict[str, str] | None = None) -> list[str]:
    """Return every hostile URL the crawl requests, built from config.urls.

    `plausible` gives parameters a real value by name (an issue's slug, an
    item's id), so that hostile query values reach past the lookup of the
    object; other parameters are "1".
    """
    plausible = plausible or {}
    urls = []
    for format_string, params in _patterns(get_resolver().url_patterns):
        urls += _hostile_paths(format_string, params, plausible)
        real = "/" + format_string % {name: plausible.get(name, "1") for name in params}
        urls += _hostile_queries(real)
    return urls


def _server_errors(client: Client, urls: list[str]) -> list[tuple[int, str]]:
    errors = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            errors.append((response.status_code, url[:200]))
    return errors


@pytest.fixture
def plausible() -> dict[str, str]:
    """A published issue and item; their slug and id for the crawl's other parameters."""
    issue = IssueFactory(slug="2025-11", published=True)
    item = ItemFactory(issue=issue, state=Item.State.APPROVED, body="# 简介\n\nHelm 4。")
    item.tags.add("helm")
    return {"slug": issue.slug, "object_id": str(item.pk), "item_id": str(item.pk)}


def test_the_crawl_covers_every_kind_of_url():
    """Public pages, the admin, its autocomplete, the API and the preview are all requested."""
    urls = hostile_urls({"object_id": "7"})
    assert any(url.startswith("/admin/newsletter/item/7/change/?q=%00") for url in urls)
    for expected in ("/tags/%00/", "/contributors/a%00b/", "/admin/autocomplete/?app_label=",
                     "/api/v1/items/99999999999999999999999/", "/preview/%ff%fe%c0%ae/",
                     "/admin/newsletter/item/%00/change/"):  # fmt: skip
        assert any(url.startswith(expected) for url in urls), expected


def test_no_hostile_url_gives_an_anonymous_visitor_a_server_error(plausible):
    """Bad URLs are 4xx (mostly 404), never 5xx."""
    client = Client(raise_request_exception=False)
    assert _server_errors(client, hostile_urls(plausible)) == []


def test_no_hostile_url_gives_an_editor_a_server_error(plausible):
    """The same crawl logged in as the editor-in-chief reaches every admin page."""
    client = Client(raise_request_exception=False)
    client.force_login(RoleUserFactory(username="eddie", role=Role.EDITOR))
    assert _server_errors(client, hostile_urls(plausible)) == []
