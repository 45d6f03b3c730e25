"""What a parsed issue is made of: the parser returns it, the writer takes it."""

from __future__ import annotations

from dataclasses import dataclass, field


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
