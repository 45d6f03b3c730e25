"""Brute-force protection of the admin login (django-axes)."""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from editorial.accounts.lockout import client_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor():
    return UserFactory(username="editor")


def _login(client, password, *, username="editor", **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        **extra,
    )


def _fail(client, times, **extra):
    for _ in range(times):
        _login(client, "wrong password", **extra)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_logs_in(client, editor):
    """Without failures the admin login works as usual."""
    response = _login(client, PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


def test_failures_below_the_limit_do_not_lock(client, editor, settings):
    """One failure short of the limit, the right password still works."""
    _fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, PASSWORD).status_code == 302
    assert _logged_in(client)


def test_the_limit_defaults_to_five_failures(settings):
    """Five failed logins lock, unless AXES_FAILURE_LIMIT says otherwise."""
    assert settings.AXES_FAILURE_LIMIT == 5


def test_the_right_password_is_refused_after_the_configured_failures(client, editor, settings):
    """After the limit the lockout page answers, even to the right password."""
    _fail(client, settings.AXES_FAILURE_LIMIT)
    response = _login(client, PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)
    assert "登录已锁定" in response.content.decode()


def test_a_lower_configured_limit_locks_sooner(client, editor, settings):
    """AXES_FAILURE_LIMIT sets how many failures lock."""
    settings.AXES_FAILURE_LIMIT = 2
    _fail(client, 2)
    assert _login(client, PASSWORD).status_code == 429


def test_axes_reset_username_unlocks(client, editor, settings):
    """`manage.py axes_reset_username` lifts the lock for that account."""
    _fail(client, settings.AXES_FAILURE_LIMIT)
    assert _login(client, PASSWORD).status_code == 429
    call_command("axes_reset_username", "editor", verbosity=0)
    assert _login(client, PASSWORD).status_code == 302
    assert _logged_in(client)


def test_axes_reset_unlocks_everyone(client, editor, settings):
    """`manage.py axes_reset` lifts every lock."""
    _fail(client, settings.AXES_FAILURE_LIMIT)
    call_command("axes_reset", verbosity=0)
    assert _login(client, PASSWORD).status_code == 302


def test_deleting_the_access_attempt_in_the_admin_unlocks(client, editor, settings):
    """An administrator unlocks from the admin's Access attempts page."""
    _fail(client, settings.AXES_FAILURE_LIMIT)
    admin_client = type(client)()
    admin_client.force_login(UserFactory(username="root", is_superuser=True))
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    attempt = AccessAttempt.objects.get(username="editor")
    response = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert _login(client, PASSWORD).status_code == 302


def test_a_lock_on_one_account_leaves_colleagues_alone(client, editor, settings):
    """Failures count per account and address: another user at the same address still logs in."""
    UserFactory(username="colleague")
    _fail(client, settings.AXES_FAILURE_LIMIT)
    assert _login(client, PASSWORD, username="colleague").status_code == 302


def test_a_forged_forwarded_header_does_not_escape_the_lock(client, editor, settings):
    """Without a proxy, X-Forwarded-For is ignored, so a guesser cannot rotate addresses."""
    for number in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong password", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    response = _login(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert response.status_code == 429


def test_without_a_proxy_the_client_is_remote_addr(settings):
    """TRUSTED_PROXY_COUNT 0 (the default) reads REMOTE_ADDR only."""
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert client_address(request) == "203.0.113.7"


def test_behind_one_proxy_the_client_is_the_last_forwarded_address(settings):
    """Behind one appending proxy, entries the client wrote to the left are ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"
    )
    assert client_address(request) == "203.0.113.7"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    """Each trusted proxy appends one address; the client is N from the right."""
    settings.TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.1"
    )
    assert client_address(request) == "203.0.113.7"


def test_a_short_forwarded_header_falls_back_to_remote_addr(settings):
    """A header shorter than the proxy count means a misconfiguration: use REMOTE_ADDR."""
    settings.TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_address(request) == "10.0.0.2"


def test_behind_a_proxy_the_lock_follows_the_real_client(client, editor, settings):
    """With TRUSTED_PROXY_COUNT=1 a locked client stays locked and another client is not."""
    settings.TRUSTED_PROXY_COUNT = 1
    _fail(client, settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR="203.0.113.7")
    spoofed = _login(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7")
    assert spoofed.status_code == 429
    other = type(client)()
    assert _login(other, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 302


def test_the_test_client_login_still_works(client, editor):
    """Authentication without a request (test client, shell) is not refused by the rate limiter."""
    assert client.login(username="editor", password=PASSWORD)
