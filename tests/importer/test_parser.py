"""Tests for the pure issue parser in ``newsletter.formats`` (no database needed)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from newsletter.formats.document import ImportFormatError, ParsedIssue, ParsedLink
from newsletter.formats.parsing import detect_form, parse_issue
from newsletter.formats.projects import match_projects
from newsletter.formats.syntax import decode_text
from newsletter.formats.writer import write_markdown

DATA = Path(__file__).resolve().parent.parent / "data"


def read(name: str) -> str:
    """Return a test data file decoded the way the importer's caller does."""
    return decode_text((DATA / name).read_bytes())


@pytest.fixture(scope="module")
def sample() -> ParsedIssue:
    """The November 2025 excerpt of the publication, parsed."""
    return parse_issue(read("2025-11-excerpt.txt"))


@pytest.fixture(scope="module")
def september() -> ParsedIssue:
    """A CRLF plain-text issue with an intro and "1、" item numbers, parsed."""
    return parse_issue(read("2025-09-crlf.txt"))


@pytest.fixture(scope="module")
def october() -> ParsedIssue:
    """A plain-text issue with a BOM and full-width "1." item numbers, parsed."""
    return parse_issue((DATA / "2025-10-bom.txt").read_text(encoding="utf-8"))


def without_lines(issue: ParsedIssue) -> ParsedIssue:
    """Return ``issue`` with every line number zeroed, to compare two parses."""
    return dataclasses.replace(
        issue,
        sections=[
            dataclasses.replace(s, line=0, items=[dataclasses.replace(i, line=0) for i in s.items])
            for s in issue.sections
        ],
    )


PROJECTS = [
    ("kubernetes", ["Kubernetes", "K8s"]),
    ("helm", ["Helm"]),
    ("gateway-api", ["Gateway API"]),
    ("api-thing", ["API"]),
    ("runc", ["runc"]),
    ("podman", ["Podman"]),
    ("podman-desktop", ["Podman Desktop"]),
    ("external-secrets", "External Secrets Operator, ESO"),
    ("ingress-nginx", ["Ingress-NGINX"]),
]


# ------------------------------------------------------------------ sample file


def test_sample_has_two_sections(sample: ParsedIssue) -> None:
    """The sample excerpt has exactly two sections."""
    assert len(sample.sections) == 2


def test_sample_sections_hold_13_and_4_items(sample: ParsedIssue) -> None:
    """The two sections hold 13 and 4 items, numbered from 1."""
    assert [[i.number for i in s.items] for s in sample.sections] == [
        list(range(1, 14)),
        list(range(1, 5)),
    ]


def test_sample_section_emojis_names_and_numbers(sample: ParsedIssue) -> None:
    """Section lines yield the emoji, the name without 专题 prefix and the numeral."""
    assert [(s.emoji, s.name, s.number, s.line) for s in sample.sections] == [
        ("🆕", "产品新功能/新版本", 1, 1),
        ("🤔", "有意思的事与 Meme", 6, 202),
    ]


def test_sample_has_no_title_or_intro(sample: ParsedIssue) -> None:
    """A plain text starting with a section line has an empty title and intro."""
    assert (sample.title, sample.intro) == ("", "")


def test_item_titles_and_lines_are_recorded(sample: ParsedIssue) -> None:
    """Each item keeps its title and the 1-based line it starts on."""
    item = sample.sections[0].items[2]
    assert (item.title, item.line) == ("External Secrets Operator 1.0.0 正式发布", 45)


def test_english_line_after_title_is_the_original_title(sample: ParsedIssue) -> None:
    """A Latin-script line right after the title becomes the original title."""
    item = sample.sections[0].items[2]
    assert item.original_title == "External Secrets Operator is now GA with version v1.0.0"


def test_remark_is_taken_without_the_microphone(sample: ParsedIssue) -> None:
    """A 🎤 line becomes the remark, without the emoji, and leaves the body."""
    item = sample.sections[0].items[2]
    assert item.remark.startswith("在 2025 年 8 月的简报中")
    assert "🎤" not in item.remark and "🎤" not in item.body


def test_remark_after_body_links_in_second_section(sample: ParsedIssue) -> None:
    """The remark of the second item of section two starts with 从 Developer Activity."""
    assert sample.sections[1].items[1].remark.startswith("从 Developer Activity")


def test_further_reading_of_openshift_item(sample: ParsedIssue) -> None:
    """Lines after 拓展阅读 in item 6 become further-reading titles without URL."""
    item = sample.sections[0].items[5]
    assert item.further_reading == [
        ParsedLink("Red Hat OpenShift 4.20 Boosts AI, Security, Hybrid Cloud", "")
    ]
    assert "拓展阅读" not in item.body


def test_further_reading_of_kubernetes_item(sample: ParsedIssue) -> None:
    """Item 12's further reading is the Gang Scheduling article title."""
    assert [link.title for link in sample.sections[0].items[11].further_reading] == [
        "Kubernetes 支持原生 Gang Scheduling : 适应 AI/ML 工作负载"
    ]


def test_short_line_becomes_a_subheading(sample: ParsedIssue) -> None:
    """The Gateway API item's body opens with the sub-heading ### 简介."""
    assert sample.sections[0].items[0].body.startswith("### 简介\n\n")


def test_consecutive_bullets_form_one_list(sample: ParsedIssue) -> None:
    """Consecutive "- " lines stay together as one Markdown list."""
    assert (
        "- 用于网关和后端之间 TLS 的后端 TLS 策略\n"
        "- GatewayClass 状态中的 supportedFeatures\n"
        "- Named rules for Routes 路由命名规则"
    ) in sample.sections[0].items[0].body


def test_chinese_line_after_title_stays_in_the_body(sample: ParsedIssue) -> None:
    """A Chinese sub-heading right after the title is not taken as original title."""
    item = sample.sections[0].items[8]  # KubeVela: "KubeVela 简介"
    assert item.original_title == ""
    assert item.body.startswith("### KubeVela 简介")


def test_repeated_title_line_is_the_original_title(sample: ParsedIssue) -> None:
    """runc's second line repeats the title and so is its original title."""
    item = sample.sections[0].items[12]
    assert item.original_title == 'runc v1.4.0 -- "路漫漫其修远兮,吾将上下而求索!"'
    assert item.body.startswith("### runc 简介")


def test_variant_of_title_is_the_original_title(sample: ParsedIssue) -> None:
    """KubeEdge's second line is a close variant of the title (Chinese original)."""
    assert (
        sample.sections[0].items[6].original_title
        == "KubeEdge 1.22.0版本发布!边缘资源管理能力提升!"
    )


def test_lone_dash_line_is_dropped(sample: ParsedIssue) -> None:
    """A line holding only "-" disappears instead of making an empty bullet."""
    body = sample.sections[0].items[1].body
    assert "\n-\n" not in body and not body.endswith("\n-")
    assert "### “后 xx”\n\n- 后量子密码学" in body


def test_sentence_with_colon_stays_a_paragraph(sample: ParsedIssue) -> None:
    """A short line ending with a colon introduces a list and is not a heading."""
    assert sample.sections[0].items[10].body.startswith("新功能和改进:\n\n- 专用网络页面")


def test_bare_url_becomes_an_autolink(sample: ParsedIssue) -> None:
    """A bare URL is wrapped in <> so the following Chinese full stop stays outside."""
    body = sample.sections[1].items[0].body
    assert "<https://github.com/kubernetes/website/issues/47108#issuecomment-2217464050>。" in body


def test_item_without_original_title_has_empty_source(sample: ParsedIssue) -> None:
    """Items of the plain form without a URL have an empty source URL."""
    assert {item.source_url for item in sample.items} == {""}


# ------------------------------------------------------------------------ errors


def test_number_jump_names_the_line() -> None:
    """An item number that skips ahead raises an error naming its line."""
    text = "🆕 专题一 新版本\n1. 第一条\n正文。\n3. 第三条\n正文。\n"
    with pytest.raises(ImportFormatError) as caught:
        parse_issue(text)
    assert caught.value.line == 4
    assert "expected 2" in caught.value.message
    assert str(caught.value).startswith("第 4 行")


def test_a_restart_at_one_inside_an_item_is_a_numbered_list_in_its_body() -> None:
    """A "1." after an item's text (no colon needed) opens a list; items go on after it."""
    text = "🆕 专题一 新版本\n1. 第一条\n步骤如下\n1. 安装\n2. 配置\n3. 运行\n2. 第二条\n正文。\n"
    section = parse_issue(text).sections[0]
    assert [item.title for item in section.items] == ["第一条", "第二条"]
    assert "1. 安装\n2. 配置\n3. 运行" in section.items[0].body


def test_a_jump_after_a_body_list_is_still_an_error() -> None:
    """A number that neither continues the list nor the items raises at its line."""
    text = "🆕 专题一 新版本\n1. 第一条\n正文。\n1. 甲\n2. 乙\n5. 第五条\n"
    with pytest.raises(ImportFormatError) as caught:
        parse_issue(text)
    assert caught.value.line == 6


def test_a_bare_url_after_the_title_is_the_source() -> None:
    """A line holding only a URL right after the title sets source_url."""
    item = (
        parse_issue("🆕 专题一 新版本\n1. 标题\nhttps://example.com/a\n正文。\n")
        .sections[0]
        .items[0]
    )
    assert (item.original_title, item.source_url) == ("", "https://example.com/a")
    assert item.body == "正文。"


def test_a_bare_url_after_the_original_title_is_the_source() -> None:
    """Title, English title, then the link: both are picked up."""
    text = "🆕 专题一 新版本\n1. 标题\nHelm 4 Released Today\nhttps://helm.sh/blog/\n正文。\n"
    item = parse_issue(text).sections[0].items[0]
    assert (item.original_title, item.source_url) == (
        "Helm 4 Released Today",
        "https://helm.sh/blog/",
    )


def test_item_before_any_section_names_the_line() -> None:
    """An item above every section line raises an error at that item."""
    with pytest.raises(ImportFormatError) as caught:
        parse_issue("本期导读。\n1. 没有专题的条目\n🆕 专题一 新版本\n")
    assert caught.value.line == 2


def test_item_without_title_is_an_error() -> None:
    """A bare "2." line raises an error naming its line."""
    with pytest.raises(ImportFormatError) as caught:
        parse_issue("🆕 专题一 新版本\n1. 第一条\n正文。\n2.\n")
    assert caught.value.line == 4


def test_section_without_items_is_an_error() -> None:
    """A section line followed directly by another section raises at the empty one."""
    with pytest.raises(ImportFormatError) as caught:
        parse_issue("🆕 专题一 新版本\n🤔 专题六 Meme\n1. 条目\n")
    assert caught.value.line == 1


def test_empty_text_is_an_error_on_line_one() -> None:
    """An empty or blank text raises an error on line 1."""
    with pytest.raises(ImportFormatError) as caught:
        parse_issue("\ufeff\n  \n")
    assert caught.value.line == 1


def test_text_without_sections_is_an_error() -> None:
    """Prose without any section line is rejected rather than imported as nothing."""
    with pytest.raises(ImportFormatError):
        parse_issue("只是一段文字。\n")


def test_text_between_section_and_first_item_is_an_error() -> None:
    """Loose text under a section line, before item 1, is reported with its line."""
    with pytest.raises(ImportFormatError) as caught:
        parse_issue("🆕 专题一 新版本\n这一段不属于任何条目。\n1. 条目\n")
    assert caught.value.line == 2


def test_invalid_utf8_names_the_line() -> None:
    """decode_text reports the line of the first byte that is not UTF-8."""
    with pytest.raises(ImportFormatError) as caught:
        decode_text("🆕 专题一 新版本\n1. 条目\n".encode() + b"\xff\xfe\n")
    assert caught.value.line == 3


def test_error_is_a_value_error() -> None:
    """ImportFormatError can be caught as ValueError by generic callers."""
    assert issubclass(ImportFormatError, ValueError)


# ------------------------------------------------------------- plain-text rules


def test_numbered_list_after_colon_stays_in_the_body(october: ParsedIssue) -> None:
    """Lines "1. 2. 3." after a line ending with a colon are an ordered list, not items."""
    item = october.sections[0].items[0]
    assert "使用步骤:\n\n1. 安装插件\n2. 配置模型 API Key\n3. 运行" in item.body
    assert [i.number for i in october.sections[0].items] == [1, 2]


def test_plain_number_variants_are_items() -> None:
    """Numbers written "1、", "1." or full-width "1." all start items."""
    issue = parse_issue("🆕 专题一 新版本\n1、甲\n正文。\n2.乙\n正文。\n3. 丙\n正文。\n")
    assert [i.title for i in issue.items] == ["甲", "乙", "丙"]


def test_version_number_line_is_not_an_item() -> None:
    """A body line such as "1.4 版本说明" is not mistaken for item 1."""
    issue = parse_issue("🆕 专题一 新版本\n1. 条目\n1.4 版本说明。\n")
    assert issue.items[0].body == "1.4 版本说明。"


def test_heading_needs_following_text() -> None:
    """A short line at the very end of a body stays a paragraph, not a dangling heading."""
    issue = parse_issue("🆕 专题一 新版本\n1. 条目\n正文。\n敬请期待\n")
    assert issue.items[0].body == "正文。\n\n敬请期待"


def test_markdown_looking_line_is_escaped() -> None:
    """A plain-text line starting with # is escaped, not turned into a heading."""
    issue = parse_issue("🆕 专题一 新版本\n1. 条目\n#KubeCon 话题很热闹。\n")
    assert issue.items[0].body == "\\#KubeCon 话题很热闹。"


# ---------------------------------------------------------- extra issue: CRLF


def test_crlf_issue_reads_the_intro(september: ParsedIssue) -> None:
    """Text before the first section of a CRLF file is the intro, without \\r."""
    assert september.intro == (
        "云原生月报 · 2025 年 9 月\n\n本期共收录 6 条资讯。感谢各位贡献者的投稿与校对。"
    )


def test_crlf_issue_sections(september: ParsedIssue) -> None:
    """The CRLF issue's three sections keep their emojis, names and item counts."""
    assert [(s.emoji, s.name, len(s.items)) for s in september.sections] == [
        ("🆕", "产品新功能/新版本", 2),
        ("🔬", "技术研究", 2),
        ("📊", "调查报告", 1),
    ]


def test_crlf_issue_leaves_no_carriage_returns(september: ParsedIssue) -> None:
    """No title, body or remark of a CRLF file keeps a carriage return."""
    assert not any("\r" in f"{i.title}{i.body}{i.remark}" for i in september.items)


def test_crlf_issue_ignores_blank_lines_between_items(september: ParsedIssue) -> None:
    """Blank lines between items do not end up at the end of a body."""
    item = september.sections[0].items[0]
    assert item.original_title == "Istio 1.27 Brings Multicluster Support to Ambient Mode"
    assert item.body.endswith("- 原生 nftables 支持")


def test_further_reading_url_is_split_from_title(september: ParsedIssue) -> None:
    """A URL on a further-reading line becomes the link URL."""
    assert september.sections[1].items[0].further_reading == [
        ParsedLink(
            "KEP-1287: In-Place Update of Pod Resources",
            "https://github.com/kubernetes/enhancements/issues/1287",
        )
    ]


def test_url_before_chinese_full_stop_is_autolinked(september: ParsedIssue) -> None:
    """A URL followed by 。 is wrapped so the full stop is not part of the link."""
    body = september.sections[2].items[0].body
    assert body.endswith("报告原文:<https://www.cncf.io/reports/cncf-annual-survey-2025/>。")


# ----------------------------------------------------------- extra issue: BOM


def test_bom_issue_first_section_is_found(october: ParsedIssue) -> None:
    """A BOM before the first section line does not hide the section."""
    assert (october.sections[0].emoji, october.sections[0].name) == ("🧰", "工具推荐")


def test_zwj_and_variation_selector_emojis(october: ParsedIssue) -> None:
    """Multi-codepoint emojis (ZWJ sequence, VS16) are kept whole."""
    assert [(s.emoji, s.number) for s in october.sections[1:]] == [
        ("🧑\u200d💻", 4),
        ("🤔\ufe0f", 6),
    ]


def test_source_line_sets_url_and_original_title(october: ParsedIssue) -> None:
    """原文:[title](url) sets both the source URL and the original title."""
    item = october.sections[0].items[0]
    assert (item.original_title, item.source_url) == (
        "Introducing kubectl-ai",
        "https://github.com/GoogleCloudPlatform/kubectl-ai",
    )
    assert "原文" not in item.body


def test_several_remarks_become_paragraphs(october: ParsedIssue) -> None:
    """Two 🎤 lines make a two-paragraph remark."""
    assert october.sections[0].items[0].remark == (
        "适合刚上手 Kubernetes 的同学,但执行前一定要看清命令。\n\n生产集群请谨慎授予写权限。"
    )


def test_further_reading_forms_are_parsed(october: ParsedIssue) -> None:
    """Markdown links, "title:url" and bare titles are all further-reading entries."""
    assert october.sections[0].items[1].further_reading == [
        ParsedLink("K9s 官方文档", "https://k9scli.io/"),
        ParsedLink("用 k9s 排查 CrashLoopBackOff", "https://example.com/k9s-crashloop"),
        ParsedLink("社区插件合集", ""),
    ]


def test_bom_issue_lone_dash_before_further_reading(october: ParsedIssue) -> None:
    """A lone "-" after bullets is dropped and the list stays intact."""
    assert october.sections[0].items[1].body == "- 新增插件市场\n- 改进 CRD 浏览"


# ---------------------------------------------------------------- Markdown form

MARKDOWN = """\
# 云原生月报 2025-12

本期导读。

## 🆕 专题一 产品新功能/新版本

### 1. Helm v4.0.1 发布

> [Helm v4.0.1 released](https://github.com/helm/helm/releases/tag/v4.0.1)

#### 简介

补丁版本。

```yaml
### not a heading
```

> 🎤 终于等到了。
> 第二行。

#### 拓展阅读

- [Helm 4 发布说明](https://helm.sh/blog/helm-4/)
- 迁移指南

### Kubernetes v1.35 发布

原文:https://kubernetes.io/blog/2025/12/17/kubernetes-v1-35-release/

正文。

🎤 值得升级。

## 🤔 有意思的事与 Meme

### 1. It's always DNS

> It's always DNS

正文。
"""


def test_markdown_form_is_detected() -> None:
    """A text with "## " section headings is read as the Markdown form."""
    assert detect_form(MARKDOWN) == "markdown"


def test_markdown_title_and_intro() -> None:
    """The "# " heading is the title and the text before the first section the intro."""
    issue = parse_issue(MARKDOWN)
    assert (issue.title, issue.intro) == ("云原生月报 2025-12", "本期导读。")


def test_markdown_sections() -> None:
    """Headings "## emoji [专题N] name" give emoji, name and optional number."""
    issue = parse_issue(MARKDOWN)
    assert [(s.emoji, s.name, s.number) for s in issue.sections] == [
        ("🆕", "产品新功能/新版本", 1),
        ("🤔", "有意思的事与 Meme", None),
    ]


def test_markdown_item_with_quoted_original_link() -> None:
    """A first "> [title](url)" line gives the original title and source URL."""
    item = parse_issue(MARKDOWN).items[0]
    assert (item.number, item.title, item.original_title, item.source_url) == (
        1,
        "Helm v4.0.1 发布",
        "Helm v4.0.1 released",
        "https://github.com/helm/helm/releases/tag/v4.0.1",
    )


def test_markdown_body_headings_are_promoted_and_fences_kept() -> None:
    """A "#### x" in the file is "### x" in the body; fenced code is left alone."""
    body = parse_issue(MARKDOWN).items[0].body
    assert body == "### 简介\n\n补丁版本。\n\n```yaml\n### not a heading\n```"


def test_markdown_quoted_remark_spans_lines() -> None:
    """A "> 🎤" blockquote and its following ">" lines make the remark."""
    assert parse_issue(MARKDOWN).items[0].remark == "终于等到了。\n第二行。"


def test_markdown_further_reading_list() -> None:
    """The list under "#### 拓展阅读" becomes further reading, URL optional."""
    assert parse_issue(MARKDOWN).items[0].further_reading == [
        ParsedLink("Helm 4 发布说明", "https://helm.sh/blog/helm-4/"),
        ParsedLink("迁移指南", ""),
    ]


def test_markdown_bare_link_first_line_is_the_original() -> None:
    """A first line that is only "[title](url)" gives the original title and source."""
    item = parse_issue(
        "## 🆕 新版本\n\n### 1. 甲\n\n[Original](https://a.example/)\n\n正文。\n"
    ).items[0]
    assert (item.original_title, item.source_url, item.body) == (
        "Original",
        "https://a.example/",
        "正文。",
    )


def test_markdown_unnumbered_item_gets_next_number() -> None:
    """An item heading without a number continues the section's numbering."""
    item = parse_issue(MARKDOWN).items[1]
    assert (item.number, item.title, item.body, item.remark) == (
        2,
        "Kubernetes v1.35 发布",
        "正文。",
        "值得升级。",
    )
    assert item.source_url == "https://kubernetes.io/blog/2025/12/17/kubernetes-v1-35-release/"


def test_markdown_number_jump_names_the_line() -> None:
    """A numbered "### 3." after item 1 raises an error at that heading."""
    with pytest.raises(ImportFormatError) as caught:
        parse_issue("## 🆕 新版本\n\n### 1. 甲\n\n正文。\n\n### 3. 丙\n")
    assert caught.value.line == 7


def test_markdown_item_before_section_names_the_line() -> None:
    """A "### " item before any "## " section raises an error at that line."""
    with pytest.raises(ImportFormatError) as caught:
        parse_issue("# 标题\n\n### 1. 甲\n\n## 🆕 新版本\n\n### 1. 乙\n")
    assert caught.value.line == 3


def test_sample_round_trips_through_markdown(sample: ParsedIssue) -> None:
    """Rendering the sample as Markdown and parsing it back gives the same issue."""
    again = parse_issue(write_markdown(sample))
    assert without_lines(again) == without_lines(sample)


def test_extra_issues_round_trip_through_markdown(
    september: ParsedIssue, october: ParsedIssue
) -> None:
    """The CRLF and BOM issues survive the Markdown round trip too."""
    for issue in (september, october):
        assert without_lines(parse_issue(write_markdown(issue))) == without_lines(issue)


# ------------------------------------------------------------------ projects


def test_match_helm_in_release_title() -> None:
    """The name "Helm" is found in "Helm v4.0.0 发布"."""
    assert match_projects("Helm v4.0.0 发布", PROJECTS) == ["helm"]


def test_match_prefers_gateway_api_over_api() -> None:
    """The longer "Gateway API" wins over the "API" it contains."""
    assert match_projects("Gateway API 1.4:新功能", PROJECTS) == ["gateway-api"]


def test_match_kubernetes_next_to_chinese() -> None:
    """The name "Kubernetes" matches in "Kubernetes v1.35 抢先看"."""
    assert match_projects("Kubernetes v1.35 抢先看", PROJECTS) == ["kubernetes"]


def test_match_runc_is_whole_word() -> None:
    """The name "runc" matches in a runc title but not inside "runcmd"."""
    assert match_projects("runc v1.4.0 发布", PROJECTS) == ["runc"]
    assert match_projects("cloud-init 的 runcmd 用法", PROJECTS) == []


def test_match_alias_case_insensitively() -> None:
    """An alias such as "k8s" matches whatever its case."""
    assert match_projects("k8s 1.35 升级指南", PROJECTS) == ["kubernetes"]


def test_match_longest_name_podman_desktop() -> None:
    """A title naming "Podman Desktop" is not also reported as "Podman"."""
    assert match_projects("Podman Desktop 1.23 版本发布", PROJECTS) == ["podman-desktop"]


def test_match_several_projects_in_order() -> None:
    """Several projects are returned once each, in order of appearance."""
    title = "Ingress-NGINX 迁移到 Gateway API:Gateway API 维护者的视角"
    assert match_projects(title, PROJECTS) == ["ingress-nginx", "gateway-api"]


def test_match_comma_separated_aliases() -> None:
    """Names may be given as one comma-separated string, as stored on Project."""
    assert match_projects("ESO 正式发布 1.0.0", PROJECTS) == ["external-secrets"]
