from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from newsletter.formats.document import ImportFormatError
from newsletter.management.paths import read_bytes, shown_path
from newsletter.services import IssueExistsError, issue_import


def _read_text(path: Path) -> str:
    """Return the UTF-8 text of `path`; raise CommandError `path[:line]: reason`."""
    try:
        data = read_bytes(path)
    except OSError as error:
        raise CommandError(str(error)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CommandError(f"{shown_path(path)}:{line}: not valid UTF-8 text") from None


def _refusal(error: ValidationError, slug: str) -> str:
    """Return what the issue's checks refused, the slug named as the option that gave it."""
    reasons = []
    for field, messages in error.message_dict.items():
        name = f"--slug {slug!r}" if field == "slug" else field
        reasons.append(f"{name}: {' '.join(messages)}")
    return "; ".join(reasons)


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
        text = _read_text(path)
        shown = shown_path(path)
        slug = slug or path.stem.split("-excerpt")[0]
        try:
            issue, count = issue_import(
                text=text,
                slug=slug,
                replace=replace,
                publish_at=self._publish_time(publish, publish_at),
            )
        except ImportFormatError as error:
            raise CommandError(f"{shown}:{error.line}: {error.message}; nothing imported") from None
        except IssueExistsError as error:
            raise CommandError(f"{shown}: {error}") from None
        except ValidationError as error:
            raise CommandError(f"{shown}: {_refusal(error, slug)}; nothing imported") from None
        except RecursionError:
            raise CommandError(f"{shown}: nested too deeply to read; nothing imported") from None
        except DatabaseError as error:
            # The import is one transaction: the database refused it whole.
            raise CommandError(
                f"{shown}: the database refused the import ({error}); nothing imported"
            ) from None
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
