from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.static import serve
from markdownx.views import MarkdownifyView

from newsletter.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/", admin.site.urls),
    # Only the preview endpoint of markdownx, and only for staff: its stock
    # views are open to anonymous visitors.
    path(
        "markdownx/markdownify/",
        staff_member_required(MarkdownifyView.as_view()),
        name="markdownx_markdownify",
    ),
    path("", include("editorial.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("newsletter.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
