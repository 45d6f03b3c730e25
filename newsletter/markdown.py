"""The one Markdown pipeline: CommonMark + tables → sanitised HTML.

Every rendered field (item body, remark, issue intro) and the editor's live
preview go through `render_markdown`, so what an editor previews is what a
reader gets. Output is stored on the model; pages never render Markdown.

This module is pure: it reads no model. `![alt](figure:12)` places uploaded
figure 12 with markup its caller supplies (`figures`, a `FigureResolver`);
`newsletter.rendering` passes the responsive `<picture>` of each figure, all
fetched together.
"""

import importlib
import re
from collections.abc import Callable, Mapping
from typing import Protocol
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from newsletter.figure_syntax import figure_id_from_source, is_figure_source

# markdown-it fills every short table row with empty cells up to the header's
# width, up to 65,536 cells a table: 1,500 characters of table became 660 kB
# of HTML and 2 s of rendering, so a body of such tables took minutes. No
# newsletter table leaves out that many cells; past this many, the rest of
# the table reads as text. The table rule reads the constant at every call.
MAX_EMPTY_TABLE_CELLS = 64
importlib.import_module(
    "markdown_it.rules_block.table"
).MAX_AUTOCOMPLETED_CELLS = MAX_EMPTY_TABLE_CELLS

# Item bodies sit under the page's h1 (issue), h2 (section) and h3 (item title),
# so their own headings start at h4 whatever level the author typed.
BODY_TOP_HEADING_LEVEL = 4
EXTERNAL_LINK_REL = "noopener nofollow"

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
    "picture", "source", "figure", "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "srcset", "sizes", "alt", "title", "width", "height", "loading", "decoding"},
    # Figures: only what responsive images need; URLs are checked by
    # _filter_attribute, and the Markdown source cannot write these tags.
    "picture": set(),
    "source": {"srcset", "sizes", "type", "width", "height"},
    "figure": set(),
    "figcaption": set(),
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "abbr": {"title"},
}  # fmt: skip


class FigureMarkup(Protocol):
    """Makes the HTML of one figure: `block` for a figure alone in its paragraph."""

    def __call__(self, *, block: bool) -> str: ...


# Given the ids of the figures a text shows, return the markup of those that exist.
FigureResolver = Callable[[set[int]], Mapping[int, FigureMarkup]]

IMAGE_TYPES = {"image/webp", "image/png", "image/jpeg", "image/gif"}


def _is_image_url(url: str) -> bool:
    """True for an http(s) URL or a path under MEDIA_URL; nothing else may feed an image."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if "\\" in url:
        return False
    if parts.scheme in ("http", "https"):
        return bool(parts.netloc)
    media_url = settings.MEDIA_URL or "/media/"
    if parts.scheme or parts.netloc or not media_url.startswith("/"):
        return False
    # "/media/../admin/" is not under /media/; storage never makes such paths.
    return parts.path.startswith(media_url) and ".." not in parts.path.split("/")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # nh3 checks the schemes of src but not the URLs inside srcset: both are
    # held to our media files or http(s) here. It must never raise.
    if attribute == "src" and tag == "img":
        return value if _is_image_url(value) else None
    if attribute == "srcset":
        candidates = [part.split()[0] for part in value.split(",") if part.strip()]
        return value if candidates and all(map(_is_image_url, candidates)) else None
    if attribute == "type" and tag == "source":
        return value if value in IMAGE_TYPES else None
    return value


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attribute_filter=_filter_attribute,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    tag_attribute_values={"a": {"rel": {EXTERNAL_LINK_REL}}},
    link_rel=None,
    url_schemes={"http", "https", "mailto"},
    strip_comments=True,
)


def _slugify_heading(title: str) -> str:
    """Return a fragment id for a heading; Chinese characters are kept."""
    slug = re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
    return slug or "section"


def _anchor_candidate(slug: str, number: int) -> str:
    return f"{slug}-{number}" if number else slug


class _AnchorIds:
    """Hands out unique heading ids: "slug", then "slug-1", "slug-2" …

    Each slug remembers the last number it tried, so n headings with one
    title cost about n tries, not n²/2 (mdit-py-plugins' `unique_slug` starts
    again at 1 for every heading: 20,000 headings took 17 s). An id skipped
    because another heading holds it is skipped once per slug, so the tries
    stay under twice the number of headings.
    """

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.next_number: dict[str, int] = {}

    def claim(self, slug: str) -> str:
        number = self.next_number.get(slug, 0)
        candidate = _anchor_candidate(slug, number)
        while candidate in self.taken:
            number += 1
            candidate = _anchor_candidate(slug, number)
        self.next_number[slug] = number + 1
        self.taken.add(candidate)
        return candidate


def _heading_anchor_rule(anchor_prefix: str):
    def anchor_headings(state: StateCore) -> None:
        ids = _AnchorIds()
        for index, token in enumerate(state.tokens):
            if token.type != "heading_open":
                continue
            title = "".join(
                child.content
                for child in state.tokens[index + 1].children or ()
                if child.type in ("text", "code_inline")
            )
            slug = _slugify_heading(title)
            token.attrSet("id", ids.claim(f"{anchor_prefix}-{slug}" if anchor_prefix else slug))

    return anchor_headings


def _demote_headings(state: StateCore) -> None:
    levels = [int(t.tag[1]) for t in state.tokens if t.type == "heading_open"]
    if not levels:
        return
    shift = max(0, BODY_TOP_HEADING_LEVEL - min(levels))
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"


def _is_external(href: str) -> bool:
    return urlsplit(href).scheme in ("http", "https")


def _render_link_open(renderer, tokens, idx, options, env):
    token = tokens[idx]
    if _is_external(token.attrGet("href") or ""):
        token.attrSet("rel", EXTERNAL_LINK_REL)
    return renderer.renderToken(tokens, idx, options, env)


def _is_figure(token: Token) -> bool:
    return is_figure_source(token.attrGet("src") or "")


def _figure_id(token: Token) -> int | None:
    return figure_id_from_source(token.attrGet("src") or "")


def _images(tokens: list[Token]):
    for token in tokens:
        for child in token.children or ():
            if child.type == "image":
                yield child


def _mark_figure_blocks(state: StateCore) -> None:
    """A paragraph holding only a figure becomes a `<figure>`, not a `<p>` around one."""
    tokens = state.tokens
    for index in range(1, len(tokens) - 1):
        children = tokens[index].children or []
        if (
            tokens[index].type == "inline"
            and tokens[index - 1].type == "paragraph_open"
            and len(children) == 1
            and children[0].type == "image"
            and _is_figure(children[0])
        ):
            children[0].meta["figure_block"] = True
            tokens[index - 1].hidden = tokens[index + 1].hidden = True


def _render_image(renderer, tokens, idx, options, env):
    token = tokens[idx]
    if _is_figure(token):
        markup = env.get("figures", {}).get(_figure_id(token))
        block = token.meta.get("figure_block", False)
        if markup is None:
            # A mistyped or not yet uploaded figure: readers get its alt text,
            # in the paragraph _mark_figure_blocks took away for a figure.
            alt = escapeHtml(renderer.renderInlineAsText(token.children, options, env))
            return f"<p>{alt}</p>\n" if block else alt
        return markup(block=block)
    # Images sit far down long issue pages: let the browser fetch them late.
    token.attrSet("loading", "lazy")
    return renderer.image(tokens, idx, options, env)


def _build_parser(anchor_prefix: str) -> MarkdownIt:
    # Raw HTML is off: an author writes Markdown, and markup typed into a body
    # is shown as text instead of being trusted and then scrubbed.
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.core.ruler.after("block", "demote_headings", _demote_headings)
    md.core.ruler.push("heading_anchors", _heading_anchor_rule(anchor_prefix))
    md.core.ruler.push("figure_blocks", _mark_figure_blocks)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    return md


def render_markdown(
    text: str, *, anchor_prefix: str = "", figures: FigureResolver | None = None
) -> str:
    """Return sanitised HTML for Markdown `text`.

    Heading ids are prefixed with `anchor_prefix` so that several rendered
    fields can share one page without clashing anchors. `figures` is asked
    once for the markup of every figure the text shows; without it, or for an
    id it does not know, a figure reference shows its alt text.
    """
    if not text or not text.strip():
        return ""
    md = _build_parser(anchor_prefix)
    env: dict = {}
    tokens = md.parse(text, env)
    figure_ids = {_figure_id(image) for image in _images(tokens)} - {None}
    if figure_ids and figures is not None:
        env["figures"] = figures(figure_ids)
    return sanitize_html(md.renderer.render(tokens, md.options, env))


def figure_references(text: str) -> list[int]:
    """Return the ids of the figures `text` shows with `![alt](figure:ID)`, in order, once each."""
    if not text or "figure:" not in text:
        return []
    tokens = _build_parser("").parse(text)
    ids = (_figure_id(image) for image in _images(tokens))
    return list(dict.fromkeys(figure_id for figure_id in ids if figure_id is not None))


def sanitize_html(html: str) -> str:
    """Return `html` with everything outside the allowlist removed."""
    return _CLEANER.clean(html)
