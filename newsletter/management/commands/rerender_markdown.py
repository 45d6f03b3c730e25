from django.core.management.base import BaseCommand

from newsletter.models import Issue, Item
from newsletter.rendering import issue_render, item_render


class Command(BaseCommand):
    help = "Rebuild the stored HTML of every item and issue (after a pipeline change)."

    def handle(self, *args, **options):
        items = issues = 0
        for item in Item.objects.iterator(chunk_size=200):
            item_render(item=item)
            items += 1
        for issue in Issue.objects.iterator(chunk_size=200):
            issue_render(issue=issue)
            issues += 1
        self.stdout.write(self.style.SUCCESS(f"Re-rendered {items} items and {issues} issues."))
