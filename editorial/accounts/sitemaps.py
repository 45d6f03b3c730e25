from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse

from editorial.models import ContributorProfile
from newsletter.models import Item


class ContributorSitemap(Sitemap):
    """Contributor pages that exist: a public profile with a public item."""

    changefreq = "monthly"

    def items(self):
        # EXISTS stops at the first public item: a few rows per profile read.
        public = Item.objects.public()
        wrote = Exists(public.filter(author=OuterRef("user")))
        reviewed = Exists(public.filter(reviewer=OuterRef("user")))
        return (
            ContributorProfile.objects.filter(is_public=True)
            .filter(wrote | reviewed)
            .select_related("user")
            .order_by("user__username")
        )

    def location(self, profile: ContributorProfile) -> str:
        return reverse("editorial:contributor", args=[profile.user.username])
