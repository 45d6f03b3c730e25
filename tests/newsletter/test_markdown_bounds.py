"""The Markdown pipeline on any input: no error, heading anchors in linear work."""

import re
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter import markdown
from newsletter.markdown import render_markdown

MARKDOWN_PIECES = st.sampled_from(
    ["# ", "## ", "#", "\n", "\n\n", "- ", "1. ", "> ", "|", "|-|", "`", "```\n", "*", "_",
     "[", "]", "(", ")", "!", "figure:", "9" * 25, "<", "&", "标题", "a-1", " ", "\t", "\x00",
     "\u202e", "\ud7ff", "http://x.example/"]
)  # fmt: skip
MARKDOWNISH = st.lists(MARKDOWN_PIECES, max_size=80).map("".join) | st.text(max_size=300)


def _count_candidates(text: str) -> tuple[int, int]:
    """Render `text`; return (headings rendered, anchor ids tried)."""
    with mock.patch.object(
        markdown, "_anchor_candidate", wraps=markdown._anchor_candidate
    ) as candidate:
        html = render_markdown(text)
    return len(re.findall(r"<h[1-6] id=", html)), candidate.call_count


def test_many_headings_with_one_title_cost_one_try_each():
    """20,000 headings took 17 s: every heading tried every earlier suffix again."""
    headings, tries = _count_candidates("# 新功能\n\n" * 2000)
    assert headings == 2000
    assert tries == 2000


def test_typed_suffixes_are_skipped_once():
    """Headings that look like generated ids still cost at most two tries per heading."""
    text = "".join(f"# a-{n}\n\n# a\n\n" for n in range(1, 1001))
    headings, tries = _count_candidates(text)
    assert headings == 2000
    assert tries <= 2 * headings


def test_duplicate_headings_keep_their_numbered_ids():
    """The ids are the ones the anchors plugin gave: slug, slug-1, slug-2, skipping typed ones."""
    html = render_markdown("# a\n\n# a-1\n\n# a\n\n# a\n", anchor_prefix="item-3")
    assert re.findall(r'id="([^"]+)"', html) == [
        "item-3-a",
        "item-3-a-1",
        "item-3-a-2",
        "item-3-a-3",
    ]


def test_a_wide_table_with_short_rows_gets_a_bounded_number_of_empty_cells():
    """1,500 characters of table made 65,536 empty cells (660 kB of HTML, 2 s)."""
    columns = 181
    table = "|" + "a|" * columns + "\n|" + "-|" * columns + "\n" + "x\n" * 362
    html = render_markdown(table)
    assert html.count("<td></td>") <= markdown.MAX_EMPTY_TABLE_CELLS
    assert len(html) < 40 * len(table)


def test_a_table_with_a_few_missing_cells_is_still_filled():
    """Ordinary tables keep their shape."""
    html = render_markdown("|a|b|c|\n|-|-|-|\n|1|\n|2|3|\n")
    assert html.count("<td></td>") == 3
    assert html.count("<tr>") == 3


@given(MARKDOWNISH)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_renders_and_anchor_work_is_linear(text):
    """No input raises; ids are unique and tried at most twice per heading."""
    headings, tries = _count_candidates(text)
    assert tries <= 2 * headings
    ids = re.findall(r'<h[1-6] id="([^"]*)"', render_markdown(text))
    assert len(ids) == len(set(ids))
