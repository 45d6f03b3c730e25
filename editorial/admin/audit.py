"""The audit log in the admin, read-only: rows are written by services, never by hand."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from editorial.admin.mixins import RolePermissionsMixin
from editorial.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(RolePermissionsMixin, admin.ModelAdmin):
    """The audit log, read-only: rows are written by the workflow, never by hand."""

    permission_actions = {"view": "audit.view"}
    list_display = ["created_at", "action", "subject", "actor", "from_state", "to_state", "note"]
    list_filter = ["action"]
    list_select_related = ["actor", "item", "issue", "account"]
    search_fields = ["object_repr", "note", "actor__username"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "actor",
        "action",
        "item",
        "issue",
        "account",
        "object_repr",
        "from_state",
        "to_state",
        "note",
        "data",
    ]
    readonly_fields = fields

    @admin.display(description=_("object"), ordering="object_repr")
    def subject(self, entry):
        if entry.item_id:
            url = reverse("admin:newsletter_item_change", args=[entry.item_id])
        elif entry.issue_id:
            url = reverse("admin:newsletter_issue_change", args=[entry.issue_id])
        elif entry.account_id:
            url = reverse("admin:auth_user_change", args=[entry.account_id])
        else:
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)
