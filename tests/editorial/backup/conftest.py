"""A small site to back up, and helpers to empty the database, read and rewrite archives."""

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from editorial.backup.archive import backup_models, manifest_signature
from editorial.permissions.roles import Role
from tests.factories import FigureFactory, RoleUserFactory, public_item

PASSWORD = "correct horse battery staple"


@pytest.fixture
def small_site(db):
    """A contributor, a figure with its renditions, and a public item that shows it."""
    author = RoleUserFactory(username="alice", role=Role.CONTRIBUTOR)
    figure = FigureFactory(uploaded_by=author, alt_text="架构图")
    item = public_item(author=author, body=f"### 简介\n\n![架构图](figure:{figure.pk})\n")
    return {"author": author, "figure": figure, "item": item}


@pytest.fixture
def fresh_server(settings, tmp_path):
    """Return a function that turns this site into a freshly migrated, empty one.

    The database keeps its content types, permissions and the role groups
    (created anew, under other ids than before); storage is a new, empty folder.
    """

    def become_fresh():
        # PostgreSQL refuses to truncate a table whose foreign key checks are
        # still pending in this transaction: run them now.
        connection.check_constraints()
        call_command("flush", interactive=False, verbosity=0)
        ContentType.objects.clear_cache()
        for role in (Role.ADMINISTRATOR, Role.EDITOR, Role.REVIEWER, Role.CONTRIBUTOR):
            Group.objects.create(name=role)
        settings.MEDIA_ROOT = tmp_path / "fresh-media"
        return settings.MEDIA_ROOT

    yield become_fresh
    # The flush gave content types new ids, and the test's rollback takes them back.
    ContentType.objects.clear_cache()


def row_counts() -> dict[str, int]:
    """Return the number of rows of every model a backup holds."""
    return {model._meta.label_lower: model._base_manager.count() for model in backup_models()}


def content_counts() -> dict[str, int]:
    """Return the row counts of the models that hold content (all but the groups)."""
    return {label: count for label, count in row_counts().items() if label != "auth.group"}


def stored_files(media_root: Path) -> dict[str, bytes]:
    """Return every file under `media_root` by its name in storage."""
    if not media_root.exists():
        return {}
    return {
        path.relative_to(media_root).as_posix(): path.read_bytes()
        for path in sorted(media_root.rglob("*"))
        if path.is_file()
    }


def archive_members(path: Path) -> dict[str, bytes]:
    """Return the members of the archive `path`, in order, by name."""
    with tarfile.open(path, mode="r:gz") as archive:
        return {member.name: archive.extractfile(member).read() for member in archive}


def archive_write(path: Path, members: dict[str, bytes]) -> None:
    """Write `members` as a gzip-compressed tar archive at `path`."""
    with tarfile.open(path, mode="w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))


def manifest_of(members: dict[str, bytes]) -> dict:
    return json.loads(members["manifest.json"])


def manifest_sign(members: dict[str, bytes]) -> None:
    """Sign the manifest of `members` again with this site's key, as the key's holder could."""
    members["manifest.json.hmac"] = manifest_signature(members["manifest.json"]).encode()
