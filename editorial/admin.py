"""The admin editors use for the publication's content.

Declarations only; the editorial workflow (review, publishing) lives in
`editorial.workflow` and is reached from here.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from editorial.admin_revisions import ItemRevisionsMixin
from editorial.forms import IssueAdminForm, ItemAdminForm
from newsletter.models import FurtherReading, Issue, Item, Project, Section

admin.site.site_header = _("Digest newsroom")
admin.site.site_title = _("Digest")
admin.site.index_title = _("Newsroom")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "maturity", "homepage", "item_count"]
    list_filter = ["maturity"]
    search_fields = ["name", "aliases", "summary"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description=_("items"), ordering="item_count")
    def item_count(self, project):
        return project.item_count


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


class FurtherReadingInline(admin.TabularInline):
    model = FurtherReading
    extra = 1
    fields = ["position", "title", "url"]


@admin.register(Item)
class ItemAdmin(ItemRevisionsMixin, admin.ModelAdmin):
    form = ItemAdminForm
    list_display = ["title", "issue", "section", "position", "state", "author", "updated_at"]
    list_filter = ["state", "issue", "section", "projects"]
    list_select_related = ["issue", "section", "author"]
    search_fields = ["title", "original_title", "body", "source_url"]
    autocomplete_fields = ["projects"]
    raw_id_fields = ["author"]
    date_hierarchy = "created_at"
    inlines = [FurtherReadingInline]
    fieldsets = [
        (None, {"fields": ["title", "original_title", "source_url", "body", "remark"]}),
        (_("Placement"), {"fields": ["issue", "section", "position"]}),
        (_("Classification"), {"fields": ["projects", "tags"]}),
        (_("Editorial"), {"fields": ["author", "state"]}),
    ]


class ItemInline(admin.TabularInline):
    model = Item
    fields = ["section", "position", "title", "state"]
    readonly_fields = ["title", "state"]
    extra = 0
    show_change_link = True
    ordering = ["section__position", "position"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    form = IssueAdminForm
    list_display = ["slug", "title", "status", "publish_at", "item_count"]
    list_filter = ["status"]
    search_fields = ["slug", "title", "intro"]
    date_hierarchy = "publish_at"
    inlines = [ItemInline]
    fieldsets = [
        (None, {"fields": ["slug", "title", "period", "intro", "cover"]}),
        (_("Release"), {"fields": ["status", "publish_at", "published_at"]}),
    ]
    readonly_fields = ["published_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(item_count=Count("items"))

    @admin.display(description=_("items"), ordering="item_count")
    def item_count(self, issue):
        return issue.item_count
