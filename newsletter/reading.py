"""What a reader is told about text before reading it: a plain-text lede and the reading time.

Pure functions over stored HTML that a page has already loaded: no query.
"""

import html as html_entities
import math
import re

from django.utils.html import strip_tags
from django.utils.text import Truncator

# Reading speeds for technical text: Chinese is read by characters, Latin text
# by words. 400 characters and 200 words a minute are the usual middle of the
# published ranges (300–500 and 200–250) for non-fiction on a screen.
CJK_CHARACTERS_PER_MINUTE = 400
LATIN_WORDS_PER_MINUTE = 200

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.\-]*")


def plain_text(html: str | None, length: int | None = None) -> str:
    """Return `html` as one line of plain text, cut at `length` characters with "…"."""
    # Entities are decoded: the result is text, which templates escape again.
    text = " ".join(html_entities.unescape(strip_tags(html or "")).split())
    if length is not None:
        text = Truncator(text).chars(length, truncate="…")
    return text


def reading_minutes(*htmls: str) -> int:
    """Return the whole minutes it takes to read `htmls`, at least 1."""
    text = " ".join(strip_tags(html) for html in htmls if html)
    characters = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(text))
    minutes = characters / CJK_CHARACTERS_PER_MINUTE + words / LATIN_WORDS_PER_MINUTE
    return max(1, math.ceil(minutes))
