from django.contrib.sitemaps import Sitemap

from newsletter.models import Issue, Item, Project, Section


class IssueSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Issue.objects.public().order_by("-publish_at")

    def lastmod(self, issue: Issue):
        return issue.updated_at


class ProjectSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Project.objects.filter(items__in=Item.objects.public()).distinct().order_by("slug")


class SectionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Section.objects.filter(items__in=Item.objects.public()).distinct().order_by("slug")


SITEMAPS = {"issues": IssueSitemap, "projects": ProjectSitemap, "sections": SectionSitemap}
