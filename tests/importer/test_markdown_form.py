"""The Markdown writer and parser agree: what ``write_markdown`` writes reads back equal."""

from __future__ import annotations

import dataclasses

import pytest

from newsletter.formats.document import ParsedIssue, ParsedItem, ParsedLink, ParsedSection
from newsletter.formats.parsing import parse_issue
from newsletter.formats.writer import write_markdown


def _issue(*items: ParsedItem, title: str = "云原生月刊", intro: str = "") -> ParsedIssue:
    """Return an issue of one section holding ``items``, numbered from 1."""
    numbered = [dataclasses.replace(item, number=n) for n, item in enumerate(items, start=1)]
    section = ParsedSection(emoji="🆕", name="产品新功能/新版本", items=numbered, number=1)
    return ParsedIssue(title=title, intro=intro, sections=[section])


def _item(**fields) -> ParsedItem:
    return ParsedItem(number=1, **{"title": "条目", **fields})


def _without_lines(issue: ParsedIssue) -> ParsedIssue:
    return dataclasses.replace(
        issue,
        sections=[
            dataclasses.replace(s, line=0, items=[dataclasses.replace(i, line=0) for i in s.items])
            for s in issue.sections
        ],
    )


def _round_trip(issue: ParsedIssue) -> ParsedIssue:
    return _without_lines(parse_issue(write_markdown(issue)))


def _assert_round_trip(issue: ParsedIssue) -> None:
    assert _round_trip(issue) == issue


ALL_LEVELS = "# 一\n\n## 二\n\n### 三\n\n#### 四\n\n##### 五\n\n###### 六\n\n####### 不是标题"


# ------------------------------------------------------------------- headings


def test_body_headings_of_every_level_come_back() -> None:
    """Headings of levels 1 to 6 (and seven #s, which is text) come back at their level."""
    _assert_round_trip(_issue(_item(body=ALL_LEVELS), _item(title="第二条", body="正文。")))


def test_body_headings_are_written_below_the_item_heading() -> None:
    """### in a body is #### in the file, so it never reads as the next item."""
    text = write_markdown(_issue(_item(body="### 简介\n\n正文。")))
    assert "### 1. 条目\n\n#### 简介\n\n正文。" in text


def test_headings_that_have_no_lower_level_are_written_one_space_in() -> None:
    """#, ## and ###### cannot go one level down: a leading space keeps them text."""
    text = write_markdown(_issue(_item(body=ALL_LEVELS)))
    assert "\n # 一\n" in text and "\n ## 二\n" in text and "\n ###### 六\n" in text


def test_headings_with_closing_hashes_indents_and_code_come_back() -> None:
    """Closing #s, indented headings and headings inside code fences are kept as written."""
    body = "### 简介 ###\n\n  ## 缩进的标题\n\n```sh\n# 注释\n### 也是注释\n```\n\n~~~\n## x\n~~~"
    _assert_round_trip(_issue(_item(body=body)))


def test_a_body_heading_named_further_reading_stays_in_the_body() -> None:
    """A "### 拓展阅读" heading written in a body does not start the reading list."""
    item = _item(body="### 拓展阅读\n\n- 正文里的列表", further_reading=[ParsedLink("真的")])
    _assert_round_trip(_issue(item))


# ---------------------------------------------------------- lists and numbers


def test_numbered_lists_starting_at_one_come_back() -> None:
    """A body that opens with "1." and one with a list after text keep their lists."""
    _assert_round_trip(
        _issue(
            _item(body="1. 安装\n2. 配置\n3. 运行"),
            _item(title="第二条", body="步骤如下:\n\n1. 安装\n2. 配置"),
        )
    )


def test_body_lines_that_look_like_item_numbers_come_back() -> None:
    """Lines such as "2. …", "3、…" and "### 2. …" in a body are not items."""
    body = "2. 看起来像第二条\n\n3、也像\n\n### 2. 像条目标题\n\n1.4 版本说明"
    _assert_round_trip(_issue(_item(body=body), _item(title="真正的第二条")))


# ---------------------------------------------------------------------- remarks


def test_a_remark_of_several_paragraphs_comes_back() -> None:
    """Paragraphs, a hard line break and a list in a remark all stay in the remark."""
    remark = "第一段。\n\n第二段,换行  \n接着写。\n\n- 一点\n- 两点\n\n最后一段。"
    _assert_round_trip(_issue(_item(body="正文。", remark=remark), _item(title="第二条")))


def test_a_remark_with_quotes_code_and_a_microphone_comes_back() -> None:
    """A quote, a 🎤 line, a heading and fenced code inside a remark are its text."""
    remark = "看法。\n\n> 引用别人\n\n🎤 又一个话筒\n\n### 小标题\n\n```\n🎤 代码\n> 代码\n```"
    _assert_round_trip(_issue(_item(remark=remark)))


def test_a_remark_is_one_quote_after_the_microphone() -> None:
    """Every line of the remark is quoted, blank ones as a bare ">"."""
    text = write_markdown(_issue(_item(remark="一。\n\n二。")))
    assert "> 🎤 一。\n>\n> 二。\n" in text


def test_a_remark_whose_first_line_reads_as_structure_comes_back() -> None:
    """After the 🎤, a heading, a quote or another 🎤 is written and read as it is."""
    for first in ("### 标题", "> 引用", "🎤 话筒", "[链接](https://example.com/)"):
        _assert_round_trip(_issue(_item(remark=f"{first}\n\n第二段。")))


# -------------------------------------------------------------- further reading


def test_reading_entries_without_url_come_back() -> None:
    """Titles without URL, even ones that mention an address or look like a list."""
    links = [
        ParsedLink("有链接", "https://example.com/a"),
        ParsedLink("没有链接"),
        ParsedLink("见 https://example.com/b 一文"),
        ParsedLink("- 像列表"),
        ParsedLink("1. 像编号"),
        ParsedLink("• 像圆点"),
        ParsedLink("[像链接](https://example.com/c)"),
    ]
    _assert_round_trip(_issue(_item(further_reading=links)))


def test_reading_urls_with_parentheses_and_trailing_dots_come_back() -> None:
    """Addresses ending in ")" or "." keep their last character."""
    links = [
        ParsedLink("维基", "https://en.wikipedia.org/wiki/Helm_(package_manager)"),
        ParsedLink("句点", "https://example.com/a."),
    ]
    _assert_round_trip(_issue(_item(further_reading=links)))


# ---------------------------------------------------------------------- titles

SPECIAL_TITLES = [
    "`kubectl` 的 *十个* _技巧_",
    "[上] 与 <下> & &amp; 实体",
    "#1 话题",
    "C# 与 F#",
    "Issue #",
    "- 开头是横线",
    "1. 开头是编号",
    "> 开头是大于号",
    "反斜杠 \\ 与 \\* 转义",
    "https://example.com 开头的标题",
    "🎤 开头是话筒",
]


@pytest.mark.parametrize("title", SPECIAL_TITLES)
def test_markdown_special_characters_in_titles_come_back(title: str) -> None:
    """Item, original, section, issue and reading titles keep their Markdown characters."""
    item = _item(title=title, original_title=title, further_reading=[ParsedLink(title)])
    bare = _item(title="只有原标题", original_title=title)
    issue = _issue(item, bare, title=title)
    issue.sections[0].name = title
    _assert_round_trip(issue)


def test_titles_are_escaped_so_markdown_shows_them_as_written() -> None:
    """Markup characters, and list markers that start a title, are backslash-escaped."""
    links = [ParsedLink("- 像列表"), ParsedLink("1. 像编号")]
    text = write_markdown(_issue(_item(title="`kubectl` *十个* 技巧", further_reading=links)))
    assert "### 1. \\`kubectl\\` \\*十个\\* 技巧" in text
    assert "- \\- 像列表\n- 1\\. 像编号" in text


# ------------------------------------------------------ original title, source


def test_original_title_and_source_in_every_combination_come_back() -> None:
    """Title with URL, title alone, URL alone and neither all come back."""
    _assert_round_trip(
        _issue(
            _item(original_title="Helm 4 Released", source_url="https://helm.sh/blog/"),
            _item(title="二", original_title="Helm 4 Released"),
            _item(title="三", source_url="https://en.wikipedia.org/wiki/Helm_(software)"),
            _item(title="四", body="正文。"),
        )
    )


def test_body_lines_that_read_as_structure_stay_in_the_body() -> None:
    """A leading quote or link, 🎤, 原文: and 拓展阅读: lines in a body are body text."""
    body = (
        "> 引用开头\n\n[链接](https://example.com/)\n\n🎤 不是点评\n\n"
        "原文:https://example.com/x\n\n拓展阅读:不是拓展阅读"
    )
    _assert_round_trip(
        _issue(
            _item(body=body),
            _item(title="二", source_url="https://example.com/s", body=body),
            _item(title="三", original_title="Original", body=body),
        )
    )


def test_only_http_addresses_are_written() -> None:
    """A javascript: source or reading URL is left out; the titles stay."""
    item = _item(
        original_title="Original",
        source_url="javascript:alert(1)",
        further_reading=[ParsedLink("坏链接", "javascript:alert(2)")],
    )
    text = write_markdown(_issue(item))
    assert "javascript:" not in text
    assert parse_issue(text).items[0].further_reading == [ParsedLink("坏链接")]


# ----------------------------------------------------------------- the issue


def test_an_intro_with_headings_and_quotes_comes_back() -> None:
    """Headings in the intro do not read as a title, a section or an item."""
    intro = "# 不是标题\n\n## 不是专题\n\n### 不是条目\n\n> 🎤 引用\n\n本期导读。"
    _assert_round_trip(_issue(_item(), intro=intro))
    _assert_round_trip(_issue(_item(), intro=intro, title=""))


def test_a_code_fence_left_open_is_closed_so_the_next_item_survives() -> None:
    """A body that leaves a fence open comes back closed, and the next item is kept."""
    issue = _issue(_item(body="```sh\nhelm install"), _item(title="第二条", body="正文。"))
    again = _round_trip(issue)
    assert [item.title for item in again.items] == ["条目", "第二条"]
    assert again.items[0].body == "```sh\nhelm install\n```"


def test_figure_references_are_written_as_they_are() -> None:
    """The writer keeps ``figure:ID``; only the site's export points it at the file."""
    body = "见下图:\n\n![架构图](figure:12)"
    assert "![架构图](figure:12)" in write_markdown(_issue(_item(body=body)))
    _assert_round_trip(_issue(_item(body=body)))


def test_items_are_numbered_in_the_order_given() -> None:
    """Numbers restart at 1 in each section, whatever the items carried."""
    issue = _issue(_item(title="甲"), _item(title="乙"))
    issue.sections[0].items[1].number = 7
    assert "### 1. 甲" in write_markdown(issue) and "### 2. 乙" in write_markdown(issue)


def test_section_numerals_come_back() -> None:
    """A section's 专题 numeral is written and read back; a section without one has none."""
    issue = _issue(_item())
    issue.sections.append(ParsedSection("🤔", "有意思的事与 Meme", [_item()], number=6))
    issue.sections.append(ParsedSection("", "其他", [_item()]))
    assert "## 🤔 专题六 有意思的事与 Meme" in write_markdown(issue)
    _assert_round_trip(issue)


def test_an_indented_line_in_a_hand_written_file_is_body_text() -> None:
    """Structure starts in the first column: an indented 🎤 line belongs to the body.

    One space of it is read as the writer's escape, which Markdown ignores anyway.
    """
    text = "## 🆕 新版本\n\n### 1. 甲\n\n正文。\n\n  🎤 缩进的一行\n"
    item = parse_issue(text).items[0]
    assert (item.body, item.remark) == ("正文。\n\n 🎤 缩进的一行", "")
