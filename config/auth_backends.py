"""Authentication backends."""

from axes.backends import AxesStandaloneBackend


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
