"""Password reset by email, password rules, and sessions that end."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "青山绿水 blue river 2025"


@pytest.fixture
def editor():
    return UserFactory(username="editor", email="editor@example.com")


def _reset_link(client) -> str:
    client.post(reverse("admin_password_reset"), {"email": "editor@example.com"})
    assert len(mail.outbox) == 1
    return re.search(r"https?://[^/\s]+(/admin/reset/\S+/)", mail.outbox[0].body).group(1)


def test_the_admin_login_offers_a_password_reset(client):
    """The login page links to the reset form."""
    html = client.get(reverse("admin:login")).content.decode()
    assert f'href="{reverse("admin_password_reset")}"' in html


def test_a_reset_email_lets_the_user_choose_a_new_password(client, editor):
    """The emailed link sets a new password, which then logs in."""
    link = _reset_link(client)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    assert client.get(response.url).status_code == 200
    editor.refresh_from_db()
    assert editor.check_password(NEW_PASSWORD)
    login = client.post(reverse("admin:login"), {"username": "editor", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_a_completed_reset_lifts_the_login_lockout(client, editor, settings):
    """After too many failures, resetting the password by email unlocks the account."""
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("admin:login"), {"username": "editor", "password": "wrong"})
    locked = client.post(reverse("admin:login"), {"username": "editor", "password": "x"})
    assert locked.status_code == 429
    form = client.get(_reset_link(client), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    login = client.post(reverse("admin:login"), {"username": "editor", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_a_weak_new_password_is_refused(client, editor):
    """Django's password validators apply to the reset form."""
    form = client.get(_reset_link(client), follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200
    editor.refresh_from_db()
    assert not editor.check_password("12345678")


def test_a_reset_link_works_once(client, editor):
    """After use the link answers with an explanation, not a form."""
    link = _reset_link(client)
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    again = client.get(link, follow=True)
    assert again.status_code == 200
    assert not again.context["validlink"]


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    """The form does not reveal which addresses have accounts."""
    response = client.post(reverse("admin_password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_deactivated_account_gets_no_reset_mail(client):
    """Only active accounts can reset their password."""
    UserFactory(username="gone", email="gone@example.com", is_active=False)
    client.post(reverse("admin_password_reset"), {"email": "gone@example.com"})
    assert mail.outbox == []


def test_password_validators_are_on(settings):
    """Length, similarity, common and numeric-only checks guard every password form."""
    names = {
        validator["NAME"].rsplit(".", 1)[-1] for validator in settings.AUTH_PASSWORD_VALIDATORS
    }
    assert names >= {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


def test_a_session_expires_after_session_cookie_age(client, editor, settings):
    """The login cookie lasts SESSION_COOKIE_AGE seconds (two weeks unless configured)."""
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 60 * 60
    settings.SESSION_COOKIE_AGE = 3600
    client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "correct horse battery staple"},
    )
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 3600
    assert client.session.get_expiry_age() == 3600


def test_a_link_mailed_before_deactivation_stops_working(client, editor):
    """Deactivating the account kills the reset links already in its mailbox."""
    link = _reset_link(client)
    editor.is_active = False
    editor.save(update_fields=["is_active"])
    page = client.get(link, follow=True)
    assert not page.context["validlink"]
    client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    editor.refresh_from_db()
    assert not editor.check_password(NEW_PASSWORD)
