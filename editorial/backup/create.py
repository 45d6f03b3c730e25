"""Writing a backup: every row and stored file into one archive, manifest last."""

import datetime
import json
import logging
import os
import tarfile
import tempfile
from pathlib import Path
from typing import IO, Any

import django
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from editorial.backup.archive import (
    ARCHIVE_SUFFIXES,
    DATA_MEMBER,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_MEMBER,
    MEDIA_PREFIX,
    SIGNATURE_MEMBER,
    BackupError,
    BackupSummary,
    ExactJSONEncoder,
    Spool,
    applied_migrations,
    backup_models,
    file_names,
    manifest_signature,
    model_rows,
    read_snapshot,
    spool_bytes,
    spool_stream,
)

logger = logging.getLogger(__name__)


def site_backup(*, path: Path, force: bool = False) -> BackupSummary:
    """Write the site's data and stored files to the archive `path`; return what it holds.

    The archive is written to a temporary file beside `path` and renamed when
    complete, so `path` is never a half-written archive. Files the data points
    to but storage lacks are left out and listed as missing. Raises BackupError
    when `path` does not end in .tar.gz or .tgz, its folder does not exist, or
    it exists already and `force` is not set.
    """
    path = Path(path)
    _check_target(path, force=force)
    with transaction.atomic():
        read_snapshot()
        rows_by_model = {model._meta.label_lower: model_rows(model) for model in backup_models()}
        migrations = applied_migrations()
    rows = [row for model_rows in rows_by_model.values() for row in model_rows]
    created_at = timezone.now()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created_at.isoformat(),
        "django_version": django.get_version(),
        "database_vendor": connection.vendor,
        "migrations": migrations,
        "counts": {label: len(model_rows) for label, model_rows in rows_by_model.items()},
    }
    data = json.dumps(rows, cls=ExactJSONEncoder, ensure_ascii=False).encode()
    # mkstemp creates the file readable by its owner only: it holds password hashes.
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
    )
    try:
        with os.fdopen(descriptor, "wb") as raw:
            _archive_write(raw, manifest=manifest, data=data, files=file_names(rows))
            raw.flush()
            os.fsync(raw.fileno())
        _move_into_place(Path(temporary), path, force=force)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return BackupSummary(
        path=path,
        counts=manifest["counts"],
        files=manifest["files"],
        missing_files=manifest["missing_files"],
    )


def _check_target(path: Path, *, force: bool) -> None:
    if not path.name.endswith(ARCHIVE_SUFFIXES):
        raise BackupError(f"{path}: a backup is a .tar.gz archive; name it e.g. site.tar.gz.")
    if not path.parent.is_dir():
        raise BackupError(f"{path}: the folder {path.parent} does not exist.")
    if path.exists() and not force:
        raise BackupError(f"{path} already exists; use --force to replace it.")


def _archive_write(
    raw: IO[bytes], *, manifest: dict[str, Any], data: bytes, files: list[str]
) -> None:
    """Write data, files and, last, `manifest` completed with members and missing files."""
    mtime = datetime.datetime.fromisoformat(manifest["created_at"]).timestamp()
    members: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        members[DATA_MEMBER] = _member_add(archive, DATA_MEMBER, spool_bytes(data), mtime)
        for name in files:
            spool = _storage_read(name)
            if spool is None:
                missing.append(name)
                continue
            with spool:
                members[MEDIA_PREFIX + name] = _member_add(
                    archive, MEDIA_PREFIX + name, spool, mtime
                )
        manifest["files"] = [name for name in files if name not in missing]
        manifest["missing_files"] = missing
        manifest["members"] = members
        text = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        signature = manifest_signature(text).encode()
        _member_add(archive, SIGNATURE_MEMBER, spool_bytes(signature), mtime)
        # The manifest is last because it lists every other member's digest;
        # a reader checks all of them before it uses any.
        _member_add(archive, MANIFEST_MEMBER, spool_bytes(text), mtime)


def _storage_read(name: str) -> Spool | None:
    """Return a copy of the stored file `name`, or None when storage does not have it."""
    if not default_storage.exists(name):
        return None
    try:
        with default_storage.open(name, "rb") as source:
            return spool_stream(source)
    except FileNotFoundError:
        # Deleted between the two calls, by an editor removing a figure.
        return None


def _member_add(archive: tarfile.TarFile, name: str, spool: Spool, mtime: float) -> dict:
    """Add the content of `spool` as member `name`; return its size and SHA-256."""
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = spool.size, mtime, 0o600
    spool.file.seek(0)
    archive.addfile(info, spool.file)
    return {"size": spool.size, "sha256": spool.sha256}


def _move_into_place(temporary: Path, path: Path, *, force: bool) -> None:
    """Rename the finished archive to `path`; without `force`, never over an existing file."""
    if force:
        os.replace(temporary, path)
        return
    try:
        # A hard link fails when `path` exists, where a rename would replace it:
        # no window between checking and renaming.
        os.link(temporary, path)
    except FileExistsError:
        raise BackupError(f"{path} already exists; use --force to replace it.") from None
    except OSError:
        # Some file systems (FAT, some network shares) have no hard links.
        if path.exists():
            raise BackupError(f"{path} already exists; use --force to replace it.") from None
        os.replace(temporary, path)
    else:
        temporary.unlink()
