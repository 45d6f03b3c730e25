"""``拓展阅读:Title`` on one line is a one-entry reading list, in both forms."""

from __future__ import annotations

import pytest

from newsletter.formats.document import ParsedItem, ParsedLink
from newsletter.formats.parsing import parse_issue

VARIANTS = [
    "拓展阅读:Helm 4 迁移指南",
    "拓展阅读:Helm 4 迁移指南",
    "拓展阅读 : Helm 4 迁移指南",
    "扩展阅读:Helm 4 迁移指南",
    "延伸阅读:Helm 4 迁移指南",
]


def _plain(*lines: str) -> ParsedItem:
    """Return the one item of a plain-text issue whose item holds ``lines``."""
    text = "\n".join(["🆕 专题一 产品新功能/新版本", "1. Helm 4 发布", *lines])
    return parse_issue(text).items[0]


def _markdown(*lines: str) -> ParsedItem:
    """Return the one item of a Markdown issue whose item holds ``lines``."""
    text = "\n\n".join(["## 🆕 专题一 产品新功能/新版本", "### 1. Helm 4 发布", *lines])
    return parse_issue(text).items[0]


@pytest.mark.parametrize("read", [_plain, _markdown], ids=["plain", "markdown"])
@pytest.mark.parametrize("line", VARIANTS)
def test_an_inline_further_reading_line_is_a_one_entry_list(read, line) -> None:
    """The title after the colon is the only entry, and the line is not in the body."""
    item = read("正文。", line)
    assert item.further_reading == [ParsedLink("Helm 4 迁移指南")]
    assert item.body == "正文。"


@pytest.mark.parametrize("read", [_plain, _markdown], ids=["plain", "markdown"])
def test_an_inline_entry_may_carry_its_url(read) -> None:
    """A Markdown link or a trailing URL on the line becomes the entry's URL."""
    for line in (
        "拓展阅读:[迁移指南](https://helm.sh/docs/)",
        "拓展阅读:迁移指南 https://helm.sh/docs/",
    ):
        assert read("正文。", line).further_reading == [
            ParsedLink("迁移指南", "https://helm.sh/docs/")
        ], line


@pytest.mark.parametrize("read", [_plain, _markdown], ids=["plain", "markdown"])
def test_lines_after_an_inline_entry_keep_their_meaning(read) -> None:
    """Unlike a 拓展阅读 heading line, the inline form does not swallow what follows."""
    item = read("正文。", "拓展阅读:迁移指南", "更多正文。", "🎤 值得升级。")
    assert item.further_reading == [ParsedLink("迁移指南")]
    assert item.body.endswith("更多正文。")
    assert item.remark == "值得升级。"


@pytest.mark.parametrize("read", [_plain, _markdown], ids=["plain", "markdown"])
def test_several_inline_lines_make_several_entries(read) -> None:
    """Each inline line adds one entry, in order."""
    item = read("正文。", "拓展阅读:甲", "延伸阅读:乙")
    assert item.further_reading == [ParsedLink("甲"), ParsedLink("乙")]


def test_an_inline_entry_right_after_the_title_is_not_the_original_title() -> None:
    """In the plain form the line after the title is tested for an original title first."""
    item = _plain("拓展阅读:Helm 4 Migration Guide", "正文。")
    assert item.original_title == ""
    assert item.further_reading == [ParsedLink("Helm 4 Migration Guide")]


def test_a_colon_with_nothing_after_it_still_starts_a_list() -> None:
    """A bare "拓展阅读:" keeps its old meaning: the following lines are the entries."""
    item = _plain("正文。", "拓展阅读:", "甲", "乙")
    assert item.further_reading == [ParsedLink("甲"), ParsedLink("乙")]


def test_a_sentence_mentioning_further_reading_stays_in_the_body() -> None:
    """Only a line that starts with the word is an entry."""
    item = _plain("正文。", "更多内容见拓展阅读:下面几篇。", "收尾。")
    assert item.further_reading == []
    assert "拓展阅读" in item.body
