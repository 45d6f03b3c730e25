from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef

from newsletter.models import Issue, Item, Project, Section


class IssueSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Issue.objects.public().only("slug", "updated_at").order_by("-publish_at")

    def lastmod(self, issue: Issue):
        return issue.updated_at


class ProjectSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        # The covered projects' ids in one pass over the links to public items: an
        # EXISTS per project would scan every public item for each project none covers.
        links = Item.projects.through.objects.filter(item__in=Item.objects.public())
        covered = Project.objects.filter(pk__in=links.values("project_id"))
        return covered.only("slug").order_by("slug")


class SectionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        # EXISTS stops at a section's first public item (every section has many),
        # where a join with DISTINCT read every public item.
        used = Exists(Item.objects.public().filter(section=OuterRef("pk")))
        return Section.objects.filter(used).only("slug").order_by("slug")


SITEMAPS = {"issues": IssueSitemap, "projects": ProjectSitemap, "sections": SectionSitemap}
