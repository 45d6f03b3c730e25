"""Text into tokens: jieba for Chinese, Latin words split and lower-cased."""

from newsletter.search.analysis import latin_words, streams, words


def test_latin_words_are_lower_cased_and_split_at_punctuation_and_digits():
    """kube-proxy, v1.35 and K8s become plain words; full-width letters become ASCII."""
    assert streams("kube-proxy v1.35 K8s ＡＰＩ node.js").tokens == [
        "kube", "proxy", "v", "1", "35", "k", "8", "s", "api", "node", "js",
    ]  # fmt: skip


def test_chinese_is_cut_with_jieba_and_the_domain_dictionary():
    """可观测性 is one word here, though jieba's own dictionary cuts it in three."""
    assert streams("可观测性平台").tokens == ["可观测性", "平台"]


def test_search_mode_keeps_the_shorter_words_inside_a_long_one_apart():
    """安全性 also yields 安全, in the parts stream, so 安全 finds it."""
    result = streams("服务网格的安全性")
    assert result.tokens == ["服务网格", "的", "安全性"]
    assert "安全" in result.parts and "网格" in result.parts


def test_punctuation_and_emoji_are_not_tokens():
    """Only letters and digits are kept: every token is one word to FTS5 and tsvector."""
    tokens = streams("🆕 Helm 4 发布!「新功能」…").tokens
    assert tokens == ["helm", "4", "发布", "新功能"]
    assert all(token.isalnum() for token in tokens)


def test_words_remember_which_run_of_text_they_came_from():
    """Chinese words cut from one run share its number; a space starts a new run."""
    found = words("可观测平台 Helm")
    assert [(word.tokens, word.run, word.han) for word in found] == [
        (("可观测",), 0, True),
        (("平台",), 0, True),
        (("helm",), 1, False),
    ]


def test_latin_words_worth_a_spelling_hint_have_three_letters_or_more():
    """Numbers, Chinese and short words get no spelling hint."""
    assert latin_words(["kubernetes", "k", "35", "api", "网关", "v2"]) == {"kubernetes", "api"}
