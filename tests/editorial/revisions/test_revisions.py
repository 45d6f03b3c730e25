"""Revisions: every admin save kept, readable diffs, revert as a new revision."""

import pytest
import reversion
from reversion.models import Version

from editorial.revisions.history import text_diff
from newsletter.models import Item
from tests.admin_forms import change_form_data
from tests.factories import FurtherReadingFactory, ItemFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(UserFactory(username="editor", is_superuser=True))
    return client


def _save(client, item, **changes):
    url = f"/admin/newsletter/item/{item.pk}/change/"
    response = client.post(url, change_form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()


def test_every_admin_save_keeps_a_revision_with_its_author(editor_client):
    """Two saves through the admin leave two revisions by the editor."""
    item = ItemFactory(body="第一版")
    _save(editor_client, item, body="第二版")
    _save(editor_client, item, body="第三版")
    versions = Version.objects.get_for_object(item)
    assert versions.count() == 2
    assert {version.revision.user.username for version in versions} == {"editor"}
    assert versions.first().field_dict["body"] == "第三版"


def test_the_history_page_lists_revisions(editor_client):
    """The revisions page shows each saved revision."""
    item = ItemFactory()
    _save(editor_client, item, body="改了一次")
    response = editor_client.get(f"/admin/newsletter/item/{item.pk}/revisions/")
    assert response.status_code == 200
    assert len(response.context["versions"]) == 1


def test_comparing_two_revisions_shows_a_chinese_aware_diff(editor_client):
    """A diff marks the changed characters, not whole lines."""
    item = ItemFactory(body="Linkerd 支持后量子密码学")
    _save(editor_client, item, body="Linkerd 默认支持后量子密码学")
    _save(editor_client, item, body="Linkerd 默认启用后量子密码学")
    older, newer = Version.objects.get_for_object(item).order_by("pk")
    response = editor_client.get(
        f"/admin/newsletter/item/{item.pk}/revisions/", {"a": older.pk, "b": newer.pk}
    )
    html = response.content.decode()
    assert "<del>支持</del><ins>启用</ins>" in html


def test_text_diff_splits_cjk_by_character_and_latin_by_word():
    """Latin words stay whole; Chinese changes are per character."""
    segments = text_diff("Helm 四发布", "Helm v4 发布")
    assert [(s.kind, s.text) for s in segments] == [
        ("equal", "Helm "),
        ("delete", "四"),
        ("insert", "v4 "),
        ("equal", "发布"),
    ]


def test_reverting_restores_text_and_links_as_a_new_revision(editor_client):
    """Revert brings back the old body and further reading, adding a revision."""
    with reversion.create_revision():
        item = ItemFactory(body="原始正文")
        FurtherReadingFactory(item=item, title="原始链接")
    _save(editor_client, item, body="新的正文")
    item.further_reading.all().delete()
    first = Version.objects.get_for_object(item).order_by("pk").first()

    response = editor_client.post(f"/admin/newsletter/item/{item.pk}/revisions/{first.pk}/revert/")

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.body == "原始正文"
    assert list(item.further_reading.values_list("title", flat=True)) == ["原始链接"]
    assert Version.objects.get_for_object(item).count() == 3
    assert item.version == 3


def test_revert_needs_post(editor_client):
    """A GET on the revert URL changes nothing."""
    with reversion.create_revision():
        item = ItemFactory(body="原始")
    version = Version.objects.get_for_object(item).get()
    url = f"/admin/newsletter/item/{item.pk}/revisions/{version.pk}/revert/"
    assert editor_client.get(url).status_code == 405


def test_a_revision_of_another_item_cannot_be_reverted_onto_this_one(editor_client):
    """Revision ids are checked against the item in the URL."""
    with reversion.create_revision():
        other = ItemFactory(body="别人的")
    item = ItemFactory(body="我的")
    foreign = Version.objects.get_for_object(other).get()
    url = f"/admin/newsletter/item/{item.pk}/revisions/{foreign.pk}/revert/"
    assert editor_client.post(url).status_code == 404
    assert Item.objects.get(pk=item.pk).body == "我的"


def test_the_history_of_an_item_needs_change_permission(client):
    """A staff user without rights on items cannot read their history."""
    client.force_login(UserFactory(username="nobody"))
    item = ItemFactory()
    response = client.get(f"/admin/newsletter/item/{item.pk}/revisions/")
    assert response.status_code in (302, 403)


def test_a_reviewer_reads_the_history_but_cannot_revert(client, reviewer):
    """Viewing revisions needs view permission; restoring needs change permission."""
    with reversion.create_revision():
        item = ItemFactory(body="原始")
    version = Version.objects.get_for_object(item).get()
    client.force_login(reviewer)
    response = client.get(f"/admin/newsletter/item/{item.pk}/revisions/")
    assert response.status_code == 200
    assert "revert-" not in response.content.decode()
    revert = client.post(f"/admin/newsletter/item/{item.pk}/revisions/{version.pk}/revert/")
    assert revert.status_code == 403
