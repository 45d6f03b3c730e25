"""Accounts in the newsroom's admin: invitations, contributor profiles, and what
the user admin does when an account is deactivated or given other roles.

Administrators (and superusers) manage accounts; everyone edits their own
profile. Every write calls a service of `editorial.accounts`.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from editorial.accounts import invitations, membership, profiles
from editorial.accounts.forms import ContributorProfileForm, InvitationForm
from editorial.admin.mixins import RolePermissionsMixin
from editorial.errors import EditorialError
from editorial.models import ContributorProfile, Invitation, NotificationPreference
from editorial.notifications import preference_for
from editorial.permissions.rules import can

AVATAR_THUMBNAIL = 96


def _avatar_img(profile: ContributorProfile, size: int = AVATAR_THUMBNAIL):
    if not profile.avatar:
        return "—"
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="">', profile.avatar.url, size, size
    )


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("pending", _("Pending")), ("accepted", _("Accepted"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "accepted":
            return queryset.filter(accepted_at__isnull=False)
        return queryset


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invite by email and role; the email goes out when the invitation is saved.

    An invitation is never edited: delete a pending one to revoke its link,
    and invite again to send a new one.
    """

    form = InvitationForm
    list_display = ["email", "role", "status", "invited_by", "created_at", "accepted_user"]
    list_filter = [StatusFilter, "role"]
    list_select_related = ["invited_by", "accepted_user"]
    search_fields = ["email", "accepted_user__username"]
    date_hierarchy = "created_at"
    add_fields = ["email", "role"]
    readonly_fields = [
        "email",
        "role",
        "status",
        "link",
        "invited_by",
        "created_at",
        "accepted_at",
        "accepted_user",
    ]

    def has_module_permission(self, request):
        return can(request.user, "account.manage")

    def has_view_permission(self, request, obj=None):
        return can(request.user, "account.manage")

    def has_add_permission(self, request):
        return can(request.user, "account.manage")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # An accepted invitation is the record of how the account came in.
        return can(request.user, "account.manage") and (obj is None or obj.accepted_at is None)

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else self.add_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    @admin.display(description=_("status"))
    def status(self, invitation):
        if invitation.accepted_at is not None:
            return gettext("已接受")
        if invitations.invitation_is_expired(invitation):
            return gettext("已过期")
        return gettext("待接受")

    @admin.display(description=_("link"))
    def link(self, invitation):
        if invitation.accepted_at is not None or invitations.invitation_is_expired(invitation):
            return "—"
        url = invitations.invitation_url(invitation)
        return format_html(
            '<code>{}</code><div class="help">{}</div>',
            settings.SITE_URL + url,
            gettext("邮件没收到时,可以把这个链接直接发给对方。只能使用一次。"),
        )

    def save_model(self, request, obj, form, change):
        invitation = invitations.invitation_create(
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            invited_by=request.user,
        )
        # The admin goes on with `obj` (message, log, redirect): make it the stored one.
        obj.pk = invitation.pk
        obj.refresh_from_db()
        obj._state.adding = False
        self.message_user(
            request,
            gettext("邀请邮件已发往 %(email)s,链接 %(lifetime)s内有效。")
            % {"email": invitation.email, "lifetime": invitations.invitation_lifetime()},
            messages.SUCCESS,
        )


@admin.register(ContributorProfile)
class ContributorProfileAdmin(admin.ModelAdmin):
    """Profiles: everyone edits their own ("my profile"), Administrators anyone's."""

    form = ContributorProfileForm
    list_display = ["display_name", "avatar_thumbnail", "user", "is_public", "updated_at"]
    list_filter = ["is_public"]
    list_select_related = ["user"]
    search_fields = ["display_name", "user__username", "user__email"]
    fields = ["user", "display_name", "avatar", "bio", "links", "is_public", "public_page"]
    readonly_fields = ["user", "public_page"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if can(request.user, "account.manage"):
            return queryset
        return queryset.filter(user=request.user)

    def has_module_permission(self, request):
        return request.user.is_staff and can(request.user, "profile.change")

    def has_view_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.is_staff and can(request.user, "profile.change", obj)

    def has_add_permission(self, request):
        # Adding is starting one's own profile; nobody writes one for somebody else.
        return self.has_module_permission(request)

    def add_view(self, request, form_url="", extra_context=None):
        own = ContributorProfile.objects.filter(user=request.user).first()
        if own is not None:
            return HttpResponseRedirect(
                reverse("admin:editorial_contributorprofile_change", args=[own.pk])
            )
        return super().add_view(request, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        return self.fields if obj is not None else self.fields[1:-1]

    def changelist_view(self, request, extra_context=None):
        if can(request.user, "account.manage"):
            return super().changelist_view(request, extra_context)
        # Everyone else has one profile: the list opens it (or the form to start it).
        own = ContributorProfile.objects.filter(user=request.user).first()
        if own is None:
            return HttpResponseRedirect(reverse("admin:editorial_contributorprofile_add"))
        return HttpResponseRedirect(
            reverse("admin:editorial_contributorprofile_change", args=[own.pk])
        )

    @admin.display(description=_("avatar"))
    def avatar_thumbnail(self, profile):
        return _avatar_img(profile, 32)

    @admin.display(description=_("contributor page"))
    def public_page(self, profile):
        if not profile.is_public:
            return gettext("不公开:读者看不到署名和个人页面。")
        url = profile.get_absolute_url()
        return format_html(
            '<a href="{}">{}</a><div class="help">{}</div>',
            url,
            url,
            gettext("有已发布的条目后,读者就能打开这个页面。"),
        )

    def save_model(self, request, obj, form, change):
        profile = profiles.contributor_profile_save(
            user=obj.user if change else request.user,
            actor=request.user,
            data=form.profile_data(),
        )
        obj.pk = profile.pk
        obj.refresh_from_db()
        obj._state.adding = False

    def response_change(self, request, obj):
        if can(request.user, "account.manage"):
            return super().response_change(request, obj)
        self.message_user(request, gettext("个人资料已保存。"), messages.SUCCESS)
        return HttpResponseRedirect(request.path)

    def response_add(self, request, obj, post_url_continue=None):
        if can(request.user, "account.manage"):
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, gettext("个人资料已保存。"), messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:editorial_contributorprofile_change", args=[obj.pk])
        )


class AccountLifecycleMixin:
    """For the user admin: deactivation, reactivation and role changes go through
    `editorial.accounts`, which ends sessions and writes the audit rows.

    The *Active* checkbox and the *Groups* field stay on the form; what the
    form would have saved directly is handed to the service instead.
    """

    actions = ["deactivate_selected", "reactivate_selected"]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "is_active"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            # Nobody locks themselves out by accident.
            fields.append("is_active")
        return fields

    def _report(self, request, error: EditorialError, prefix: str = "") -> None:
        for message in error.messages:
            self.message_user(request, f"{prefix}{message}", messages.ERROR)

    def save_model(self, request, obj, form, change):
        wanted_active = None
        if change and "is_active" in form.changed_data:
            wanted_active = obj.is_active
            obj.is_active = form.initial["is_active"]
        super().save_model(request, obj, form, change)
        if wanted_active is None:
            return
        service = membership.account_reactivate if wanted_active else membership.account_deactivate
        try:
            service(user=obj, actor=request.user)
        except EditorialError as error:
            self._report(request, error)
        else:
            obj.is_active = wanted_active

    def save_related(self, request, form, formsets, change):
        # Taken out of cleaned_data, the form's save_m2m leaves the groups alone.
        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if groups is None:
            return
        try:
            membership.account_roles_set(user=form.instance, actor=request.user, groups=groups)
        except EditorialError as error:
            self._report(request, error)

    def _each(self, request, queryset, service, done_message: str) -> None:
        done = 0
        for user in queryset:
            try:
                service(user=user, actor=request.user)
            except EditorialError as error:
                self._report(request, error, prefix=f"{user}:")
            else:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Deactivate selected accounts"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            membership.account_deactivate,
            gettext("已停用 %(count)d 个账号,登录会话已全部结束。"),
        )

    @admin.action(description=_("Reactivate selected accounts"), permissions=["change"])
    def reactivate_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            membership.account_reactivate,
            gettext("已恢复 %(count)d 个账号。"),
        )


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
        preference = preference_for(user=request.user)
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
    """The roles are groups; what each may do is decided in `editorial.permissions.rules`."""

    permission_actions = {
        "view": "account.manage",
        "add": "account.manage",
        "change": "account.manage",
        "delete": "account.manage",
    }
