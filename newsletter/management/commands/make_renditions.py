from django.core.management.base import BaseCommand

from newsletter.models import Figure
from newsletter.rendering import figure_pages_rerender
from newsletter.renditions import renditions_make


class Command(BaseCommand):
    help = (
        "Make the missing renditions of every figure (all of them with --force) and "
        "re-render the items that show them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Delete and rebuild existing renditions too."
        )
        parser.add_argument("ids", nargs="*", type=int, help="Only these figure ids.")

    def handle(self, *args, ids, force, **options):
        figures = Figure.objects.prefetch_related("renditions").order_by("pk")
        if ids:
            figures = figures.filter(pk__in=ids)
        changed, failed = [], 0
        for figure in figures:
            before = {rendition.file.name for rendition in figure.renditions.all()}
            try:
                after = {r.file.name for r in renditions_make(figure=figure, force=force)}
            except (OSError, ValueError) as error:
                # A missing or unreadable original: say which, and carry on.
                self.stderr.write(f"{figure.image.name}: figure #{figure.pk}: {error}")
                failed += 1
                continue
            if after != before:
                changed.append(figure)
        pages = figure_pages_rerender(figures=changed) if changed else 0
        message = (
            f"Renditions made for {len(changed)} figures; {pages} items and issues re-rendered."
        )
        if failed:
            self.stderr.write(self.style.ERROR(f"{message} {failed} figures failed."))
        else:
            self.stdout.write(self.style.SUCCESS(message))
