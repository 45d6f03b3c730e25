"""Reading an issue: ``parse_issue`` tells the plain and the Markdown forms apart."""

from __future__ import annotations

from newsletter.formats.document import ImportFormatError, ParsedIssue
from newsletter.formats.markdown_form import Fence, parse_markdown
from newsletter.formats.plain import parse_plain
from newsletter.formats.syntax import split_lines


def detect_form(text: str) -> str:
    """Return "markdown" if ``text`` has a ``## section`` heading outside fences, else "plain"."""
    fence = Fence()
    for line in split_lines(text):
        if not fence.feed(line) and line.startswith("## "):
            return "markdown"
    return "plain"


def parse_issue(text: str) -> ParsedIssue:
    """Return the issue written in ``text`` (plain-text or Markdown form, auto-detected).

    The whole text is read before anything is returned, so a caller writes nothing for
    a text that fails. Raises ``ImportFormatError`` (with a 1-based line) for an empty
    text, a text without sections, an item before any section, a section without items,
    an item without a title, an item number that does not continue its section's
    sequence, or a NUL byte.
    """
    nul = text.find("\x00")
    if nul != -1:
        # Not text, and PostgreSQL cannot store it in a text column.
        line = text.count("\n", 0, nul) + 1
        raise ImportFormatError(line, "含有 NUL 字符,不是文本文件 (a NUL byte: this is not text)")
    lines = split_lines(text)
    if not any(line.strip() for line in lines):
        raise ImportFormatError(1, "文件为空 (the file is empty)")
    if detect_form(text) == "markdown":
        return parse_markdown(lines)
    return parse_plain(lines)
