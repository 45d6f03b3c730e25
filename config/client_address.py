"""The address of the client behind a request, for counting failed logins."""

from django.conf import settings
from django.http import HttpRequest


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
