"""Restoring a backup into an empty database: the whole archive is read and
checked before anything is written, and a failure leaves nothing behind.
"""

import hashlib
import json
import logging
import tarfile
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

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
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from editorial.backup.archive import (
    DATA_MEMBER,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_MEMBER,
    MEDIA_PREFIX,
    SIGNATURE_MEMBER,
    UNSIGNED_FORMAT_VERSION,
    Archive,
    BackupError,
    RestoreError,
    RestoreSummary,
    Spool,
    database_contents,
    file_names,
    manifest_signature_matches,
    sha256_of,
    spool_stream,
)
from newsletter.management.paths import path_problem

logger = logging.getLogger(__name__)


def site_restore(
    *, path: Path, force: bool = False, trust_unsigned: bool = False
) -> RestoreSummary:
    """Load the archive `path` into this database and storage; return what was restored.

    Raises RestoreError, with nothing written, when the database holds content
    (unless `force`, which flushes it first); when the archive is missing,
    unreadable, corrupt or truncated, is not signed with this site's
    BACKUP_KEY, fails a checksum, has another format version, holds rows
    whose values this site refuses or needs migrations this database lacks; or when storage holds
    other files under the archive's names (unless `force`, which replaces
    them). Rows are loaded in one transaction and the files written inside
    it: a failure while loading rolls back the rows, deletes the files written
    so far and puts back the ones replaced.

    `trust_unsigned` reads an archive of format version 1, made before
    backups were signed, on the operator's word that it is their own.
    """
    path = Path(path)
    problem = path_problem(path)
    if problem is not None:
        raise RestoreError(f"{problem}; nothing was restored.")
    if not force:
        _require_empty_database()
    archive = _archive_read(path, trust_unsigned=trust_unsigned)
    _require_migrations(archive.manifest)
    present, conflicts = _storage_compare(archive)
    if conflicts and not force:
        raise RestoreError(
            "Storage already holds different files under these names: "
            f"{_listing(conflicts)}. Use --force to replace them; nothing was restored."
        )
    written: list[str] = []
    set_aside: dict[str, Spool] = {}
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


def _archive_read(path: Path, *, trust_unsigned: bool = False) -> Archive:
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
                if member.name in (DATA_MEMBER, MANIFEST_MEMBER, SIGNATURE_MEMBER):
                    kept[member.name] = source.read()
                    digest = hashlib.sha256(kept[member.name]).hexdigest()
                else:
                    digest = sha256_of(source)
                found[member.name] = {"size": member.size, "sha256": digest}
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise RestoreError(
            f"{path} is corrupt or truncated ({error}); nothing was restored."
        ) from error
    signature = kept.get(SIGNATURE_MEMBER)
    unsigned = trust_unsigned and signature is None
    if not unsigned:
        _signature_check(path, kept.get(MANIFEST_MEMBER), signature)
    manifest = _manifest_parse(path, kept.get(MANIFEST_MEMBER), unsigned=unsigned)
    found.pop(MANIFEST_MEMBER)
    found.pop(SIGNATURE_MEMBER, None)
    _members_check(path, expected=manifest["members"], found=found)
    try:
        rows = json.loads(kept[DATA_MEMBER])
        files = file_names(rows)
    except RecursionError:
        raise RestoreError(
            f"{path}: {DATA_MEMBER} is nested too deeply to read; nothing was restored."
        ) from None
    except (ValueError, TypeError, KeyError, LookupError, AttributeError) as error:
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
    return Archive(
        manifest=manifest,
        rows=rows,
        files=[name for name in files if MEDIA_PREFIX + name in found],
        members=found,
    )


def _signature_check(path: Path, manifest: bytes | None, signature: bytes | None) -> None:
    """Raise RestoreError unless `signature` is the manifest's under this site's BACKUP_KEY.

    Checked before the manifest is even parsed: nothing in an archive
    someone else made is trusted, not its checksums, not its JSON.
    """
    if manifest is None:
        raise RestoreError(
            f"{path} has no {MANIFEST_MEMBER}: it is truncated or not a Digest backup; "
            "nothing was restored."
        )
    if signature is None:
        raise RestoreError(
            f"{path} is not signed (no {SIGNATURE_MEMBER}): it was made by an older Digest "
            "or altered; nothing was restored. If it is a backup of your own made before "
            "backups were signed, restore it with --trust-unsigned."
        )
    if not manifest_signature_matches(manifest, signature):
        raise RestoreError(
            f"{path}: the signature does not match: the archive was altered, or signed "
            "with another BACKUP_KEY; nothing was restored."
        )


def _manifest_parse(path: Path, text: bytes | None, *, unsigned: bool = False) -> dict[str, Any]:
    """Return the manifest if it is one this version reads; raise RestoreError if not.

    Signed archives are read in FORMAT_VERSION; an unsigned one, trusted by
    the operator, only in UNSIGNED_FORMAT_VERSION, the format before signing.
    """
    if text is None:
        raise RestoreError(
            f"{path} has no {MANIFEST_MEMBER}: it is truncated or not a Digest backup; "
            "nothing was restored."
        )
    try:
        manifest = json.loads(text)
    except RecursionError:
        raise RestoreError(
            f"{path}: {MANIFEST_MEMBER} is nested too deeply to read; nothing was restored."
        ) from None
    except ValueError as error:
        raise RestoreError(
            f"{path}: {MANIFEST_MEMBER} is not valid JSON ({error}); nothing was restored."
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RestoreError(f"{path} is not a Digest backup; nothing was restored.")
    version = manifest.get("format_version")
    readable = UNSIGNED_FORMAT_VERSION if unsigned else FORMAT_VERSION
    if version != readable:
        raise RestoreError(
            f"{path} is a backup in format version {version}; this Digest reads version "
            f"{readable} {'unsigned' if unsigned else 'signed'}. Nothing was restored."
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


def _storage_compare(archive: Archive) -> tuple[set[str], set[str]]:
    """Return the archive's files that storage holds already: the same, and different."""
    same, different = set(), set()
    for name in archive.files:
        if not default_storage.exists(name):
            continue
        with default_storage.open(name, "rb") as stored:
            digest = sha256_of(stored)
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
                _values_check(deserialized.object)
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
        OverflowError,
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


def _values_check(instance: models.Model) -> None:
    """Run the field checks on `instance`'s filled-in values; raise RestoreError naming the row.

    Rows are saved as they come, as loaddata does: without this, a slug, an
    address or a number this site refuses from a form would reach pages that
    cannot show it. Relations are left to the database's constraint check,
    and empty values alone, since services fill some fields after a first save.
    """
    skipped = [
        field.name
        for field in instance._meta.concrete_fields
        if field.is_relation or field.value_from_object(instance) in (None, "")
    ]
    try:
        instance.clean_fields(exclude=skipped)
    except ValidationError as error:
        reasons = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        raise RestoreError(
            f"{DATA_MEMBER}: {instance._meta.label_lower} {instance.pk!r}: {reasons}; "
            "nothing was restored."
        ) from None


def _files_write(
    path: Path,
    *,
    archive: Archive,
    skip: set[str],
    replace: set[str],
    written: list[str],
    set_aside: dict[str, Spool],
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
                with spool_stream(tar.extractfile(member)) as spool:
                    if spool.sha256 != archive.members[member.name]["sha256"]:
                        raise RestoreError(
                            f"{path} changed while it was being restored; nothing was restored."
                        )
                    if name in replace:
                        with default_storage.open(name, "rb") as stored:
                            set_aside[name] = spool_stream(stored)
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


def _files_undo(*, written: list[str], set_aside: dict[str, Spool]) -> None:
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
