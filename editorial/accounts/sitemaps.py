from django.contrib.sitemaps import Sitemap
from django.db.models import Q
from django.urls import reverse

from editorial.models import ContributorProfile
from newsletter.models import Item


class ContributorSitemap(Sitemap):
    """Contributor pages that exist: a public profile with a public item."""

    changefreq = "monthly"

    def items(self):
        public = Item.objects.public()
        return (
            ContributorProfile.objects.filter(is_public=True)
            .filter(Q(user__items__in=public) | Q(user__reviewed_items__in=public))
            .select_related("user")
            .distinct()
            .order_by("user__username")
        )

    def location(self, profile: ContributorProfile) -> str:
        return reverse("editorial:contributor", args=[profile.user.username])
