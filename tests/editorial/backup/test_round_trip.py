"""A whole site survives backup, an empty database and restore, byte for byte."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from editorial import workflow
from editorial.accounts.profiles import ProfileData, contributor_profile_save
from editorial.models import AuditEntry, ReviewComment
from editorial.permissions.roles import Role
from newsletter.images import image_validate
from newsletter.models import Figure, Issue, Item, Project
from tests.editorial.backup.conftest import PASSWORD, row_counts, stored_files
from tests.factories import (
    FigureFactory,
    IssueFactory,
    ItemFactory,
    ReviewCommentFactory,
    RoleUserFactory,
    UserFactory,
    public_item,
)

# Real commits, as on a server: the restore's transaction is the outermost.
pytestmark = pytest.mark.django_db(transaction=True)


def _png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def site():
    """The demo, plus a figure on a public item, review comments, an audit row,
    an avatar, a logo, a cover and a two-factor device."""
    call_command("load_demo", stdout=io.StringIO())
    admin = UserFactory(username="admin")
    admin.set_password(PASSWORD)
    admin.save()
    author = RoleUserFactory(username="alice", role=Role.CONTRIBUTOR)
    reviewer = RoleUserFactory(username="rita", role=Role.REVIEWER)
    TOTPDevice.objects.create(user=reviewer, name="手机", confirmed=True)
    contributor_profile_save(
        user=author,
        actor=author,
        data=ProfileData(
            display_name="张三",
            avatar=image_validate(upload=SimpleUploadedFile("me.png", _png((200, 80, 20)))),
        ),
    )
    figure = FigureFactory(uploaded_by=author, alt_text="Gateway API 资源关系")
    issue = IssueFactory(published=True, slug="2025-09", title="云原生月刊 2025 年 9 月")
    issue.cover.save("cover.png", ContentFile(_png((10, 10, 10))))
    item = public_item(
        issue=issue,
        author=author,
        body=f"### 简介\n\n正文一段。\n\n![资源关系](figure:{figure.pk})\n",
    )
    item.tags.add("网络")
    project = Project.objects.get(slug="helm")
    project.logo.save("helm.png", ContentFile(_png((15, 100, 200))))
    item.projects.add(project)
    thread = ReviewCommentFactory(item=item, author=reviewer, quote="正文一段", body="请补充链接")
    reply = ReviewCommentFactory(item=item, author=author, parent=thread, body="@rita 已补充")
    reply.mentions.add(reviewer)
    draft = ItemFactory(issue=None, section=item.section, author=author, title="待审条目")
    workflow.item_submit(item=draft, actor=author)
    return {"issue": issue, "figure": figure, "author": author}


def _pages(client: Client, *slugs: str) -> dict[str, bytes]:
    responses = {slug: client.get(f"/issues/{slug}/") for slug in slugs}
    assert {response.status_code for response in responses.values()} == {200}
    return {slug: response.content for slug, response in responses.items()}


def _group_permissions() -> dict[str, set]:
    return {
        group.name: {permission.natural_key() for permission in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions__content_type")
    }


def _logs_in(username: str) -> bool:
    client = Client()
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": PASSWORD, "next": "/admin/"},
    )
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_a_restored_site_has_the_same_rows_pages_files_and_logins(
    site, tmp_path, media_root, fresh_server
):
    """Backup, an empty database and new storage, restore: everything is as it was."""
    counts = row_counts()
    pages = _pages(Client(), "2025-11", "2025-10", "2025-09")
    assert b"<picture" in pages["2025-09"] and "张三".encode() in pages["2025-09"]
    files = stored_files(media_root)
    permissions = _group_permissions()
    audit_times = list(AuditEntry.objects.values_list("pk", "created_at"))
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    fresh_media = fresh_server()
    assert Item.objects.count() == 0 and stored_files(fresh_media) == {}
    output = io.StringIO()
    call_command("restore", str(archive), stdout=output)

    assert row_counts() == counts
    assert _pages(Client(), "2025-11", "2025-10", "2025-09") == pages
    assert stored_files(fresh_media) == files
    assert _group_permissions() == permissions
    assert list(AuditEntry.objects.values_list("pk", "created_at")) == audit_times
    assert _logs_in("admin") and _logs_in("alice")
    assert f"newsletter.item: {counts['newsletter.item']}" in output.getvalue()


def test_the_restored_figure_files_are_byte_identical(site, tmp_path, media_root, fresh_server):
    """Each figure's file and renditions come back under the same names with the same bytes."""
    figure = site["figure"]
    names = [figure.image.name, *figure.renditions.values_list("file", flat=True)]
    before = {name: (media_root / name).read_bytes() for name in names}
    assert len(names) > 1
    call_command("backup", str(tmp_path / "site.tar.gz"), stdout=io.StringIO())

    fresh_media = fresh_server()
    call_command("restore", str(tmp_path / "site.tar.gz"), stdout=io.StringIO())

    restored = Figure.objects.get(pk=figure.pk)
    assert restored.image.name == figure.image.name
    assert {name: (fresh_media / name).read_bytes() for name in names} == before


def test_review_threads_tags_and_two_factor_devices_come_back(site, tmp_path, fresh_server):
    """Threads keep their replies and mentions, items their tags, people their devices."""
    call_command("backup", str(tmp_path / "site.tar.gz"), stdout=io.StringIO())
    fresh_server()
    call_command("restore", str(tmp_path / "site.tar.gz"), stdout=io.StringIO())

    reply = ReviewComment.objects.get(parent__isnull=False)
    assert reply.parent.quote == "正文一段"
    assert list(reply.mentions.values_list("username", flat=True)) == ["rita"]
    assert Item.objects.get(title__startswith="条目").tags.names()[0] == "网络"
    assert TOTPDevice.objects.get(user__username="rita").name == "手机"
    assert AuditEntry.objects.get(action="item.submit").actor.username == "alice"


def test_new_rows_after_a_restore_get_ids_of_their_own(site, tmp_path, fresh_server):
    """The id sequences move past the restored rows (PostgreSQL would reuse them otherwise)."""
    call_command("backup", str(tmp_path / "site.tar.gz"), stdout=io.StringIO())
    fresh_server()
    call_command("restore", str(tmp_path / "site.tar.gz"), stdout=io.StringIO())

    item = ItemFactory(issue=Issue.objects.get(slug="2025-12"))
    user = UserFactory(username="newcomer")
    assert item.pk > max(Item.objects.exclude(pk=item.pk).values_list("pk", flat=True))
    assert user.pk > 1
