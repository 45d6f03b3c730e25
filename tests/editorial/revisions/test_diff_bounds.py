"""Revision diffs in bounded work: words, then lines, then paragraphs, then the passage."""

import random
from unittest import mock

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reversion.models import Version

from editorial.revisions import history
from editorial.revisions.history import DIFF_MAX_UNITS, content_changes, text_diff_detailed
from tests.editorial.revisions.test_revisions import _save
from tests.factories import ItemFactory, UserFactory

COMMON_CHINESE = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年"


def _chinese(length: int, seed: int = 9) -> str:
    generator = random.Random(seed)
    return "".join(generator.choice(COMMON_CHINESE) for _ in range(length))


def _edited(text: str, every: int) -> str:
    return "".join("改" if index % every == 0 else char for index, char in enumerate(text))


def _largest_comparison(old: str, new: str) -> int:
    """Diff two texts; return the most units SequenceMatcher was given on one side."""
    with mock.patch.object(history, "_segments", wraps=history._segments) as compare:
        text_diff_detailed(old, new)
    return max((max(map(len, call.args)) for call in compare.call_args_list), default=0)


def _rebuilt(segments) -> tuple[str, str]:
    old = "".join(s.text for s in segments if s.kind != "insert")
    new = "".join(s.text for s in segments if s.kind != "delete")
    return old, new


def test_a_30000_character_chinese_body_is_never_compared_character_by_character():
    """The diff that took 30 s: SequenceMatcher now sees at most DIFF_MAX_UNITS units."""
    old = "\n".join(_chinese(30_000)[i : i + 40] for i in range(0, 30_000, 40))
    new = _edited(old, every=997)
    assert _largest_comparison(old, new) <= DIFF_MAX_UNITS
    granularity, segments = text_diff_detailed(old, new)
    assert granularity == "lines"
    assert _rebuilt(segments) == (old, new)


def test_a_small_edit_in_a_long_body_is_still_shown_word_by_word():
    """The unchanged lines around the edit are not compared at all."""
    old = "\n".join(_chinese(30_000)[i : i + 40] for i in range(0, 30_000, 40))
    new = old[:15_000] + "Helm" + old[15_001:]
    granularity, segments = text_diff_detailed(old, new)
    assert granularity == "words"
    assert [s for s in segments if s.kind == "insert"] == [history.DiffSegment("insert", "Helm")]


def test_too_many_changed_lines_fall_back_to_paragraphs():
    """Lines over the limit, paragraphs under it."""
    paragraphs = ["\n".join(_chinese(10, seed=n * 10 + k) for k in range(10)) for n in range(300)]
    old = "\n\n".join(paragraphs)
    new = "\n\n".join(_edited(paragraph, every=7) for paragraph in paragraphs)
    granularity, segments = text_diff_detailed(old, new)
    assert granularity == "paragraphs"
    assert _rebuilt(segments) == (old, new)


def test_too_many_changed_paragraphs_show_the_passage_replaced():
    """Past every limit the changed passage is deleted and inserted whole, in linear work."""
    old = "\n\n".join(_chinese(5, seed=n) for n in range(3000))
    new = _edited(old, every=3)
    assert _largest_comparison(old, new) == 0
    granularity, segments = text_diff_detailed(old, new)
    assert granularity == "passage"
    assert _rebuilt(segments) == (old, new)


def test_the_edit_conflict_diff_is_bounded_too():
    """content_changes, used by the revision page and on edit conflicts, goes the same way."""
    old = {"body": _chinese(30_000), "further_reading": []}
    new = {"body": _edited(old["body"], every=500), "further_reading": []}
    with mock.patch.object(history, "_segments", wraps=history._segments) as compare:
        [change] = content_changes(old, new)
    assert (change.name, change.granularity) == ("body", "lines")
    assert all(max(map(len, call.args)) <= DIFF_MAX_UNITS for call in compare.call_args_list)


TEXTS = st.text(alphabet=st.sampled_from("ab的是\n \t.Hx"), max_size=200) | st.text(max_size=100)


@given(TEXTS, TEXTS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_diff_rebuilds_both_texts(old, new):
    """Whatever the granularity, the segments give back the old text and the new one."""
    granularity, segments = text_diff_detailed(old, new)
    assert _rebuilt(segments) == (old, new)
    assert granularity in {"words", "lines", "paragraphs", "passage"}
    assert all(s.text for s in segments)


@pytest.mark.django_db
def test_the_revision_page_says_when_a_change_was_compared_coarsely(client):
    """A long rewrite is shown by line, with a note saying so; a short one has no note."""
    client.force_login(UserFactory(username="boss", is_superuser=True))
    item = ItemFactory(body=_chinese(3_000))
    _save(client, item, body=_chinese(3_000, seed=1))
    _save(client, item, body=_chinese(3_000, seed=2))
    _save(client, item, body=_chinese(3_000, seed=2) + "。")
    first, second, third = Version.objects.get_for_object(item).order_by("pk")
    url = f"/admin/newsletter/item/{item.pk}/revisions/"
    note = "改动较长:按行、按段落或整段比较"
    with translation.override("en"):
        assert note in client.get(url, {"a": first.pk, "b": second.pk}).content.decode()
        assert note not in client.get(url, {"a": second.pk, "b": third.pk}).content.decode()
