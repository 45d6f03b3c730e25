"""Two-factor sign-in for the admin: TOTP codes from an authenticator app (django-otp).

Two-factor is optional for staff: whoever has added an authenticator must give
its code at every login. With DIGEST_REQUIRE_2FA_FOR_ADMINS on, superusers and
Administrators must add one before the admin lets them do anything else.
"""

from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from editorial.permissions.roles import Role


def two_factor_required(user) -> bool:
    """Return whether `user` may use the admin only after passing a two-factor code."""
    if not settings.DIGEST_REQUIRE_2FA_FOR_ADMINS or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name=Role.ADMINISTRATOR).exists()


def is_verified(user) -> bool:
    """Return whether this session of `user` has passed a two-factor code."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def _token_field() -> forms.CharField:
    return forms.CharField(
        label=_("验证码"),
        required=False,
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )


class TwoFactorAdminAuthenticationForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin login: username, password and, for staff with an authenticator, its code."""

    otp_device = forms.CharField(required=False, widget=forms.Select)
    otp_token = _token_field()

    otp_error_messages = dict(
        OTPAuthenticationFormMixin.otp_error_messages,
        token_required=_("你已开启两步验证,请输入身份验证器 App 上的验证码。"),
        invalid_token=_("验证码不对或已过期,请输入 App 当前显示的验证码。"),
        device_required=_("请选择你正在使用的身份验证器。"),
    )

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        if user is None:
            # A missing username or password: the fields already say so, and
            # there is nobody whose devices to ask for.
            return cleaned_data
        devices = list(devices_for_user(user))
        if not devices:
            return cleaned_data
        if not cleaned_data.get("otp_device") and len(devices) == 1:
            cleaned_data["otp_device"] = devices[0].persistent_id
        try:
            self.clean_otp(user)
        except ValidationError as error:
            if error.code == "invalid_token":
                # Count a wrong code as a failed login, so guessing codes for a
                # known password meets the same lockout as guessing passwords.
                user_login_failed.send(
                    sender=type(self),
                    credentials={"username": cleaned_data.get("username")},
                    request=self.request,
                )
            raise
        return cleaned_data

    def asks_for_code(self) -> bool:
        """Return whether the login shows the code field: after a right password, with a device.

        The first page asks only for username and password, so it does not
        tell anyone which accounts use two-factor sign-in; the code field
        appears once the password was right for an account with an
        authenticator (the password is typed again with the code).
        """
        user = getattr(self, "user_cache", None)
        return bool(self.is_bound and user is not None and list(devices_for_user(user)))

    def has_several_devices(self) -> bool:
        """Return whether the login must show a choice of authenticators."""
        return len(self.fields["otp_device"].widget.choices) > 2


class TwoFactorSetupForm(forms.Form):
    """Confirms a new authenticator with the first code it shows."""

    otp_token = _token_field()

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device
        self.fields["otp_token"].required = True

    def clean_otp_token(self) -> str:
        token = self.cleaned_data["otp_token"].replace(" ", "")
        if not self.device.verify_token(token):
            raise ValidationError(
                _("验证码不对或已过期,请输入 App 当前显示的验证码。"),
                code="invalid_token",
            )
        return token


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def two_factor_setup(request: HttpRequest, *, admin_site) -> HttpResponse:
    """The admin page where a staff member adds an authenticator app.

    It shows a new secret (as an otpauth:// link and as text to type in) and
    asks for the first code the app generates; that code confirms the device
    and counts as this session's second factor. The unconfirmed device is kept,
    so reloading the page shows the same secret.
    """
    user = request.user
    confirmed_devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    next_url = request.POST.get("next", request.GET.get("next", ""))
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    context = {
        **admin_site.each_context(request),
        "title": _("两步验证"),
        "confirmed_devices": confirmed_devices,
        "required": two_factor_required(user),
        "next": next_url,
    }
    if confirmed_devices:
        return TemplateResponse(request, "registration/two_factor_setup.html", context)

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=str(_("身份验证器 App")), confirmed=False
        )
    form = TwoFactorSetupForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(request, _("两步验证已开启。以后每次登录都要输入 App 上的验证码。"))
        return redirect(next_url or reverse("admin:index", current_app=admin_site.name))
    secret = b32encode(device.bin_key).decode()
    context.update(
        form=form,
        config_url=device.config_url,
        # A data: URI image: allowed by the CSP's img-src, and dark on white
        # so that phones read it in the admin's dark theme too.
        qr_code=segno.make(device.config_url, error="m").svg_data_uri(
            scale=5, border=4, dark="#000", light="#fff"
        ),
        secret=_grouped(secret),
    )
    return TemplateResponse(request, "registration/two_factor_setup.html", context)
