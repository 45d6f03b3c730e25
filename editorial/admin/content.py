"""The admin of the publication's content: projects, sections and items.

Declarations, plus the item page's workflow and review buttons (mounted in
`ItemAdmin.get_urls`); the rules live in the services they call.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from editorial import review, selectors, views, workflow
from editorial.admin.figures import FigureInline, FigureTableInline
from editorial.admin.forms import ItemWorkflowForm, ProjectAdminForm
from editorial.admin.mixins import ItemPartInlineMixin, RolePermissionsMixin
from editorial.admin.revisions import ItemRevisionsMixin
from editorial.errors import EditorialError, NotPermitted
from editorial.forms import ReviewAssignmentForm, ReviewCommentForm
from editorial.permissions.rules import can, items_visible_to
from editorial.release import assembly
from editorial.release.preview import preview_url
from newsletter.models import FurtherReading, Item, Project, Section
from newsletter.rendering import item_render
from newsletter.uploads import image_attach

# The name of the workflow button that submits the item form: its value is
# the transition ("submit"); `_transition_note`, `_transition_comment` and
# `_transition_quote` carry what the transition needs.
TRANSITION_FIELD = "_transition"


@admin.register(Project)
class ProjectAdmin(RolePermissionsMixin, admin.ModelAdmin):
    permission_actions = {
        "view": "project.view",
        "add": "project.manage",
        "change": "project.manage",
        "delete": "project.manage",
    }
    form = ProjectAdminForm
    list_display = ["name", "maturity", "homepage", "item_count"]
    list_filter = ["maturity"]
    search_fields = ["name", "aliases", "summary"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        for name, image in form.clean_images.items():
            image_attach(instance=obj, field_name=name, image=image)
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        # A GROUP BY query drops Meta.ordering; the autocomplete pages this
        # queryset as it is and needs a stable order.
        return super().get_queryset(request).annotate(item_count=Count("items")).order_by("name")

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


class FurtherReadingForm(forms.ModelForm):
    """A further-reading row; a table cell has no label, so each field names itself."""

    class Meta:
        model = FurtherReading
        fields = ["position", "title", "url"]
        widgets = {
            "position": forms.NumberInput(attrs={"aria-label": _("拓展阅读的序号")}),
            "title": forms.TextInput(attrs={"aria-label": _("拓展阅读的标题")}),
            "url": forms.URLInput(attrs={"aria-label": _("拓展阅读的链接")}),
        }


class FurtherReadingInline(ItemPartInlineMixin, admin.TabularInline):
    model = FurtherReading
    form = FurtherReadingForm
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

    class Media:
        js = ["editorial/js/item-page.js"]
        css = {"all": ["editorial/css/item-page.css"]}

    fieldsets = [
        (None, {"fields": ["title", "original_title", "source_url", "body", "remark"]}),
        (_("Placement"), {"fields": ["issue", "section", "position"]}),
        (_("Classification"), {"fields": ["projects", "tags"]}),
        (_("Editorial"), {"fields": ["author", "state", "reviewer"]}),
    ]

    def get_inlines(self, request, obj):
        if obj is None or self.has_change_permission(request, obj):
            return self.inlines
        return [FurtherReadingInline, FigureTableInline]

    def get_queryset(self, request):
        queryset = items_visible_to(request.user, super().get_queryset(request))
        return review.with_open_comment_count(queryset)

    def get_readonly_fields(self, request, obj=None):
        # State changes only through the workflow's buttons; placement is the
        # editor-in-chief's assembly (a contributor may pick a section while the
        # item waits in the pool).
        fields = ["state", "reviewer"]
        if not can(request.user, "issue.arrange"):
            fields += ["author", "issue", "position"]
            if obj is not None and obj.issue_id is not None:
                fields.append("section")
        return fields

    def _correction_allowed(self, request, obj) -> bool:
        return (
            obj is not None
            and obj.state == Item.State.APPROVED
            and can(request.user, "item.correct", obj)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if self._correction_allowed(request, obj):
            fieldsets.append((_("Correction"), {"fields": ["correction_note"]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.correction_allowed = self._correction_allowed(request, obj)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        # Authorship and placement are not written with the text: they keep
        # their stored values here and change in save_related, through the
        # workflow's and the release desk's services (which the form's clean()
        # already asked).
        form.wanted = {name: getattr(obj, name) for name in ("author", "issue", "section")}
        form.wanted["position"] = obj.position
        if change:
            stored = Item.objects.get(pk=obj.pk)
            obj.author, obj.issue = stored.author, stored.issue
            obj.section, obj.position = stored.section, stored.position
        else:
            obj.author, obj.issue, obj.position = request.user, None, 0
        super().save_model(request, obj, form, change)

    def _save_authorship_and_placement(self, request, item, wanted) -> None:
        author = wanted["author"] or item.author
        if author != item.author:
            workflow.item_author_change(item=item, actor=request.user, author=author)
        placement = (wanted["issue"], wanted["section"], wanted["position"])
        if placement != (item.issue, item.section, item.position):
            assembly.item_placement_set(
                item=item,
                actor=request.user,
                issue=wanted["issue"],
                section=wanted["section"],
                position=wanted["position"] or None,
            )
            item.refresh_from_db(fields=["issue", "section", "position"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The stored HTML and figure placements follow the saved text.
        item_render(item=form.instance)
        self._save_authorship_and_placement(request, form.instance, form.wanted)
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

    def view_on_site(self, item):
        # "View on site": the public page once readers can see the item, its
        # signed preview before that (a draft has no public page to open).
        if Item.objects.public().filter(pk=item.pk).exists():
            return item.get_absolute_url()
        return preview_url(item)

    def _pending_transition(self, request):
        """The workflow button pressed with this POST, if any: (transition, posted data)."""
        if request.method != "POST":
            return None, {}
        action = request.POST.get(TRANSITION_FIELD, "")
        transition = workflow.ITEM_TRANSITIONS.get(f"item.{action}")
        data = {
            key: request.POST.get(f"{TRANSITION_FIELD}_{key}", "")
            for key in ("note", "comment", "quote")
        }
        return transition, data

    def add_view(self, request, form_url="", extra_context=None):
        transition, data = self._pending_transition(request)
        context = {"pending_transition": transition, "transition_data": data}
        return super().add_view(request, form_url, {**context, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self.get_object(request, unquote(object_id))
        context = {}
        if item is not None:
            panel = selectors.item_review_panel(item=item, user=request.user)
            assignment = panel.assignment
            # The same prefix-free names as the item form (comment_add reads
            # them), but ids of their own: the item's body is id_body already.
            context = {
                "review_panel": panel,
                "reader_item": Item.objects.for_listing().get(pk=item.pk),
                # Whoever may edit the item presses workflow buttons that save
                # the form first (see response_change); others post to the
                # workflow's own endpoint.
                "transitions_save_form": self.has_change_permission(request, item),
                "comment_form": ReviewCommentForm(auto_id="id_comment_%s"),
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
            transition, data = self._pending_transition(request)
            context.update(pending_transition=transition, transition_data=data)
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    def _response_after_transition(self, request, item):
        """Run the workflow button pressed with a save that just succeeded; stay on the item."""
        transition, data = self._pending_transition(request)
        messages.success(request, gettext("《%(title)s》已保存。") % {"title": item})
        views.item_transition_run(request, item=item, action=transition.name, data=data)
        return HttpResponseRedirect(reverse("admin:newsletter_item_change", args=[item.pk]))

    def response_change(self, request, obj):
        # Reached only when the item and its inlines were valid and saved, so a
        # workflow button never moves an item whose pending edits were lost.
        if self._pending_transition(request)[0] is not None:
            return self._response_after_transition(request, obj)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if self._pending_transition(request)[0] is not None:
            return self._response_after_transition(request, obj)
        return super().response_add(request, obj, post_url_continue)

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
            except NotPermitted as error:
                for message in error.messages:
                    self.message_user(request, f"《{item}》:{message}", messages.ERROR)
            except EditorialError as error:
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
        return can(request.user, "item.submit")

    def has_approve_permission(self, request):
        return can(request.user, "item.approve")
