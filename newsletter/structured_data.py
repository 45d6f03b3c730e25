"""schema.org descriptions (JSON-LD) of the publication, an issue and its items.

Search engines and link previews read them: the publication is a `Periodical`,
an issue a `PublicationIssue` of it, and each item a `NewsArticle` that is part
of its issue. Built from what the issue page already loaded: no query.
"""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from newsletter.absolute import absolute_url
from newsletter.models import Issue, Item
from newsletter.reading import plain_text

# Google shows at most 110 characters of an article's headline.
HEADLINE_LENGTH = 110
DESCRIPTION_LENGTH = 200
LANGUAGE = "zh-Hans"

# The characters that could end the <script> element or start a comment in it,
# written as JSON escapes (as Django's json_script does).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def periodical() -> dict:
    """Return the publication as a schema.org Periodical."""
    return {
        "@type": "Periodical",
        "@id": absolute_url("/#periodical"),
        "name": settings.DIGEST["PUBLICATION_NAME"],
        "description": settings.DIGEST["PUBLICATION_TAGLINE"],
        "url": absolute_url("/"),
        "inLanguage": LANGUAGE,
    }


def _person(credit) -> dict | None:
    return {"@type": "Person", "name": credit.name} if credit else None


def item_article(item: Item, *, issue: Issue) -> dict:
    """Return `item` as a NewsArticle that is part of `issue`."""
    article = {
        "@type": "NewsArticle",
        "@id": absolute_url(item.get_absolute_url()),
        "url": absolute_url(item.get_absolute_url()),
        "headline": Truncator(item.title).chars(HEADLINE_LENGTH, truncate="…"),
        "datePublished": issue.publish_at.isoformat(),
        "dateModified": max(item.updated_at, issue.publish_at).isoformat(),
        "inLanguage": LANGUAGE,
        "isPartOf": {"@id": absolute_url(issue.get_absolute_url())},
        "publisher": {"@type": "Organization", "name": settings.DIGEST["PUBLICATION_NAME"]},
    }
    if item.original_title:
        article["alternativeHeadline"] = item.original_title
    if item.section:
        article["articleSection"] = item.section.name
    author = _person(item.author_credit)
    if author:
        article["author"] = author
    keywords = [project.name for project in item.projects.all()]
    keywords += [tag.name for tag in item.tags.all()]
    if keywords:
        article["keywords"] = keywords
    return article


def issue_graph(*, issue: Issue, blocks) -> dict:
    """Return the JSON-LD graph of an issue page: the periodical, the issue, its items.

    `blocks` are the issue's public items by section (`selectors.issue_sections`),
    with projects and tags prefetched.
    """
    items = [item for block in blocks for item in block.items]
    publication_issue = {
        "@type": "PublicationIssue",
        "@id": absolute_url(issue.get_absolute_url()),
        "url": absolute_url(issue.get_absolute_url()),
        "name": issue.title,
        "issueNumber": issue.slug,
        "datePublished": issue.publish_at.isoformat(),
        "inLanguage": LANGUAGE,
        "isPartOf": {"@id": absolute_url("/#periodical")},
        "hasPart": [{"@id": absolute_url(item.get_absolute_url())} for item in items],
    }
    description = plain_text(issue.intro_html, DESCRIPTION_LENGTH)
    if description:
        publication_issue["description"] = description
    if issue.cover:
        publication_issue["image"] = absolute_url(issue.cover.url)
    return {
        "@context": "https://schema.org",
        "@graph": [
            periodical(),
            publication_issue,
            *(item_article(item, issue=issue) for item in items),
        ],
    }


def json_ld_script(data: dict) -> SafeString:
    """Return `data` in a `<script type="application/ld+json">` element.

    A data block, not a script: browsers never run it, so the page's
    Content-Security-Policy needs neither 'unsafe-inline' nor a nonce for it.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    # Every "<", ">" and "&" of the JSON is escaped above, so nothing in the
    # data can close the element or open markup.
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
