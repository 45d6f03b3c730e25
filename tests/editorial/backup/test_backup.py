"""manage.py backup: one archive, written whole or not at all, never over another file."""

import hashlib
import io
import json
import stat

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.editorial.backup.conftest import archive_members, manifest_of, row_counts

pytestmark = pytest.mark.django_db


def test_the_archive_holds_the_data_the_files_and_a_manifest(small_site, tmp_path):
    """data.json, every referenced file under media/, and manifest.json last."""
    figure = small_site["figure"]
    call_command("backup", str(tmp_path / "site.tar.gz"), stdout=io.StringIO())

    members = archive_members(tmp_path / "site.tar.gz")
    names = list(members)
    assert names[0] == "data.json" and names[-1] == "manifest.json"
    assert f"media/{figure.image.name}" in names
    for rendition in figure.renditions.all():
        assert f"media/{rendition.file.name}" in names
    models = {row["model"] for row in json.loads(members["data.json"])}
    assert {"newsletter.item", "newsletter.figure", "auth.user", "auth.group"} <= models
    assert not models & {"contenttypes.contenttype", "auth.permission", "sessions.session"}


def test_the_manifest_has_version_time_counts_and_checksums(small_site, tmp_path):
    """The manifest names its format version and the sha256 of every other member."""
    call_command("backup", str(tmp_path / "site.tar.gz"), stdout=io.StringIO())

    members = archive_members(tmp_path / "site.tar.gz")
    manifest = manifest_of(members)
    assert manifest["format"] == "digest-backup" and manifest["format_version"] == 2
    assert manifest["created_at"] and manifest["django_version"].startswith("5.2")
    assert manifest["counts"] == row_counts()
    assert set(manifest["members"]) == set(members) - {"manifest.json", "manifest.json.hmac"}
    for name, listed in manifest["members"].items():
        assert listed == {
            "size": len(members[name]),
            "sha256": hashlib.sha256(members[name]).hexdigest(),
        }


def test_the_archive_is_readable_by_its_owner_only(small_site, tmp_path):
    """It holds password hashes and two-factor secrets."""
    call_command("backup", str(tmp_path / "site.tar.gz"), stdout=io.StringIO())

    assert stat.S_IMODE((tmp_path / "site.tar.gz").stat().st_mode) == 0o600


def test_an_existing_file_is_not_replaced_without_force(small_site, tmp_path):
    """The old file stays as it was, and no temporary file is left beside it."""
    path = tmp_path / "site.tar.gz"
    path.write_bytes(b"yesterday's backup")

    with pytest.raises(CommandError, match="already exists; use --force"):
        call_command("backup", str(path), stdout=io.StringIO())

    assert path.read_bytes() == b"yesterday's backup"
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["site.tar.gz"]


def test_force_replaces_an_existing_file(small_site, tmp_path):
    """With --force the new archive takes the old file's place."""
    path = tmp_path / "site.tar.gz"
    path.write_bytes(b"yesterday's backup")

    call_command("backup", str(path), "--force", stdout=io.StringIO())

    assert "manifest.json" in archive_members(path)
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["site.tar.gz"]


def test_a_name_other_than_tar_gz_is_refused(small_site, tmp_path):
    """The archive is always a .tar.gz; a .zip name would be a lie."""
    with pytest.raises(CommandError, match="a backup is a .tar.gz archive"):
        call_command("backup", str(tmp_path / "site.zip"), stdout=io.StringIO())
    assert not (tmp_path / "site.zip").exists()


def test_a_missing_folder_is_refused(small_site, tmp_path):
    """The command says which folder does not exist."""
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "nowhere" / "site.tar.gz"), stdout=io.StringIO())


def test_a_failure_while_writing_leaves_no_file(small_site, tmp_path, monkeypatch):
    """A storage error half-way leaves neither the archive nor its temporary file."""

    def broken_open(storage, name, mode="rb"):
        raise OSError("disk on fire")

    monkeypatch.setattr(FileSystemStorage, "open", broken_open)

    with pytest.raises(OSError, match="disk on fire"):
        call_command("backup", str(tmp_path / "site.tar.gz"), stdout=io.StringIO())

    assert [p for p in tmp_path.iterdir() if p.is_file()] == []


def test_a_file_missing_from_storage_is_listed_and_reported(small_site, tmp_path, media_root):
    """The backup still completes; the manifest and a warning name the missing file."""
    figure = small_site["figure"]
    (media_root / figure.image.name).unlink()
    errors = io.StringIO()

    call_command("backup", str(tmp_path / "site.tar.gz"), stdout=io.StringIO(), stderr=errors)

    manifest = manifest_of(archive_members(tmp_path / "site.tar.gz"))
    assert manifest["missing_files"] == [figure.image.name]
    assert figure.image.name not in manifest["files"]
    assert figure.image.name in errors.getvalue()
