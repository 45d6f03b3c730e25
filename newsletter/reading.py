"""What a reader is told about text before reading it: a plain-text lede, a first sentence
and the reading time.

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
# A sentence ends at Chinese full stops, or at Latin ones followed by a space
# (so "v1.4.0" and "k8s.io" go on).
_SENTENCE_END = re.compile(r"[。！？!?]|\.(?=\s)")
# A tag the cut left open at the end of a bounded substring ("<a hre").
_OPEN_TAG_AT_END = re.compile(r"<[^>]*$")


def plain_text(html: str | None, length: int | None = None) -> str:
    """Return `html` as one line of plain text, cut at `length` characters with "…"."""
    # Entities are decoded: the result is text, which templates escape again.
    text = " ".join(html_entities.unescape(strip_tags(html or "")).split())
    if length is not None:
        text = Truncator(text).chars(length, truncate="…")
    return text


def first_sentence(html: str | None, length: int) -> str:
    """Return the first sentence of the first paragraph of `html` as plain text, at most
    `length` characters (cut with "…").

    `html` may be a bounded substring of stored HTML: a tag cut open at its end
    is dropped. Text before the first paragraph (a heading such as "简介") is
    skipped when there is a paragraph.
    """
    html = _OPEN_TAG_AT_END.sub("", html or "")
    start = html.find("<p>")
    if start >= 0:
        end = html.find("</p>", start)
        html = html[start : end if end >= 0 else None]
    text = plain_text(html)
    found = _SENTENCE_END.search(text)
    if found:
        text = text[: found.end()]
    return Truncator(text).chars(length, truncate="…")


def reading_minutes(*htmls: str) -> int:
    """Return the whole minutes it takes to read `htmls`, at least 1."""
    text = " ".join(strip_tags(html) for html in htmls if html)
    characters = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(text))
    minutes = characters / CJK_CHARACTERS_PER_MINUTE + words / LATIN_WORDS_PER_MINUTE
    return max(1, math.ceil(minutes))
