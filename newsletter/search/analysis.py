"""Text into search tokens, the same way for items and for queries.

Text is NFKC-normalised (full-width letters and digits become ASCII) and
lower-cased. Runs of Chinese characters are segmented with jieba; other
letters and digits form words, split where letters meet digits and at inner
punctuation, so "kube-proxy" is `kube proxy`, "v1.35" is `v 1 35` and "K8s" is
`k 8 s`: a query for "1.35" then finds "v1.35" as the phrase `1 35`.

Every token is made of letters and digits only: SQLite's FTS5 (unicode61)
and the tsvector built on PostgreSQL read each one as exactly one word, which
is what makes the two indexes agree.

jieba's search mode also yields the dictionary words inside a long word
("安全性" holds "安全"); they are kept apart from the main tokens (the
`*_parts` streams of the index), so that phrases stay phrases in the main
stream while a query for the shorter word still finds the longer one.
"""

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A run of Chinese characters, or a word of other letters and digits whose
# pieces are joined by inner punctuation ("kube-proxy", "v1.35", "node.js").
_CHUNK = re.compile(
    rf"(?P<han>[{HAN}]+)|(?P<word>[^\W_{HAN}]+(?:[-._+'’/][^\W_{HAN}]+)*)", re.UNICODE
)
_WORD_PIECE = re.compile(rf"\d+|[^\W\d_{HAN}]+", re.UNICODE)
# Longer than any word a reader would search for: a run of letters this long
# is data (a key, an encoded blob), and PostgreSQL refuses a lexeme over
# 2,047 bytes, so a word holding such a token is left out of the index.
MAX_TOKEN_LENGTH = 200
DOMAIN_WORDS = Path(__file__).with_name("domain_words.txt")

_segmenter: jieba.Tokenizer | None = None
_segmenter_lock = threading.Lock()


def segmenter() -> jieba.Tokenizer:
    """Return the jieba tokenizer of search: the default dictionary plus the domain words.

    A tokenizer of its own, so the domain words change nothing for other users
    of jieba. Loaded once, on first use (about a second).
    """
    global _segmenter
    if _segmenter is None:
        with _segmenter_lock:
            if _segmenter is None:
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for line in DOMAIN_WORDS.read_text(encoding="utf-8").splitlines():
                    word = line.split("#", 1)[0].strip()
                    if word:
                        tokenizer.add_word(word, tokenizer.suggest_freq(word, tune=False))
                _segmenter = tokenizer
    return _segmenter


def normalize(text: str) -> str:
    """Return `text` NFKC-normalised and lower-cased, as tokens are compared."""
    return unicodedata.normalize("NFKC", text).lower()


@dataclass(frozen=True)
class Word:
    """One word of a text: its tokens (several for "kube-proxy") and, for Chinese,
    the shorter dictionary words inside it (`parts`).

    `run` numbers the run of Chinese characters (or the Latin word) the word
    came from: words of one run were written without a space between them.
    """

    tokens: tuple[str, ...]
    han: bool
    run: int
    parts: tuple[str, ...] = field(default=())


def _subwords(word: str, frequencies: dict[str, int]) -> tuple[str, ...]:
    # What jieba's cut_for_search adds: the two- and three-character
    # dictionary words inside a longer word.
    found = []
    for size in (2, 3):
        if len(word) > size:
            for start in range(len(word) - size + 1):
                gram = word[start : start + size]
                if frequencies.get(gram):
                    found.append(gram)
    return tuple(found)


def words(text: str) -> list[Word]:
    """Return the words of `text` in order (normalised; punctuation and emoji
    dropped, and words with a token over MAX_TOKEN_LENGTH left out)."""
    tokenizer = segmenter()
    found: list[Word] = []
    for run, chunk in enumerate(_CHUNK.finditer(normalize(text))):
        if chunk["han"]:
            for piece in tokenizer.cut(chunk["han"]):
                if len(piece) <= MAX_TOKEN_LENGTH:
                    parts = _subwords(piece, tokenizer.FREQ)
                    found.append(Word(tokens=(piece,), han=True, run=run, parts=parts))
        else:
            tokens = tuple(_WORD_PIECE.findall(chunk["word"]))
            if max(map(len, tokens), default=0) <= MAX_TOKEN_LENGTH:
                found.append(Word(tokens=tokens, han=False, run=run))
    return found


@dataclass(frozen=True)
class Streams:
    """A field as the index stores it: main tokens, and the words inside them."""

    tokens: list[str]
    parts: list[str]

    @property
    def main(self) -> str:
        return " ".join(self.tokens)

    @property
    def inner(self) -> str:
        return " ".join(self.parts)


def streams(text: str) -> Streams:
    """Return the two token streams the index keeps for one field of an item."""
    tokens: list[str] = []
    parts: list[str] = []
    for word in words(text):
        tokens.extend(word.tokens)
        parts.extend(word.parts)
    return Streams(tokens=tokens, parts=parts)


def latin_words(tokens: list[str]) -> set[str]:
    """Return the Latin words among `tokens` worth a spelling hint (three letters or more)."""
    return {token for token in tokens if len(token) >= 3 and token.isascii() and token.isalpha()}
