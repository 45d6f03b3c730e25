"""The read API's operations: GET only, public data only.

Every query starts from the one visibility rule (`Item.objects.public()`,
`Issue.objects.public()`, or a selector built on them), so no endpoint,
filter or count can show an unpublished thing. Unknown slugs in filters give
an empty list rather than an error, whether or not something unpublished
carries them.
"""

from django.conf import settings
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError
from ninja.renderers import JSONRenderer

from newsletter import selectors
from newsletter.absolute import absolute_links, absolute_url
from newsletter.api import schemas
from newsletter.api.docs import ServerRenderedDocs
from newsletter.api.pagination import PageQuery, paginate
from newsletter.api.search import QUERY_MAX_LENGTH, items_matching
from newsletter.models import Issue, Item

# Slugs are ASCII letters, digits, "-" and "_", or any character beyond
# ASCII (tags may be Chinese): other ASCII, a NUL byte included, is refused
# before it reaches the database. Written as ASCII ranges, not \w, so that
# the server (Python's Unicode \w) and the OpenAPI document's readers
# (JavaScript's ASCII \w) accept exactly the same slugs.
SLUG_PATTERN = r"^[^\x00-\x2c\x2e\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]+$"
SLUG_MAX_LENGTH = 100
# Beyond the largest primary key the database can hold.
MAX_ID = 2**63 - 1


class _JSONRenderer(JSONRenderer):
    # Chinese text as itself, not as \uXXXX escapes: half the bytes, and readable in curl.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title=f"{settings.DIGEST['PUBLICATION_NAME']} API",
    version="1",
    description=(
        "The published issues and items of the newsletter, read-only and public. "
        "No authentication; any origin may read it (CORS). Lists are paginated with "
        "`page` and `page_size`; every successful response has an ETag, and a request "
        "sending it back in If-None-Match gets 304 Not Modified."
    ),
    urls_namespace="api-v1",
    docs=ServerRenderedDocs(),
    renderer=_JSONRenderer(),
    # The documentation is the API's home page, /api/v1/ itself.
    docs_url="/",
)

NOT_FOUND = {404: schemas.Error}
INVALID = {422: schemas.ValidationErrors}


def _slug(description: str):
    return Path(..., pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH, description=description)


@api.get(
    "/issues/",
    response={200: schemas.IssuePage, **INVALID},
    tags=["issues"],
    summary="Public issues, newest first",
)
def issue_list(request, paging: Query[PageQuery]):
    page = paginate(request, selectors.issue_archive(), paging)
    page["items"] = [
        {
            "slug": entry.issue.slug,
            "title": entry.issue.title,
            "period": entry.issue.period,
            "url": absolute_url(entry.issue.get_absolute_url()),
            "published_at": entry.issue.publish_at,
            "item_count": entry.item_count,
            "lede": entry.lede,
            "projects": entry.projects,
        }
        for entry in selectors.issue_archive_entries(issues=page["items"])
    ]
    return page


@api.get(
    "/issues/{slug}/",
    response={200: schemas.IssueDetailOut, **NOT_FOUND, **INVALID},
    tags=["issues"],
    summary="One public issue, with its items by section",
)
def issue_detail(request, slug: str = _slug("The issue's slug, such as 2025-11.")):
    issue = Issue.objects.public().filter(slug=slug).first()
    if issue is None:
        raise HttpError(404, "没有这一期,或者它还没有发布。")
    blocks = selectors.issue_sections(issue=issue)
    guide = selectors.issue_guide(issue=issue, blocks=blocks)
    return {
        "slug": issue.slug,
        "title": issue.title,
        "period": issue.period,
        "url": absolute_url(issue.get_absolute_url()),
        "published_at": issue.publish_at,
        "intro_html": absolute_links(issue.intro_html),
        "item_count": guide.item_count,
        "reading_minutes": guide.reading_minutes,
        "previous": guide.previous,
        "next": guide.next,
        "sections": [{"section": block.section, "items": block.items} for block in blocks],
    }


def _filter(description: str):
    return Field(None, pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH, description=description)


class ItemFilters(Schema):
    project: str | None = _filter("Only items covering this project (its slug).")
    tag: str | None = _filter("Only items carrying this tag (its slug).")
    section: str | None = _filter("Only items of this section (its slug).")
    issue: str | None = _filter("Only items of this issue (its slug).")
    q: str | None = Field(
        None,
        max_length=QUERY_MAX_LENGTH,
        pattern=r"^[^\x00]*$",
        description="Search words, Chinese or English; every word must match. "
        "Results come best match first instead of newest first.",
    )


@api.get(
    "/items/",
    response={200: schemas.ItemPage, **INVALID},
    tags=["items"],
    summary="Public items, newest first, filtered",
)
def item_list(request, filters: Query[ItemFilters], paging: Query[PageQuery]):
    query = (filters.q or "").strip()
    items = items_matching(query) if query else Item.objects.public().in_reading_order()
    if filters.project:
        items = items.filter(projects__slug=filters.project)
    if filters.tag:
        items = items.filter(tags__slug=filters.tag)
    if filters.section:
        items = items.filter(section__slug=filters.section)
    if filters.issue:
        items = items.filter(issue__slug=filters.issue)
    return paginate(request, items.for_listing(), paging)


@api.get(
    "/items/{item_id}/",
    response={200: schemas.ItemOut, **NOT_FOUND, **INVALID},
    tags=["items"],
    summary="One public item",
)
def item_detail(request, item_id: int = Path(..., ge=1, le=MAX_ID, description="The item's id.")):
    item = Item.objects.public().for_listing().filter(pk=item_id).first()
    if item is None:
        raise HttpError(404, "没有这个条目,或者它还没有发布。")
    return item


@api.get(
    "/projects/",
    response={200: schemas.ProjectPage, **INVALID},
    tags=["catalogue"],
    summary="Projects the newsletter covers, most covered first",
)
def project_list(request, paging: Query[PageQuery]):
    return paginate(request, selectors.project_catalogue(), paging)


@api.get(
    "/sections/",
    response={200: schemas.SectionPage, **INVALID},
    tags=["catalogue"],
    summary="The newsletter's recurring sections, in their order",
)
def section_list(request, paging: Query[PageQuery]):
    return paginate(request, selectors.section_catalogue(), paging)


@api.get(
    "/tags/",
    response={200: schemas.TagPage, **INVALID},
    tags=["catalogue"],
    summary="Tags of public items, most used first",
)
def tag_list(request, paging: Query[PageQuery]):
    return paginate(request, selectors.tag_catalogue(), paging)
