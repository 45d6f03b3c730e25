"""The Markdown form of an issue: the site's own export, also written by hand::

    # 云原生月刊 2025 年 11 月              <- optional issue title
    intro paragraphs                      <- intro
    ## 🆕 专题一 产品新功能/新版本         <- section (``专题N`` optional)
    ### 3. External Secrets Operator …    <- item (number optional, checked when present)
    [Original English title](https://…)   <- optional first line: original title + URL
                                          (or "> Original title" / "> [title](url)")
    原文:https://…                        <- optional source line, as in the plain form
    body Markdown
    > 🎤 remark (following ``>`` lines continue it)   or   🎤 remark
    #### 拓展阅读
    - [title](url)
    - title without URL
    拓展阅读:title                         <- also: a one-entry list on one line

Structure is read from lines that start in the first column; an indented line always
belongs to the text around it. ``parse_markdown`` reads this form and
``newsletter.formats.writer.write_markdown`` writes it, both through the conventions
below, so that what the site writes reads back unchanged:

* **Free text** (intro, body, remark) is kept verbatim except that, outside code fences,
  a heading of level 3 to 5 is written one level deeper (``#### 简介`` in the file is
  ``### 简介`` in the body: ``###`` marks an item, and readers of the file see the body's
  headings under the item's), and a line that would otherwise read as structure (a
  heading of level 1, 2 or 6 or one titled 拓展阅读, a quote, a 🎤, ``原文:``,
  ``拓展阅读:``, a lone ``[title](url)``) is written one space in, which Markdown
  ignores. ``decode_line`` undoes exactly what ``encode_text`` did.
* **Titles and names** are backslash-escaped where Markdown would read them as markup
  (``escape_inline``) and unescaped on the way in (``unescape_inline``).
* A link whose address holds parentheses is written ``[title](<url>)``.
"""

from __future__ import annotations

import re

from newsletter.formats.document import (
    ImportFormatError,
    ParsedIssue,
    ParsedItem,
    ParsedLink,
    ParsedSection,
)
from newsletter.formats.syntax import (
    DIGITS,
    FURTHER,
    FURTHER_INLINE,
    LONE_BULLET,
    MD_LINK,
    REMARK,
    SOURCE,
    TEXT_BEFORE_ITEM,
    check_sections,
    is_emoji,
    item_number_error,
    read_link,
    section_heading,
    set_source,
    split_lines,
    to_int,
)

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# A CommonMark ATX heading; a closing run of "#" counts only after a space ("C#" stays).
_ATX = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_HEADING_START = re.compile(r"^#{1,6}(?=[ \t]|$)")
_SHIFTABLE = re.compile(r"^#{3,5}(?=[ \t]|$)")
_SHIFTED = re.compile(r"^#{4,6}(?=[ \t]|$)")
_ITEM_NUMBER = re.compile(rf"^([{DIGITS}]{{1,3}})\s*[.\uff0e、]\s*(.*)$")
_QUOTE_MARKER = re.compile(r"^> ?")
_READING_BULLET = re.compile(r"^[-*+•·][ \t]+")

# Escaping: Markdown markup characters anywhere, "&" before what reads as an entity,
# the colon of "://" (a title that mentions an address is not a link), then markers
# that only count at the start ("- ", "1.") or as a heading's closing run (" #").
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<>]|&(?=#?\w+;)|:(?=//)")
_LEADING_MARKER = re.compile(r"^([#+\-])")
_LEADING_NUMBER = re.compile(r"^(\d{1,9})([.)])(?=[ \t]|$)")
_CLOSING_RUN = re.compile(r"(?<=\s)(#+)$")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


# -------------------------------------------------------------------- conventions


class Fence:
    """Follows fenced code blocks line by line, as CommonMark opens and closes them."""

    def __init__(self) -> None:
        self.marker = ""

    def feed(self, line: str) -> bool:
        """Return True if ``line`` opens, continues or closes a fenced block."""
        match = _FENCE.match(line)
        if not self.marker:
            if match:
                self.marker = match.group(1)
            return bool(match)
        if (
            match
            and match.group(1).startswith(self.marker)
            and not line.strip()[len(match.group(1)) :].strip()
        ):
            self.marker = ""
        return True


def escape_inline(text: str) -> str:
    """Return a title or name backslash-escaped so Markdown shows it as written."""
    text = _INLINE_MARKUP.sub(lambda m: "\\" + m.group(0), text)
    text = _LEADING_MARKER.sub(r"\\\1", text)
    text = _LEADING_NUMBER.sub(r"\1\\\2", text)
    return _CLOSING_RUN.sub(r"\\\1", text)


def unescape_inline(text: str) -> str:
    """Return ``text`` with Markdown backslash escapes of ASCII punctuation removed."""
    return _ESCAPED.sub(r"\1", text)


def _opens_further_reading(line: str) -> bool:
    """Return True for a heading (level 3 or more) that starts the further-reading list."""
    heading = _ATX.match(line)
    return bool(heading and len(heading.group(1)) >= 3 and FURTHER.match(heading.group(2)))


def _reads_as_structure(text: str) -> bool:
    """Return True if ``text``, starting a line, would be read as more than free text."""
    return bool(
        _HEADING_START.match(text)
        or text.startswith(">")
        or REMARK.match(text)
        or SOURCE.match(text)
        or FURTHER_INLINE.match(text)
        or MD_LINK.match(text.rstrip())
    )


def encode_line(line: str) -> str:
    """Return one line of free text (outside code fences) as the file carries it."""
    if _SHIFTABLE.match(line) and not _opens_further_reading(line):
        return "#" + line
    if _reads_as_structure(line.lstrip()):
        return " " + line
    return line


def decode_line(line: str) -> str:
    """Return the free-text line ``encode_line`` wrote as ``line`` (the inverse)."""
    if _SHIFTED.match(line):
        return line[1:]
    if line.startswith(" ") and _reads_as_structure(line.lstrip()):
        return line[1:]
    return line


def encode_text(text: str) -> list[str]:
    """Return the lines of free ``text`` as the file carries them (lines in fences as is).

    A fence left open at the end is closed: CommonMark closes it at the end of the
    text, but in the file it would swallow the items that follow.
    """
    fence, out = Fence(), []
    for line in split_lines(text):
        out.append(line if fence.feed(line) else encode_line(line))
    if fence.marker:
        out.append(fence.marker)
    return out


# ------------------------------------------------------------------------- parser


def parse_markdown(lines: list[str]) -> ParsedIssue:
    """Return the issue written in Markdown ``lines``.

    Raises ``ImportFormatError`` (with a 1-based line) on structural errors.
    """
    return _MarkdownParser(lines).parse()


def _unquote(line: str) -> str:
    """Return ``line`` without its quote marker ("> " or ">")."""
    return _QUOTE_MARKER.sub("", line, count=1)


def _read_link(text: str) -> ParsedLink:
    """Return the link in ``text`` with its title unescaped."""
    link = read_link(text)
    if link.title == link.url:
        return link
    return ParsedLink(title=unescape_inline(link.title), url=link.url)


def _split_emoji(text: str) -> tuple[str, str]:
    """Return (leading emoji, rest) of a heading text; emoji is "" if there is none."""
    head, _, rest = text.strip().partition(" ")
    if head and is_emoji(head):
        return head, rest.strip()
    return "", text.strip()


class _MarkdownParser:
    """Parser for the Markdown form (conventions in the module docstring)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.title = ""
        self.intro: list[str] = []
        self.sections: list[ParsedSection] = []
        self.item: ParsedItem | None = None
        self.body: list[str] = []
        self.remark: list[str] = []
        self.remark_fence = Fence()
        self.mode = "body"  # "body", "remark" (inside a "> 🎤" quote) or "further"
        self.fence = Fence()

    def parse(self) -> ParsedIssue:
        """Return the parsed issue; raises ``ImportFormatError`` on structural errors."""
        for number, line in enumerate(self.lines, start=1):
            self._feed(number, line)
        self._close_item()
        check_sections(self.sections, len(self.lines))
        intro = "\n".join(self.intro).strip("\n")
        return ParsedIssue(title=self.title, intro=intro, sections=self.sections)

    def _feed(self, number: int, line: str) -> None:
        """Handle one line: fences and headings first, then item content."""
        if self.fence.feed(line):
            self._fence_line(number, line)
            return
        heading = _ATX.match(line)
        level = len(heading.group(1)) if heading else 0
        if level == 1 and not self.sections and not self.title:
            self.title = unescape_inline(heading.group(2))
        elif level == 2:
            self._start_section(number, heading.group(2))
        elif level == 3 and not _opens_further_reading(line):
            self._start_item(number, heading.group(2))
        elif not self.sections:
            self.intro.append(decode_line(line))
        elif self.item is None:
            if line.strip():
                raise ImportFormatError(number, TEXT_BEFORE_ITEM)
        elif _opens_further_reading(line):
            self.mode = "further"
        else:
            self._content(line)

    def _fence_line(self, number: int, line: str) -> None:
        """Keep a line of a fenced code block verbatim."""
        if self.item is not None:
            self.body.append(line)
        elif not self.sections:
            self.intro.append(line)
        else:
            raise ImportFormatError(number, TEXT_BEFORE_ITEM)

    def _start_section(self, number: int, text: str) -> None:
        """Close the current item and open a section from a ``## `` heading."""
        self._close_item()
        emoji, rest = _split_emoji(text)
        position = None
        if plain := section_heading(f"{emoji}{rest}" if rest.startswith("专题") else ""):
            _, rest, position = plain
        self.sections.append(
            ParsedSection(emoji, unescape_inline(rest.strip()), [], number, position)
        )

    def _start_item(self, number: int, text: str) -> None:
        """Close the current item and open one from a ``### [N.] title`` heading."""
        if not self.sections:
            raise ImportFormatError(
                number, "条目出现在任何专题之前 (item before any '## section' heading)"
            )
        self._close_item()
        section = self.sections[-1]
        last = section.items[-1].number if section.items else 0
        title, item_number = text.strip(), last + 1
        if match := _ITEM_NUMBER.match(title):
            item_number, title = to_int(match.group(1)), match.group(2).strip()
            if item_number != last + 1:
                raise item_number_error(number, item_number, last)
        if not title:
            raise ImportFormatError(
                number, f"条目 {item_number} 没有标题 (item {item_number} has no title)"
            )
        self.item = ParsedItem(number=item_number, title=unescape_inline(title), line=number)

    def _content(self, line: str) -> None:
        """Route an item line to the original title, remark, further reading or body."""
        assert self.item is not None
        quoted = line.startswith(">")
        if self.mode == "remark" and quoted:
            self._remark_line(_unquote(line))
            return
        unquoted = _unquote(line) if quoted else line
        if remark := REMARK.match(unquoted):
            self.remark.append(remark.group(1))
            self.remark_fence = Fence()
            self.remark_fence.feed(remark.group(1))
            self.mode = "remark" if quoted else "body"
        elif self.mode == "further":
            entry = _READING_BULLET.sub("", line.strip(), count=1)
            if entry and line.strip() not in LONE_BULLET:
                self.item.further_reading.append(_read_link(entry))
        elif self._is_original_line(line, quoted):
            link = _read_link(unquoted)
            self.item.original_title, self.item.source_url = link.title, link.url
        elif (source := SOURCE.match(line)) and (link := _read_link(source.group(1))).url:
            set_source(self.item, link)
        elif inline := FURTHER_INLINE.match(line):
            self.item.further_reading.append(_read_link(inline.group("entry")))
        else:
            self.mode = "body"
            self.body.append(decode_line(line))

    def _remark_line(self, text: str) -> None:
        """Add one line of a quoted remark: a new 🎤 line, fenced code or free text."""
        if self.remark_fence.feed(text):
            self.remark.append(text)
        elif remark := REMARK.match(text):
            self.remark.append(remark.group(1))
        else:
            self.remark.append(decode_line(text))

    def _is_original_line(self, line: str, quoted: bool) -> bool:
        """Return True for ``> title``/``> [title](url)``/``[title](url)`` opening an item."""
        assert self.item is not None
        if self.item.original_title or not self._is_first_line():
            return False
        return quoted or bool(MD_LINK.match(line.rstrip()))

    def _is_first_line(self) -> bool:
        """Return True if nothing but blank lines came after the item heading yet."""
        return not any(line.strip() for line in self.body) and not self.remark

    def _close_item(self) -> None:
        """Finish the current item and append it to the current section."""
        if self.item is not None:
            self.item.body = "\n".join(self.body).strip("\n")
            self.item.remark = "\n".join(self.remark).strip("\n")
            self.sections[-1].items.append(self.item)
        self.item, self.body, self.remark, self.mode = None, [], [], "body"
