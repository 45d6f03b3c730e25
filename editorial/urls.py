from django.urls import path

from editorial import preview

app_name = "editorial"

urlpatterns = [
    path("preview/<str:token>/", preview.preview, name="preview"),
]
