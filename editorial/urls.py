from django.urls import path

from editorial.accounts import views as account_views
from editorial.release import preview

app_name = "editorial"

urlpatterns = [
    path("preview/<str:token>/", preview.preview, name="preview"),
    path("invitations/<str:token>/", account_views.invitation_accept, name="invitation_accept"),
    path("contributors/<str:username>/", account_views.contributor_detail, name="contributor"),
]
