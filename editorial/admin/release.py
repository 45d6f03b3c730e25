"""The admin of issues, with the release desk mounted on each issue."""

from functools import partial

from django.contrib import admin
from django.db.models import Count
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from editorial.admin.forms import IssueAdminForm
from editorial.admin.mixins import RolePermissionsMixin
from editorial.permissions.rules import can
from editorial.release import views
from newsletter.models import ITEM_ISSUE_ORDER, Issue, Item
from newsletter.rendering import issue_render
from newsletter.uploads import image_attach


class ItemInline(admin.TabularInline):
    """The items of an issue, read-only: they are arranged on the release desk."""

    model = Item
    fields = ["section", "position", "title", "state"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ITEM_ISSUE_ORDER

    def has_view_permission(self, request, obj=None):
        return can(request.user, "issue.view", obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Issue)
class IssueAdmin(RolePermissionsMixin, admin.ModelAdmin):
    form = IssueAdminForm
    permission_actions = {
        "view": "issue.view",
        "add": "issue.add",
        "change": "issue.change",
        "delete": "issue.delete",
    }
    list_display = ["slug", "title", "status", "publish_at", "item_count", "release_desk"]
    list_filter = ["status"]
    search_fields = ["slug", "title", "intro"]
    date_hierarchy = "publish_at"
    inlines = [ItemInline]

    class Media:
        # Images dropped into the introduction are described before insertion.
        js = ["editorial/js/figure-upload.js"]

    fieldsets = [
        (None, {"fields": ["slug", "title", "period", "intro", "cover"]}),
        (_("Release"), {"fields": ["status", "publish_at", "published_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        for name, image in form.clean_images.items():
            image_attach(instance=obj, field_name=name, image=image)
        super().save_model(request, obj, form, change)
        issue_render(issue=obj)

    def get_readonly_fields(self, request, obj=None):
        # Status changes only on the release desk, where the checklist runs. A
        # draft may carry a planned date for the calendar; once released the
        # date is the schedule's.
        fields = ["status", "published_at"]
        if obj is not None and obj.status in Issue.RELEASED_STATUSES:
            fields.append("publish_at")
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description=_("items"), ordering="item_count")
    def item_count(self, issue):
        return issue.item_count

    @admin.display(description=_("release desk"))
    def release_desk(self, issue):
        url = reverse("admin:newsletter_issue_release", args=[issue.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Release desk"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"can_arrange": can(request.user, "issue.arrange")}
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(partial(function, model_admin=self))

        desk = [
            ("", views.issue_release, "newsletter_issue_release"),
            ("arrange/", views.issue_arrange, "newsletter_issue_arrange"),
            ("place/", views.issue_place, "newsletter_issue_place"),
            ("unplace/", views.issue_unplace, "newsletter_issue_unplace"),
            ("schedule/", views.issue_schedule, "newsletter_issue_schedule"),
            ("publish/", views.issue_publish, "newsletter_issue_publish"),
            ("withdraw/", views.issue_withdraw, "newsletter_issue_withdraw"),
            ("send-test/", views.issue_send_test, "newsletter_issue_send_test"),
            ("send/", views.issue_send, "newsletter_issue_send"),
        ]
        return [
            *(
                path(f"<int:object_id>/release/{suffix}", view(function), name=name)
                for suffix, function, name in desk
            ),
            *super().get_urls(),
        ]
