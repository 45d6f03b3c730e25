"""The backup archive's format, shared by `create` and `restore`: its members,
the models and files it holds, and the helpers that spool and checksum them.
"""

import datetime
import hashlib
import hmac
import io
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Self

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.migrations.recorder import MigrationRecorder
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

FORMAT = "digest-backup"
# Version 2 added the signature.
FORMAT_VERSION = 2
# The format before archives were signed: the same members but the signature.
UNSIGNED_FORMAT_VERSION = 1
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")
DATA_MEMBER = "data.json"
MANIFEST_MEMBER = "manifest.json"
SIGNATURE_MEMBER = "manifest.json.hmac"
_SIGNATURE_SALT = "editorial.backup.manifest"
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
class Archive:
    """An archive whose every member has been read and checked against its manifest."""

    manifest: dict[str, Any]
    rows: list[dict[str, Any]]
    files: list[str]
    members: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Spool:
    """A copy of a file's content on its way into or out of an archive, with its digest."""

    file: IO[bytes]
    sha256: str
    size: int

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info) -> None:
        self.file.close()


class ExactJSONEncoder(DjangoJSONEncoder):
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


def file_names(rows: list[dict[str, Any]]) -> list[str]:
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


def model_rows(model: type[models.Model]) -> list[dict[str, Any]]:
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


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def read_snapshot() -> None:
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


def manifest_signature(manifest: bytes) -> str:
    """Return the HMAC-SHA256 of `manifest`, in hex, keyed by BACKUP_KEY.

    The manifest lists the digest of every other member, so signing it signs
    the whole archive. Plain checksums only catch damage: whoever edits an
    archive (to add a superuser, say) can recompute them, but not this
    without the key. Without BACKUP_KEY the key is derived from SECRET_KEY,
    so another server restores the archive only with the same key set.
    """
    key = settings.BACKUP_KEY or settings.SECRET_KEY
    return salted_hmac(_SIGNATURE_SALT, manifest, secret=key, algorithm="sha256").hexdigest()


def manifest_signature_matches(manifest: bytes, signature: bytes) -> bool:
    """Return whether `signature` is the manifest's, compared in constant time."""
    expected = manifest_signature(manifest).encode()
    return hmac.compare_digest(expected, signature.strip())


# ---------------------------------------------------------------------------
# Backup
# ---------------------------------------------------------------------------


def spool_stream(source: IO[bytes]) -> Spool:
    """Copy `source` into a temporary file (on disk once it grows large) while hashing it."""
    # Returned open: the caller closes it, with `with spool:`.
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_MEMORY)  # noqa: SIM115
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK_SIZE):
        digest.update(chunk)
        copy.write(chunk)
        size += len(chunk)
    copy.seek(0)
    return Spool(file=copy, sha256=digest.hexdigest(), size=size)


def spool_bytes(content: bytes) -> Spool:
    return Spool(
        file=io.BytesIO(content), sha256=hashlib.sha256(content).hexdigest(), size=len(content)
    )


def sha256_of(source: IO[bytes]) -> str:
    """Return the SHA-256 of what is left to read in `source`."""
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK_SIZE):
        digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# Restore
# ---------------------------------------------------------------------------
