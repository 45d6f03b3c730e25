"""The publication's plain-text form, the one the monthly is edited in
(``tests/data/2025-11-excerpt.txt``)::

    🆕 专题一 产品新功能/新版本          <- section: [emoji] 专题<numeral> <name>
    3. External Secrets Operator 1.0.0 正式发布   <- item: N. / N、/ N. (full-width) + title
    External Secrets Operator is now GA …         <- original title (see below)
    简介                                          <- sub-heading -> "### 简介"
    External Secrets Operator 是一个 …。          <- paragraph
    - 第一点                                      <- bullet
    🎤 编辑点评                                   <- remark
    拓展阅读                                      <- further reading starts
    某篇文章的标题                                <- link title (URL optional)

Rules, in the order they are applied to each line (blank lines are ignored: the plain
form is line-based, every non-blank line is one block):

* Text before the first section is the issue intro; the title is left empty.
* A section line must come before its items and must contain at least one item.
* **Item numbers** continue 1, 2, 3 … inside a section and restart at 1 after a new
  section line. Inside an item, a ``1.`` line opens a numbered list *in the body* (items
  never restart at 1 within a section), and ``2.`` right after ``1.`` continues it; while
  a body list is running, its next number wins over the item sequence. Any other jump
  raises ``ImportFormatError`` naming the line. ``1)`` lines are never items.
* **Original title**: the first line after the item title is the original title when it
  is mostly Latin script (at most 10 % CJK characters, at least two words) or when it is
  a repeat or close variant of the title (similarity ≥ 0.6, e.g. runc's line). A URL on
  that line becomes ``source_url``; a line holding only a URL (first, or right after the
  original title) is the source URL.
* ``原文:``/``原文链接:``/``来源:``/``Source:`` followed by a URL or ``[title](url)`` sets
  ``source_url`` (and the original title when none was found).
* A line starting with 🎤 is the editor's remark (several lines become paragraphs).
* ``拓展阅读`` (also ``扩展阅读``/``延伸阅读``, optional colon) starts further reading: every
  following line up to the next item or section is a link title; a URL on the line, a
  ``[title](url)`` link or a ``<url>`` autolink is split off as the link URL.
  ``拓展阅读:Title`` (ASCII or full-width colon) is a one-entry list on its own line; the
  lines after it keep their meaning.
* ``- ``/``* ``/``• `` lines are bullets (consecutive bullets form one list); a lone ``-``
  is dropped.
* **Sub-heading**: a short line (width at most 22, counting one per CJK character or
  Latin word), not a bullet, without a URL,
  not ending in sentence punctuation (``。.,,;;::!!…``) and followed by more body text
  becomes ``### heading``.
* Anything else is a paragraph; bare URLs become ``<url>`` autolinks so that trailing
  Chinese punctuation is not swallowed into the link.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from newsletter.formats.document import ImportFormatError, ParsedIssue, ParsedItem, ParsedSection
from newsletter.formats.syntax import (
    BULLET,
    CJK,
    DIGITS,
    FURTHER,
    FURTHER_INLINE,
    LONE_BULLET,
    REMARK,
    SOURCE,
    TEXT_BEFORE_ITEM,
    URL,
    check_sections,
    item_number_error,
    parse_link,
    section_heading,
    set_source,
    to_int,
)

# "3. 标题", "3、标题", "3.标题" (full width); the look-ahead keeps "1.4 版本" out.
_NUMBERED = re.compile(rf"^([{DIGITS}]{{1,3}})\s*(?:[.\uff0e](?![{DIGITS}])|、)\s*(.*)$")
_PAREN_NUMBERED = re.compile(rf"^([{DIGITS}]{{1,3}})[)\uff09]\s*(.*)$")
_TERMINAL = tuple("。.,,;;::!!…")
_LATIN_WORD = re.compile(r"[A-Za-z0-9][\w.\-/+']*")

_SUBHEADING_MAX = 22  # width units: one per CJK character or Latin word
_SIMILAR_TITLE = 0.6
_MAX_CJK_SHARE = 0.1


def parse_plain(lines: list[str]) -> ParsedIssue:
    """Return the issue written in plain-text ``lines``.

    Raises ``ImportFormatError`` (with a 1-based line) on structural errors.
    """
    return _PlainParser(lines).parse()


# ------------------------------------------------------------------------ helpers


def _cjk_share(text: str) -> float:
    """Return the share of CJK characters among the non-space characters of ``text``."""
    chars = [ch for ch in text if not ch.isspace()]
    return sum(1 for ch in chars if CJK.match(ch)) / len(chars) if chars else 0.0


def _width(text: str) -> int:
    """Return the reading width of ``text``: one unit per CJK character or Latin word."""
    return len(CJK.findall(text)) + len(_LATIN_WORD.findall(text))


def _similarity(a: str, b: str) -> float:
    """Return how alike two titles are (0..1), ignoring case and spacing."""

    def norm(s: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s).casefold())

    return difflib.SequenceMatcher(None, norm(a), norm(b)).ratio()


def _autolink(text: str) -> str:
    """Return ``text`` with bare URLs wrapped as ``<url>`` autolinks."""

    def wrap(match: re.Match[str]) -> str:
        start = match.start()
        url = match.group(0).rstrip(".,;:!?)]}")
        if start and text[start - 1] in "<(":  # already a Markdown link or autolink
            return match.group(0)
        return f"<{url}>{match.group(0)[len(url) :]}"

    return URL.sub(wrap, text)


def _escape_block(text: str) -> str:
    """Return a plain-text line escaped so it cannot open a Markdown block by accident."""
    if text.startswith(("#", ">", "+ ", "=", "|")):
        return "\\" + text
    return text


# ------------------------------------------------------------------------ parser


@dataclass
class _Line:
    """A body line of a plain-text item; ``list_number`` is set for numbered body lines."""

    number: int
    text: str
    list_number: int | None = None


@dataclass
class _PendingItem:
    """An item whose lines are still being collected."""

    number: int
    title: str
    line: int
    lines: list[_Line] = field(default_factory=list)


class _PlainParser:
    """Line-by-line parser for the plain-text form (rules in the module docstring)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.intro: list[str] = []
        self.sections: list[ParsedSection] = []
        self.pending: _PendingItem | None = None

    def parse(self) -> ParsedIssue:
        """Return the parsed issue; raises ``ImportFormatError`` on structural errors."""
        for number, raw in enumerate(self.lines, start=1):
            if text := raw.strip():
                self._feed(number, text)
        self._close_item()
        check_sections(self.sections, len(self.lines))
        intro = "\n\n".join(_escape_block(_autolink(t)) for t in self.intro)
        return ParsedIssue(title="", intro=intro, sections=self.sections)

    def _feed(self, number: int, text: str) -> None:
        """Dispatch one non-blank line to the section, item or body handling."""
        if heading := section_heading(text):
            self._close_item()
            emoji, name, position = heading
            self.sections.append(ParsedSection(emoji, name, [], number, position))
        elif match := _NUMBERED.match(text):
            self._numbered(number, to_int(match.group(1)), match.group(2).strip(), text)
        elif not self.sections:
            self.intro.append(text)
        elif self.pending is None:
            raise ImportFormatError(number, TEXT_BEFORE_ITEM)
        else:
            self.pending.lines.append(_Line(number, text))

    def _numbered(self, line: int, number: int, title: str, text: str) -> None:
        """Start an item, or keep a numbered body line; raises on a broken sequence."""
        if not self.sections:
            raise ImportFormatError(
                line, "条目出现在任何专题之前 (item before any section line such as '🆕 专题一 …')"
            )
        section = self.sections[-1]
        last = section.items[-1].number if section.items else 0
        if self.pending is not None:
            last = self.pending.number
            if self._continues_body_list(number):
                self.pending.lines.append(_Line(line, title, list_number=number))
                return
        if number != last + 1:
            raise item_number_error(line, number, last)
        if not title:
            raise ImportFormatError(line, f"条目 {number} 没有标题 (item {number} has no title)")
        self._close_item()
        self.pending = _PendingItem(number, title, line)

    def _continues_body_list(self, number: int) -> bool:
        """Return True if ``number`` opens or continues a numbered list in the current body."""
        assert self.pending is not None
        previous = self.pending.lines[-1] if self.pending.lines else None
        if previous is not None and previous.list_number is not None:
            return number == previous.list_number + 1
        # Items never restart at 1 inside a section, so a "1." there opens a list.
        return number == 1

    def _close_item(self) -> None:
        """Build the pending item, if any, and append it to the current section."""
        if self.pending is not None:
            self.sections[-1].items.append(_build_item(self.pending))
            self.pending = None


# -------------------------------------------------------------------------- items


def _is_special(text: str) -> bool:
    """Return True for lines that never end up in the body (remark, further reading …)."""
    patterns = (REMARK, FURTHER, FURTHER_INLINE, SOURCE)
    return any(pattern.match(text) for pattern in patterns)


def _is_original_title(text: str, title: str) -> bool:
    """Return True if the line after an item title is its original (often English) title."""
    if BULLET.match(text) or _is_special(text):
        return False
    if _is_bare_url(text):
        return True
    words = [w for w in text.split() if re.search(r"[A-Za-z]", w)]
    if len(words) >= 2 and _cjk_share(text) <= _MAX_CJK_SHARE:
        return True
    return _similarity(text, title) >= _SIMILAR_TITLE


def _is_bare_url(text: str) -> bool:
    """Return True for a line that holds nothing but one http(s) URL."""
    link = parse_link(text)
    return bool(link.url) and link.title == link.url


def _is_subheading(text: str, has_more: bool) -> bool:
    """Return True if a body line is a short sub-heading (followed by more body text)."""
    return (
        has_more
        and _width(text) <= _SUBHEADING_MAX
        and not text.endswith(_TERMINAL)
        and not URL.search(text)
        and not BULLET.match(text)
        and not _PAREN_NUMBERED.match(text)
    )


class _Blocks:
    """Accumulates Markdown blocks; list items of one kind stay in one list."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, str]] = []

    def add(self, kind: str, markdown: str) -> None:
        """Append a block of ``kind`` ("p", "h", "ul" or "ol")."""
        self.blocks.append((kind, markdown))

    def markdown(self) -> str:
        """Return the blocks joined: list items by newlines, other blocks by blank lines."""
        out: list[str] = []
        previous = ""
        for kind, text in self.blocks:
            if out:
                out.append("\n" if kind == previous and kind in {"ul", "ol"} else "\n\n")
            out.append(text)
            previous = kind
        return "".join(out)


def _build_item(pending: _PendingItem) -> ParsedItem:
    """Return the item built from a plain-text item's title and body lines."""
    item = ParsedItem(number=pending.number, title=pending.title, line=pending.line)
    lines = pending.lines
    if lines and lines[0].list_number is None and _is_original_title(lines[0].text, item.title):
        first = parse_link(lines.pop(0).text)
        item.original_title = "" if first.title == first.url else first.title
        item.source_url = first.url
        # The source link often follows the original title on a line of its own.
        if not item.source_url and lines and _is_bare_url(lines[0].text):
            item.source_url = parse_link(lines.pop(0).text).url
    body_lines = [ln for ln in lines if not _is_special(ln.text)]
    last_body = body_lines[-1].number if body_lines else 0
    blocks, remarks, further = _Blocks(), [], False
    for ln in lines:
        text = ln.text
        if remark := REMARK.match(text):
            remarks.append(_autolink(remark.group(1).strip()))
        elif inline := FURTHER_INLINE.match(text):
            item.further_reading.append(parse_link(inline.group("entry")))
        elif FURTHER.match(text):
            further = True
        elif further:
            if text not in LONE_BULLET:
                item.further_reading.append(parse_link(text))
        elif (source := SOURCE.match(text)) and parse_link(source.group(1)).url:
            set_source(item, parse_link(source.group(1)))
        else:
            _add_body_line(blocks, ln, has_more=ln.number < last_body)
    item.body = blocks.markdown()
    item.remark = "\n\n".join(r for r in remarks if r)
    return item


def _add_body_line(blocks: _Blocks, ln: _Line, *, has_more: bool) -> None:
    """Append one plain-text body line to ``blocks`` as the right Markdown block."""
    text = ln.text
    if text in LONE_BULLET:
        return  # an empty bullet left over from copy-paste carries nothing
    if ln.list_number is not None:
        blocks.add("ol", f"{ln.list_number}. {_autolink(text)}")
    elif paren := _PAREN_NUMBERED.match(text):
        blocks.add("ol", f"{to_int(paren.group(1))}. {_autolink(paren.group(2).strip())}")
    elif bullet := BULLET.match(text):
        blocks.add("ul", f"- {_autolink(bullet.group(1).strip())}")
    elif _is_subheading(text, has_more):
        blocks.add("h", f"### {text.lstrip('#').strip()}")
    else:
        blocks.add("p", _escape_block(_autolink(text)))
