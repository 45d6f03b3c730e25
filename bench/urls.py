"""The site's URLs plus /baseline/, the trivial view every ratio is measured against."""

from django.http import HttpResponse
from django.urls import include, path


def baseline_view(request):
    return HttpResponse("ok")


urlpatterns = [path("baseline/", baseline_view), path("", include("config.urls"))]
