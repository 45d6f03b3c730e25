"""Back up the whole site into one archive, and restore it into an empty database.

An archive is a gzip-compressed tar file (`manage.py backup PATH`) holding:

* `data.json`: every row of the site's models in Django's serialization format,
  as `dumpdata --natural-foreign` writes it. Content types and permissions are
  left out: a migrated database has its own, and rows point to them by natural
  key. Sessions and login attempts are not the site's content and are left out
  too. Datetimes keep their microseconds.
* `media/<name>`: every stored file those rows point to (figures, renditions,
  avatars, covers, logos), read through the storage API.
* `manifest.json`, the last member: format and version, when the archive was
  made, the Django version and applied migrations, the row count per model,
  the files, and the size and SHA-256 of every other member.

`site_restore` reads and checks the whole archive before it writes anything,
loads the rows in one transaction and writes the files inside it, so a failure
anywhere leaves neither rows nor files behind. The archive holds password
hashes and two-factor secrets: it is created readable by its owner only.
"""

import datetime
import hashlib
import io
import json
import logging
import os
import tarfile
import tempfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Self

import django
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import (
    FieldDoesNotExist,
    ObjectDoesNotExist,
    SuspiciousFileOperation,
    ValidationError,
)
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.utils import validate_file_name
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

logger = logging.getLogger(__name__)

FORMAT = "digest-backup"
FORMAT_VERSION = 1
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")
DATA_MEMBER = "data.json"
MANIFEST_MEMBER = "manifest.json"
MEDIA_PREFIX = "media/"

# A migrated database already has these rows (content types and permissions,
# which the data names by natural key), or they are not the site's content
# (sessions, django-axes login attempts).
EXCLUDED_APPS = frozenset({"contenttypes", "sessions", "axes"})
EXCLUDED_MODELS = frozenset({"auth.permission"})
# Migrations create the newsroom's role groups, so a freshly migrated database
# has them already, possibly under other ids: groups are matched by name, and a
# restore updates them instead of adding duplicates.
NATURAL_PRIMARY_KEY_MODELS = frozenset({"auth.group"})
# Files larger than this are buffered on disk, not in memory, on their way.
SPOOL_MAX_MEMORY = 8 * 1024 * 1024
CHUNK_SIZE = 1024 * 1024


class BackupError(Exception):
    """A backup could not be written; the message says why, for the person running it."""


class RestoreError(Exception):
    """An archive was refused or could not be loaded; nothing was restored."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    counts: dict[str, int]
    files: list[str]
    missing_files: list[str]


@dataclass(frozen=True)
class RestoreSummary:
    counts: dict[str, int]
    files_written: int
    files_present: int
    missing_files: list[str]


@dataclass(frozen=True)
class _Archive:
    """An archive whose every member has been read and checked against its manifest."""

    manifest: dict[str, Any]
    rows: list[dict[str, Any]]
    files: list[str]
    members: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class _Spool:
    """A copy of a file's content on its way into or out of an archive, with its digest."""

    file: IO[bytes]
    sha256: str
    size: int

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.file.close()


class _ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, except that times keep their microseconds (it keeps milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


# ---------------------------------------------------------------------------
# What a backup holds
# ---------------------------------------------------------------------------


def backup_models() -> list[type[models.Model]]:
    """Return the models a backup holds, in an order that loads (natural keys first)."""
    app_list = []
    for app_config in apps.get_app_configs():
        if app_config.label in EXCLUDED_APPS:
            continue
        chosen = [
            model
            for model in app_config.get_models()
            if model._meta.label_lower not in EXCLUDED_MODELS
            and model._meta.managed
            and not model._meta.proxy
        ]
        if chosen:
            app_list.append((app_config, chosen))
    return serializers.sort_dependencies(app_list, allow_cycles=True)


def database_contents() -> dict[str, int]:
    """Return the row count of every backed-up model that has rows, groups apart.

    Groups do not count: migrations create the role groups in every database.
    """
    contents = {}
    for model in backup_models():
        if model._meta.label_lower in NATURAL_PRIMARY_KEY_MODELS:
            continue
        count = model._base_manager.count()
        if count:
            contents[model._meta.label_lower] = count
    return contents


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    """Return `model`'s file fields; raise BackupError for one outside default storage."""
    fields = [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]
    for field in fields:
        # Archive members are named after the file's name in default storage;
        # a field with its own storage would need a namespace of its own.
        if field.storage is not default_storage:
            raise BackupError(
                f"{model._meta.label}.{field.name} keeps its files outside the default "
                "storage, which backups do not cover."
            )
    return fields


def _file_names(rows: list[dict[str, Any]]) -> list[str]:
    """Return the sorted names of the stored files that serialized `rows` point to.

    Raises LookupError for a row of a model this site does not have, and
    BackupError for a file field outside default storage.
    """
    names = set()
    for row in rows:
        model = apps.get_model(row["model"])
        for field in _file_fields(model):
            name = row["fields"].get(field.name)
            if name:
                names.add(name)
    return sorted(names)


def _rows(model: type[models.Model]) -> list[dict[str, Any]]:
    """Serialize every row of `model`, with natural keys for content types, groups and users."""
    related_by_natural_key = [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and hasattr(field.related_model, "natural_key")
    ]
    # Prefetch many-to-many values together with what their natural keys read
    # (a permission's content type), or each row would cost several queries.
    many_to_many = [
        models.Prefetch(field.name, queryset=field.related_model._base_manager.select_related())
        for field in model._meta.many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    queryset = (
        model._base_manager.order_by(model._meta.pk.name)
        .select_related(*related_by_natural_key)
        .prefetch_related(*many_to_many)
    )
    return serializers.serialize(
        "python",
        queryset,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=model._meta.label_lower in NATURAL_PRIMARY_KEY_MODELS,
    )


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _read_snapshot() -> None:
    """Make the current transaction read one consistent snapshot of the database.

    PostgreSQL's default (read committed) lets each query see the commits made
    since the previous one: items could refer to a figure the dump of figures,
    read earlier, does not hold. SQLite's transaction is a snapshot already.
    Only the first statement of a transaction may set this, so inside an outer
    transaction (a test's) it is left as it is.
    """
    if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


# ---------------------------------------------------------------------------
# Backup
# ---------------------------------------------------------------------------


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
        _read_snapshot()
        rows_by_model = {model._meta.label_lower: _rows(model) for model in backup_models()}
        migrations = _applied_migrations()
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
    data = json.dumps(rows, cls=_ExactJSONEncoder, ensure_ascii=False).encode()
    # mkstemp creates the file readable by its owner only: it holds password hashes.
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
    )
    try:
        with os.fdopen(descriptor, "wb") as raw:
            _archive_write(raw, manifest=manifest, data=data, files=_file_names(rows))
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
        members[DATA_MEMBER] = _member_add(archive, DATA_MEMBER, _spool_bytes(data), mtime)
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
        # The manifest is last because it lists every other member's digest;
        # a reader checks all of them before it uses any.
        _member_add(archive, MANIFEST_MEMBER, _spool_bytes(text), mtime)


def _storage_read(name: str) -> _Spool | None:
    """Return a copy of the stored file `name`, or None when storage does not have it."""
    if not default_storage.exists(name):
        return None
    try:
        with default_storage.open(name, "rb") as source:
            return _spool(source)
    except FileNotFoundError:
        # Deleted between the two calls, by an editor removing a figure.
        return None


def _member_add(archive: tarfile.TarFile, name: str, spool: _Spool, mtime: float) -> dict:
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


def _spool(source: IO[bytes]) -> _Spool:
    """Copy `source` into a temporary file (on disk once it grows large) while hashing it."""
    # Returned open: the caller closes it, with `with spool:`.
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_MEMORY)  # noqa: SIM115
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK_SIZE):
        digest.update(chunk)
        copy.write(chunk)
        size += len(chunk)
    copy.seek(0)
    return _Spool(file=copy, sha256=digest.hexdigest(), size=size)


def _spool_bytes(content: bytes) -> _Spool:
    return _Spool(
        file=io.BytesIO(content), sha256=hashlib.sha256(content).hexdigest(), size=len(content)
    )


def _digest(source: IO[bytes]) -> str:
    """Return the SHA-256 of what is left to read in `source`."""
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK_SIZE):
        digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# Restore
# ---------------------------------------------------------------------------


def site_restore(*, path: Path, force: bool = False) -> RestoreSummary:
    """Load the archive `path` into this database and storage; return what was restored.

    Raises RestoreError, with nothing written, when the database holds content
    (unless `force`, which flushes it first); when the archive is missing,
    unreadable, corrupt or truncated, fails a checksum, has another format
    version or needs migrations this database lacks; or when storage holds
    other files under the archive's names (unless `force`, which replaces
    them). Rows are loaded in one transaction and the files written inside
    it: a failure while loading rolls back the rows, deletes the files written
    so far and puts back the ones replaced.
    """
    path = Path(path)
    if not path.is_file():
        raise RestoreError(f"{path}: no such file.")
    if not force:
        _require_empty_database()
    archive = _archive_read(path)
    _require_migrations(archive.manifest)
    present, conflicts = _storage_compare(archive)
    if conflicts and not force:
        raise RestoreError(
            "Storage already holds different files under these names: "
            f"{_listing(conflicts)}. Use --force to replace them; nothing was restored."
        )
    written: list[str] = []
    set_aside: dict[str, _Spool] = {}
    try:
        with transaction.atomic(durable=True):
            if force:
                call_command("flush", interactive=False, verbosity=0)
            counts = _rows_load(archive.rows)
            _files_write(
                path,
                archive=archive,
                skip=present,
                replace=conflicts,
                written=written,
                set_aside=set_aside,
            )
    except BaseException:
        _files_undo(written=written, set_aside=set_aside)
        # The flush and the load may have cached content type ids that the
        # rollback took back.
        ContentType.objects.clear_cache()
        raise
    finally:
        for spool in set_aside.values():
            spool.file.close()
    return RestoreSummary(
        counts=counts,
        files_written=len(written),
        files_present=len(present),
        missing_files=archive.manifest.get("missing_files", []),
    )


def _require_empty_database() -> None:
    contents = database_contents()
    if contents:
        listing = ", ".join(f"{label} ({count})" for label, count in contents.items())
        raise RestoreError(
            f"The database is not empty: it holds {listing}. Restore into a freshly "
            "migrated database, or use --force to flush this one first (everything in "
            "it is deleted); nothing was restored."
        )


def _archive_read(path: Path) -> _Archive:
    """Read every member of the archive `path` and check it against the manifest.

    Returns the manifest, the rows and the names of the files to write. Raises
    RestoreError naming the problem.
    """
    found: dict[str, dict[str, Any]] = {}
    kept: dict[str, bytes] = {}
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for member in tar:
                if not member.isfile() or member.name in found:
                    raise RestoreError(
                        f"{path}: unexpected member {member.name!r}; not a Digest backup, "
                        "nothing was restored."
                    )
                source = tar.extractfile(member)
                if member.name in (DATA_MEMBER, MANIFEST_MEMBER):
                    kept[member.name] = source.read()
                    digest = hashlib.sha256(kept[member.name]).hexdigest()
                else:
                    digest = _digest(source)
                found[member.name] = {"size": member.size, "sha256": digest}
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise RestoreError(
            f"{path} is corrupt or truncated ({error}); nothing was restored."
        ) from error
    manifest = _manifest_parse(path, kept.get(MANIFEST_MEMBER))
    del found[MANIFEST_MEMBER]
    _members_check(path, expected=manifest["members"], found=found)
    try:
        rows = json.loads(kept[DATA_MEMBER])
        files = _file_names(rows)
    except (ValueError, TypeError, KeyError, LookupError) as error:
        raise RestoreError(
            f"{path}: {DATA_MEMBER} cannot be read ({error}); nothing was restored."
        ) from error
    except BackupError as error:
        raise RestoreError(f"{error} Nothing was restored.") from error
    missing = set(manifest["missing_files"])
    for name in files:
        try:
            validate_file_name(name, allow_relative_path=True)
        except SuspiciousFileOperation as error:
            raise RestoreError(
                f"{path}: unsafe file name {name!r}; nothing was restored."
            ) from error
        if MEDIA_PREFIX + name not in found and name not in missing:
            raise RestoreError(
                f"{path}: the data refers to the file {name}, which the archive does not "
                "hold; nothing was restored."
            )
    return _Archive(
        manifest=manifest,
        rows=rows,
        files=[name for name in files if MEDIA_PREFIX + name in found],
        members=found,
    )


def _manifest_parse(path: Path, text: bytes | None) -> dict[str, Any]:
    """Return the manifest if it is one this version reads; raise RestoreError if not."""
    if text is None:
        raise RestoreError(
            f"{path} has no {MANIFEST_MEMBER}: it is truncated or not a Digest backup; "
            "nothing was restored."
        )
    try:
        manifest = json.loads(text)
    except ValueError as error:
        raise RestoreError(
            f"{path}: {MANIFEST_MEMBER} is not valid JSON ({error}); nothing was restored."
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RestoreError(f"{path} is not a Digest backup; nothing was restored.")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise RestoreError(
            f"{path} is a backup in format version {version}; this Digest reads version "
            f"{FORMAT_VERSION} only. Nothing was restored."
        )
    expected_types = {"members": dict, "migrations": dict, "missing_files": list, "files": list}
    for key, expected_type in expected_types.items():
        if not isinstance(manifest.get(key), expected_type):
            raise RestoreError(
                f"{path}: {MANIFEST_MEMBER} has no valid {key!r}; nothing was restored."
            )
    return manifest


def _members_check(
    path: Path, *, expected: dict[str, dict[str, Any]], found: dict[str, dict[str, Any]]
) -> None:
    """Raise RestoreError unless `found` holds exactly the `expected` members, unaltered."""
    absent = sorted(set(expected) - set(found))
    if absent:
        raise RestoreError(
            f"{path} is truncated: {_listing(absent)} missing; nothing was restored."
        )
    unlisted = sorted(set(found) - set(expected))
    if unlisted:
        raise RestoreError(
            f"{path}: {_listing(unlisted)} not listed in the manifest; nothing was restored."
        )
    altered = sorted(name for name in expected if expected[name] != found[name])
    if altered:
        raise RestoreError(
            f"{path}: checksum mismatch for {_listing(altered)}: the archive was damaged or "
            "altered; nothing was restored."
        )
    if DATA_MEMBER not in found:
        raise RestoreError(f"{path} has no {DATA_MEMBER}; nothing was restored.")


def _require_migrations(manifest: dict[str, Any]) -> None:
    """Raise RestoreError when the archive's schema has migrations this database lacks."""
    applied = MigrationRecorder(connection).applied_migrations()
    lacking = [
        f"{app_label}.{name}"
        for app_label, names in manifest["migrations"].items()
        for name in names
        if (app_label, name) not in applied
    ]
    if lacking:
        raise RestoreError(
            "The backup comes from a newer version of the site: this database lacks the "
            f"migrations {_listing(lacking)}. Install that version and run migrate first; "
            "nothing was restored."
        )


def _storage_compare(archive: _Archive) -> tuple[set[str], set[str]]:
    """Return the archive's files that storage holds already: the same, and different."""
    same, different = set(), set()
    for name in archive.files:
        if not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as stored:
            digest = _digest(stored)
        expected = archive.members[MEDIA_PREFIX + name]["sha256"]
        (same if digest == expected else different).add(name)
    return same, different


def _rows_load(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Save the serialized `rows` as loaddata does; return the count per model.

    Raises RestoreError when they do not fit this database.
    """
    counts: Counter[str] = Counter()
    loaded_models: set[type[models.Model]] = set()
    try:
        with connection.constraint_checks_disabled():
            deferred = []
            for deserialized in serializers.deserialize(
                "python", rows, handle_forward_references=True
            ):
                deserialized.save()
                loaded_models.add(type(deserialized.object))
                counts[deserialized.object._meta.label_lower] += 1
                if deserialized.deferred_fields:
                    deferred.append(deserialized)
            for deserialized in deferred:
                deserialized.save_deferred_fields()
        connection.check_constraints(table_names=[model._meta.db_table for model in loaded_models])
    except (
        DeserializationError,
        DatabaseError,
        ObjectDoesNotExist,
        FieldDoesNotExist,
        ValidationError,
    ) as error:
        raise RestoreError(f"Loading the data failed ({error}); nothing was restored.") from error
    # Rows came with their ids: PostgreSQL's sequences must move past them, or
    # the next item would be given an id that is taken.
    statements = connection.ops.sequence_reset_sql(no_style(), loaded_models)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return dict(sorted(counts.items()))


def _files_write(
    path: Path,
    *,
    archive: _Archive,
    skip: set[str],
    replace: set[str],
    written: list[str],
    set_aside: dict[str, _Spool],
) -> None:
    """Write the archive's files to storage, recording each written and each replaced one.

    Each file is checked again on its way, in case the archive changed since
    it was read. Raises RestoreError when it did, or when storage saves a file
    under another name than the data expects.
    """
    wanted = set(archive.files) - skip
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for member in tar:
                name = member.name.removeprefix(MEDIA_PREFIX)
                if not member.name.startswith(MEDIA_PREFIX) or name not in wanted:
                    continue
                with _spool(tar.extractfile(member)) as spool:
                    if spool.sha256 != archive.members[member.name]["sha256"]:
                        raise RestoreError(
                            f"{path} changed while it was being restored; nothing was restored."
                        )
                    if name in replace:
                        with default_storage.open(name, "rb") as stored:
                            set_aside[name] = _spool(stored)
                        default_storage.delete(name)
                    saved = default_storage.save(name, File(spool.file, name=name))
                    written.append(saved)
                if saved != name:
                    raise RestoreError(
                        f"Storage saved {name} as {saved}, another name than the data "
                        "expects; nothing was restored."
                    )
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise RestoreError(
            f"{path} changed while it was being restored ({error}); nothing was restored."
        ) from error


def _files_undo(*, written: list[str], set_aside: dict[str, _Spool]) -> None:
    """Delete the files a failed restore wrote and put back the ones it replaced."""
    for name in written:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("Could not delete %s after a failed restore", name)
    for name, spool in set_aside.items():
        try:
            spool.file.seek(0)
            default_storage.save(name, File(spool.file, name=name))
        except OSError:
            logger.exception("Could not put back %s after a failed restore", name)


def _listing(names) -> str:
    """Return up to five of `names` joined, and how many more there are."""
    names = sorted(names)
    shown = ", ".join(names[:5])
    return f"{shown} and {len(names) - 5} more" if len(names) > 5 else shown
