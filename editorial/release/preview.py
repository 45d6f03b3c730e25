"""Signed preview links: a reader's view of unpublished work, for anyone holding the link.

A link names one issue or one item and expires (DIGEST_PREVIEW_MAX_AGE, seven
days by default). Pages are marked as previews, never cached, never indexed.
Anything wrong with a link answers 404, so a guess reveals nothing.
"""

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from newsletter.models import Issue, Item
from newsletter.selectors import issue_preview_sections

SALT = "digest.preview"
KINDS = {"issue": Issue, "item": Item}


def preview_max_age() -> int:
    """Return how long a preview link stays valid, in seconds."""
    return settings.DIGEST_PREVIEW_MAX_AGE


def preview_token(obj: Issue | Item) -> str:
    """Return a signed, timestamped token naming `obj`."""
    kind = "issue" if isinstance(obj, Issue) else "item"
    return signing.dumps({"kind": kind, "id": obj.pk}, salt=SALT, compress=True)


def preview_url(obj: Issue | Item) -> str:
    """Return the path of the preview page for `obj`."""
    return reverse("editorial:preview", kwargs={"token": preview_token(obj)})


def preview_object(token: str) -> Issue | Item:
    """Return the issue or item a token names; Http404 when expired, forged or gone."""
    try:
        data = signing.loads(token, salt=SALT, max_age=preview_max_age())
        model = KINDS[data["kind"]]
        return model.objects.get(pk=int(data["id"]))
    except (
        signing.BadSignature,
        KeyError,
        TypeError,
        ValueError,
        Item.DoesNotExist,
        Issue.DoesNotExist,
    ) as error:
        raise Http404("This preview link is invalid or has expired.") from error


def _no_index(response):
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    return response


@never_cache
@require_safe
def preview(request, token: str):
    """Render an issue or item exactly as readers will see it, marked as a preview."""
    obj = preview_object(token)
    if isinstance(obj, Issue):
        context = {"issue": obj, "blocks": issue_preview_sections(issue=obj), "is_preview": True}
        return _no_index(render(request, "newsletter/issue_detail.html", context))
    item = Item.objects.for_listing().get(pk=obj.pk)
    return _no_index(
        render(request, "editorial/item_preview.html", {"item": item, "is_preview": True})
    )
