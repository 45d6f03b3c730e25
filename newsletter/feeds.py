"""Atom and RSS feeds of the latest public items."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from newsletter.models import Item

FEED_LENGTH = 50


class LatestItemsRssFeed(Feed):
    link = reverse_lazy("newsletter:home")

    def title(self) -> str:
        return settings.DIGEST["PUBLICATION_NAME"]

    def description(self) -> str:
        return settings.DIGEST["PUBLICATION_TAGLINE"]

    def items(self):
        return (
            Item.objects.public()
            .select_related("issue", "section", "author__credit")
            .in_reading_order()[:FEED_LENGTH]
        )

    def item_title(self, item: Item) -> str:
        return item.title

    def item_description(self, item: Item) -> str:
        # body_html is already sanitised by the Markdown pipeline.
        return item.body_html + item.remark_html

    def item_link(self, item: Item) -> str:
        return item.get_absolute_url()

    def item_author_name(self, item: Item) -> str | None:
        # Only people who chose a public credit are named.
        credit = item.author_credit
        return credit.name if credit else None

    def item_pubdate(self, item: Item):
        return item.issue.publish_at

    def item_updateddate(self, item: Item):
        return max(item.updated_at, item.issue.publish_at)

    def item_categories(self, item: Item) -> list[str]:
        return [str(item.section)] if item.section else []


class LatestItemsAtomFeed(LatestItemsRssFeed):
    feed_type = Atom1Feed
    subtitle = LatestItemsRssFeed.description
