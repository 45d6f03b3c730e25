from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsletter.formats.exports import EXPORT_FORMATS, IssueNotPublicError, issue_export
from newsletter.models import Issue


class Command(BaseCommand):
    help = "Export an issue as Markdown, a standalone HTML page, an HTML email or JSON."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Issue slug such as 2025-11.")
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="md", dest="export_format")
        parser.add_argument(
            "--output", "-o", type=Path, help="Write to this file (default: stdout)."
        )
        parser.add_argument(
            "--preview",
            action="store_true",
            help="Export the approved items of an issue that is not published yet.",
        )

    def handle(self, *args, slug, export_format, output, preview, **options):
        issue = Issue.objects.filter(slug=slug).first()
        if issue is None:
            raise CommandError(f"No issue with slug {slug!r}.")
        try:
            text = issue_export(issue=issue, export_format=export_format, preview=preview)
        except IssueNotPublicError as error:
            raise CommandError(str(error)) from error
        if output is None:
            self.stdout.write(text, ending="")
            return
        output.write_text(text, encoding="utf-8")
        self.stderr.write(f"Wrote {export_format} export of {slug} to {output}.")
