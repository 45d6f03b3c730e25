"""Marks cover whole query terms, and the snippet is the best-matching passage."""

from hypothesis import given, settings
from hypothesis import strategies as st

from newsletter.search.highlight import (
    SHORT_TEXT,
    SNIPPET_LENGTH,
    highlight,
    passage_lines,
    snippet,
    terms_marker,
)
from newsletter.search.query import parse_query


def _marked(text: str, query: str) -> str:
    return str(highlight(text, terms_marker(list(parse_query(query).terms))))


def _snippet(text: str, query: str) -> str:
    # The index keeps the text as passage_lines writes it.
    return str(snippet(passage_lines(text), terms_marker(list(parse_query(query).terms))))


def test_a_chinese_term_is_marked_whole_and_its_characters_never_alone():
    """可观测性 is marked where it stands; the 可 of 可以 and the 性 of 性能 are not."""
    marked = _marked("可观测性平台可以提升性能", "可观测性")
    assert marked == "<mark>可观测性</mark>平台可以提升性能"


def test_a_single_character_query_marks_that_character():
    """Only when the reader searched one character is one character marked."""
    assert _marked("库和代码库", "库") == "<mark>库</mark>和代码<mark>库</mark>"


def test_a_latin_term_is_not_marked_inside_another_word():
    """api is marked as a word, not inside rapid or apis."""
    assert _marked("Rapid API apis", "api") == "Rapid <mark>API</mark> apis"
    assert (
        _marked("API first, then (api)", "api") == "<mark>API</mark> first, then (<mark>api</mark>)"
    )


def test_a_version_and_a_hyphenated_name_are_marked_with_their_punctuation():
    """1.35 marks 1.35 in v1.35 but not 135; kube-proxy marks the whole name."""
    assert _marked("v1.35 not 135", "1.35") == "v<mark>1.35</mark> not 135"
    assert _marked("1.35 not 21.35", "1.35") == "<mark>1.35</mark> not 21.35"
    assert _marked("replace kube-proxy now", "kube-proxy") == (
        "replace <mark>kube-proxy</mark> now"
    )


def test_the_longest_term_wins_where_terms_overlap():
    """Gateway API as a phrase is one mark, not two pieces."""
    assert _marked("the Gateway API spec", '"Gateway API"') == "the <mark>Gateway API</mark> spec"


def test_text_is_escaped_around_and_inside_marks():
    """Item text is escaped before it is marked."""
    assert _marked("<b>Helm</b>", "helm") == "&lt;b&gt;<mark>Helm</mark>&lt;/b&gt;"


def test_the_snippet_is_the_passage_with_the_most_query_terms():
    """Of three sentences, the one naming both terms is chosen, marked, after an ellipsis."""
    body = "第一句讲 Helm。第二句讲 Helm 与 Argo CD 的集成。第三句讲别的。"
    result = _snippet(body, "helm argo")
    assert result.startswith("…第二句讲 <mark>Helm</mark> 与 <mark>Argo</mark>")


def test_a_long_passage_is_cut_around_its_first_match():
    """A passage longer than the snippet is cut to about SNIPPET_LENGTH around the term."""
    body = "铺垫" * 200 + "Cilium" + "收尾" * 200
    result = _snippet(body, "cilium")
    assert "<mark>Cilium</mark>" in result
    visible = result.replace("<mark>", "").replace("</mark>", "")
    assert visible.startswith("…") and visible.endswith("…")
    assert len(visible) <= SNIPPET_LENGTH + 2


def test_in_a_long_body_the_passage_with_most_distinct_terms_wins_over_more_matches():
    """Distinct terms count before matches: a late sentence naming both terms
    beats an early line repeating one, however long the body around them."""
    body = "\n".join(
        ["Helm Helm Helm, again Helm."]
        + [f"Filler line {number} about nothing in particular." for number in range(60)]
        + ["Helm charts for Argo CD.", "More filler after it."]
    )
    result = _snippet(body, "helm argo")
    assert result.startswith("…<mark>Helm</mark> charts for <mark>Argo</mark> CD.")


def test_among_passages_with_as_many_distinct_terms_the_one_with_most_matches_wins():
    """One term: the line naming it three times beats the earlier and later ones."""
    body = "Argo once.\nArgo and Argo and Argo, again.\nArgo twice, Argo."
    assert _snippet(body, "argo").startswith(
        "…<mark>Argo</mark> and <mark>Argo</mark> and <mark>Argo</mark>, again."
    )


def test_on_a_tie_the_earliest_passage_wins_and_is_followed_by_the_next():
    """Two sentences that name the terms alike: the first one, with what follows it."""
    body = "Intro。Cilium 与 eBPF。中间。Cilium 与 eBPF 再次。"
    assert _snippet(body, "cilium ebpf") == (
        "…<mark>Cilium</mark> 与 <mark>eBPF</mark>。 中间。 "
        "<mark>Cilium</mark> 与 <mark>eBPF</mark> 再次。"
    )


def test_a_term_broken_over_two_lines_counts_in_neither_passage():
    """kube-proxy split by a line break is not found in either line; the line
    that names proxy on its own is chosen."""
    body = "first kube\nproxy starts here\nunrelated line\nthe proxy again"
    result = _snippet(body, "kube-proxy proxy")
    assert result.startswith("…<mark>proxy</mark> starts here")


def test_the_index_keeps_one_passage_a_line():
    """Sentences and lines become lines, stripped; a sentence end stays with its sentence."""
    text = "  第一句。第二句！  Helm 4 is out; try it\n\n  next line  \n。"
    assert passage_lines(text).split("\n") == [
        "第一句。",
        "第二句！",
        "Helm 4 is out;",
        "try it",
        "next line",
        "。",
    ]


# Texts and queries built from the characters that decide where a term
# starts and ends: letters of both cases, digits, the joiners, Han, a line
# break, and İ, which lower-cases to two characters.
_TEXT = st.text(alphabet="aAbBkK1357 -._/\n云原生网关İß", max_size=60)
_QUERY_WORD = st.text(alphabet="abAkK135-.云原生网关", min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, words=st.lists(_QUERY_WORD, min_size=1, max_size=3))
def test_the_marker_finds_what_one_pattern_of_all_its_terms_ignoring_case_finds(text, words):
    """Searching the lower-cased text term by term finds the same marks, in the
    same places, as the alternation of the terms ignoring case."""
    marker = terms_marker(list(parse_query(" ".join(words)).terms))
    if marker is None:
        return
    # Repeated past SHORT_TEXT, the text is searched term by term.
    for repeated in (text, text * (SHORT_TEXT // max(len(text), 1) + 1)):
        expected = [match.span() for match in marker.pattern.finditer(repeated)]
        assert marker.spans(repeated) == expected


def test_in_a_long_text_a_term_inside_a_longer_one_is_not_marked_apart():
    """Searched term by term, "api" is also found inside "Gateway API": there the
    longer term is the one mark, as in a short text."""
    text = "The Gateway API spec names an API. " * (SHORT_TEXT // 10)
    expected = "The <mark>Gateway API</mark> spec names an <mark>API</mark>. "
    assert _marked(text, '"gateway api" api') == expected * (SHORT_TEXT // 10)


def test_a_letter_that_lower_cases_longer_leaves_the_marks_in_place():
    """İ lower-cases to two characters; the marks still fall on the terms."""
    text = "İstanbul KubeCon: Kubernetes. " + "Filler. " * SHORT_TEXT
    assert _marked(text, "kubernetes").startswith("İstanbul KubeCon: <mark>Kubernetes</mark>.")
