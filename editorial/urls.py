from django.urls import path

from editorial import account_views, preview

app_name = "editorial"

urlpatterns = [
    path("preview/<str:token>/", preview.preview, name="preview"),
    path("invitations/<str:token>/", account_views.invitation_accept, name="invitation_accept"),
    path("contributors/<str:username>/", account_views.contributor_detail, name="contributor"),
]
