"""Reading an issue: ``parse_issue`` tells the plain and the Markdown forms apart."""

from __future__ import annotations

from django.conf import settings

from newsletter.formats.document import ImportFormatError, ParsedIssue
from newsletter.formats.markdown_form import Fence, parse_markdown
from newsletter.formats.plain import parse_plain
from newsletter.formats.syntax import split_lines
from newsletter.validators import markdown_too_long


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
    sequence, a NUL byte, or an intro, body or remark over DIGEST_BODY_MAX_CHARS
    characters.
    """
    nul = text.find("\x00")
    if nul != -1:
        # Not text, and PostgreSQL cannot store it in a text column.
        line = text.count("\n", 0, nul) + 1
        raise ImportFormatError(line, "含有 NUL 字符,不是文本文件 (a NUL byte: this is not text)")
    lines = split_lines(text)
    if not any(line.strip() for line in lines):
        raise ImportFormatError(1, "文件为空 (the file is empty)")
    parsed = parse_markdown(lines) if detect_form(text) == "markdown" else parse_plain(lines)
    _check_lengths(parsed)
    return parsed


def _check_lengths(parsed: ParsedIssue) -> None:
    """Raise ImportFormatError for Markdown longer than the site stores (see the models)."""
    limit = settings.DIGEST_BODY_MAX_CHARS
    too_long = f"超过 {limit} 个字符 (over {limit} characters)"
    if markdown_too_long(parsed.intro):
        raise ImportFormatError(1, f"导语{too_long}")
    for item in parsed.items:
        for text, name in ((item.body, "正文 body"), (item.remark, "点评 remark")):
            if markdown_too_long(text):
                raise ImportFormatError(item.line, f"条目 {item.number} 的{name}{too_long}")
