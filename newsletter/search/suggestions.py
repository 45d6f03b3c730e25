"""What search offers besides results: projects and tags the query names,
and, when nothing is found, the closest names and a spelling hint.

Tags are offered only when a public item carries them (a tag used only by
drafts stays unknown), and a spelling hint only when the corrected query
finds public items.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Lower, StrIndex
from django.urls import reverse
from taggit.models import Tag

from newsletter.formats.projects import match_projects
from newsletter.models import Item, Project, SearchWord
from newsletter.search.analysis import latin_words
from newsletter.search.backends import backend
from newsletter.search.query import Query, parse_query

MAX_SUGGESTIONS = 3
MAX_CORRECTED_WORDS = 3


@dataclass(frozen=True)
class Suggestion:
    """A project or tag offered to the reader: "项目:Gateway API"."""

    kind: str  # "project" or "tag"
    name: str
    url: str


def _project(project: Project) -> Suggestion:
    return Suggestion(kind="project", name=project.name, url=project.get_absolute_url())


def _tag(tag: Tag) -> Suggestion:
    return Suggestion(
        kind="tag", name=tag.name, url=reverse("newsletter:tag_detail", kwargs={"slug": tag.slug})
    )


def public_tags():
    """Return the tags carried by at least one public item.

    An EXISTS per tag, so that a filter on the names applies first.
    """
    tagged = Item.tags.through.objects.filter(
        tag=OuterRef("pk"),
        content_type=ContentType.objects.get_for_model(Item),
        object_id__in=Item.objects.public().values("pk"),
    )
    return Tag.objects.filter(Exists(tagged))


def named_in_query(query: Query) -> list[Suggestion]:
    """Return the projects and public tags whose name (or alias) the query holds.

    Latin names must stand as whole words ("Helm" is not in "helmet"); longer
    names win ("Gateway API" rather than "API"). Two queries.
    """
    text = query.text
    # Plain rows, not models: the whole catalogue is read on every search.
    catalogue = {
        slug: (name, aliases)
        for slug, name, aliases in Project.objects.values_list("slug", "name", "aliases")
    }
    named = match_projects(
        text, [(slug, f"{name},{aliases}") for slug, (name, aliases) in catalogue.items()]
    )
    found = [
        Suggestion(
            kind="project",
            name=catalogue[slug][0],
            url=reverse("newsletter:project_detail", kwargs={"slug": slug}),
        )
        for slug in named
    ]
    # The database narrows the tags to names inside the query; the same
    # whole-word rule as for projects then decides.
    tags = {
        tag.slug: tag
        for tag in public_tags()
        .annotate(position=StrIndex(Value(text.lower()), Lower("name")))
        .filter(position__gt=0)
    }
    found += [
        _tag(tags[slug])
        for slug in match_projects(text, [(tag.slug, [tag.name]) for tag in tags.values()])
    ]
    return found[: MAX_SUGGESTIONS * 2]


def closest_names(query: Query) -> list[Suggestion]:
    """Return the projects and public tags whose names are closest to the query.

    Trigram similarity on PostgreSQL, difflib on SQLite. Two queries.
    """
    search_backend = backend()
    text = query.text
    projects = search_backend.closest(
        Project.objects.only("slug", "name"), field="name", text=text, limit=MAX_SUGGESTIONS
    )
    tags = search_backend.closest(public_tags(), field="name", text=text, limit=MAX_SUGGESTIONS)
    return [*map(_project, projects), *map(_tag, tags)]


def spelling_hint(query: Query, *, count: Callable[[Query], int]) -> str | None:
    """Return the query with misspelled Latin words corrected, if that finds anything.

    A word is misspelled when the index has never seen it; its correction is
    the closest indexed word. `count` counts the public items a query finds;
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
    if corrected == query.text or not corrected_query or not count(corrected_query):
        return None
    return corrected
