"""Account lifecycle: deactivation (login and mail stop, sessions end, work and
credits stay), reactivation and role changes, each with its audit row.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.audit import audit_entry_create
from editorial.errors import AccountRefused
from editorial.models import AuditAction
from editorial.permissions.rules import require

User = get_user_model()


def _lock_user(user):
    return User.objects.select_for_update().get(pk=user.pk)


def _refuse_touching(user, actor) -> None:
    if user.pk == actor.pk:
        raise AccountRefused(_("不能停用自己的账号。"))
    if user.is_superuser and not actor.is_superuser:
        raise AccountRefused(_("只有超级用户可以停用超级用户 %(username)s。") % {"username": user})


def account_sessions_end(*, user) -> int:
    """Delete every stored session of `user`; return how many there were.

    Works with the database session engines (the default). Whatever the
    engine, Django's ModelBackend no longer loads an inactive user from a
    session, so a session this cannot reach (cache or cookie sessions) is
    anonymous from its next request on.
    """
    engine = import_module(settings.SESSION_ENGINE)
    store_class = engine.SessionStore
    if not hasattr(store_class, "get_model_class"):
        return 0
    model = store_class.get_model_class()
    keys = [
        session.session_key
        for session in model.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    for key in keys:
        # Through the store, so that cached_db also forgets its cached copy.
        store_class(session_key=key).delete()
    return len(keys)


def account_deactivate(*, user, actor, note: str = "") -> User:
    """Deactivate `user`: no login, no email, every session ended at once.

    Their items, comments, revisions, credits and contributor page stay as
    they are. Returns the user. Raises `NotPermitted` unless `actor` manages
    accounts, and `AccountRefused` for oneself, for a superuser (unless
    `actor` is one), or for an account already inactive.
    """
    require(actor, "account.manage")
    with transaction.atomic():
        user = _lock_user(user)
        _refuse_touching(user, actor)
        if not user.is_active:
            raise AccountRefused(_("%(username)s 已经是停用状态。") % {"username": user})
        user.is_active = False
        user.save(update_fields=["is_active"])
        ended = account_sessions_end(user=user)
        audit_entry_create(
            actor=actor,
            action=AuditAction.ACCOUNT_DEACTIVATE,
            account=user,
            from_state="active",
            to_state="inactive",
            note=note,
            data={"sessions_ended": ended},
        )
    return user


def account_reactivate(*, user, actor, note: str = "") -> User:
    """Let a deactivated `user` log in again with their old password and roles.

    Returns the user. Raises `NotPermitted` unless `actor` manages accounts, and
    `AccountRefused` for an account that is active already.
    """
    require(actor, "account.manage")
    with transaction.atomic():
        user = _lock_user(user)
        if user.is_active:
            raise AccountRefused(_("%(username)s 没有被停用。") % {"username": user})
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_entry_create(
            actor=actor,
            action=AuditAction.ACCOUNT_REACTIVATE,
            account=user,
            from_state="inactive",
            to_state="active",
            note=note,
        )
    return user


def _group_names(user) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


def account_roles_set(*, user, actor, groups) -> User:
    """Give `user` exactly `groups` (roles), and log who changed whose roles, from → to.

    Writes an `account.roles_change` audit row only when something changed.
    Returns the user. Raises `NotPermitted` unless `actor` manages accounts.
    """
    require(actor, "account.manage")
    with transaction.atomic():
        user = _lock_user(user)
        if user.is_superuser and not actor.is_superuser:
            raise AccountRefused(
                _("只有超级用户可以修改超级用户 %(username)s 的角色。") % {"username": user}
            )
        before = _group_names(user)
        user.groups.set(groups)
        after = _group_names(user)
        if before != after:
            audit_entry_create(
                actor=actor,
                action=AuditAction.ACCOUNT_ROLES_CHANGE,
                account=user,
                note=f"{'、'.join(before) or '—'} → {'、'.join(after) or '—'}",
                data={"from": before, "to": after},
            )
    return user
