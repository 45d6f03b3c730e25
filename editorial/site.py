"""Digest's admin site: Django's, with a two-factor login."""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from editorial.accounts import two_factor

# Views an administrator who still has to add an authenticator may reach.
TWO_FACTOR_EXEMPT_VIEWS = {
    "two_factor",
    "logout",
    "jsi18n",
    "password_change",
    "password_change_done",
}


class DigestAdminSite(admin.AdminSite):
    """The admin site installed as `admin.site` (see editorial.apps.DigestAdminConfig).

    The login asks staff who added an authenticator for its code; with
    DIGEST_REQUIRE_2FA_FOR_ADMINS on, superusers and Administrators without a
    verified session are sent to the two-factor page from every admin view.
    """

    site_header = _("Digest newsroom")
    site_title = _("Digest")
    index_title = _("Newsroom")
    login_form = two_factor.TwoFactorAdminAuthenticationForm
    login_template = "registration/admin_login.html"

    def admin_view(self, view, cacheable=False):
        protected = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            match = request.resolver_match
            exempt = match is not None and match.url_name in TWO_FACTOR_EXEMPT_VIEWS
            if (
                not exempt
                and two_factor.two_factor_required(request.user)
                and not two_factor.is_verified(request.user)
            ):
                return redirect_to_login(
                    request.get_full_path(),
                    reverse("admin:two_factor", current_app=self.name),
                )
            return protected(request, *args, **kwargs)

        return update_wrapper(inner, protected)

    def get_urls(self):
        return [
            path(
                "two-factor/",
                self.admin_view(self.two_factor_view),
                name="two_factor",
            ),
            *super().get_urls(),
        ]

    def two_factor_view(self, request):
        return two_factor.two_factor_setup(request, admin_site=self)
