from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from newsletter.formats.document import ImportFormatError
from newsletter.services import IssueExistsError, issue_import


class Command(BaseCommand):
    help = "Import an issue from the publication's plain-text form or from Markdown."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="UTF-8 text or Markdown file.")
        parser.add_argument("--slug", help="Issue slug such as 2025-11 (default: the file name).")
        parser.add_argument(
            "--replace", action="store_true", help="Replace the items of an existing issue."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Import an issue already sent: items approved, issue published.",
        )
        parser.add_argument(
            "--publish-at", help="Publish time (ISO 8601) for --publish; default now."
        )

    def handle(self, *args, path: Path, slug, replace, publish, publish_at, **options):
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except FileNotFoundError as error:
            raise CommandError(f"{path}: no such file") from error
        except UnicodeDecodeError as error:
            line = path.read_bytes()[: error.start].count(b"\n") + 1
            raise CommandError(f"{path}:{line}: not valid UTF-8 text") from error
        slug = slug or path.stem.split("-excerpt")[0]
        try:
            issue, count = issue_import(
                text=text,
                slug=slug,
                replace=replace,
                publish_at=self._publish_time(publish, publish_at),
            )
        except ImportFormatError as error:
            raise CommandError(f"{path}:{error.line}: {error.message}; nothing imported") from error
        except IssueExistsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Imported {count} items into issue {issue.slug}."))

    def _publish_time(self, publish: bool, publish_at: str | None) -> datetime | None:
        if not publish:
            if publish_at:
                raise CommandError("--publish-at needs --publish")
            return None
        if not publish_at:
            return timezone.now()
        moment = parse_datetime(publish_at)
        if moment is None:
            raise CommandError(f"--publish-at {publish_at!r} is not an ISO 8601 date and time")
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
