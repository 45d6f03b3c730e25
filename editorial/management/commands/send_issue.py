"""Send a published issue to its subscribers, or a test of it to one address.

    manage.py send_issue 2025-11 --test-to me@example.com   # look at it first
    manage.py send_issue 2025-11                            # then everyone

Running it again sends nothing twice: it reaches subscribers confirmed since,
and finishes deliveries a stopped worker left (see README.md, "Sending").
Without CELERY_BROKER_URL it sends inline and reports when it is done.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from editorial.errors import EditorialError
from editorial.release.sending import issue_send, issue_send_test
from newsletter.models import Issue
from newsletter.subscribers.delivery import delivery_report


class Command(BaseCommand):
    help = "Send a published issue to every confirmed subscriber (once), or a test to one address."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Issue slug such as 2025-11.")
        parser.add_argument("--test-to", metavar="ADDRESS", help="Send only a test to ADDRESS.")

    def handle(self, *args, slug, test_to, **options):
        issue = Issue.objects.filter(slug=slug).first()
        if issue is None:
            raise CommandError(f"No issue with slug {slug!r}.")
        try:
            if test_to:
                to = issue_send_test(issue=issue, actor=None, to=test_to)
                self.stdout.write(f"Test of {slug} sent to {to}.")
                return
            created = issue_send(issue=issue, actor=None)
        except EditorialError as error:
            raise CommandError(" ".join(error.messages)) from error
        report = delivery_report(issue=issue)
        counts = ", ".join(f"{state} {count}" for state, count in report.counts.items())
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write(f"{slug}: {created} new recipients; {counts}.")
        else:
            self.stdout.write(
                f"{slug}: {created} new recipients queued for the Celery workers; {counts}."
            )
        for row in report.failures:
            self.stderr.write(f"failed: delivery {row.pk}: {row.reason}")
