"""Parse a newsletter issue written as plain text or Markdown.

This module is pure: it never touches the database. ``parse_issue`` turns a text into
``ParsedIssue``/``ParsedSection``/``ParsedItem``/``ParsedLink`` dataclasses that a
service (``newsletter.services.issue_import``) can write to the models, and
``match_projects`` finds the known projects named in an item title.

Two input forms are recognised automatically (see ``detect_form``):

**Plain text** -- the form the publication is edited in (``tests/data/2025-11-excerpt.txt``)::

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
* ``- ``/``* ``/``• `` lines are bullets (consecutive bullets form one list); a lone ``-``
  is dropped.
* **Sub-heading**: a short line (width at most 22, counting one per CJK character or
  Latin word), not a bullet, without a URL,
  not ending in sentence punctuation (``。.,,;;::!!…``) and followed by more body text
  becomes ``### heading``.
* Anything else is a paragraph; bare URLs become ``<url>`` autolinks so that trailing
  Chinese punctuation is not swallowed into the link.

**Markdown** -- chosen when a line starts with ``## `` (outside code fences)::

    # 云原生月报 2025-11                  <- optional issue title
    intro paragraphs                      <- intro (verbatim)
    ## 🆕 产品新功能/新版本               <- section (``专题一`` prefix optional)
    ### 3. External Secrets Operator …   <- item (number optional, checked when present)
    [Original English title](https://…)   <- optional first line: original title + URL
                                          (or "> Original title" / "> [title](url)")
    原文:https://…                        <- optional source line, as in the plain form
    body Markdown, kept verbatim; headings inside a body are written one level deeper
    (#### in the file = ### in the stored body) because ### marks an item
    > 🎤 remark (following ``>`` lines continue it)   or   🎤 remark
    #### 拓展阅读
    - [title](url)
    - title without URL

``render_markdown`` writes a ``ParsedIssue`` back in this Markdown form, so
``parse_issue(render_markdown(parse_issue(text)))`` reproduces the issue.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "ImportFormatError",
    "ParsedIssue",
    "ParsedItem",
    "ParsedLink",
    "ParsedSection",
    "decode_text",
    "detect_form",
    "match_projects",
    "parse_issue",
    "render_markdown",
]


# --------------------------------------------------------------------------- data


@dataclass
class ParsedLink:
    """One further-reading entry; ``url`` is "" when the source gave only a title."""

    title: str
    url: str = ""


@dataclass
class ParsedItem:
    """One item: ``body`` and ``remark`` are Markdown; ``line`` is its 1-based title line."""

    number: int
    title: str
    original_title: str = ""
    source_url: str = ""
    body: str = ""
    remark: str = ""
    further_reading: list[ParsedLink] = field(default_factory=list)
    line: int = 0


@dataclass
class ParsedSection:
    """One section of the issue; ``number`` is the 专题 numeral (专题六 -> 6) if given."""

    emoji: str
    name: str
    items: list[ParsedItem] = field(default_factory=list)
    line: int = 0
    number: int | None = None


@dataclass
class ParsedIssue:
    """A parsed issue; ``title`` is "" when the text does not name one (plain form)."""

    title: str
    intro: str
    sections: list[ParsedSection]

    @property
    def items(self) -> list[ParsedItem]:
        """Return every item of every section, in reading order."""
        return [item for section in self.sections for item in section.items]


class ImportFormatError(ValueError):
    """The text cannot be read as an issue; ``line`` is 1-based, ``message`` bilingual."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"第 {line} 行 (line {line}): {message}")


# ----------------------------------------------------------------------- patterns

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_DIGITS = "0-9\uff10-\uff19"
# "3. 标题", "3、标题", "3.标题" (full width); the look-ahead keeps "1.4 版本" out.
_NUMBERED = re.compile(rf"^([{_DIGITS}]{{1,3}})\s*(?:[.\uff0e](?![{_DIGITS}])|、)\s*(.*)$")
_PAREN_NUMBERED = re.compile(rf"^([{_DIGITS}]{{1,3}})[)\uff09]\s*(.*)$")
_NUMERALS = "零〇一二三四五六七八九十百两"
_SECTION = re.compile(
    rf"^(?P<emoji>[^\w\s]*)\s*专题(?P<num>[{_NUMERALS}0-9]+)(?:[\s::、.]+|$)(?P<name>.*)$"
)
_BULLET = re.compile(r"^[-*•·]\s+(.*)$")
_LONE_BULLET = frozenset({"-", "*", "•", "·"})
_REMARK = re.compile(r"^🎤\ufe0f?\s*(.*)$")
_FURTHER = re.compile(r"^(?:拓展|扩展|延伸)阅读\s*[::]?$|^further reading\s*:?$", re.IGNORECASE)
_SOURCE = re.compile(r"^(?:原文链接|原文地址|原文|来源|source|link)\s*[::]\s*(.+)$", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"'`“”‘’\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
_MD_LINK = re.compile(r"^\[(?P<title>[^\]]*)\]\((?P<url>[^)\s]+)\)$")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_TERMINAL = tuple("。.,,;;::!!…")
# Separators left around a title once its URL is cut out ("标题: https://…").
_LINK_JUNK = re.compile(r"^[\s::\-—|()()<>]+|[\s::\-—|()()<>]+$")
_LATIN_WORD = re.compile(r"[A-Za-z0-9][\w.\-/+']*")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ITEM_NUMBER = re.compile(rf"^([{_DIGITS}]{{1,3}})\s*[.\uff0e、]\s*(.*)$")

_TEXT_BEFORE_ITEM = "专题标题与第一个条目之间有文字 (text between a section and its first item)"
_SUBHEADING_MAX = 22  # width units: one per CJK character or Latin word
_SIMILAR_TITLE = 0.6
_MAX_CJK_SHARE = 0.1


# ------------------------------------------------------------------------ helpers


def decode_text(data: bytes) -> str:
    """Return ``data`` decoded as UTF-8 (a BOM is dropped).

    Raises ``ImportFormatError`` naming the line of the first undecodable byte.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFormatError(
            line, f"不是 UTF-8 编码 (not UTF-8: byte 0x{data[exc.start]:02x})"
        ) from exc


def _split_lines(text: str) -> list[str]:
    """Return the lines of ``text`` without BOM or line terminators (CRLF, CR or LF)."""
    return re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))


def _to_int(digits: str) -> int:
    """Return the value of ASCII or full-width ``digits``."""
    return int(unicodedata.normalize("NFKC", digits))


def chinese_numeral(text: str) -> int | None:
    """Return the value of a numeral such as "六", "十二", "二十" or "12"; None if unknown."""
    if text.isdigit():
        return int(text)
    values = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    if "十" not in text:
        return values.get(text) if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if (tens and tens not in values) or (units and units not in values):
        return None
    return (values[tens] if tens else 1) * 10 + (values[units] if units else 0)


def to_chinese_numeral(number: int) -> str:
    """Return ``number`` (1–99) written in Chinese, e.g. 6 -> "六", 12 -> "十二"."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, units = divmod(number, 10)
    return f"{digits[tens] if tens > 1 else ''}十{digits[units] if units else ''}"


def _is_emoji(text: str) -> bool:
    """Return True if ``text`` is made only of emoji code points (incl. VS16, ZWJ)."""
    return all(
        unicodedata.category(ch) in {"So", "Sk", "Mn", "Me", "Cf"} or ch in "\u200d\ufe0f"
        for ch in text
    )


def _cjk_share(text: str) -> float:
    """Return the share of CJK characters among the non-space characters of ``text``."""
    chars = [ch for ch in text if not ch.isspace()]
    return sum(1 for ch in chars if _CJK.match(ch)) / len(chars) if chars else 0.0


def _width(text: str) -> int:
    """Return the reading width of ``text``: one unit per CJK character or Latin word."""
    return len(_CJK.findall(text)) + len(_LATIN_WORD.findall(text))


def _similarity(a: str, b: str) -> float:
    """Return how alike two titles are (0..1), ignoring case and spacing."""

    def norm(s: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s).casefold())

    return difflib.SequenceMatcher(None, norm(a), norm(b)).ratio()


def _find_url(text: str) -> str:
    """Return the first http(s) URL in ``text`` without trailing punctuation, or ""."""
    match = _URL.search(text)
    return match.group(0).rstrip(".,;:!?)]}") if match else ""


def parse_link(text: str) -> ParsedLink:
    """Return the link written on one line: ``[t](u)``, ``t <u>``, ``t: u``, ``u`` or ``t``."""
    text = text.strip()
    if bullet := _BULLET.match(text):
        text = bullet.group(1).strip()
    if md := _MD_LINK.match(text):
        url = md.group("url")
        if not url.lower().startswith(("http://", "https://")):
            # A javascript: or data: URL would run in the reader's browser when
            # clicked; the title is kept, without the link.
            return ParsedLink(title=md.group("title").strip() or text)
        return ParsedLink(title=md.group("title").strip() or url, url=url)
    url = _find_url(text)
    if not url:
        return ParsedLink(title=text)
    title = _LINK_JUNK.sub("", _AUTOLINK.sub("", text).replace(url, ""))
    return ParsedLink(title=title or url, url=url)


def _autolink(text: str) -> str:
    """Return ``text`` with bare URLs wrapped as ``<url>`` autolinks."""

    def wrap(match: re.Match[str]) -> str:
        start = match.start()
        url = match.group(0).rstrip(".,;:!?)]}")
        if start and text[start - 1] in "<(":  # already a Markdown link or autolink
            return match.group(0)
        return f"<{url}>{match.group(0)[len(url) :]}"

    return _URL.sub(wrap, text)


def _escape_block(text: str) -> str:
    """Return a plain-text line escaped so it cannot open a Markdown block by accident."""
    if text.startswith(("#", ">", "+ ", "=", "|")):
        return "\\" + text
    return text


# ------------------------------------------------------------------ form detection


def detect_form(text: str) -> str:
    """Return "markdown" if ``text`` has a ``## section`` heading outside fences, else "plain"."""
    in_fence = False
    for line in _split_lines(text):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and line.startswith("## "):
            return "markdown"
    return "plain"


def parse_issue(text: str) -> ParsedIssue:
    """Return the issue written in ``text`` (plain-text or Markdown form, auto-detected).

    Raises ``ImportFormatError`` (with a 1-based line) for an empty text, a text without
    sections, an item before any section, a section without items, an item without a
    title, or an item number that does not continue its section's sequence.
    """
    lines = _split_lines(text)
    if not any(line.strip() for line in lines):
        raise ImportFormatError(1, "文件为空 (the file is empty)")
    if detect_form(text) == "markdown":
        return _MarkdownParser(lines).parse()
    return _PlainParser(lines).parse()


def _section_heading(text: str) -> tuple[str, str, int | None] | None:
    """Return (emoji, name, number) for a plain-text section line, or None if it is not one."""
    match = _SECTION.match(text)
    if not match or not _is_emoji(match.group("emoji")):
        return None
    number = chinese_numeral(match.group("num"))
    name = match.group("name").strip() or f"专题{match.group('num')}"
    return match.group("emoji"), name, number


def _item_number_error(line: int, number: int, last: int) -> ImportFormatError:
    """Return the error for item ``number`` appearing where ``last + 1`` was expected."""
    return ImportFormatError(
        line,
        f"条目编号 {number} 接在 {last} 之后,应为 {last + 1} "
        f"(item number {number} follows {last}, expected {last + 1}; "
        f"write numbered lists inside a body as '1)' or '- ')",
    )


def _check_sections(sections: list[ParsedSection], last_line: int) -> None:
    """Raise ``ImportFormatError`` if there is no section or a section has no item."""
    if not sections:
        raise ImportFormatError(
            last_line, "没有找到任何专题 (no section found, e.g. '🆕 专题一 产品新功能/新版本')"
        )
    for section in sections:
        if not section.items:
            raise ImportFormatError(
                section.line, f"专题“{section.name}”没有条目 (section has no items)"
            )


# ------------------------------------------------------------------------- plain


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
    """Line-by-line parser for the publication's plain-text form (rules in module doc)."""

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
        _check_sections(self.sections, len(self.lines))
        intro = "\n\n".join(_escape_block(_autolink(t)) for t in self.intro)
        return ParsedIssue(title="", intro=intro, sections=self.sections)

    def _feed(self, number: int, text: str) -> None:
        """Dispatch one non-blank line to the section, item or body handling."""
        if heading := _section_heading(text):
            self._close_item()
            emoji, name, position = heading
            self.sections.append(ParsedSection(emoji, name, [], number, position))
        elif match := _NUMBERED.match(text):
            self._numbered(number, _to_int(match.group(1)), match.group(2).strip(), text)
        elif not self.sections:
            self.intro.append(text)
        elif self.pending is None:
            raise ImportFormatError(number, _TEXT_BEFORE_ITEM)
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
            raise _item_number_error(line, number, last)
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
            self.sections[-1].items.append(_build_plain_item(self.pending))
            self.pending = None


def _is_original_title(text: str, title: str) -> bool:
    """Return True if the line after an item title is its original (often English) title."""
    if _BULLET.match(text) or _REMARK.match(text) or _FURTHER.match(text) or _SOURCE.match(text):
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
        and not _URL.search(text)
        and not _BULLET.match(text)
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


def _build_plain_item(pending: _PendingItem) -> ParsedItem:
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
        if remark := _REMARK.match(text):
            remarks.append(_autolink(remark.group(1).strip()))
        elif _FURTHER.match(text):
            further = True
        elif further:
            if text not in _LONE_BULLET:
                item.further_reading.append(parse_link(text))
        elif (source := _SOURCE.match(text)) and parse_link(source.group(1)).url:
            _set_source(item, parse_link(source.group(1)))
        else:
            _add_body_line(blocks, ln, has_more=ln.number < last_body)
    item.body = blocks.markdown()
    item.remark = "\n\n".join(r for r in remarks if r)
    return item


def _is_special(text: str) -> bool:
    """Return True for lines that never end up in the body (remark, further reading …)."""
    return bool(_REMARK.match(text) or _FURTHER.match(text) or _SOURCE.match(text))


def _set_source(item: ParsedItem, link: ParsedLink) -> None:
    """Record a ``原文:`` link as the item's source (and original title if still empty)."""
    item.source_url = link.url
    if not item.original_title and link.title != link.url:
        item.original_title = link.title


def _add_body_line(blocks: _Blocks, ln: _Line, *, has_more: bool) -> None:
    """Append one plain-text body line to ``blocks`` as the right Markdown block."""
    text = ln.text
    if text in _LONE_BULLET:
        return  # an empty bullet left over from copy-paste carries nothing
    if ln.list_number is not None:
        blocks.add("ol", f"{ln.list_number}. {_autolink(text)}")
    elif paren := _PAREN_NUMBERED.match(text):
        blocks.add("ol", f"{_to_int(paren.group(1))}. {_autolink(paren.group(2).strip())}")
    elif bullet := _BULLET.match(text):
        blocks.add("ul", f"- {_autolink(bullet.group(1).strip())}")
    elif _is_subheading(text, has_more):
        blocks.add("h", f"### {text.lstrip('#').strip()}")
    else:
        blocks.add("p", _escape_block(_autolink(text)))


# ---------------------------------------------------------------------- markdown


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
        self.mode = "body"  # "body", "remark" (inside a "> 🎤" quote) or "further"
        self.fence = ""

    def parse(self) -> ParsedIssue:
        """Return the parsed issue; raises ``ImportFormatError`` on structural errors."""
        for number, line in enumerate(self.lines, start=1):
            self._feed(number, line)
        self._close_item()
        _check_sections(self.sections, len(self.lines))
        intro = "\n".join(self.intro).strip("\n")
        return ParsedIssue(title=self.title, intro=intro, sections=self.sections)

    def _feed(self, number: int, line: str) -> None:
        """Handle one line: fences and headings first, then item content."""
        if self.fence or _FENCE.match(line):
            self._fence_line(line)
            return
        heading = _ATX.match(line)
        level = len(heading.group(1)) if heading else 0
        if level == 1 and not self.sections and not self.title:
            self.title = heading.group(2)
        elif level == 2:
            self._start_section(number, heading.group(2))
        elif level == 3 and not _FURTHER.match(heading.group(2)):
            self._start_item(number, heading.group(2))
        elif not self.sections:
            self.intro.append(line)
        elif self.item is None:
            if line.strip():
                raise ImportFormatError(number, _TEXT_BEFORE_ITEM)
        elif heading and level >= 3 and _FURTHER.match(heading.group(2)):
            self.mode = "further"
        else:
            self._content(line)

    def _fence_line(self, line: str) -> None:
        """Keep a line of a fenced code block verbatim, tracking where the fence ends."""
        marker = _FENCE.match(line)
        if not self.fence and marker:
            self.fence = marker.group(1)
        elif (
            marker
            and marker.group(1).startswith(self.fence)
            and not line.strip()[len(marker.group(1)) :].strip()
        ):
            self.fence = ""
        target = self.body if self.item is not None else self.intro
        target.append(line)

    def _start_section(self, number: int, text: str) -> None:
        """Close the current item and open a section from a ``## `` heading."""
        self._close_item()
        emoji, rest = _split_emoji(text)
        position = None
        if plain := _section_heading(f"{emoji}{rest}" if rest.startswith("专题") else ""):
            _, rest, position = plain
        self.sections.append(ParsedSection(emoji, rest.strip(), [], number, position))

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
        if match := _MD_ITEM_NUMBER.match(title):
            item_number, title = _to_int(match.group(1)), match.group(2).strip()
            if item_number != last + 1:
                raise _item_number_error(number, item_number, last)
        if not title:
            raise ImportFormatError(
                number, f"条目 {item_number} 没有标题 (item {item_number} has no title)"
            )
        self.item = ParsedItem(number=item_number, title=title, line=number)

    def _content(self, line: str) -> None:
        """Route an item line to the original title, remark, further reading or body."""
        assert self.item is not None
        stripped = line.strip()
        quoted = stripped.startswith(">")
        unquoted = stripped.lstrip(">").strip() if quoted else stripped
        if remark := _REMARK.match(unquoted):
            self.remark.append(remark.group(1).strip())
            self.mode = "remark" if quoted else "body"
        elif self.mode == "remark" and quoted:
            self.remark.append(unquoted)
        elif self.mode == "further":
            if stripped and stripped not in _LONE_BULLET:
                self.item.further_reading.append(parse_link(stripped))
        elif self._is_original_line(stripped, quoted):
            link = parse_link(unquoted)
            self.item.original_title = link.title
            self.item.source_url = link.url
        elif (source := _SOURCE.match(stripped)) and parse_link(source.group(1)).url:
            _set_source(self.item, parse_link(source.group(1)))
        else:
            self.mode = "body"
            self.body.append(_promote_heading(line))

    def _is_original_line(self, stripped: str, quoted: bool) -> bool:
        """Return True for ``> title``/``> [title](url)``/``[title](url)`` opening an item."""
        assert self.item is not None
        if self.item.original_title or not self._is_first_line():
            return False
        return quoted or bool(_MD_LINK.match(stripped))

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


def _split_emoji(text: str) -> tuple[str, str]:
    """Return (leading emoji, rest) of a heading text; emoji is "" if there is none."""
    head, _, rest = text.strip().partition(" ")
    if head and _is_emoji(head):
        return head, rest.strip()
    return "", text.strip()


def _promote_heading(line: str) -> str:
    """Return a body line with its heading raised one level (#### in file = ### stored)."""
    match = re.match(r"^(#{4,6})(\s.*)$", line)
    return f"{match.group(1)[1:]}{match.group(2)}" if match else line


def _demote_heading(line: str) -> str:
    """Return a body line with its heading lowered one level (inverse of promote)."""
    match = re.match(r"^(#{3,5})(\s.*)$", line)
    return f"#{match.group(1)}{match.group(2)}" if match else line


# ------------------------------------------------------------------------ render


def render_markdown(issue: ParsedIssue) -> str:
    """Return ``issue`` written in the Markdown form that ``parse_issue`` reads back."""
    out: list[str] = []
    if issue.title:
        out += [f"# {issue.title}", ""]
    if issue.intro:
        out += [issue.intro, ""]
    for section in issue.sections:
        label = f"专题{to_chinese_numeral(section.number)} " if section.number else ""
        out += [" ".join(p for p in ("##", section.emoji, f"{label}{section.name}") if p), ""]
        for item in section.items:
            out += _render_item(item)
    return "\n".join(out).rstrip("\n") + "\n"


def _render_item(item: ParsedItem) -> list[str]:
    """Return the Markdown lines of one item, ending with a blank line."""
    out = [f"### {item.number}. {item.title}", ""]
    if item.original_title:
        title = (
            f"[{item.original_title}]({item.source_url})"
            if item.source_url
            else item.original_title
        )
        out += [title if item.source_url else f"> {title}", ""]
    elif item.source_url:
        out += [f"原文:<{item.source_url}>", ""]
    if item.body:
        out += [_render_body(item.body), ""]
    if item.remark:
        quoted = [f"> {ln}" if ln else ">" for ln in item.remark.split("\n")]
        out += [f"> 🎤 {quoted[0][2:]}", *quoted[1:], ""]
    if item.further_reading:
        out += ["#### 拓展阅读", ""]
        out += [
            f"- [{ln.title}]({ln.url})" if ln.url else f"- {ln.title}"
            for ln in item.further_reading
        ]
        out.append("")
    return out


def _render_body(body: str) -> str:
    """Return a stored body with headings outside code fences lowered one level."""
    out, fence = [], False
    for line in body.split("\n"):
        if _FENCE.match(line):
            fence = not fence
        out.append(line if fence else _demote_heading(line))
    return "\n".join(out)


# ---------------------------------------------------------------------- projects


def _name_pattern(name: str) -> re.Pattern[str]:
    """Return a pattern for ``name``: whole-word for Latin names, substring for CJK names."""
    words = [re.escape(w) for w in name.split()]
    body = r"\s+".join(words)
    if re.search(r"[A-Za-z0-9]", name):
        # Only ASCII letters/digits glue words together: "runc" must not match "runcmd",
        # while CJK text, spaces, "-" and punctuation count as word boundaries.
        return re.compile(rf"(?<![A-Za-z0-9_]){body}(?![A-Za-z0-9_])", re.IGNORECASE)
    return re.compile(body, re.IGNORECASE)


def match_projects(title: str, projects: Iterable[tuple[str, Iterable[str] | str]]) -> list[str]:
    """Return the slugs of the projects named in ``title``, in order of appearance.

    ``projects`` yields ``(slug, names)`` where ``names`` is a list of names and aliases
    or one comma-separated string. Matching is case-insensitive and whole-word for Latin
    names; longer names win, so "Gateway API" does not also report "API" and
    "Podman Desktop" does not also report "Podman".
    """
    candidates: list[tuple[str, str]] = []
    for slug, names in projects:
        name_list = names.split(",") if isinstance(names, str) else names
        candidates += [(name.strip(), slug) for name in name_list if name.strip()]
    candidates.sort(key=lambda c: len(c[0]), reverse=True)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []
    for name, slug in candidates:
        for match in _name_pattern(name).finditer(title):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            found.append((span[0], slug))
    slugs: list[str] = []
    for _, slug in sorted(found):
        if slug not in slugs:
            slugs.append(slug)
    return slugs
