from django.core.management.base import BaseCommand

from newsletter.models import Issue, Item


class Command(BaseCommand):
    help = "Rebuild the stored HTML of every item and issue (after a pipeline change)."

    def handle(self, *args, **options):
        items = issues = 0
        for item in Item.objects.iterator(chunk_size=200):
            item.save(update_fields=["body_html", "remark_html"])
            items += 1
        for issue in Issue.objects.iterator(chunk_size=200):
            issue.save(update_fields=["intro_html"])
            issues += 1
        self.stdout.write(self.style.SUCCESS(f"Re-rendered {items} items and {issues} issues."))
