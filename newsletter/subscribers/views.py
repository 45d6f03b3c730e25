"""Subscribing and unsubscribing, for readers without an account.

None of these views needs a CSRF cookie, and none sets one:

- /subscribe/ is a public page, cached and served the same to every reader
  (DESIGN.md, "Cacheable"), and the subscribe box sits on every issue page;
  a CSRF token would be a per-request secret in them. What CSRF guards
  against here, a third-party page making a visitor's browser subscribe
  someone, is already harmless: nothing is sent but a confirmation email, and
  nothing more happens unless the owner of the address opens it (double
  opt-in). Requests are also rate-limited per client and per address.
- The confirmation and unsubscribe links carry their own secret (a signed
  token, an unguessable token) in the URL: whoever can POST there can open
  the link anyway. RFC 8058 one-click unsubscribe is a POST from the mail
  provider, which has no cookie at all.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from newsletter.background import enqueue_on_commit
from newsletter.models import Subscriber
from newsletter.subscribers import services, tasks
from newsletter.subscribers.forms import SubscribeForm


def _email_key(group: str, request) -> str:
    return request.POST.get("email", "").strip().lower()


def _rate_limited(request) -> bool:
    """Count this request against the client's and the address's limits; True when over either."""
    over_client = is_ratelimited(
        request,
        group="newsletter.subscribe.client",
        key="ip",
        rate=settings.DIGEST_SUBSCRIBE_RATE_PER_ADDRESS,
        increment=True,
    )
    over_email = is_ratelimited(
        request,
        group="newsletter.subscribe.email",
        key=_email_key,
        rate=settings.DIGEST_SUBSCRIBE_RATE_PER_EMAIL,
        increment=True,
    )
    return over_client or over_email


@csrf_exempt  # See the module's docstring: double opt-in and rate limits instead.
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """The subscribe page; its POST asks for a confirmation email.

    The answer to a valid address is the same whether it is new, pending,
    confirmed or unsubscribed: the background task decides what to send.
    """
    if request.method != "POST":
        return render(request, "newsletter/subscribe.html", {"form": SubscribeForm()})
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "newsletter/subscribe.html", {"form": form}, status=400)
    if _rate_limited(request):
        return render(
            request, "newsletter/subscribe.html", {"form": form, "rate_limited": True}, status=429
        )
    enqueue_on_commit(tasks.subscription_request, form.cleaned_data["email"], request.LANGUAGE_CODE)
    return render(request, "newsletter/subscribe_sent.html")


@never_cache
@csrf_exempt  # The signed token in the URL is the secret (module docstring).
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe_confirm(request, token: str):
    """GET shows one button (so a link scanner confirms nothing); its POST confirms."""
    try:
        if request.method == "POST":
            subscriber = services.subscriber_confirm(token=token)
        else:
            subscriber = services.subscriber_for_confirmation(token=token)
    except services.SubscriptionLinkError as error:
        return render(
            request,
            "newsletter/subscribe_link_invalid.html",
            {"expired": error.expired},
            status=410 if error.expired else 404,
        )
    return render(
        request,
        "newsletter/subscribe_confirm.html",
        {
            "subscriber": subscriber,
            "confirmed": subscriber.status == Subscriber.Status.CONFIRMED,
            "pending": subscriber.status == Subscriber.Status.PENDING,
        },
    )


@never_cache
@csrf_exempt  # RFC 8058 one-click: the mail provider POSTs without a cookie (module docstring).
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """GET asks to confirm; POST (the page's button, or a mail client's one click) unsubscribes."""
    if request.method == "POST":
        subscriber = services.subscriber_unsubscribe(token=token)
    else:
        subscriber = Subscriber.objects.filter(unsubscribe_token=token).first()
    if subscriber is None:
        raise Http404("No subscriber has this unsubscribe link.")
    return render(
        request,
        "newsletter/unsubscribe.html",
        {"subscriber": subscriber, "done": request.method == "POST"},
    )
