"""Optional two-factor sign-in for staff, required for administrators when the setting says so."""

import time

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from editorial.site import DigestAdminSite
from newsletter.models import Item
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _code(device: TOTPDevice, *, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():0{device.digits}d}"


def _login(client, user, **extra):
    data = {"username": user.username, "password": PASSWORD, "next": "/admin/", **extra}
    return client.post(reverse("admin:login"), data)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def administrator():
    user = UserFactory(username="admin-role")
    group, _ = Group.objects.get_or_create(name="Administrator")
    user.groups.add(group)
    return user


@pytest.fixture
def contributor():
    return UserFactory(username="writer")


def _device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_admin_site_keeps_every_registration():
    """admin.site is the two-factor site and still holds the apps' ModelAdmins."""
    assert isinstance(admin.site._wrapped, DigestAdminSite)
    assert admin.site.is_registered(Item)
    assert admin.site.is_registered(TOTPDevice)


@pytest.mark.parametrize("required", [False, True])
def test_staff_without_a_device_log_in_with_the_password_alone(
    client, contributor, settings, required
):
    """Two-factor is optional for staff other than administrators, whatever the setting."""
    settings.DIGEST_REQUIRE_2FA_FOR_ADMINS = required
    assert _login(client, contributor).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_with_the_setting_off_a_superuser_without_a_device_uses_the_admin(
    client, superuser, settings
):
    """DIGEST_REQUIRE_2FA_FOR_ADMINS off: administrators log in with the password alone."""
    settings.DIGEST_REQUIRE_2FA_FOR_ADMINS = False
    assert _login(client, superuser).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("required", [False, True])
def test_staff_with_a_device_must_give_its_code(client, contributor, settings, required):
    """Whoever added an authenticator is asked for its code; the password alone is not enough."""
    settings.DIGEST_REQUIRE_2FA_FOR_ADMINS = required
    _device(contributor)
    response = _login(client, contributor)
    assert response.status_code == 200
    assert not _logged_in(client)
    assert "请输入身份验证器 App 上的验证码" in response.content.decode()


def test_the_right_code_logs_in_and_verifies_the_session(client, contributor):
    """Password plus the current code logs in, and the session counts as verified."""
    device = _device(contributor)
    assert _login(client, contributor, otp_token=_code(device)).status_code == 302
    assert _logged_in(client)
    assert client.session["otp_device_id"] == device.persistent_id


def test_a_wrong_code_is_refused(client, contributor):
    """A code from another time window does not log in."""
    device = _device(contributor)
    response = _login(client, contributor, otp_token=_code(device, offset=-3600))
    assert response.status_code == 200
    assert not _logged_in(client)
    assert "验证码不对或已过期" in response.content.decode()


def test_wrong_codes_count_towards_the_lockout(client, contributor, settings):
    """Guessing codes for a known password meets the same lockout as guessing passwords."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = _device(contributor)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, contributor, otp_token="000000")
    assert _login(client, contributor, otp_token=_code(device)).status_code == 429
    assert not _logged_in(client)


def test_with_the_setting_on_an_administrator_without_a_device_is_sent_to_set_one_up(
    client, administrator, settings
):
    """Required 2FA: every admin page leads to the two-factor page until a device is added."""
    settings.DIGEST_REQUIRE_2FA_FOR_ADMINS = True
    assert _login(client, administrator).status_code == 302
    for url in [reverse("admin:index"), reverse("admin:newsletter_item_changelist")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:two_factor"))


def test_with_the_setting_on_a_superuser_must_also_set_up_a_device(client, superuser, settings):
    """Superusers count as administrators."""
    settings.DIGEST_REQUIRE_2FA_FOR_ADMINS = True
    _login(client, superuser)
    assert client.get(reverse("admin:index")).url.startswith(reverse("admin:two_factor"))


def test_an_administrator_adds_a_device_and_then_uses_the_admin(client, administrator, settings):
    """The two-factor page shows a secret; the first code confirms it and verifies the session."""
    settings.DIGEST_REQUIRE_2FA_FOR_ADMINS = True
    _login(client, administrator)
    page = client.get(reverse("admin:two_factor"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "otpauth://totp/" in html
    assert 'src="data:image/svg+xml;' in html
    assert "管理员必须开启两步验证" in html
    device = TOTPDevice.objects.get(user=administrator)
    assert not device.confirmed
    assert client.get(reverse("admin:two_factor")).context["secret"] == page.context["secret"]

    wrong = client.post(reverse("admin:two_factor"), {"otp_token": "000000"})
    assert wrong.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed

    device.throttling_failure_count = 0
    device.save()
    confirmed = client.post(
        reverse("admin:two_factor"), {"otp_token": _code(device), "next": "/admin/"}
    )
    assert confirmed.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("admin:index")).status_code == 200


def test_with_the_setting_on_an_administrator_with_a_device_logs_in_with_the_code(
    client, administrator, settings
):
    """A verified administrator reaches the admin."""
    settings.DIGEST_REQUIRE_2FA_FOR_ADMINS = True
    device = _device(administrator)
    assert _login(client, administrator, otp_token=_code(device)).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_unverified_administrator_can_still_log_out(client, administrator, settings):
    """The way out is never blocked by the two-factor requirement."""
    settings.DIGEST_REQUIRE_2FA_FOR_ADMINS = True
    _login(client, administrator)
    client.post(reverse("admin:logout"))
    assert not _logged_in(client)


def test_staff_can_add_a_device_without_being_required_to(client, contributor):
    """Any staff member may turn on two-factor from the two-factor page."""
    client.force_login(contributor)
    client.get(reverse("admin:two_factor"))
    device = TOTPDevice.objects.get(user=contributor)
    client.post(reverse("admin:two_factor"), {"otp_token": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    status = client.get(reverse("admin:two_factor")).content.decode()
    assert "你的账号已开启两步验证" in status


def test_the_two_factor_page_is_for_staff_only(client):
    """Anonymous visitors are sent to the login."""
    response = client.get(reverse("admin:two_factor"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_next_address_must_stay_on_the_site(client, contributor):
    """After confirming, an off-site `next` is ignored."""
    client.force_login(contributor)
    client.get(reverse("admin:two_factor"))
    device = TOTPDevice.objects.get(user=contributor)
    response = client.post(
        reverse("admin:two_factor"), {"otp_token": _code(device), "next": "https://evil.example/"}
    )
    assert response.url == reverse("admin:index")


def test_the_device_admin_never_shows_another_persons_secret(client, superuser, contributor):
    """Administrators can delete a lost device but cannot read or copy its key."""
    device = _device(contributor)
    client.force_login(superuser)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    qr_code = client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))
    assert qr_code.status_code in {403, 404}


def test_the_login_page_shows_no_code_field_at_first(client):
    """Username and password only: the first page tells nobody who uses two-factor sign-in."""
    html = client.get(reverse("admin:login")).content.decode()
    assert 'name="username"' in html and 'name="password"' in html
    assert 'name="otp_token"' not in html


def test_the_code_field_appears_after_the_right_password_of_an_account_with_a_device(
    client, contributor
):
    """Right password, authenticator on: the page asks for the code."""
    _device(contributor)
    html = _login(client, contributor).content.decode()
    assert 'name="otp_token"' in html


@pytest.mark.parametrize("has_device", [False, True])
def test_a_wrong_password_never_reveals_the_code_field(client, contributor, has_device):
    """Whether an account uses two-factor sign-in is not told to someone without its password."""
    if has_device:
        _device(contributor)
    html = _login(client, contributor, password="wrong password").content.decode()
    assert 'name="otp_token"' not in html
