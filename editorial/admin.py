"""The admin editors use for the publication's content.

Declarations only; the editorial workflow (review, publishing) lives in
`editorial.workflow` and is reached from here.
"""

from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from editorial import notifications, selectors, views, workflow
from editorial.admin_accounts import AccountLifecycleMixin
from editorial.admin_figures import FigureInline
from editorial.admin_revisions import ItemRevisionsMixin
from editorial.forms import (
    IssueAdminForm,
    ItemWorkflowForm,
    ReviewAssignmentForm,
    ReviewCommentForm,
    TransitionForm,
)
from editorial.models import AuditEntry, NotificationPreference
from editorial.preview import preview_url
from newsletter.models import FurtherReading, Issue, Item, Project, Section

admin.site.site_header = _("Digest newsroom")
admin.site.site_title = _("Digest")
admin.site.index_title = _("Newsroom")


class RolePermissionsMixin:
    """Admin permissions answered by `editorial.workflow.can`, the one matrix.

    `permission_actions` maps the admin's view / add / change / delete to
    actions of `workflow.RULES`; a kind left out is allowed to nobody.
    """

    permission_actions: dict[str, str] = {}

    def _can(self, request, kind: str, obj=None) -> bool:
        action = self.permission_actions.get(kind)
        return action is not None and workflow.can(request.user, action, obj)

    def has_module_permission(self, request):
        return self._can(request, "view")

    def has_view_permission(self, request, obj=None):
        return self._can(request, "view", obj) or self._can(request, "change", obj)

    def has_add_permission(self, request, *args):
        return self._can(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._can(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._can(request, "delete", obj)


class ItemPartInlineMixin:
    """An inline of an item (further reading, figures) is editable when the item is."""

    def has_view_permission(self, request, obj=None):
        return workflow.can(request.user, "item.view", obj)

    def has_add_permission(self, request, obj=None):
        return workflow.can(request.user, "item.change", obj)

    def has_change_permission(self, request, obj=None):
        return workflow.can(request.user, "item.change", obj)

    def has_delete_permission(self, request, obj=None):
        return workflow.can(request.user, "item.change", obj)


@admin.register(Project)
class ProjectAdmin(RolePermissionsMixin, admin.ModelAdmin):
    permission_actions = {
        "view": "project.view",
        "add": "project.manage",
        "change": "project.manage",
        "delete": "project.manage",
    }
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
class SectionAdmin(RolePermissionsMixin, admin.ModelAdmin):
    permission_actions = {
        "view": "section.view",
        "add": "section.manage",
        "change": "section.manage",
        "delete": "section.manage",
    }
    list_display = ["__str__", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


class FurtherReadingInline(ItemPartInlineMixin, admin.TabularInline):
    model = FurtherReading
    extra = 1
    fields = ["position", "title", "url"]


@admin.register(Item)
class ItemAdmin(ItemRevisionsMixin, RolePermissionsMixin, admin.ModelAdmin):
    form = ItemWorkflowForm
    permission_actions = {
        "view": "item.view",
        "add": "item.add",
        "change": "item.change",
        "delete": "item.delete",
    }
    list_display = [
        "title",
        "issue",
        "section",
        "position",
        "state",
        "open_comments",
        "review_due",
        "author",
        "updated_at",
    ]
    list_filter = ["state", "issue", "section", "projects"]
    list_select_related = ["issue", "section", "author", "review_assignment__reviewer"]
    actions = [
        "submit_selected",
        "resubmit_selected",
        "approve_selected",
        "return_selected_to_draft",
    ]
    search_fields = ["title", "original_title", "body", "source_url"]
    autocomplete_fields = ["projects"]
    raw_id_fields = ["author"]
    date_hierarchy = "created_at"
    inlines = [FurtherReadingInline, FigureInline]
    fieldsets = [
        (None, {"fields": ["title", "original_title", "source_url", "body", "remark"]}),
        (_("Placement"), {"fields": ["issue", "section", "position"]}),
        (_("Classification"), {"fields": ["projects", "tags"]}),
        (_("Editorial"), {"fields": ["author", "state", "reviewer"]}),
    ]

    def get_queryset(self, request):
        queryset = workflow.items_visible_to(request.user, super().get_queryset(request))
        return selectors.with_open_comment_count(queryset)

    def get_readonly_fields(self, request, obj=None):
        # State changes only through the workflow's buttons; placement is the
        # editor-in-chief's assembly (a contributor may pick a section while the
        # item waits in the pool).
        fields = ["state", "reviewer"]
        if not workflow.can(request.user, "issue.arrange"):
            fields += ["author", "issue", "position"]
            if obj is not None and obj.issue_id is not None:
                fields.append("section")
        return fields

    def _correction_allowed(self, request, obj) -> bool:
        return (
            obj is not None
            and obj.state == Item.State.APPROVED
            and workflow.can(request.user, "item.correct", obj)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if self._correction_allowed(request, obj):
            fieldsets.append((_("Correction"), {"fields": ["correction_note"]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.correction_allowed = self._correction_allowed(request, obj)
        return form

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            return
        # Everything the editor changed, inlines included; the hidden version
        # and the correction note are bookkeeping, not content.
        changed = set(form.changed_data) - {"expected_version", "correction_note"}
        changed |= {formset.prefix for formset in formsets if formset.has_changed()}
        was_approved = form.instance.state == Item.State.APPROVED
        item = workflow.item_edit(
            item=form.instance,
            actor=request.user,
            changed_fields=changed,
            correction_note=form.cleaned_data.get("correction_note", ""),
        )
        if was_approved and item.state != Item.State.APPROVED:
            self.message_user(
                request,
                gettext("《%(title)s》已批准过,修改后重新进入审校。") % {"title": item},
                messages.WARNING,
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self.get_object(request, unquote(object_id))
        context = {}
        if item is not None:
            panel = selectors.item_review_panel(item=item, user=request.user)
            assignment = panel.assignment
            context = {
                "review_panel": panel,
                "transition_form": TransitionForm(),
                "comment_form": ReviewCommentForm(),
                "assignment_form": ReviewAssignmentForm(
                    reviewers=selectors.reviewers(),
                    initial={
                        "reviewer": assignment.reviewer_id if assignment else None,
                        "due_date": assignment.due_date if assignment else None,
                    },
                )
                if panel.can_assign
                else None,
                "preview_url": preview_url(item),
            }
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(partial(function, model_admin=self))

        return [
            path(
                "<int:object_id>/workflow/<slug:action>/",
                view(views.item_transition),
                name="newsletter_item_transition",
            ),
            path(
                "<int:object_id>/comments/",
                view(views.comment_add),
                name="newsletter_item_comment_add",
            ),
            path(
                "<int:object_id>/comments/<int:comment_id>/<slug:action>/",
                view(views.comment_resolution),
                name="newsletter_item_comment_resolution",
            ),
            path(
                "<int:object_id>/review-assignment/",
                view(views.review_assignment),
                name="newsletter_item_review_assignment",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("open comments"), ordering="open_comment_count")
    def open_comments(self, item):
        return item.open_comment_count or ""

    @admin.display(description=_("review due"), ordering="review_assignment__due_date")
    def review_due(self, item):
        assignment = getattr(item, "review_assignment", None)
        if assignment is None or (assignment.reviewer_id is None and not assignment.due_date):
            return ""
        due = assignment.due_date.isoformat() if assignment.due_date else ""
        return f"{assignment.reviewer or ''} {due}".strip()

    def _run_on_each(self, request, queryset, service) -> None:
        """Run a transition on each selected item; report what was done and refused."""
        done = 0
        for item in queryset:
            try:
                service(item=item, actor=request.user)
            except workflow.NotAllowed as error:
                for message in error.messages:
                    self.message_user(request, f"《{item}》:{message}", messages.ERROR)
            except workflow.WorkflowError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request, gettext("已处理 %(count)d 篇条目。") % {"count": done}, messages.SUCCESS
            )

    @admin.action(description=_("Submit selected items for review"), permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._run_on_each(request, queryset, workflow.item_submit)

    @admin.action(description=_("Resubmit selected items after changes"), permissions=["submit"])
    def resubmit_selected(self, request, queryset):
        self._run_on_each(request, queryset, workflow.item_resubmit)

    @admin.action(description=_("Approve selected items"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        self._run_on_each(request, queryset, workflow.item_approve)

    @admin.action(description=_("Return selected items to draft"), permissions=["submit"])
    def return_selected_to_draft(self, request, queryset):
        self._run_on_each(request, queryset, workflow.item_return_to_draft)

    def has_submit_permission(self, request):
        return workflow.can(request.user, "item.submit")

    def has_approve_permission(self, request):
        return workflow.can(request.user, "item.approve")


class ItemInline(admin.TabularInline):
    """The items of an issue, read-only: they are arranged on the release desk."""

    model = Item
    fields = ["section", "position", "title", "state"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["section__position", "position"]

    def has_view_permission(self, request, obj=None):
        return workflow.can(request.user, "issue.view", obj)

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
    fieldsets = [
        (None, {"fields": ["slug", "title", "period", "intro", "cover"]}),
        (_("Release"), {"fields": ["status", "publish_at", "published_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Status changes only on the release desk, where the checklist runs. A
        # draft may carry a planned date for the calendar; once released the
        # date is the schedule's.
        fields = ["status", "published_at"]
        if obj is not None and obj.status in (Issue.Status.SCHEDULED, Issue.Status.PUBLISHED):
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
        context = {"can_arrange": workflow.can(request.user, "issue.arrange")}
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
        ]
        return [
            *(
                path(f"<int:object_id>/release/{suffix}", view(function), name=name)
                for suffix, function, name in desk
            ),
            *super().get_urls(),
        ]


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


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Each person's own email settings; the list page opens one's own."""

    fields = [
        "email_on_submitted",
        "email_on_review_outcome",
        "email_on_mention",
        "email_on_issue_published",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or obj.user_id == request.user.pk
        )

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        preference = notifications.preference_for(user=request.user)
        url = reverse("admin:editorial_notificationpreference_change", args=[preference.pk])
        return HttpResponseRedirect(url)

    def response_change(self, request, obj):
        self.message_user(request, gettext("通知设置已保存。"), messages.SUCCESS)
        return HttpResponseRedirect(request.path)


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AccountAdmin(AccountLifecycleMixin, RolePermissionsMixin, UserAdmin):
    """Accounts, for Administrators. Nobody but a superuser grants or edits superusers."""

    permission_actions = {
        "view": "account.manage",
        "add": "account.manage",
        "change": "account.manage",
        "delete": "account.manage",
    }

    def _guards_superuser(self, request, obj) -> bool:
        return obj is not None and obj.is_superuser and not request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._guards_superuser(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._guards_superuser(
            request, obj
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields


@admin.register(Group)
class RoleAdmin(RolePermissionsMixin, GroupAdmin):
    """The roles are groups; what each may do is decided in `editorial.workflow`."""

    permission_actions = {
        "view": "account.manage",
        "add": "account.manage",
        "change": "account.manage",
        "delete": "account.manage",
    }
