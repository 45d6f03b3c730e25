"""Announce scheduled issues whose time has come. Meant for cron:

    */5 * * * *  cd /srv/digest && .venv/bin/python manage.py publish_due

Readers see a scheduled issue as soon as its `publish_at` passes whether or not
this runs; the command records the publication and emails the contributors.
Running it again, or twice at once, announces nothing twice.

Publishing indexes an issue for search; each run also indexes any other
item that became public without a write (an issue imported as published
with a future time) and drops entries of items no longer public, so search
catches up with the pages within one run.
"""

from django.core.management.base import BaseCommand

from editorial.release.publishing import issue_publish_due
from newsletter.search.index import search_index_catch_up


class Command(BaseCommand):
    help = "Mark scheduled issues whose publish time has passed as published and notify."

    def handle(self, *args, **options):
        published = issue_publish_due()
        for issue in published:
            self.stdout.write(f"published {issue.slug} (publish_at {issue.publish_at.isoformat()})")
        if not published:
            self.stdout.write("nothing due")
        change = search_index_catch_up()
        if change.indexed or change.removed:
            self.stdout.write(
                f"search index: {change.indexed} items added, {change.removed} removed"
            )
