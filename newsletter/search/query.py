"""What a reader types into the search box, read as web-search syntax.

- Words must all match (AND). Words are analysed like the index
  (`analysis`): "网关API" is the two terms 网关 and api.
- `"quoted words"` (also “…” and 「…」) must appear together, in order.
- `-word` or `-"a phrase"` excludes items that contain it.
- `OR` (upper case) or `|` between two words accepts either.

A term is a phrase when its analysis gives several tokens: "kube-proxy",
"1.35", and a Chinese word jieba cuts into single characters ("可观测性"
without the domain dictionary would be 可 / 观测 / 性) all match as phrases,
so a highlight never falls on one character of them. Single-character
function words (的, 和, 与 …) between Chinese words are dropped unless they
are the whole query.
"""

import re
from dataclasses import dataclass

from newsletter.search.analysis import Word, words

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
# Function words that carry no meaning of their own in a query.
STOP_CHARACTERS = frozenset("的了和与及或是在也都就而把被对之其这那并等")
_PIECE = re.compile(
    r"""(?P<negated>-)?(?:["“”「」『』](?P<phrase>[^"“”「」『』]*)["“”「」『』]?|(?P<word>[^\s"“”「」『』]+))"""
)
_OR = frozenset({"OR", "|"})


@dataclass(frozen=True)
class Term:
    """Tokens that must appear together, in order (one token: a single word)."""

    tokens: tuple[str, ...]


# Terms that must all match.
Conjunction = tuple[Term, ...]


@dataclass(frozen=True)
class Clause:
    """One requirement of the query: any of its alternatives."""

    alternatives: tuple[Conjunction, ...]


@dataclass(frozen=True)
class Query:
    """A parsed query: every clause must match and no excluded conjunction may."""

    text: str
    clauses: tuple[Clause, ...] = ()
    excluded: tuple[Conjunction, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.clauses)

    @property
    def terms(self) -> list[Term]:
        """The positive terms, in the order typed: what highlights mark."""
        return [
            term
            for clause in self.clauses
            for conjunction in clause.alternatives
            for term in conjunction
        ]

    @property
    def phrase(self) -> Term | None:
        """The whole query as one phrase, when it has several terms and no OR.

        An item holding it exactly ranks above one that has the terms apart.
        """
        if any(len(clause.alternatives) > 1 for clause in self.clauses) or len(self.terms) < 2:
            return None
        return Term(tokens=tuple(token for term in self.terms for token in term.tokens))


def _glued(run: list[Word]) -> list[Term]:
    """Return the terms of one run of Chinese words written without spaces.

    A single character is no term of its own: it joins its neighbours in a
    phrase ("抢先" + "看" is the phrase 抢先看). Function words split the run.
    """
    if len(run) == 1:
        return [Term(tokens=run[0].tokens)]
    terms: list[list[str]] = []
    pending = False  # the last group ends in a single character and takes the next word
    for word in run:
        token = word.tokens[0]
        if len(token) == 1 and token in STOP_CHARACTERS:
            pending = False
            terms.append([])
            continue
        if len(token) == 1 and terms and terms[-1]:
            terms[-1].append(token)
            pending = True
        elif pending:
            terms[-1].append(token)
            pending = False
        else:
            terms.append([token])
            pending = len(token) == 1
    groups = [tokens for tokens in terms if tokens]
    if len(groups) > 1:
        # A character left alone between function words says nothing by itself.
        groups = [tokens for tokens in groups if len(tokens) > 1 or len(tokens[0]) > 1]
    return [Term(tokens=tuple(tokens)) for tokens in groups]


def conjunction_of(text: str) -> Conjunction:
    """Return the terms of one word as typed (no spaces in it), all required."""
    terms: list[Term] = []
    run: list[Word] = []
    for word in [*words(text), None]:
        if word is not None and word.han and (not run or run[-1].run == word.run):
            run.append(word)
            continue
        if run:
            terms.extend(_glued(run))
            run = []
        if word is None:
            break
        if word.han:
            run.append(word)
        elif word.tokens:
            terms.append(Term(tokens=word.tokens))
    unique: list[Term] = []
    for term in terms:
        if term not in unique:
            unique.append(term)
    return tuple(unique)


def phrase_of(text: str) -> Conjunction:
    """Return the quoted `text` as one phrase (no term when it holds no word)."""
    tokens = tuple(token for word in words(text) for token in word.tokens)
    return (Term(tokens=tokens),) if tokens else ()


def parse_query(text: str) -> Query:
    """Return `text` (at most MAX_QUERY_LENGTH characters) parsed into a Query.

    At most MAX_TERMS terms are kept, the first ones typed. A query with
    exclusions only, or no word at all, is empty (falsy): it matches nothing.
    """
    text = text.strip()[:MAX_QUERY_LENGTH]
    # (negated, conjunction) pieces, with None marking an OR between two of them.
    pieces: list[tuple[bool, Conjunction] | None] = []
    budget = MAX_TERMS
    for match in _PIECE.finditer(text):
        if match["word"] in _OR and not match["negated"]:
            pieces.append(None)
            continue
        if match["phrase"] is not None:
            conjunction = phrase_of(match["phrase"])
        else:
            conjunction = conjunction_of(match["word"])
        conjunction = conjunction[:budget]
        if conjunction:
            budget -= len(conjunction)
            pieces.append((bool(match["negated"]), conjunction))
        if budget <= 0:
            break
    clauses: list[list[Conjunction]] = []
    excluded: list[Conjunction] = []
    joined = False  # an OR came right after the last positive piece
    for piece in pieces:
        if piece is None:
            joined = bool(clauses)
            continue
        negated, conjunction = piece
        if negated:
            if conjunction not in excluded:
                excluded.append(conjunction)
        elif joined:
            clauses[-1].append(conjunction)
        else:
            clauses.append([conjunction])
        joined = False
    unique: list[Clause] = []
    for alternatives in clauses:
        clause = Clause(alternatives=tuple(dict.fromkeys(alternatives)))
        if clause not in unique:
            unique.append(clause)
    if not unique:
        return Query(text=text)
    return Query(text=text, clauses=tuple(unique), excluded=tuple(excluded))
