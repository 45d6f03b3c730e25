"""A public page that sets a cookie, beside the site's own URLs."""

from django.http import HttpResponse
from django.urls import include, path


def cookie_page(request):
    response = HttpResponse("为你记住了")
    response.set_cookie("remembered", "yes")
    return response


urlpatterns = [
    path("cookie/", cookie_page, name="cookie-page"),
    path("", include("config.urls")),
]
