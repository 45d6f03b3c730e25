"""The permission matrix of DESIGN.md: who may do what, on which object.

`can(user, action, obj)` answers and `require(...)` enforces. Each rule
returns None when the user may act, or the sentence that explains the refusal.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from editorial.errors import NotPermitted
from editorial.permissions.roles import Role
from newsletter.models import Issue, Item

User = get_user_model()


def user_roles(user) -> frozenset[str]:
    """Return the roles (group names) of `user`; a superuser holds every role.

    Cached on the user object: the admin asks many times per request.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_editorial_roles", None)
    if cached is None:
        if user.is_superuser:
            cached = frozenset(Role.values)
        else:
            cached = frozenset(
                user.groups.filter(name__in=Role.values).values_list("name", flat=True)
            )
        user._editorial_roles = cached
    return cached


def is_author(user, item: Item | None) -> bool:
    return item is not None and item.author_id is not None and item.author_id == user.pk


def issue_is_released(issue: Issue | None) -> bool:
    """Scheduled or published: readers see it now or will without anyone acting."""
    return issue is not None and issue.status in Issue.RELEASED_STATUSES


def _one_of(*allowed: str, refusal: str) -> Callable:
    def rule(user, roles, obj):
        return None if roles & set(allowed) else str(refusal)

    return rule


def _item_view(user, roles, item):
    if roles & {Role.REVIEWER, Role.EDITOR}:
        return None
    if Role.CONTRIBUTOR in roles and (item is None or is_author(user, item)):
        return None
    return _("你只能查看自己写的条目。")


def _item_change(user, roles, item):
    if Role.EDITOR in roles:
        return None
    if Role.CONTRIBUTOR in roles and item is None:
        return None
    if Role.CONTRIBUTOR in roles and is_author(user, item):
        if issue_is_released(item.issue):
            return _("《%(title)s》所在的一期已排期或发布,只有主编可以修改。") % {"title": item}
        return None
    return _("你只能修改自己写的条目。")


def _item_delete(user, roles, item):
    if item is not None and issue_is_released(item.issue):
        # Deleting would take it out of a live issue around the release desk.
        return _("《%(title)s》所在的一期已排期或发布,请先撤回这一期再删除。") % {"title": item}
    if Role.EDITOR in roles:
        return None
    if Role.CONTRIBUTOR in roles and (item is None or is_author(user, item)):
        if item is None or item.state == Item.State.DRAFT:
            return None
        return _("只能删除自己尚未提交的草稿。")
    return _("你只能删除自己写的草稿。")


def _authors_action(user, roles, item):
    """Submit, resubmit, return to draft: the item's author, or an editor for them."""
    if Role.EDITOR in roles:
        return None
    if Role.CONTRIBUTOR in roles and (item is None or is_author(user, item)):
        return None
    return _("只有条目的作者或主编可以这样做。")


def _review_decision(user, roles, item):
    """Approve or request changes: a reviewer or editor, never on their own item."""
    if not roles & {Role.REVIEWER, Role.EDITOR}:
        return _("只有审校或主编可以审校条目。")
    if is_author(user, item):
        return _("不能审校自己写的条目。")
    return None


def _comment_resolve(user, roles, comment):
    if roles & {Role.REVIEWER, Role.EDITOR}:
        return None
    if comment is None:
        return None if Role.CONTRIBUTOR in roles else _("你不能处理这条审校意见。")
    if comment.author_id == user.pk or is_author(user, comment.item):
        return None
    return _("只有意见的作者、条目的作者、审校或主编可以处理这条意见。")


def _profile_change(user, roles, profile):
    """A member edits their own contributor profile; an Administrator edits anyone's."""
    if Role.ADMINISTRATOR in roles:
        return None
    if roles and (profile is None or profile.user_id == user.pk):
        return None
    return _("你只能修改自己的资料。")


_EDITOR_ONLY = _one_of(Role.EDITOR, refusal=gettext_lazy("只有主编可以这样做。"))
_NEWSROOM = _one_of(
    Role.CONTRIBUTOR, Role.REVIEWER, Role.EDITOR, refusal=gettext_lazy("你不在编辑部的任何角色中。")
)

# The permission matrix of DESIGN.md. Each rule returns None when `user` may
# act, or the sentence that explains the refusal.
RULES: dict[str, Callable] = {
    "item.view": _item_view,
    "item.add": _one_of(
        Role.CONTRIBUTOR, Role.EDITOR, refusal=gettext_lazy("只有撰稿人或主编可以新建条目。")
    ),
    "item.change": _item_change,
    "item.delete": _item_delete,
    "item.submit": _authors_action,
    "item.resubmit": _authors_action,
    "item.return_to_draft": _authors_action,
    "item.request_changes": _review_decision,
    "item.approve": _review_decision,
    "item.correct": _one_of(Role.EDITOR, refusal=gettext_lazy("只有主编可以做发布后的勘误。")),
    "item.author_change": _one_of(Role.EDITOR, refusal=gettext_lazy("只有主编可以更改作者。")),
    "item.assign_review": _one_of(
        Role.REVIEWER, Role.EDITOR, refusal=gettext_lazy("只有审校或主编可以指派审校。")
    ),
    "comment.add": _item_view,
    "comment.resolve": _comment_resolve,
    "issue.view": _one_of(
        Role.REVIEWER, Role.EDITOR, refusal=gettext_lazy("只有审校或主编可以查看期刊。")
    ),
    "issue.add": _EDITOR_ONLY,
    "issue.change": _EDITOR_ONLY,
    "issue.delete": _EDITOR_ONLY,
    "issue.arrange": _EDITOR_ONLY,
    "issue.schedule": _EDITOR_ONLY,
    "issue.publish": _EDITOR_ONLY,
    "issue.withdraw": _EDITOR_ONLY,
    "issue.send": _EDITOR_ONLY,
    "subscriber.manage": _one_of(
        Role.EDITOR, Role.ADMINISTRATOR, refusal=gettext_lazy("只有主编或管理员可以管理订阅者。")
    ),
    "section.view": _NEWSROOM,
    "section.manage": _EDITOR_ONLY,
    "project.view": _NEWSROOM,
    "project.manage": _EDITOR_ONLY,
    "audit.view": _one_of(
        Role.EDITOR, Role.ADMINISTRATOR, refusal=gettext_lazy("只有主编或管理员可以查看操作日志。")
    ),
    "account.manage": _one_of(Role.ADMINISTRATOR, refusal=gettext_lazy("只有管理员可以管理账号。")),
    "profile.change": _profile_change,
}


def require(user, action: str, obj=None) -> None:
    """Raise `NotPermitted` unless `user` may perform `action` (on `obj`).

    `obj` is the item, issue or comment acted on; without it the answer is
    whether the user may perform the action on some object at all (what the
    admin needs to decide whether to show a menu entry).
    """
    rule = RULES[action]
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise NotPermitted(_("请先登录。"))
    reason = rule(user, user_roles(user), obj)
    if reason is not None:
        raise NotPermitted(reason)


def can(user, action: str, obj=None) -> bool:
    """Return whether `user` may perform `action` (on `obj`); see `require`."""
    try:
        require(user, action, obj)
    except NotPermitted:
        return False
    return True


def items_visible_to(user, queryset=None):
    """Return the items `user` may open in the admin: contributors see their own."""
    queryset = Item.objects.all() if queryset is None else queryset
    roles = user_roles(user)
    if roles & {Role.REVIEWER, Role.EDITOR}:
        return queryset
    if Role.CONTRIBUTOR in roles:
        return queryset.filter(author=user)
    return queryset.none()


def users_with_role(*roles: str):
    """Return active users holding any of `roles` (superusers hold all of them)."""
    return User.objects.filter(
        Q(groups__name__in=roles) | Q(is_superuser=True), is_active=True
    ).distinct()
