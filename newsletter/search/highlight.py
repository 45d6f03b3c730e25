"""Marking the query's terms in a title and choosing the snippet of a result.

A mark covers a whole term of the query, never a piece of one: "可观测性" is
marked as one word wherever it appears, and no lone 可 or 性 is marked unless
the query is that one character. A Latin term must not touch other letters
("api" is not marked inside "rapid"), and the tokens of a term may be joined
by the punctuation the analysis removed ("1.35" marks "1.35" and "v1.35").

The snippet is the passage (a sentence or line of the body or remark) with
the most of the query's terms, cut to about SNIPPET_LENGTH characters. The
index keeps each item's text split into passages, one a line
(`passage_lines`), so that a page of results does not split twenty texts
again for every query.
"""

import re
from html import escape
from itertools import pairwise

from django.utils.safestring import SafeString, mark_safe

from newsletter.search.analysis import HAN
from newsletter.search.query import Term

SNIPPET_LENGTH = 120
# Shorter texts (a title, a snippet) are searched with one pattern, ignoring
# case: below this length, setting up `Marker`'s search costs more than it saves.
SHORT_TEXT = 300
_LETTER = rf"[^\W\d_{HAN}]"
# What the analysis drops between the tokens of one term.
_JOINER = r"[\s\-._/:+'’]"
# A passage: from a character that is not a space to the end of its sentence
# or line (the breaks str.splitlines knows), or one sentence end on its own.
_END = "。！？；!?;"
_LINE_BREAK = r"\n\r\v\f\x1c-\x1e\x85\u2028\u2029"
_PASSAGE = re.compile(rf"[^\s{_END}][^{_LINE_BREAK}{_END}]*[{_END}]?|[{_END}]")


def _kind(character: str) -> str:
    if character.isdigit():
        return "digit"
    if re.match(_LETTER, character):
        return "letter"
    return "han"


def term_pattern(term: Term) -> str:
    """Return a regular expression finding `term` in text (lower-cased where
    the term has letters with a case, see `Marker`)."""
    tokens = term.tokens
    first, last = _kind(tokens[0][0]), _kind(tokens[-1][-1])
    # "No letter (digit) before the term" is checked once its first token is
    # read, as "none before that token": a pattern opening with a look-behind
    # runs it at every position of the text, one opening with the token is
    # searched for as a string (several times faster).
    before = {"digit": r"\d", "letter": _LETTER}.get(first)
    left = f"(?<!{before}.{{{len(tokens[0])}}})" if before else ""
    right = {"digit": r"(?!\d)", "letter": rf"(?!{_LETTER})"}.get(last, "")
    pieces = [re.escape(tokens[0]), left]
    for previous, token in pairwise(tokens):
        kind = _kind(previous[-1])
        # Two letters or two digits were two tokens only if something stood
        # between them ("1.35" is not "135"); a letter meets a digit freely.
        same = kind == _kind(token[0]) and kind != "han"
        pieces.append(f"{_JOINER}+" if same else f"{_JOINER}*")
        pieces.append(re.escape(token))
    return "".join(pieces) + right


class Marker:
    """Finds the query's terms in original text, case ignored, the longest first.

    What one pattern of all the terms, ignoring case (`pattern`), finds is
    what is marked. Python's re tries such a pattern at every position of a
    text, where a single term matched as written is searched for as a
    string, several times faster. So a long text is lower-cased once (the
    tokens are lower-case) when the terms have letters with a case, and each
    term is searched for on its own. Where no two terms' matches overlap,
    those are the marks; where some do, the terms are searched in step: at
    the first place any term is found, the longest found there wins, as the
    alternation would choose.
    """

    def __init__(self, terms: list[Term]) -> None:
        ordered = sorted(set(terms), key=lambda term: sum(map(len, term.tokens)), reverse=True)
        patterns = [term_pattern(term) for term in ordered]
        self.pattern = re.compile("|".join(patterns), re.IGNORECASE)
        # Each term on its own, matched as written (on lower-cased text).
        self.terms = [re.compile(pattern) for pattern in patterns]
        self.cased = any(token != token.upper() for term in ordered for token in term.tokens)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Return (start, end) of each term found in `text`, in order, none overlapping."""
        # A short text is read sooner than it is lower-cased.
        if len(text) < SHORT_TEXT:
            return self._alternation(text)
        lowered = text.lower() if self.cased else text
        if len(lowered) != len(text):
            # Lower-casing lengthened a letter (İ): positions would not agree.
            return self._alternation(text)
        spans = [match.span() for term in self.terms for match in term.finditer(lowered)]
        if len(self.terms) == 1:
            return spans
        # Each term's matches found on their own: when none overlaps another,
        # they are the alternation's (it could not have skipped any of them,
        # and it finds nothing they miss), and are used in order. Otherwise
        # the terms are searched in step.
        spans.sort()
        if all(end <= start for (_, end), (start, _) in pairwise(spans)):
            return spans
        return self._merged(lowered)

    def _alternation(self, text: str) -> list[tuple[int, int]]:
        return [match.span() for match in self.pattern.finditer(text)]

    def _merged(self, text: str) -> list[tuple[int, int]]:
        # Each term's next match from the current position; the first of them
        # in the text wins, and on a tie the longest term (listed first),
        # whose match there is the alternation's.
        searches = [term.search for term in self.terms]
        found = [search(text) for search in searches]
        spans: list[tuple[int, int]] = []
        position = 0
        while True:
            first = None
            for number, term in enumerate(found):
                if term is not None and term.start() < position:
                    term = found[number] = searches[number](text, position)
                if term is not None and (first is None or term.start() < first.start()):
                    first = term
            if first is None:
                return spans
            spans.append(first.span())
            position = first.end()


def terms_marker(terms: list[Term]) -> Marker | None:
    """Return the Marker of `terms`; None without terms."""
    return Marker(terms) if terms else None


def highlight(text: str, marker: Marker | None) -> SafeString:
    """Return `text` escaped, with each term `marker` finds in <mark>."""
    # The standard library's escape, as Django's is, without its check for
    # lazy strings: a page of results escapes a few hundred pieces.
    if marker is None:
        return mark_safe(escape(text))  # noqa: S308
    pieces, last = [], 0
    for start, end in marker.spans(text):
        pieces.append(escape(text[last:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    pieces.append(escape(text[last:]))
    # Every piece of text above went through escape().
    return mark_safe("".join(pieces))  # noqa: S308


def passage_lines(text: str) -> str:
    """Return the passages of `text`, stripped, one a line: the form `snippet` reads."""
    return "\n".join(match.group().rstrip() for match in _PASSAGE.finditer(text))


def _passages_found(lines: str, passages: list[str], marker: Marker) -> list[tuple[int, int, int]]:
    """Return (passage index, distinct terms, matches) of each passage of
    `lines` where `marker` finds something, in order."""
    found: list[tuple[int, int, int]] = []
    index, counted = 0, 0
    current, terms, count = -1, set(), 0
    for start, end in marker.spans(lines):
        term = lines[start:end]
        if "\n" in term:
            # A term broken over two lines is in neither; only a search
            # passage by passage leaves it out and finds what it hid.
            return [
                (number, len({passage[s:e].lower() for s, e in spans}), len(spans))
                for number, passage in enumerate(passages)
                if (spans := marker.spans(passage))
            ]
        # The passage is the number of line breaks before the match; the
        # matches come in order, so each stretch of text is counted once.
        index += lines.count("\n", counted, start)
        counted = start
        if index != current:
            if count:
                found.append((current, len(terms), count))
            current, terms, count = index, set(), 0
        terms.add(term.lower())
        count += 1
    if count:
        found.append((current, len(terms), count))
    return found


def _best_passage(lines: str, passages: list[str], marker: Marker) -> int:
    """Return the index of the passage of `lines` with the most distinct terms,
    then the most matches; the first on a tie, the first passage without any."""
    best, best_score = 0, (0, 0)
    for index, distinct, count in _passages_found(lines, passages, marker):
        if (distinct, count) > best_score:
            best, best_score = index, (distinct, count)
    return best


def snippet(lines: str, marker: Marker | None) -> SafeString:
    """Return the best passage of `lines` for `marker`'s terms, marked, about SNIPPET_LENGTH long.

    `lines` holds one passage a line, as `passage_lines` writes them; the
    query's terms are found once over all of it rather than passage by passage.

    The passage with the most distinct terms wins (then the most matches,
    then the earliest). A short one is followed by the next passages; a long
    one is cut around its first match, with "…" where text was left out.
    """
    if not lines:
        return mark_safe("")
    passages = lines.split("\n")
    best = 0
    if marker is not None:
        best = _best_passage(lines, passages, marker)
    excerpt, end = passages[best], best
    while end + 1 < len(passages) and len(excerpt) + len(passages[end + 1]) < SNIPPET_LENGTH:
        end += 1
        excerpt = f"{excerpt} {passages[end]}"
    start, more_after = 0, end + 1 < len(passages)
    if len(excerpt) > SNIPPET_LENGTH:
        spans = marker.spans(excerpt) if marker is not None else []
        start = max(0, spans[0][0] - SNIPPET_LENGTH // 4) if spans else 0
        more_after = more_after or start + SNIPPET_LENGTH < len(excerpt)
        excerpt = excerpt[start : start + SNIPPET_LENGTH]
    prefix = "…" if best or start else ""
    suffix = "…" if more_after else ""
    return highlight(f"{prefix}{excerpt}{suffix}", marker)
