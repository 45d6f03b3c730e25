"""Login lockout (django-axes): the authentication backend that counts failed
logins, the client address they are counted against, and the page a locked-out
login gets. Unlock with `manage.py axes_reset_username USER`.
"""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class LoginRateLimitBackend(AxesStandaloneBackend):
    """django-axes' lockout check, which lets request-less authentication pass.

    django-axes raises when `authenticate()` is called without a request; that
    is how the test client's `login()` and management shell scripts sign in.
    Without a request there is no client to count failures against, and no
    remote attacker either: every login form of the site passes its request,
    so every web login is still rate-limited.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def client_address(request: HttpRequest) -> str:
    """Return the address of the client that sent `request`.

    Without a proxy (TRUSTED_PROXY_COUNT = 0) this is REMOTE_ADDR and nothing
    else: any client can send an X-Forwarded-For header, and trusting it would
    let a password guesser pick a fresh address for every attempt.

    Behind N proxies that each append the address they saw to the header
    (nginx's `$proxy_add_x_forwarded_for`), the client is the Nth entry from
    the right; whatever stands left of it was written by the client and is
    ignored. When the header is shorter than that, the proxies are not set up
    as documented, and REMOTE_ADDR (a proxy's address) is the safe answer.
    """
    remote_address = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote_address
    forwarded = [
        part.strip()
        for part in request.META.get(settings.TRUSTED_PROXY_HEADER, "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote_address
    return forwarded[-count]


def lockout_response(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """Return the page a locked-out login gets (AXES_LOCKOUT_CALLABLE), in the admin's look."""
    context = {
        **admin.site.each_context(request),
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_timedelta": get_cool_off(request),
    }
    return render(
        request, "registration/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
