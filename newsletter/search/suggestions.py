"""What search offers besides results: projects and tags the query names,
and, when nothing is found, the closest names and a spelling hint.

Tags are offered only when a public item carries them (a tag used only by
drafts stays unknown), and a spelling hint only when the corrected query
finds public items.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from newsletter.formats.projects import match_projects
from newsletter.models import SearchWord
from newsletter.search.analysis import latin_words
from newsletter.search.backends import backend
from newsletter.search.query import Query, parse_query
from newsletter.search.snapshot import Snapshot

MAX_SUGGESTIONS = 3
MAX_CORRECTED_WORDS = 3


@dataclass(frozen=True)
class Suggestion:
    """A project or tag offered to the reader: "项目:Gateway API"."""

    kind: str  # "project" or "tag"
    name: str
    url: str


def _project(slug: str, name: str) -> Suggestion:
    return Suggestion(
        kind="project", name=name, url=reverse("newsletter:project_detail", kwargs={"slug": slug})
    )


def _tag(slug: str, name: str) -> Suggestion:
    return Suggestion(
        kind="tag", name=name, url=reverse("newsletter:tag_detail", kwargs={"slug": slug})
    )


def named_in_query(query: Query, *, public: Snapshot) -> list[Suggestion]:
    """Return the public projects and tags whose name (or alias) the query holds.

    `public` is the snapshot of the public items, which says which projects
    they cover and which tags they carry. Latin names must stand as whole
    words ("Helm" is not in "helmet"); longer names win ("Gateway API"
    rather than "API"). No query.
    """
    text = query.text
    named = match_projects(
        text,
        [
            (slug, f"{name},{public.project_aliases[slug]}")
            for slug, name in public.projects.items()
        ],
    )
    lowered = text.lower()
    # Only tags whose name occurs in the query, any case; the same
    # whole-word rule as for projects then decides.
    tags = [(slug, [name]) for slug, name in public.tags.items() if name.lower() in lowered]
    tags.sort(key=lambda tag: tag[1][0])
    return [
        *(_project(slug, public.projects[slug]) for slug in named),
        *(_tag(slug, public.tags[slug]) for slug in match_projects(text, tags)),
    ][: MAX_SUGGESTIONS * 2]


def closest_names(query: Query, *, public: Snapshot) -> list[Suggestion]:
    """Return the public projects and tags whose names are closest to the query.

    Trigram similarity on PostgreSQL, difflib on SQLite. Two queries at most.
    """
    search_backend = backend()
    return [
        *(
            _project(slug, public.projects[slug])
            for slug in search_backend.closest(
                names=public.projects, text=query.text, limit=MAX_SUGGESTIONS
            )
        ),
        *(
            _tag(slug, public.tags[slug])
            for slug in search_backend.closest(
                names=public.tags, text=query.text, limit=MAX_SUGGESTIONS
            )
        ),
    ]


def spelling_hint(query: Query, *, finds: Callable[[Query], bool]) -> str | None:
    """Return the query with misspelled Latin words corrected, if that finds anything.

    A word is misspelled when the index has never seen it; its correction is
    the closest indexed word. `finds` says whether a query finds any public item;
    no hint is returned when the corrected query finds none.
    """
    tokens = [token for term in query.terms for token in term.tokens]
    words = sorted(latin_words(tokens), key=tokens.index)[:MAX_CORRECTED_WORDS]
    if not words:
        return None
    known = set(SearchWord.objects.filter(word__in=words).values_list("word", flat=True))
    search_backend = backend()
    corrections = {}
    for word in words:
        if word not in known:
            similar = search_backend.similar_words(word, limit=1)
            if similar:
                corrections[word] = similar[0]
    if not corrections:
        return None
    corrected = query.text
    for word, correction in corrections.items():
        corrected = re.sub(
            rf"(?<![a-z]){re.escape(word)}(?![a-z])", correction, corrected, flags=re.IGNORECASE
        )
    corrected_query = parse_query(corrected)
    if corrected == query.text or not corrected_query or not finds(corrected_query):
        return None
    return corrected
