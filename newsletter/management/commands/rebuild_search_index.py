"""Rebuild the search index from the public items.

Needed after a change to how text is cut (newsletter/search/analysis.py,
domain_words.txt), after `rerender_markdown` (the index reads the stored
HTML), or to recover from anything that wrote items around the services.
"""

from django.core.management.base import BaseCommand

from newsletter.search.index import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the search index: one entry per public item, in one transaction."

    def handle(self, *args, **options):
        count = search_index_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} public items for search."))
