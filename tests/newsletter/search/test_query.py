"""Web-search syntax: words, "phrases", -exclusions and OR; and how each
database is asked for them."""

from newsletter.search.backends.postgresql import tsquery, tsquery_positive
from newsletter.search.backends.sqlite import fts5_query
from newsletter.search.query import MAX_TERMS, Clause, Term, parse_query


def _terms(text: str) -> list[tuple[str, ...]]:
    return [term.tokens for term in parse_query(text).terms]


def test_a_chinese_query_without_spaces_is_split_into_terms():
    """网关API is the two terms 网关 and api, both required."""
    assert _terms("网关API") == [("网关",), ("api",)]


def test_punctuation_and_repeats_are_not_terms():
    """Only word-like, distinct terms count."""
    assert _terms("Helm, helm!!") == [("helm",)]


def test_a_hyphenated_name_and_a_version_are_phrases():
    """kube-proxy must appear as kube then proxy; 1.35 as 1 then 35."""
    assert _terms("kube-proxy 1.35") == [("kube", "proxy"), ("1", "35")]


def test_single_chinese_characters_join_their_neighbours():
    """jieba cuts 代码库 into 代码 / 库: searched as that phrase, never 库 alone."""
    assert _terms("简化代码库") == [("简化",), ("代码", "库")]
    assert _terms("后量子密码学") == [("后量子",), ("密码学",)]


def test_function_words_between_chinese_words_are_dropped():
    """的 carries no meaning of its own, unless it is the whole query."""
    assert _terms("服务网格的安全性") == [("服务网格",), ("安全性",)]
    assert _terms("的") == [("的",)]


def test_quotes_make_one_phrase_of_several_words():
    """Straight and Chinese quotes both work; the phrase keeps every word."""
    assert _terms('"gateway api"') == [("gateway", "api")]
    assert _terms("“服务 网格”") == [("服务", "网格")]


def test_a_minus_sign_excludes_a_word_or_a_phrase():
    """Excluded terms are not among the terms to find (or to mark)."""
    query = parse_query('helm -"helm 3" -plugin')
    assert query.terms == [Term(("helm",))]
    assert query.excluded == ((Term(("helm", "3")),), (Term(("plugin",)),))


def test_or_accepts_either_of_two_words():
    """OR (upper case) or | joins its neighbours into one clause; the rest stays required."""
    query = parse_query("helm OR linkerd 发布")
    assert query.clauses == (
        Clause(alternatives=((Term(("helm",)),), (Term(("linkerd",)),))),
        Clause(alternatives=((Term(("发布",)),),)),
    )
    assert parse_query("helm | linkerd").clauses == parse_query("helm OR linkerd").clauses
    assert len(parse_query("helm or linkerd").clauses) == 3


def test_a_query_of_exclusions_or_punctuation_only_is_empty():
    """Nothing to find: the query is falsy and matches nothing."""
    assert not parse_query("-helm")
    assert not parse_query("!!! …")
    assert not parse_query("OR")


def test_the_number_of_terms_is_bounded():
    """A long query keeps its first MAX_TERMS terms."""
    query = parse_query(" ".join(f"word{n}x" for n in range(20)))
    assert len(query.terms) == MAX_TERMS


def test_the_whole_query_is_a_phrase_when_it_has_several_terms_and_no_or():
    """Items holding the exact phrase rank first; OR queries have none."""
    assert parse_query("kubernetes 1.35").phrase == Term(("kubernetes", "1", "35"))
    assert parse_query("kubernetes").phrase is None
    assert parse_query("helm OR linkerd").phrase is None


def test_sqlite_gets_an_fts5_expression():
    """Phrases are quoted strings; AND, OR and NOT as FTS5 spells them."""
    query = parse_query('kube-proxy helm OR linkerd -"gateway api"')
    assert fts5_query(query) == ('("kube proxy" AND ("helm" OR "linkerd")) NOT ("gateway api")')


def test_postgresql_gets_a_tsquery_without_the_parser():
    """Lexemes are quoted. Matches are found by word pairs: a phrase of two words
    is its pair's lexeme, a longer one its pairs and then its positions; the
    documents are scored by phrases (<->), restricted to the title (A) when asked."""
    query = parse_query('kube-proxy helm OR linkerd -"gateway api"')
    assert tsquery(query) == "('kube proxy' & ('helm' | 'linkerd')) & !('gateway api')"
    assert tsquery(parse_query('"kubernetes 1.35"')) == (
        "('kubernetes 1' & '1 35' & ('kubernetes' <-> '1' <-> '35'))"
    )
    assert tsquery_positive(query) == "('kube' <-> 'proxy') & ('helm' | 'linkerd')"
    assert tsquery_positive(parse_query("kube-proxy"), weight="A") == "('kube':A <-> 'proxy':A)"
