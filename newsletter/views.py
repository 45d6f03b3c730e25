"""Public pages. Thin: each view asks a selector and renders a template."""

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils.translation import get_language
from django.views.decorators.http import require_safe
from taggit.models import Tag

from newsletter import selectors
from newsletter.caching import fragments
from newsletter.caching.generation import request_generation
from newsletter.formats import exports
from newsletter.models import Issue, Project, Section
from newsletter.pagination import page_path
from newsletter.search.query import MAX_QUERY_LENGTH
from newsletter.search.results import SearchFilters, search_results


def _issue_page(request, *, slug: str | None):
    """Render public issue `slug` (None: the latest) from its stored summary; None if none."""
    summary = fragments.issue_summary(
        request=request,
        slug=slug,
        generation=request_generation(request),
        language=get_language(),
    )
    if summary is None:
        return None
    return render(request, "newsletter/issue_detail.html", {"guide": summary})


def _list_context(request, page, **context) -> dict:
    # Each page of a list is its own canonical address (share.html reads share_path).
    return {"page": page, "share_path": page_path(request.path, page), **context}


@require_safe
def home(request):
    """The latest public issue, or a welcome page before the first one."""
    return _issue_page(request, slug=None) or render(request, "newsletter/empty.html")


@require_safe
def issue_archive(request):
    """The public issues, newest first, a page at a time, grouped by year."""
    page = selectors.issue_archive_page(number=request.GET.get("page"))
    return render(request, "newsletter/issue_archive.html", _list_context(request, page))


@require_safe
def issue_detail(request, slug: str):
    page = _issue_page(request, slug=slug)
    if page is None:
        raise Http404("No public issue has this slug.")
    return page


@require_safe
def issue_markdown(request, slug: str):
    """The issue as Markdown, the form other tools and mirrors consume."""
    issue = get_object_or_404(Issue.objects.public(), slug=slug)
    text = exports.issue_markdown(issue=issue, blocks=selectors.issue_sections(issue=issue))
    return HttpResponse(text, content_type="text/markdown; charset=utf-8")


@require_safe
def project_list(request):
    return render(
        request, "newsletter/project_list.html", {"projects": selectors.project_catalogue()}
    )


@require_safe
def project_detail(request, slug: str):
    """A project's public items across issues, a page at a time; 404 if it has none."""
    project = get_object_or_404(Project, slug=slug)
    page = selectors.item_entries_page(
        selectors.items_for_project(project=project), number=request.GET.get("page")
    )
    if not page.paginator.count:
        # A project only unpublished items cover must not reveal that it exists.
        raise Http404("No public item covers this project.")
    return render(
        request, "newsletter/project_detail.html", _list_context(request, page, project=project)
    )


@require_safe
def section_detail(request, slug: str):
    """A section's public items across issues, a page at a time."""
    section = get_object_or_404(Section, slug=slug)
    page = selectors.item_entries_page(
        selectors.items_for_section(section=section), number=request.GET.get("page")
    )
    return render(
        request, "newsletter/section_detail.html", _list_context(request, page, section=section)
    )


@require_safe
def tag_detail(request, slug: str):
    """The public items carrying a tag, a page at a time; 404 if it has none."""
    page = selectors.item_entries_page(
        selectors.items_for_tag(slug=slug), number=request.GET.get("page")
    )
    if not page.paginator.count:
        # A tag used only on unpublished items must not reveal that it exists.
        raise Http404("No public item carries this tag.")
    tag = get_object_or_404(Tag, slug=slug)
    return render(request, "newsletter/tag_detail.html", _list_context(request, page, tag=tag))


@require_safe
def search_page(request):
    """Search public items, with facets and suggestions; the query is echoed back escaped."""
    text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if text:
        results = search_results(
            text=text,
            filters=SearchFilters.from_params(request.GET),
            page_number=request.GET.get("page"),
            generation=request_generation(request).token,
        )
    return render(request, "newsletter/search.html", {"query": text, "results": results})


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included."""
    return HttpResponsePermanentRedirect(static("icons/digest.svg"))
