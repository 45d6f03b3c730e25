"""manage.py restore refuses what it cannot restore whole, before it writes anything."""

import hashlib
import io
import json

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.core.management.base import CommandError

from editorial.backup.archive import database_contents
from newsletter.models import Figure, Item
from tests.editorial.backup.conftest import (
    archive_members,
    archive_write,
    content_counts,
    manifest_of,
    manifest_sign,
    stored_files,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(small_site, tmp_path):
    """The small site backed up to site.tar.gz; the site is still there."""
    path = tmp_path / "site.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def _restore(path, *args) -> str:
    output = io.StringIO()
    call_command("restore", str(path), *args, stdout=output, stderr=io.StringIO())
    return output.getvalue()


def _rewrite(
    path, changes: dict[str, bytes | None], *, fix_checksums: bool = False, sign: bool = True
) -> None:
    """Rewrite the archive with members replaced (bytes) or removed (None).

    With `fix_checksums` the manifest lists the new members' sizes and digests,
    as a crafted archive would. With `sign` the manifest is signed again with
    this site's key, so that the checks behind the signature are reached.
    """
    members = archive_members(path)
    for name, content in changes.items():
        if content is None:
            members.pop(name)
        else:
            members[name] = content
    if fix_checksums:
        manifest = manifest_of(members)
        manifest["members"] = {
            name: {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
            for name, content in members.items()
            if name not in ("manifest.json", "manifest.json.hmac")
        }
        members["manifest.json"] = json.dumps(manifest).encode()
    if sign and "manifest.json" in members and "manifest.json.hmac" in members:
        manifest_sign(members)
    archive_write(path, members)


def _assert_nothing_restored(media_root) -> None:
    assert database_contents() == {}
    assert stored_files(media_root) == {}


def test_a_database_with_content_is_refused_naming_what_it_holds(archive, small_site):
    """The message names the models that have rows; nothing changes."""
    counts = content_counts()

    with pytest.raises(CommandError, match=r"not empty: it holds .*newsletter\.item \(1\)"):
        _restore(archive)

    assert content_counts() == counts


def test_an_empty_database_gets_the_archive(archive, small_site, fresh_server):
    """Counts per model are printed and the rows are there."""
    counts = content_counts()
    fresh_server()

    output = _restore(archive)

    assert content_counts() == counts
    assert "newsletter.figure: 1" in output
    assert Item.objects.get().body_html == small_site["item"].body_html


# PostgreSQL cannot flush tables written earlier in the same transaction, as the
# --force tests' setup does: they commit, as a server would.
@pytest.mark.django_db(transaction=True)
def test_force_flushes_a_database_with_content_first(archive, small_site):
    """With --force the database ends up holding exactly the archive's rows."""
    counts = content_counts()
    Item.objects.create(title="written after the backup")

    _restore(archive, "--force")

    assert content_counts() == counts
    assert not Item.objects.filter(title="written after the backup").exists()


def test_a_truncated_archive_is_refused(archive, fresh_server):
    """Half an archive names the problem, and leaves no rows and no files."""
    media = fresh_server()
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    with pytest.raises(CommandError, match="is corrupt or truncated"):
        _restore(archive)

    _assert_nothing_restored(media)


def test_a_file_that_is_not_an_archive_is_refused(tmp_path, fresh_server, db):
    """Random bytes are not mistaken for a backup."""
    media = fresh_server()
    path = tmp_path / "notes.tar.gz"
    path.write_bytes(b"these are not the bytes you are looking for")

    with pytest.raises(CommandError, match="is corrupt or truncated"):
        _restore(path)

    _assert_nothing_restored(media)


def test_a_missing_archive_is_named(tmp_path, db):
    """A mistyped path says so."""
    with pytest.raises(CommandError, match="nowhere.tar.gz: no such file"):
        _restore(tmp_path / "nowhere.tar.gz")


def test_a_checksum_mismatch_writes_nothing(archive, small_site, fresh_server):
    """An altered figure file fails its checksum: no rows, no files, the member is named."""
    member = f"media/{small_site['figure'].image.name}"
    media = fresh_server()
    content = archive_members(archive)[member]
    _rewrite(archive, {member: content[:-1] + b"\x00"})

    with pytest.raises(CommandError, match=f"checksum mismatch for {member}"):
        _restore(archive)

    _assert_nothing_restored(media)


def test_altered_data_fails_its_checksum(archive, fresh_server):
    """data.json is checked like every other member."""
    media = fresh_server()
    members = archive_members(archive)
    _rewrite(archive, {"data.json": members["data.json"].replace(b"alice", b"mallory")})

    with pytest.raises(CommandError, match="checksum mismatch for data.json"):
        _restore(archive)

    _assert_nothing_restored(media)


def test_another_format_version_is_refused(archive, fresh_server):
    """A version this code does not read is refused, naming both versions."""
    media = fresh_server()
    manifest = manifest_of(archive_members(archive))
    manifest["format_version"] = 3
    _rewrite(archive, {"manifest.json": json.dumps(manifest).encode()})

    with pytest.raises(CommandError, match="format version 3; this Digest reads version 2"):
        _restore(archive)

    _assert_nothing_restored(media)


def test_an_archive_without_manifest_is_refused(archive, fresh_server):
    """Without its manifest nothing can be checked, so nothing is restored."""
    media = fresh_server()
    _rewrite(archive, {"manifest.json": None})

    with pytest.raises(CommandError, match="has no manifest.json"):
        _restore(archive)

    _assert_nothing_restored(media)


def test_a_missing_member_is_named(archive, small_site, fresh_server):
    """A file listed in the manifest but absent from the archive is named."""
    member = f"media/{small_site['figure'].image.name}"
    media = fresh_server()
    _rewrite(archive, {member: None})

    with pytest.raises(CommandError, match=f"is truncated: {member} missing"):
        _restore(archive)

    _assert_nothing_restored(media)


def test_a_file_name_leaving_storage_is_refused(archive, small_site, fresh_server):
    """A crafted archive cannot write outside the media folder, even with valid checksums."""
    name = small_site["figure"].image.name
    media = fresh_server()
    members = archive_members(archive)
    changes = {
        "data.json": members["data.json"].replace(name.encode(), b"../../escaped.png"),
        f"media/{name}": None,
        "media/../../escaped.png": members[f"media/{name}"],
    }
    _rewrite(archive, changes, fix_checksums=True)

    with pytest.raises(CommandError, match="unsafe file name '../../escaped.png'"):
        _restore(archive)

    _assert_nothing_restored(media)
    assert not (media.parent.parent / "escaped.png").exists()


def test_an_archive_from_a_newer_schema_is_refused(archive, fresh_server):
    """Migrations this database has not applied are named."""
    media = fresh_server()
    manifest = manifest_of(archive_members(archive))
    manifest["migrations"]["newsletter"].append("9999_from_the_future")
    _rewrite(archive, {"manifest.json": json.dumps(manifest).encode()})

    with pytest.raises(CommandError, match=r"lacks the migrations newsletter\.9999_from_the_"):
        _restore(archive)

    _assert_nothing_restored(media)


def test_a_storage_failure_midway_leaves_no_rows_and_no_files(archive, fresh_server, monkeypatch):
    """Files written before the failure are deleted and the rows rolled back."""
    media = fresh_server()
    original_save = FileSystemStorage.save
    saved = []

    def failing_save(storage, name, content, max_length=None):
        if saved:
            raise OSError("disk full")
        saved.append(original_save(storage, name, content, max_length=max_length))
        return saved[-1]

    monkeypatch.setattr(FileSystemStorage, "save", failing_save)

    with pytest.raises(OSError, match="disk full"):
        _restore(archive)

    assert saved, "the first file was written before the failure"
    _assert_nothing_restored(media)


def test_a_different_file_under_the_same_name_is_refused_without_force(
    archive, small_site, fresh_server
):
    """Storage is not overwritten silently; the conflicting name is given."""
    name = small_site["figure"].image.name
    media = fresh_server()
    (media / name).parent.mkdir(parents=True)
    (media / name).write_bytes(b"another picture")

    with pytest.raises(CommandError, match=f"different files under these names: {name}"):
        _restore(archive)

    assert database_contents() == {}
    assert stored_files(media) == {name: b"another picture"}


def test_the_same_file_already_in_storage_is_kept(archive, small_site, media_root, fresh_server):
    """A file storage already holds, byte for byte, is not written again."""
    name = small_site["figure"].image.name
    content = (media_root / name).read_bytes()
    media = fresh_server()
    (media / name).parent.mkdir(parents=True)
    (media / name).write_bytes(content)

    output = _restore(archive)

    assert "(1 already in storage)" in output
    assert Figure.objects.get().image.read() == content


@pytest.mark.django_db(transaction=True)
def test_force_replaces_a_different_file_under_the_same_name(
    archive, small_site, media_root, fresh_server
):
    """With --force the archive's file wins."""
    name = small_site["figure"].image.name
    content = (media_root / name).read_bytes()
    media = fresh_server()
    (media / name).parent.mkdir(parents=True)
    (media / name).write_bytes(b"another picture")

    _restore(archive, "--force")

    assert (media / name).read_bytes() == content


def test_a_file_missing_at_backup_time_is_reported_and_the_rest_restored(
    small_site, tmp_path, media_root, fresh_server
):
    """The rows come back; the restore names the file the backup could not find."""
    name = small_site["figure"].image.name
    (media_root / name).unlink()
    call_command(
        "backup", str(tmp_path / "site.tar.gz"), stdout=io.StringIO(), stderr=io.StringIO()
    )
    media = fresh_server()
    errors = io.StringIO()

    call_command("restore", str(tmp_path / "site.tar.gz"), stdout=io.StringIO(), stderr=errors)

    assert Figure.objects.get().image.name == name
    assert name in errors.getvalue()
    assert name not in stored_files(media) and stored_files(media)
