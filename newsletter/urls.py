from django.urls import path

from newsletter import feeds, views
from newsletter.subscribers import views as subscriber_views

app_name = "newsletter"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/", views.issue_archive, name="issue_archive"),
    path("issues/<slug:slug>.md", views.issue_markdown, name="issue_markdown"),
    path("issues/<slug:slug>/", views.issue_detail, name="issue_detail"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<slug:slug>/", views.project_detail, name="project_detail"),
    path("sections/<slug:slug>/", views.section_detail, name="section_detail"),
    # Tags may be Chinese, so their slugs are not limited to ASCII.
    path("tags/<str:slug>/", views.tag_detail, name="tag_detail"),
    path("search/", views.search_page, name="search"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("feed/", feeds.IssuesFeed(), name="feed_atom"),
    path("feed.rss", feeds.IssuesRssFeed(), name="feed_rss"),
    path("feed/items/", feeds.ItemsFeed(), name="feed_items"),
    path("feed/projects/<slug:slug>/", feeds.ProjectItemsFeed(), name="feed_project"),
    path("feed/sections/<slug:slug>/", feeds.SectionItemsFeed(), name="feed_section"),
    path("feed/tags/<str:slug>/", feeds.TagItemsFeed(), name="feed_tag"),
    path("subscribe/", subscriber_views.subscribe, name="subscribe"),
    path(
        "subscribe/confirm/<str:token>/",
        subscriber_views.subscribe_confirm,
        name="subscribe_confirm",
    ),
    path("unsubscribe/<str:token>/", subscriber_views.unsubscribe, name="unsubscribe"),
]
