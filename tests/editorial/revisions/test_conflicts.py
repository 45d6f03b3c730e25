"""Edit conflicts: no save ever silently overwrites another."""

import threading

import pytest
import reversion
from django.db import connection, transaction

from editorial.revisions.conflicts import EditConflict, item_claim_version
from newsletter.models import Item
from tests.admin_forms import change_form_data
from tests.factories import ItemFactory, UserFactory


@pytest.fixture
def editors(client, django_user_model):
    first = UserFactory(username="first", is_superuser=True)
    second = UserFactory(username="second", is_superuser=True)
    return first, second


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_second_of_two_overlapping_saves_gets_a_conflict_with_its_text_kept(editors):
    """Two editors open one item; the later save is refused and keeps its text."""
    with reversion.create_revision():
        item = ItemFactory(body="原文")
    url = f"/admin/newsletter/item/{item.pk}/change/"
    alice, bob = (_client_for(user) for user in editors)
    alice_data = change_form_data(alice.get(url), body="Alice 改过的正文")
    bob_data = change_form_data(bob.get(url), body="Bob 改过的正文")

    assert alice.post(url, alice_data).status_code == 302
    response = bob.post(url, bob_data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Bob 改过的正文" in html  # the editor's text is still in the form
    assert "edit-conflict" in html and "<ins class='diff-insert'>Alice 改过的正</ins>" in html
    item.refresh_from_db()
    assert item.body == "Alice 改过的正文"
    assert item.version == 2


@pytest.mark.django_db
def test_without_the_starting_revision_the_conflict_shows_how_the_texts_differ(editors):
    """An item with no history still gets a readable conflict notice."""
    item = ItemFactory(body="原文")
    url = f"/admin/newsletter/item/{item.pk}/change/"
    alice, bob = (_client_for(user) for user in editors)
    alice_data = change_form_data(alice.get(url), body="甲的正文")
    bob_data = change_form_data(bob.get(url), body="乙的正文")
    alice.post(url, alice_data)
    html = bob.post(url, bob_data).content.decode()
    assert "<del class='diff-delete'>乙</del><ins class='diff-insert'>甲</ins>" in html
    assert Item.objects.get(pk=item.pk).body == "甲的正文"


@pytest.mark.django_db
def test_saving_again_after_seeing_the_conflict_is_a_deliberate_merge(editors):
    """The conflict page carries the new version, so a second save goes through."""
    item = ItemFactory(body="原文")
    url = f"/admin/newsletter/item/{item.pk}/change/"
    alice, bob = (_client_for(user) for user in editors)
    alice_data = change_form_data(alice.get(url), body="Alice 版")
    bob_data = change_form_data(bob.get(url), body="Bob 版")
    alice.post(url, alice_data)
    conflict = bob.post(url, bob_data)

    merged = change_form_data(conflict, body="Alice 版 + Bob 版")
    assert bob.post(url, merged).status_code == 302
    item.refresh_from_db()
    assert item.body == "Alice 版 + Bob 版"
    assert item.version == 3


@pytest.mark.django_db
def test_claiming_a_stale_version_raises_and_changes_nothing():
    """The compare-and-swap refuses a version that has moved on."""
    item = ItemFactory()
    item_claim_version(item=item, expected_version=1)
    item.save()
    stale = Item.objects.get(pk=item.pk)
    with pytest.raises(EditConflict) as error:
        item_claim_version(item=stale, expected_version=1)
    assert error.value.current_version == 2
    assert Item.objects.get(pk=item.pk).version == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_from_threads_lose_nothing():
    """Of several threads saving from one version, exactly one wins; the rest conflict."""
    if connection.vendor != "postgresql":
        pytest.skip("real row-level concurrency needs PostgreSQL")
    item = ItemFactory(body="原文")
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def save_as(name: str):
        try:
            barrier.wait()
            with transaction.atomic():
                mine = Item.objects.get(pk=item.pk)
                mine.body = f"{name} 的正文"
                item_claim_version(item=mine, expected_version=1)
                mine.save()
            outcomes.append(f"saved:{name}")
        except EditConflict:
            outcomes.append(f"conflict:{name}")
        finally:
            connection.close()

    threads = [threading.Thread(target=save_as, args=(f"t{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [outcome.split(":")[1] for outcome in outcomes if outcome.startswith("saved")]
    assert len(winners) == 1 and len(outcomes) == 4
    item.refresh_from_db()
    assert item.body == f"{winners[0]} 的正文"
    assert item.version == 2
