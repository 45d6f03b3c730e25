"""The one Markdown pipeline: CommonMark + tables → sanitised HTML.

Every rendered field (item body, remark, issue intro) and the editor's live
preview go through `render_markdown`, so what an editor previews is what a
reader gets. Output is stored on the model; pages never render Markdown.
"""

import re
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.anchors import anchors_plugin

# Item bodies sit under the page's h1 (issue), h2 (section) and h3 (item title),
# so their own headings start at h4 whatever level the author typed.
BODY_TOP_HEADING_LEVEL = 4
EXTERNAL_LINK_REL = "noopener nofollow"

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "abbr": {"title"},
}  # fmt: skip

_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
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


def _render_image(renderer, tokens, idx, options, env):
    # Images sit far down long issue pages: let the browser fetch them late.
    tokens[idx].attrSet("loading", "lazy")
    return renderer.image(tokens, idx, options, env)


def _build_parser(anchor_prefix: str) -> MarkdownIt:
    # Raw HTML is off: an author writes Markdown, and markup typed into a body
    # is shown as text instead of being trusted and then scrubbed.
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.core.ruler.after("block", "demote_headings", _demote_headings)

    def slug_func(title: str) -> str:
        slug = _slugify_heading(title)
        return f"{anchor_prefix}-{slug}" if anchor_prefix else slug

    anchors_plugin(md, min_level=1, max_level=6, slug_func=slug_func)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    return md


def render_markdown(text: str, *, anchor_prefix: str = "") -> str:
    """Return sanitised HTML for Markdown `text`.

    Heading ids are prefixed with `anchor_prefix` so that several rendered
    fields can share one page without clashing anchors.
    """
    if not text or not text.strip():
        return ""
    html = _build_parser(anchor_prefix).render(text)
    return sanitize_html(html)


def sanitize_html(html: str) -> str:
    """Return `html` with everything outside the allowlist removed."""
    return _CLEANER.clean(html)
