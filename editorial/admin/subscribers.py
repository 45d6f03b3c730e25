"""Subscribers in the admin, for Administrators and the editor-in-chief:
search, filter, export as CSV, import a CSV, delete (which erases the address).

Rows are read-only here: readers confirm and unsubscribe themselves, and the
provider's webhooks mark bounces and complaints. Every write goes through
`editorial.subscribers`.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from editorial import subscribers
from editorial.admin.mixins import RolePermissionsMixin
from editorial.permissions.rules import can
from newsletter.models import Subscriber
from newsletter.subscribers.services import SubscriberImportError

# A list of a hundred thousand addresses is a few megabytes.
MAX_IMPORT_BYTES = 10 * 1024 * 1024


class SubscriberImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV list of addresses"),
        help_text=gettext_lazy(
            "One address per line, optionally a language (zh-hans or en) in a second column; "
            "a first line starting with “email” is skipped. UTF-8."
        ),
    )
    consent = forms.BooleanField(
        label=gettext_lazy("The owners of these addresses agreed to receive the newsletter"),
        required=False,
        help_text=gettext_lazy(
            "Ticked, new addresses are confirmed at once and your confirmation is recorded on "
            "each. Unticked, each new address gets a confirmation email and receives nothing "
            "until it is confirmed."
        ),
    )
    consent_note = forms.CharField(
        label=gettext_lazy("Where the consent comes from"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("e.g. signed up at KubeCon 2025 booth, list moved from Mailchimp"),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件太大:最多 10 MB。"))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("文件不是 UTF-8 编码的文本。")) from None


@admin.register(Subscriber)
class SubscriberAdmin(RolePermissionsMixin, admin.ModelAdmin):
    permission_actions = {"view": "subscriber.manage", "delete": "subscriber.manage"}
    list_display = ["email", "status", "language", "source", "created_at", "confirmed_at"]
    list_filter = ["status", "source", "language"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = [
        "email",
        "status",
        "language",
        "source",
        "consent",
        "created_at",
        "confirmed_at",
        "status_changed_at",
    ]
    readonly_fields = fields
    change_list_template = "admin/newsletter/subscriber/change_list.html"

    def delete_model(self, request, obj):
        subscribers.subscriber_erase(actor=request.user, subscriber=obj)

    def delete_queryset(self, request, queryset):
        for subscriber in queryset:
            subscribers.subscriber_erase(actor=request.user, subscriber=subscriber)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(partial(function, model_admin=self))

        return [
            path("import/", view(subscriber_import), name="newsletter_subscriber_import"),
            path("export/", view(subscriber_export), name="newsletter_subscriber_export"),
            *super().get_urls(),
        ]


def _require_manager(request) -> None:
    if not can(request.user, "subscriber.manage"):
        raise PermissionDenied


def subscriber_import(request, *, model_admin):
    """Upload a CSV of subscribers: all of it is imported, or nothing with the bad line named."""
    _require_manager(request)
    form = SubscriberImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = subscribers.subscribers_import(
                actor=request.user,
                text=form.cleaned_data["file"],
                consent=form.cleaned_data["consent"],
                consent_note=form.cleaned_data["consent_note"],
            )
        except SubscriberImportError as error:
            form.add_error("file", _("%(reason)s 没有导入任何地址。") % {"reason": error})
        else:
            messages.success(
                request,
                _(
                    "导入完成:新增 %(created)d 个(其中 %(pending)d 个待确认,已发确认邮件),"
                    "%(confirmed)d 个待确认的地址改为已确认,%(unchanged)d 个已有地址保持不变。"
                )
                % {
                    "created": len(result.created),
                    "pending": len(result.to_confirm),
                    "confirmed": result.confirmed,
                    "unchanged": result.unchanged,
                },
            )
            return HttpResponseRedirect(reverse("admin:newsletter_subscriber_changelist"))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import subscribers"),
        "form": form,
    }
    return TemplateResponse(request, "editorial/admin/subscriber_import.html", context)


def subscriber_export(request, *, model_admin):
    """The subscribers the changelist shows (its search and filters apply) as CSV."""
    _require_manager(request)
    queryset = model_admin.get_changelist_instance(request).get_queryset(request)
    lines = subscribers.subscribers_export(actor=request.user, queryset=queryset)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    name = f"subscribers-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
