"""Write the whole site, data and stored files, to one archive:

    python manage.py backup /srv/backups/digest-2025-11-30.tar.gz

See README.md, "Backup and restore", for what the archive holds.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from editorial.backup.archive import BackupError
from editorial.backup.create import site_backup


class Command(BaseCommand):
    help = "Back up the site's data and stored files to one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Archive to write, ending in .tar.gz.")
        parser.add_argument("--force", action="store_true", help="Replace PATH if it exists.")

    def handle(self, *args, path: Path, force: bool, **options):
        try:
            summary = site_backup(path=path, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for label, count in summary.counts.items():
            if count:
                self.stdout.write(f"{label}: {count}")
        for name in summary.missing_files:
            self.stderr.write(
                self.style.WARNING(f"Not in storage, left out of the archive: {name}")
            )
        rows = sum(summary.counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {path}: {rows} rows, {len(summary.files)} files.")
        )
