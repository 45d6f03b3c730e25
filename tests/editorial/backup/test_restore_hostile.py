"""restore on hostile archives: signed with BACKUP_KEY, `path: reason` and exit
status 1 for everything else it cannot read, never a traceback."""

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from editorial.backup.archive import database_contents
from tests.editorial.backup.conftest import (
    archive_members,
    archive_write,
    manifest_of,
    manifest_sign,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(small_site, tmp_path):
    path = tmp_path / "site.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def _restore(path) -> None:
    call_command("restore", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def _with_data(path: Path, rows: list | bytes, *, sign: bool) -> None:
    """Replace data.json, list its new digest in the manifest and sign it again or not."""
    members = archive_members(path)
    data = rows if isinstance(rows, bytes) else json.dumps(rows).encode()
    members["data.json"] = data
    manifest = manifest_of(members)
    manifest["members"]["data.json"] = {
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    members["manifest.json"] = json.dumps(manifest).encode()
    if sign:
        manifest_sign(members)
    archive_write(path, members)


def _rows(path: Path) -> list:
    return json.loads(archive_members(path)["data.json"])


def _superuser_row() -> dict:
    return {
        "model": "auth.user",
        "pk": 9999,
        "fields": {
            "username": "mallory",
            "password": "pbkdf2_sha256$1000000$salt$hash",
            "is_superuser": True,
            "is_staff": True,
            "is_active": True,
            "date_joined": "2025-01-01T00:00:00Z",
            "groups": [],
            "user_permissions": [],
        },
    }


def test_an_archive_edited_to_add_a_superuser_with_recomputed_checksums_is_refused(
    archive, fresh_server
):
    """Plain checksums can be recomputed by anyone; the HMAC cannot without the key."""
    _with_data(archive, [*_rows(archive), _superuser_row()], sign=False)
    fresh_server()

    with pytest.raises(CommandError, match="signature does not match"):
        _restore(archive)

    assert database_contents() == {}
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_an_archive_signed_with_another_key_is_refused(archive, fresh_server, settings):
    """Another site's archive restores only with that site's BACKUP_KEY set here."""
    settings.BACKUP_KEY = "another site's backup key"
    fresh_server()
    with pytest.raises(CommandError, match="another BACKUP_KEY"):
        _restore(archive)


def test_an_archive_without_a_signature_is_refused(archive, fresh_server):
    members = archive_members(archive)
    del members["manifest.json.hmac"]
    archive_write(archive, members)
    fresh_server()
    with pytest.raises(CommandError, match="is not signed"):
        _restore(archive)


def test_the_same_backup_key_restores_on_another_server(
    small_site, tmp_path, settings, fresh_server
):
    """With BACKUP_KEY set, the SECRET_KEY may differ between the two servers."""
    settings.BACKUP_KEY = "shared by both servers"
    path = tmp_path / "site.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    fresh_server()
    settings.SECRET_KEY = "another server's secret key " * 3
    _restore(path)
    assert get_user_model().objects.filter(username="alice").exists()


def test_a_directory_is_named_as_one(tmp_path, db):
    with pytest.raises(CommandError, match=rf"^{tmp_path}: is a directory, not a file"):
        _restore(tmp_path)


def test_a_nul_byte_in_the_path_is_refused(tmp_path, db):
    with pytest.raises(CommandError, match="cannot contain a NUL byte"):
        _restore(f"{tmp_path}/a\x00b.tar.gz")


def test_deeply_nested_data_is_refused(archive, fresh_server):
    """JSON nested beyond Python's recursion limit is refused, even signed."""
    _with_data(archive, b"[" * 200_000 + b"]" * 200_000, sign=True)
    fresh_server()
    with pytest.raises(CommandError, match="nested too deeply"):
        _restore(archive)
    assert database_contents() == {}


def test_a_huge_figure_id_is_refused(archive, fresh_server):
    """An id beyond the database's integers is an error naming the data, not an overflow."""
    rows = _rows(archive)
    for row in rows:
        if row["model"] == "newsletter.figure":
            row["pk"] = 10**30
    _with_data(archive, rows, sign=True)
    fresh_server()
    with pytest.raises(CommandError, match="nothing was restored"):
        _restore(archive)
    assert database_contents() == {}


def test_a_bad_slug_is_refused_naming_the_row(archive, small_site, fresh_server):
    """A slug no page could be addressed by is refused, with the model and id."""
    rows = _rows(archive)
    issue_id = small_site["item"].issue_id
    for row in rows:
        if row["model"] == "newsletter.issue":
            row["fields"]["slug"] = "../带 空格"
    _with_data(archive, rows, sign=True)
    fresh_server()
    with pytest.raises(CommandError, match=rf"newsletter\.issue {issue_id}: slug: "):
        _restore(archive)
    assert database_contents() == {}


def test_nul_bytes_in_the_data_are_refused_or_kept_without_a_traceback(archive, fresh_server):
    """PostgreSQL cannot store NUL in text: the database's refusal becomes the message."""
    rows = _rows(archive)
    for row in rows:
        if row["model"] == "newsletter.item":
            row["fields"]["title"] = "标题\x00"
    _with_data(archive, rows, sign=True)
    fresh_server()
    try:
        _restore(archive)
    except CommandError as error:
        assert "nothing was restored" in str(error)
        assert database_contents() == {}


def test_the_command_line_exits_non_zero_with_one_line_and_no_traceback(tmp_path):
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", "restore", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        env={"DJANGO_SETTINGS_MODULE": "config.test_settings", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{tmp_path}: is a directory" in result.stderr


def _unsigned(path: Path, *, format_version: int) -> None:
    """Make `path` what a Digest before signed backups wrote: no signature member."""
    members = archive_members(path)
    del members["manifest.json.hmac"]
    manifest = manifest_of(members)
    manifest["format_version"] = format_version
    members["manifest.json"] = json.dumps(manifest).encode()
    archive_write(path, members)


def test_a_backup_from_before_signing_restores_only_when_trusted(archive, fresh_server):
    """Format 1 is refused, pointing at --trust-unsigned, which then restores it."""
    _unsigned(archive, format_version=1)
    fresh_server()
    with pytest.raises(CommandError, match="--trust-unsigned"):
        _restore(archive)
    assert database_contents() == {}
    call_command(
        "restore", str(archive), "--trust-unsigned", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert get_user_model().objects.exists()


def test_trusting_unsigned_archives_does_not_excuse_a_stripped_signature(archive, fresh_server):
    """A current archive whose signature was removed is refused even with --trust-unsigned."""
    _unsigned(archive, format_version=2)
    fresh_server()
    with pytest.raises(CommandError, match="format version 2"):
        call_command(
            "restore", str(archive), "--trust-unsigned", stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert database_contents() == {}
