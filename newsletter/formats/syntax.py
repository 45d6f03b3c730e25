"""What the plain and the Markdown forms share: the lines that carry structure
(sections, remarks, sources, further reading), links, numerals and the errors
about the shape of an issue.
"""

from __future__ import annotations

import re
import unicodedata

from newsletter.formats.document import ImportFormatError, ParsedItem, ParsedLink, ParsedSection

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
DIGITS = "0-9\uff10-\uff19"
_NUMERALS = "零〇一二三四五六七八九十百两"
SECTION = re.compile(
    rf"^(?P<emoji>[^\w\s]*)\s*专题(?P<num>[{_NUMERALS}0-9]+)(?:[\s::、.]+|$)(?P<name>.*)$"
)
BULLET = re.compile(r"^[-*•·]\s+(.*)$")
LONE_BULLET = frozenset({"-", "*", "•", "·"})
REMARK = re.compile(r"^🎤\ufe0f?\s*(.*)$")
_FURTHER_WORD = r"(?:(?:拓展|扩展|延伸)阅读|further reading)"
# "拓展阅读" alone on its line: the lines after it are the further-reading list.
FURTHER = re.compile(rf"^{_FURTHER_WORD}\s*[::]?$", re.IGNORECASE)
# "拓展阅读:Title" (or with a full-width colon): a one-entry list on its own line.
FURTHER_INLINE = re.compile(rf"^{_FURTHER_WORD}\s*[::]\s*(?P<entry>\S.*)$", re.IGNORECASE)
SOURCE = re.compile(r"^(?:原文链接|原文地址|原文|来源|source|link)\s*[::]\s*(.+)$", re.IGNORECASE)
URL = re.compile(r"https?://[^\s<>\"'`“”‘’\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
# "[title](url)" or "[title](<url>)"; the title may hold backslash-escaped brackets.
MD_LINK = re.compile(
    r"^\[(?P<title>(?:\\.|[^\\\]])*)\]\((?:<(?P<angle>[^<>\n]+)>|(?P<url>[^)\s]+))\)$"
)
_ANGLE_LINK = re.compile(r"^<(https?://[^<>\s]+)>$")
AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
# Separators left around a title once its URL is cut out ("标题: https://…").
_LINK_JUNK = re.compile(r"^[\s::\-—|()()<>]+|[\s::\-—|()()<>]+$")

TEXT_BEFORE_ITEM = "专题标题与第一个条目之间有文字 (text between a section and its first item)"


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


def split_lines(text: str) -> list[str]:
    """Return the lines of ``text`` without BOM or line terminators (CRLF, CR or LF)."""
    return re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))


def to_int(digits: str) -> int:
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


def is_emoji(text: str) -> bool:
    """Return True if ``text`` is made only of emoji code points (incl. VS16, ZWJ)."""
    return all(
        unicodedata.category(ch) in {"So", "Sk", "Mn", "Me", "Cf"} or ch in "\u200d\ufe0f"
        for ch in text
    )


def find_url(text: str) -> str:
    """Return the first http(s) URL in ``text`` without trailing punctuation, or ""."""
    match = URL.search(text)
    return match.group(0).rstrip(".,;:!?)]}") if match else ""


def parse_link(text: str) -> ParsedLink:
    """Return the link written on one line, a leading bullet dropped (see ``read_link``)."""
    text = text.strip()
    if bullet := BULLET.match(text):
        text = bullet.group(1).strip()
    return read_link(text)


def read_link(text: str) -> ParsedLink:
    """Return the link in ``text``: ``[t](u)``, ``[t](<u>)``, ``<u>``, ``t <u>``, ``t: u``,
    ``u`` or a bare title ``t``.

    The title is returned as written (a Markdown title keeps its backslash escapes).
    """
    text = text.strip()
    if md := MD_LINK.match(text):
        url = md.group("angle") or md.group("url")
        if not url.lower().startswith(("http://", "https://")):
            # A javascript: or data: URL would run in the reader's browser when
            # clicked; the title is kept, without the link.
            return ParsedLink(title=md.group("title").strip() or text)
        return ParsedLink(title=md.group("title").strip() or url, url=url)
    if angle := _ANGLE_LINK.match(text):
        # Between angle brackets the address is exact, trailing "." or ")" included.
        return ParsedLink(title=angle.group(1), url=angle.group(1))
    url = find_url(text)
    if not url:
        return ParsedLink(title=text)
    title = _LINK_JUNK.sub("", AUTOLINK.sub("", text).replace(url, ""))
    return ParsedLink(title=title or url, url=url)


def set_source(item: ParsedItem, link: ParsedLink) -> None:
    """Record a ``原文:`` link as the item's source (and original title if still empty)."""
    item.source_url = link.url
    if not item.original_title and link.title != link.url:
        item.original_title = link.title


def section_heading(text: str) -> tuple[str, str, int | None] | None:
    """Return (emoji, name, number) for a plain-text section line, or None if it is not one."""
    match = SECTION.match(text)
    if not match or not is_emoji(match.group("emoji")):
        return None
    number = chinese_numeral(match.group("num"))
    name = match.group("name").strip() or f"专题{match.group('num')}"
    return match.group("emoji"), name, number


def item_number_error(line: int, number: int, last: int) -> ImportFormatError:
    """Return the error for item ``number`` appearing where ``last + 1`` was expected."""
    return ImportFormatError(
        line,
        f"条目编号 {number} 接在 {last} 之后,应为 {last + 1} "
        f"(item number {number} follows {last}, expected {last + 1}; "
        f"write numbered lists inside a body as '1)' or '- ')",
    )


def check_sections(sections: list[ParsedSection], last_line: int) -> None:
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
