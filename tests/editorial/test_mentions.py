"""Mention parsing: bounded work for any comment, and never an unexpected error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editorial import review
from tests.factories import UserFactory


def test_a_25000_character_mention_yields_no_more_candidates_than_a_username_can_hold():
    """The comment that grew the server to 1.4 GB: one "@" and 25,000 letters."""
    text = "@" + "a" * 24_999
    candidates = review.mention_candidates(review.mentioned_usernames(text))
    assert len(candidates) <= 150
    assert sum(map(len, candidates)) <= 150 * 151 // 2


def test_many_mentions_look_up_at_most_max_mentions_names():
    """Thousands of distinct names cost no more than MAX_MENTIONS of them."""
    text = " ".join(f"@user{n}x{'y' * 40}" for n in range(2000))
    candidates = review.mention_candidates(review.mentioned_usernames(text))
    assert len(candidates) <= review.MAX_MENTIONS * 150


@pytest.mark.django_db
def test_a_huge_mention_is_one_bounded_query(django_assert_num_queries):
    """The lookup sends a bounded number of candidates, whatever the length of the comment."""
    rita = UserFactory(username="rita")
    text = "请@rita" + "看" * 30_000
    with django_assert_num_queries(1) as context:
        assert review.mentioned_users(text) == [rita]
    assert len(context.captured_queries[0]["sql"]) < 20_000


@given(st.text(alphabet=st.sampled_from("@a.z_-+看 \n@@"), max_size=400) | st.text(max_size=400))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mention_parsing_never_fails_and_its_work_is_linear_in_the_text(text):
    """Any text parses; the candidates are at most the text's length, each a username's length."""
    tokens = review.mentioned_usernames(text)
    candidates = review.mention_candidates(tokens)
    assert len(candidates) <= len(text)
    assert all(len(candidate) <= 150 for candidate in candidates)
    assert all("@" + token in text or token in text for token in tokens)
