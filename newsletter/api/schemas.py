"""What the API's responses hold. The OpenAPI document is generated from these.

Addresses are absolute (SITE_URL); HTML fields are the stored, sanitised HTML
with root-relative links made absolute; a stored URL that is not http(s) is
given as null, as the pages do not link it either.
"""

from datetime import datetime

from django.urls import reverse
from ninja import Field, Schema

from newsletter.absolute import absolute_links, absolute_url
from newsletter.api.pagination import Page
from newsletter.templatetags.links import web_url


def _web_url_or_none(url: str) -> str | None:
    return web_url(url) or None


class Error(Schema):
    detail: str = Field(description="What went wrong, in a sentence.")


class ValidationErrors(Schema):
    detail: list[dict] = Field(description="One entry per parameter that was not accepted.")


class SectionRef(Schema):
    slug: str
    name: str
    emoji: str


class IssueRef(Schema):
    slug: str
    title: str
    url: str

    @staticmethod
    def resolve_url(issue) -> str:
        return absolute_url(issue.get_absolute_url())


class ProjectRef(Schema):
    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(project) -> str:
        return absolute_url(project.get_absolute_url())


class TagRef(Schema):
    slug: str
    name: str
    url: str | None = Field(description="The tag's page; null for a tag without a slug.")

    @staticmethod
    def resolve_url(tag) -> str | None:
        if not tag.slug:
            return None
        return absolute_url(reverse("newsletter:tag_detail", args=[tag.slug]))


class FurtherReadingOut(Schema):
    title: str
    url: str | None

    @staticmethod
    def resolve_url(link) -> str | None:
        return _web_url_or_none(link.url)


class ItemOut(Schema):
    id: int
    url: str = Field(description="The item on its issue page.")
    issue: IssueRef
    section: SectionRef | None
    position: int
    title: str
    original_title: str
    source_url: str | None
    body_html: str
    remark_html: str = Field(description="The editor's remark (🎤), or an empty string.")
    further_reading: list[FurtherReadingOut]
    projects: list[ProjectRef]
    tags: list[TagRef]
    author: str | None = Field(description="The author's public credit, or null.")
    reviewer: str | None = Field(description="Who approved it, by public credit, or null.")
    published_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_url(item) -> str:
        return absolute_url(item.get_absolute_url())

    @staticmethod
    def resolve_source_url(item) -> str | None:
        return _web_url_or_none(item.source_url)

    @staticmethod
    def resolve_body_html(item) -> str:
        return absolute_links(item.body_html)

    @staticmethod
    def resolve_remark_html(item) -> str:
        return absolute_links(item.remark_html)

    @staticmethod
    def resolve_author(item) -> str | None:
        credit = item.author_credit
        return credit.name if credit else None

    @staticmethod
    def resolve_reviewer(item) -> str | None:
        credit = item.reviewer_credit
        return credit.name if credit else None

    @staticmethod
    def resolve_published_at(item) -> datetime:
        return item.issue.publish_at


class IssueOut(Schema):
    slug: str
    title: str
    period: str
    url: str
    published_at: datetime
    item_count: int = Field(description="Public items in the issue.")
    lede: str = Field(description="The introduction, or else the first remark, as plain text.")
    projects: list[ProjectRef] = Field(description="The projects most of its items cover.")


class SectionOfIssue(Schema):
    section: SectionRef | None = Field(description="Null for items outside any section.")
    items: list[ItemOut]


class IssueDetailOut(Schema):
    slug: str
    title: str
    period: str
    url: str
    published_at: datetime
    intro_html: str
    item_count: int
    reading_minutes: int = Field(description="About how long the issue takes to read.")
    previous: IssueRef | None = Field(description="The public issue before this one.")
    next: IssueRef | None = Field(description="The public issue after this one.")
    sections: list[SectionOfIssue]


class ProjectOut(Schema):
    slug: str
    name: str
    summary: str
    maturity: str = Field(description="graduated, incubating, sandbox or other (CNCF).")
    homepage: str | None
    repository: str | None
    url: str
    item_count: int = Field(description="Public items covering the project.")

    @staticmethod
    def resolve_url(project) -> str:
        return absolute_url(project.get_absolute_url())

    @staticmethod
    def resolve_homepage(project) -> str | None:
        return _web_url_or_none(project.homepage)

    @staticmethod
    def resolve_repository(project) -> str | None:
        return _web_url_or_none(project.repository)

    @staticmethod
    def resolve_item_count(project) -> int:
        return project.public_item_count


class SectionOut(Schema):
    slug: str
    name: str
    emoji: str
    description: str
    position: int
    url: str
    item_count: int = Field(description="Public items in the section, across issues.")

    @staticmethod
    def resolve_url(section) -> str:
        return absolute_url(section.get_absolute_url())

    @staticmethod
    def resolve_item_count(section) -> int:
        return section.public_item_count


class TagOut(TagRef):
    item_count: int = Field(description="Public items carrying the tag.")

    @staticmethod
    def resolve_item_count(tag) -> int:
        return tag.public_item_count


class IssuePage(Page):
    items: list[IssueOut]


class ItemPage(Page):
    items: list[ItemOut]


class ProjectPage(Page):
    items: list[ProjectOut]


class SectionPage(Page):
    items: list[SectionOut]


class TagPage(Page):
    items: list[TagOut]
