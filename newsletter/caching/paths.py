"""Which public pages show what: the paths a purge names."""

from collections.abc import Iterable

from django.urls import reverse

from newsletter.models import Issue, Item

# Pages that list or summarise every issue: any public change may touch them.
SITE_WIDE_URL_NAMES = (
    "newsletter:home",
    "newsletter:issue_archive",
    "newsletter:project_list",
    "newsletter:feed_atom",
    "newsletter:feed_rss",
    "newsletter:feed_items",
    "sitemap",
)


def site_wide_paths() -> set[str]:
    """Return the paths of the pages every public change may touch."""
    return {reverse(name) for name in SITE_WIDE_URL_NAMES}


def item_paths(items: Iterable[Item]) -> set[str]:
    """Return the paths showing `items`: their issues, sections, tags, projects, people."""
    items = Item.objects.filter(pk__in=[item.pk for item in items]).select_related(
        "issue", "section", "author", "reviewer"
    )
    paths: set[str] = set()
    for item in items.prefetch_related("projects", "tags"):
        if item.issue is not None:
            paths |= issue_paths(item.issue)
        if item.section is not None:
            paths |= {item.section.get_absolute_url(), reverse_feed("section", item.section.slug)}
        for project in item.projects.all():
            paths |= {project.get_absolute_url(), reverse_feed("project", project.slug)}
        for tag in item.tags.all():
            if tag.slug:
                paths |= {
                    reverse("newsletter:tag_detail", kwargs={"slug": tag.slug}),
                    reverse_feed("tag", tag.slug),
                }
        for person in (item.author, item.reviewer):
            if person is not None:
                paths.add(reverse("editorial:contributor", args=[person.get_username()]))
    return paths


def reverse_feed(kind: str, slug: str) -> str:
    """Return the path of the feed of one project, section or tag."""
    return reverse(f"newsletter:feed_{kind}", kwargs={"slug": slug})


def issue_paths(issue: Issue) -> set[str]:
    """Return the paths of `issue`'s own pages (HTML and Markdown)."""
    return {
        issue.get_absolute_url(),
        reverse("newsletter:issue_markdown", kwargs={"slug": issue.slug}),
    }
