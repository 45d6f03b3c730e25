"""The importer's parser on any text: an issue or ImportFormatError, never another error."""

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsletter.formats.document import ImportFormatError
from newsletter.formats.parsing import parse_issue

LINES = st.sampled_from(
    [
        "🆕 专题一 产品新功能/新版本", "🤔 专题六 有意思的事与 Meme", "## 🆕 专题一 新功能",
        "## 专题二", "# 云原生月刊", "1. Gateway API 1.4:新功能", "2. Linkerd 2.19",
        "3.", "### 1. 标题", "### 2. 标题", "简介", "- 列表", "> 🎤 点评", "🎤 点评",
        "拓展阅读", "拓展阅读:Helm 4 https://helm.sh", "- [标题](https://example.com)",
        "https://example.com/a", "```", "~~~", "    code", "", " ", "\t", "\x00", "\r",
        "\u202e", "![图](figure:99999999999999999999999)", "| a | b |", "|-|-|",
        "99999999999999999999. 巨大编号", "专题九十九", "\ufeff", "<script>",
    ]
)  # fmt: skip
ISSUE_TEXTS = st.lists(LINES, max_size=60).map("\n".join) | st.text(max_size=400)


def _parsed_size(parsed) -> int:
    size = len(parsed.title) + len(parsed.intro)
    for item in parsed.items:
        size += len(item.title) + len(item.original_title) + len(item.source_url)
        size += len(item.body) + len(item.remark)
        size += sum(len(link.title) + len(link.url) for link in item.further_reading)
    return size


@given(ISSUE_TEXTS)
@example("1. 标题")
@example("🆕 专题一 新功能\n99999999999999999999. 巨大编号")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_parses_or_raises_only_the_documented_error(text):
    """The documented error carries a line inside the text; the parse is no bigger than the text."""
    try:
        parsed = parse_issue(text)
    except ImportFormatError as error:
        assert 1 <= error.line <= max(1, text.count("\n") + text.count("\r") + 1)
        assert error.message
        return
    # Nothing is invented: what the parser keeps is at most the text, plus
    # the line breaks and list markers it puts back into bodies.
    assert _parsed_size(parsed) <= 3 * len(text) + 10
    assert parsed.sections
