"""Public pages of the accounts: accepting an invitation, a contributor's page.

Thin: each reads through `editorial.accounts` or `editorial.selectors`.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model, login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from editorial import selectors
from editorial.accounts import invitations
from editorial.accounts.forms import InvitationAcceptForm
from editorial.errors import EditorialError
from newsletter.pagination import page_path

# The account was just created with this password: no need to ask the
# rate-limited backends again, whose job is guessing, not sign-up.
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _refusal(request, error: invitations.InvitationInvalid):
    """The page for a link that cannot be used, with what the person can do next."""
    if isinstance(error, invitations.InvitationUsed):
        title = _("这个邀请已经用过了")
        reason = _("每个邀请链接只能使用一次。如果账号是你自己设置的,请直接登录。")
    elif isinstance(error, invitations.InvitationExpired):
        title = _("这个邀请已经过期")
        reason = _("邀请链接 %(lifetime)s内有效。请联系邀请你的管理员重新发一封邀请。") % {
            "lifetime": invitations.invitation_lifetime()
        }
    else:
        title = _("这个邀请链接无效")
        reason = _(
            "链接可能不完整(有的邮件程序会把长链接截断),或者邀请已被撤销。"
            "请从邮件里完整复制链接,或联系邀请你的管理员。"
        )
    context = {**admin.site.each_context(request), "title": title, "reason": reason}
    return TemplateResponse(
        request, "editorial/invitation_invalid.html", context, status=error.status
    )


def _with_robots_off(response):
    # The link is a key: keep the page out of indexes and caches.
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    return response


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request, token: str):
    """Set a username, a password and the profile; then land on the dashboard, logged in."""
    try:
        invitation = invitations.invitation_for_token(token)
    except invitations.InvitationInvalid as error:
        return _with_robots_off(_refusal(request, error))
    new_user = get_user_model()(email=invitation.email)
    form = InvitationAcceptForm(instance=new_user)
    if request.method == "POST":
        form = InvitationAcceptForm(request.POST, request.FILES, instance=new_user)
        if form.is_valid():
            try:
                user = invitations.invitation_accept(
                    invitation=invitation,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                    profile=form.profile_data(),
                )
            except invitations.InvitationInvalid as error:
                return _with_robots_off(_refusal(request, error))
            except (EditorialError, ValidationError) as error:
                form.add_error(None, ValidationError(error.messages))
            else:
                login(request, user, backend=LOGIN_BACKEND)
                messages.success(
                    request,
                    _("欢迎加入,%(name)s!你的角色是「%(role)s」。")
                    % {"name": user.get_full_name(), "role": invitation.get_role_display()},
                )
                return redirect("admin:index")
    context = {
        **admin.site.each_context(request),
        "title": _("加入编辑部"),
        "invitation": invitation,
        "form": form,
    }
    return _with_robots_off(TemplateResponse(request, "editorial/invitation_accept.html", context))


@require_safe
def contributor_detail(request, username: str):
    """A contributor's public page: who they are and their published work, a page at a time."""
    page = selectors.contributor_page(username=username, number=request.GET.get("page"))
    if page is None:
        raise Http404("No public contributor page.")
    # Each page of the list is its own canonical address (share.html reads share_path).
    share_path = page_path(request.path, page.entries)
    return render(
        request, "editorial/contributor_detail.html", {"page": page, "share_path": share_path}
    )
