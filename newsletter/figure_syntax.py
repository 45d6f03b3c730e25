"""The `figure:` reference syntax: `![alt](figure:12)` shows uploaded figure 12.

This is its one home: the writer (`figure_reference`), the reading of one
image source (`is_figure_source`, `figure_id_from_source`) and the rewrite of
references in Markdown source (`figure_sources_replace`). Finding the references of a whole
text needs the Markdown parser, so that one written in a code span stays an
example: that is `newsletter.markdown.figure_references`, built on
`figure_id_from_source`.
"""

import re
from collections.abc import Callable

FIGURE_SCHEME = "figure:"

# Figure keys are BigAutoField values. A larger number names no figure, and
# sending it to the database would overflow the query parameter (PostgreSQL
# refuses it, SQLite's driver raises OverflowError): it is an unknown figure,
# like any other typo.
MAX_FIGURE_ID = 2**63 - 1

# ASCII digits only: `\d` would also take "١٢", which int() reads as 12.
_SOURCE = re.compile(r"figure:([0-9]+)")
# A reference in Markdown source: the link destination, maybe followed by a title.
_DESTINATION = re.compile(r"\((figure:[0-9]+)(?=[\s)])")


def figure_source(figure_id: int) -> str:
    """Return the image source naming figure `figure_id`, e.g. "figure:12"."""
    return f"{FIGURE_SCHEME}{figure_id}"


def figure_reference(figure_id: int, alt: str) -> str:
    """Return the Markdown that shows figure `figure_id` with `alt` in its brackets."""
    # Brackets and line breaks would end the image's text early.
    alt = alt.replace("[", "(").replace("]", ")").replace("\n", " ")
    return f"![{alt}]({figure_source(figure_id)})"


def is_figure_source(source: str) -> bool:
    """Return whether an image source is a figure reference, whether or not it names a figure.

    "figure:12a" is one too: a mistyped reference shows its alt text, never
    an image with a broken address.
    """
    return source.startswith(FIGURE_SCHEME)


def figure_id_from_source(source: str) -> int | None:
    """Return the figure id an image source names, or None when it names no figure.

    Only "figure:" and ASCII digits name one, up to MAX_FIGURE_ID.
    """
    match = _SOURCE.fullmatch(source)
    if match is None:
        return None
    figure_id = int(match[1])
    return figure_id if figure_id <= MAX_FIGURE_ID else None


def figure_sources_replace(markdown: str, url_for: Callable[[int], str | None]) -> str:
    """Return `markdown` with each figure reference pointing at `url_for(id)` instead.

    A plain rewrite of the source, for exports read by tools that know nothing
    of figure ids; a reference for which `url_for` returns None is left as is.
    """

    def replace(match: re.Match) -> str:
        figure_id = figure_id_from_source(match[1])
        url = url_for(figure_id) if figure_id is not None else None
        return match[0] if url is None else f"({url}"

    return _DESTINATION.sub(replace, markdown)
