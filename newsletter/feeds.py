"""Atom and RSS feeds, each starting from the one visibility rule.

- `/feed/` (Atom) and `/feed.rss`: one entry per issue, carrying the whole
  issue, which is what readers of a monthly expect in their feed reader; the
  newest DIGEST_FEED_ISSUES issues.
- `/feed/items/`: one entry per item, the newest DIGEST_FEED_ITEMS.
- `/feed/projects/<slug>/`, `/feed/sections/<slug>/`, `/feed/tags/<slug>/`:
  the items of one project, section or tag.

Opened in a browser, a feed is transformed by `static/feeds/feed.xsl` (named
in an xml-stylesheet instruction, served from our own origin, so the
Content-Security-Policy's 'self' allows it) into a page that says what a feed
is and lists its entries; a browser without XSLT shows the XML tree, headed
by a comment that says the same in a sentence.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, Stylesheet
from django.utils.html import escape
from django.utils.xmlutils import SimplerXMLGenerator
from taggit.models import Tag

from newsletter import selectors
from newsletter.absolute import absolute_links, absolute_url
from newsletter.models import Item, Project, Section
from newsletter.reading import plain_text

SUMMARY_LENGTH = 200
# What a browser shows atop the XML when it cannot apply the stylesheet.
BROWSER_NOTE = (
    " 这是一个订阅源(feed),给 RSS 阅读器读的。把地址栏里的网址复制到阅读器里即可订阅。"
    " This is a feed for feed readers: copy this address into yours to subscribe. "
)


class _XMLGenerator(SimplerXMLGenerator):
    def comment(self, text: str) -> None:
        """Write `<!--text-->`; "--" may not appear inside a comment, so it is spaced."""
        self._finish_pending_start_element()
        self._write(f"<!--{text.replace('--', '- -')}-->")


class _ForBrowsers:
    """Writes the stylesheet instruction and the note for people before the root element."""

    def start_document(self, outfile, encoding) -> _XMLGenerator:
        handler = _XMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", str(stylesheet))
        handler.comment(BROWSER_NOTE)
        return handler


class AtomFeedForBrowsers(_ForBrowsers, Atom1Feed):
    """Atom 1.0 with the browser view, and each entry's full text as `<content>`."""

    def write(self, outfile, encoding):
        handler = self.start_document(outfile, encoding)
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class RssFeedForBrowsers(_ForBrowsers, Rss201rev2Feed):
    """RSS 2.0 with the browser view."""

    def write(self, outfile, encoding):
        handler = self.start_document(outfile, encoding)
        handler.startElement("rss", self.rss_attributes())
        handler.startElement("channel", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        self.endChannelElement(handler)
        handler.endElement("rss")


def _rendered(template: str, context: dict) -> str:
    # Feeds are the publication's, in its language, whatever the reader's browser
    # asks for: the same bytes for everyone, so a cache can keep one copy.
    with translation.override(settings.LANGUAGE_CODE):
        return absolute_links(render_to_string(template, context))


class _DigestFeed(Feed):
    feed_type = AtomFeedForBrowsers
    language = settings.LANGUAGE_CODE

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # A browser opening the feed gets the same bytes as application/xml, the
        # type under which it applies the XSLT (Chromium shows application/atom+xml
        # as plain text); feed readers get the feed's own type.
        feed_type = self.feed_type.content_type.split(";")[0]
        if request.get_preferred_type([feed_type, "text/html"]) == "text/html":
            response["Content-Type"] = "application/xml; charset=utf-8"
        patch_vary_headers(response, ["Accept"])
        return response

    def stylesheets(self) -> list[Stylesheet]:
        return [Stylesheet(static("feeds/feed.xsl"), mimetype="text/xsl")]

    def title(self, obj=None) -> str:
        return settings.DIGEST["PUBLICATION_NAME"]

    def subtitle(self, obj=None) -> str:
        return settings.DIGEST["PUBLICATION_TAGLINE"]

    description = subtitle

    def feed_url(self, obj=None) -> str:
        # The feed's own address on SITE_URL, not on whatever host the request named.
        return absolute_url(self.path(obj))

    def link(self, obj=None) -> str:
        return absolute_url(reverse("newsletter:home"))


class IssuesFeed(_DigestFeed):
    """The latest issues, one entry each, with the whole issue as its content."""

    def path(self, obj=None) -> str:
        return reverse("newsletter:feed_atom")

    def items(self):
        return selectors.issues_latest_with_sections(limit=settings.DIGEST_FEED_ISSUES)

    def item_title(self, entry: selectors.IssueWithSections) -> str:
        return entry.issue.title

    def item_link(self, entry: selectors.IssueWithSections) -> str:
        return absolute_url(entry.issue.get_absolute_url())

    def item_guid(self, entry: selectors.IssueWithSections) -> str:
        return absolute_url(entry.issue.get_absolute_url())

    def item_description(self, entry: selectors.IssueWithSections) -> str:
        remarks = (item.remark_html for block in entry.blocks for item in block.items)
        first_remark = next((remark for remark in remarks if remark), "")
        return escape(plain_text(entry.issue.intro_html or first_remark, SUMMARY_LENGTH))

    def item_extra_kwargs(self, entry: selectors.IssueWithSections) -> dict:
        return {"content": self._content(entry)}

    def _content(self, entry: selectors.IssueWithSections) -> str:
        return _rendered(
            "newsletter/feeds/issue_content.html", {"issue": entry.issue, "blocks": entry.blocks}
        )

    def item_pubdate(self, entry: selectors.IssueWithSections):
        return entry.issue.publish_at

    def item_updateddate(self, entry: selectors.IssueWithSections):
        return max(entry.issue.updated_at, entry.issue.publish_at)

    def item_categories(self, entry: selectors.IssueWithSections) -> list[str]:
        return [str(block.section) for block in entry.blocks if block.section]


class IssuesRssFeed(IssuesFeed):
    """The issues feed in RSS 2.0, whose description carries the whole issue."""

    feed_type = RssFeedForBrowsers

    def path(self, obj=None) -> str:
        return reverse("newsletter:feed_rss")

    def item_description(self, entry: selectors.IssueWithSections) -> str:
        return self._content(entry)

    def item_extra_kwargs(self, entry: selectors.IssueWithSections) -> dict:
        return {}


class ItemsFeed(_DigestFeed):
    """The latest public items, one entry each."""

    def path(self, obj=None) -> str:
        return reverse("newsletter:feed_items")

    def title(self, obj=None) -> str:
        return f"{settings.DIGEST['PUBLICATION_NAME']} · 条目"

    def public_items(self, obj):
        return Item.objects.public()

    def items(self, obj=None):
        # The database orders only the ids and keeps the newest; only those rows
        # are read whole, however many items the archive holds.
        newest = self.public_items(obj).in_reading_order().values("pk")
        newest = newest[: settings.DIGEST_FEED_ITEMS]
        return Item.objects.filter(pk__in=newest).for_listing().in_reading_order()

    def item_title(self, item: Item) -> str:
        return item.title

    def item_link(self, item: Item) -> str:
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item: Item) -> str:
        return absolute_url(item.get_absolute_url())

    def item_description(self, item: Item) -> str:
        # The summary is typed as HTML: the plain text goes in escaped.
        return escape(plain_text(item.body_html, SUMMARY_LENGTH))

    def item_extra_kwargs(self, item: Item) -> dict:
        return {"content": _rendered("newsletter/feeds/item_content.html", {"item": item})}

    def item_author_name(self, item: Item) -> str | None:
        # Only people who chose a public credit are named.
        credit = item.author_credit
        return credit.name if credit else None

    def item_pubdate(self, item: Item):
        return item.issue.publish_at

    def item_updateddate(self, item: Item):
        return max(item.updated_at, item.issue.publish_at)

    def item_categories(self, item: Item) -> list[str]:
        sections = [str(item.section)] if item.section else []
        return sections + [project.name for project in item.projects.all()]


class ProjectItemsFeed(ItemsFeed):
    """The public items covering one project."""

    def get_object(self, request, slug: str) -> Project:
        project = get_object_or_404(Project, slug=slug)
        # As its page: a project only unpublished items cover must not reveal that it exists.
        if not self.public_items(project).exists():
            raise Http404("No public item covers this project.")
        return project

    def path(self, obj: Project) -> str:
        return reverse("newsletter:feed_project", args=[obj.slug])

    def title(self, obj: Project) -> str:
        return f"{settings.DIGEST['PUBLICATION_NAME']} · {obj.name}"

    def link(self, obj: Project) -> str:
        return absolute_url(obj.get_absolute_url())

    def public_items(self, obj: Project):
        return Item.objects.public().filter(projects=obj)


class SectionItemsFeed(ItemsFeed):
    """The public items of one section, across issues."""

    def get_object(self, request, slug: str) -> Section:
        return get_object_or_404(Section, slug=slug)

    def path(self, obj: Section) -> str:
        return reverse("newsletter:feed_section", args=[obj.slug])

    def title(self, obj: Section) -> str:
        return f"{settings.DIGEST['PUBLICATION_NAME']} · {obj.name}"

    def link(self, obj: Section) -> str:
        return absolute_url(obj.get_absolute_url())

    def public_items(self, obj: Section):
        return Item.objects.public().filter(section=obj)


class TagItemsFeed(ItemsFeed):
    """The public items carrying one tag; a tag with none has no feed."""

    def get_object(self, request, slug: str) -> Tag:
        # A tag used only on unpublished items must not reveal that it exists.
        if not Item.objects.public().filter(tags__slug=slug).exists():
            raise Http404("No public item carries this tag.")
        return get_object_or_404(Tag, slug=slug)

    def path(self, obj: Tag) -> str:
        return reverse("newsletter:feed_tag", args=[obj.slug])

    def title(self, obj: Tag) -> str:
        return f"{settings.DIGEST['PUBLICATION_NAME']} · #{obj.name}"

    def link(self, obj: Tag) -> str:
        return absolute_url(reverse("newsletter:tag_detail", args=[obj.slug]))

    def public_items(self, obj: Tag):
        return Item.objects.public().filter(tags=obj)
