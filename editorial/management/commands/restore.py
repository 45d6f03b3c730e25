"""Load an archive written by `backup` into a freshly migrated database:

    python manage.py migrate
    python manage.py restore /srv/backups/digest-2025-11-30.tar.gz

See README.md, "Backup and restore", for the whole procedure.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from editorial.backup.archive import RestoreError
from editorial.backup.restore import site_restore


class Command(BaseCommand):
    help = "Restore the site's data and stored files from an archive written by backup."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Archive written by manage.py backup.")
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Restore into a database that holds content: flush it first (everything in "
                "it is deleted) and replace stored files of the same names."
            ),
        )
        parser.add_argument(
            "--trust-unsigned",
            action="store_true",
            help=(
                "Read a backup made before backups were signed (format version 1). Only for "
                "archives of your own: nothing proves this one was not altered."
            ),
        )

    def handle(self, *args, path: Path, force: bool, trust_unsigned: bool, **options):
        if trust_unsigned:
            self.stderr.write(
                self.style.WARNING(f"{path}: restoring without checking a signature.")
            )
        try:
            summary = site_restore(path=path, force=force, trust_unsigned=trust_unsigned)
        except RestoreError as error:
            raise CommandError(str(error)) from error
        for label, count in summary.counts.items():
            self.stdout.write(f"{label}: {count}")
        for name in summary.missing_files:
            self.stderr.write(self.style.WARNING(f"Missing when the backup was made: {name}"))
        rows = sum(summary.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} rows and {summary.files_written} files "
                f"({summary.files_present} already in storage) from {path}."
            )
        )
