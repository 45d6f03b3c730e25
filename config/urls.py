from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from markdownx.views import MarkdownifyView

from editorial.accounts.password_reset import PasswordResetConfirmView
from editorial.accounts.sitemaps import ContributorSitemap
from newsletter.media import serve_upload
from newsletter.sitemaps import SITEMAPS
from newsletter.subscribers.webhooks import webhook_urlpatterns

# The password reset pages use the admin's templates; give them its name too.
ADMIN_HEADER = {"site_header": admin.site.site_header, "site_title": admin.site.site_title}

urlpatterns = [
    # Password reset by email, linked from the admin login. Before the admin's
    # own URLs, which answer every other path under /admin/.
    path(
        "admin/password_reset/",
        auth_views.PasswordResetView.as_view(extra_context=ADMIN_HEADER),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(extra_context=ADMIN_HEADER),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(extra_context=ADMIN_HEADER),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(extra_context=ADMIN_HEADER),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    # Only the preview endpoint of markdownx, and only for staff: its stock
    # views are open to anonymous visitors.
    path(
        "markdownx/markdownify/",
        staff_member_required(MarkdownifyView.as_view()),
        name="markdownx_markdownify",
    ),
    # django-anymail's webhooks: the provider's tracking events (bounces and
    # complaints mark the subscriber) and inbound mail (mailto: unsubscribe).
    path("anymail/", include((webhook_urlpatterns(), "anymail"))),
    path("", include("editorial.urls")),
    path("api/v1/", include("newsletter.api.urls")),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {**SITEMAPS, "contributors": ContributorSitemap}},
        name="sitemap",
    ),
    path("", include("newsletter.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve_upload)]
