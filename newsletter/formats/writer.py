"""The one writer of an issue as Markdown (the form ``markdown_form`` describes).

``/issues/<slug>.md``, ``export_issue --format md`` and the tests all write through
``write_markdown``; ``parse_issue`` reads what it writes back to an equal issue.
"""

from __future__ import annotations

from newsletter.formats.document import ParsedIssue, ParsedItem, ParsedLink, ParsedSection
from newsletter.formats.markdown_form import (
    Fence,
    encode_line,
    encode_text,
    escape_inline,
)
from newsletter.formats.syntax import REMARK, split_lines, to_chinese_numeral


def write_markdown(issue: ParsedIssue) -> str:
    """Return ``issue`` in the Markdown form, ending with one newline.

    Items are numbered 1, 2, 3 … within each section in the order given. What
    ``parse_issue`` gives back equals ``issue`` but for line numbers, within limits the
    site's own text never reaches: text loses surrounding blank lines (a remark, also
    its leading spaces), line breaks are written as LF, a code fence left open in a
    body or the intro is closed (see ``encode_text``), and only http(s) addresses are
    written, as only those are read. Bodies are written as given, ``figure:ID`` images
    included; the site's exports point those at their files first
    (``newsletter.formats.exports``).
    """
    out: list[str] = []
    if issue.title:
        out += [f"# {escape_inline(issue.title)}", ""]
    if issue.intro:
        out += [*encode_text(issue.intro), ""]
    for section in issue.sections:
        out += [_section_heading(section), ""]
        for number, item in enumerate(section.items, start=1):
            out += _item_lines(number, item)
    return "\n".join(out).rstrip("\n") + "\n"


def _section_heading(section: ParsedSection) -> str:
    """Return the ``## emoji 专题N name`` line of ``section``."""
    label = f"专题{to_chinese_numeral(section.number)}" if section.number in range(1, 100) else ""
    parts = ("##", section.emoji, label, escape_inline(section.name))
    return " ".join(part for part in parts if part)


def _web(url: str) -> str:
    """Return ``url`` if it is an http(s) address, else ""."""
    # The importer drops any other scheme (a javascript: link would run when
    # clicked), so writing one would only make the file read back differently.
    return url if url.strip().lower().startswith(("http://", "https://")) else ""


def _destination(url: str) -> str:
    """Return ``url`` as a link destination; one with parentheses goes in angle brackets."""
    return f"<{url}>" if any(ch in url for ch in "() ") else url


def _link(link: ParsedLink) -> str:
    """Return one further-reading entry: ``[title](url)`` or the bare title."""
    url = _web(link.url)
    title = escape_inline(link.title or url)
    return f"[{title}]({_destination(url)})" if url else title


def _item_lines(number: int, item: ParsedItem) -> list[str]:
    """Return the Markdown lines of one item, ending with a blank line."""
    out = [f"### {number}. {escape_inline(item.title)}", ""]
    source = _web(item.source_url)
    if item.original_title and source:
        out += [f"[{escape_inline(item.original_title)}]({_destination(source)})", ""]
    elif item.original_title:
        title = escape_inline(item.original_title)
        # A title starting with 🎤 would read as the remark; a space in hides it.
        out += [f">  {title}" if REMARK.match(title) else f"> {title}", ""]
    elif source:
        out += [f"原文:<{source}>", ""]
    if item.body:
        out += [*encode_text(item.body), ""]
    if item.remark:
        out += [*_remark_lines(item.remark), ""]
    if item.further_reading:
        out += ["#### 拓展阅读", "", *(f"- {_link(link)}" for link in item.further_reading), ""]
    return out


def _remark_lines(remark: str) -> list[str]:
    """Return the remark as a ``> 🎤`` quote; its first line follows the 🎤 as written."""
    # After the 🎤 nothing reads as structure, so the first line needs no encoding;
    # it still counts for the fences of the lines after it.
    first, *rest = split_lines(remark)
    fence = Fence()
    fence.feed(first)
    encoded = [line if fence.feed(line) else encode_line(line) for line in rest]
    return [f"> 🎤 {first}", *(f"> {line}" if line else ">" for line in encoded)]
