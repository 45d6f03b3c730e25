from pathlib import Path

import pytest

from newsletter.markdown import render_markdown
from tests.html_safety import live_markup

SECURITY_DIR = Path(__file__).resolve().parents[1] / "data" / "security"


def _vectors() -> list[str]:
    lines = []
    for name in ("markdown-xss.txt", "xss-rsnake.txt"):
        lines += [line for line in (SECURITY_DIR / name).read_text().splitlines() if line.strip()]
    return lines


def test_a_script_tag_comes_out_as_text():
    """Raw HTML is shown, not run."""
    html = render_markdown("<script>alert(1)</script>")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_a_javascript_link_is_not_a_link():
    """A javascript: URL never becomes an href."""
    html = render_markdown("[click](javascript:alert(1)) [x](JaVaScRiPt:alert(1))")
    assert "href" not in html


def test_an_onerror_attribute_cannot_be_smuggled_through_an_image():
    """Image alt text with quotes stays inside the alt attribute."""
    html = render_markdown('![x" onerror="alert(1)](https://example.com/a.png)')
    assert live_markup(html) == []
    assert 'alt="x&quot; onerror=&quot;alert(1)"' in html


@pytest.mark.parametrize("vector", _vectors())
def test_every_known_xss_vector_renders_inert(vector):
    """No vector from the shared security lists survives as live markup."""
    html = render_markdown(vector)
    assert live_markup(html) == [], html


def test_external_links_get_noopener_nofollow_and_internal_ones_do_not():
    """Only links that leave the site carry rel=noopener nofollow."""
    html = render_markdown("[out](https://helm.sh/) [in](/projects/helm/)")
    assert '<a href="https://helm.sh/" rel="noopener nofollow">out</a>' in html
    assert '<a href="/projects/helm/">in</a>' in html


def test_tables_render():
    """GitHub-style tables are part of the dialect."""
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<table>" in html
    assert "<td>1</td>" in html


def test_headings_get_prefixed_anchors_and_start_at_h4():
    """Body headings sit under the item title and get page-unique ids."""
    html = render_markdown("### 新功能\n\ntext", anchor_prefix="item-7")
    assert '<h4 id="item-7-新功能">新功能</h4>' in html


def test_images_load_lazily():
    """Images in bodies are marked for lazy loading."""
    html = render_markdown("![diagram](https://example.com/a.png)")
    assert 'loading="lazy"' in html


def test_empty_markdown_renders_nothing():
    """Blank input gives an empty string, not an empty paragraph."""
    assert render_markdown("  \n") == ""
