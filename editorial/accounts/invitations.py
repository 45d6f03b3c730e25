"""Invitations: an Administrator invites an email address in one role; the
invitee follows a signed, single-use link that expires after
DIGEST_INVITATION_MAX_AGE seconds and creates their own account.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from editorial import notifications
from editorial.accounts.profiles import ProfileData, contributor_profile_save
from editorial.audit import audit_entry_create
from editorial.errors import AccountRefused
from editorial.models import AuditAction, Invitation
from editorial.permissions.roles import Role
from editorial.permissions.rules import require

User = get_user_model()

INVITATION_SALT = "digest.invitation"


class InvitationInvalid(Exception):
    """The link names no invitation: altered, truncated, or the invitation was deleted."""

    status = 404


class InvitationExpired(InvitationInvalid):
    """The link is genuine but older than DIGEST_INVITATION_MAX_AGE."""

    status = 410


class InvitationUsed(InvitationInvalid):
    """The invitation was accepted already; a link works once."""

    status = 410


def invitation_lifetime() -> str:
    """Return how long a link stays valid, in words: "7 天", or "12 小时" under a day."""
    seconds = settings.DIGEST_INVITATION_MAX_AGE
    if seconds >= 24 * 3600:
        return _("%(count)d 天") % {"count": seconds // (24 * 3600)}
    return _("%(count)d 小时") % {"count": max(1, seconds // 3600)}


def invitation_token(invitation: Invitation) -> str:
    """Return the signed token of `invitation`; it also names the invited address."""
    return signing.dumps(
        {"id": invitation.pk, "email": invitation.email}, salt=INVITATION_SALT, compress=True
    )


def invitation_url(invitation: Invitation) -> str:
    """Return the path of the page where the invitee accepts `invitation`."""
    return reverse("editorial:invitation_accept", kwargs={"token": invitation_token(invitation)})


def invitation_is_expired(invitation: Invitation) -> bool:
    """Whether `invitation` is older than DIGEST_INVITATION_MAX_AGE, whatever link is used.

    Counted from when it was sent, so a link copied from the admin later
    does not live longer than the emailed one.
    """
    return timezone.now() - invitation.created_at > timedelta(
        seconds=settings.DIGEST_INVITATION_MAX_AGE
    )


def invitation_for_token(token: str) -> Invitation:
    """Return the pending invitation `token` names.

    Raises `InvitationInvalid` for an altered token or a deleted invitation,
    `InvitationExpired` once it is too old, `InvitationUsed` once accepted.
    """
    try:
        data = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.DIGEST_INVITATION_MAX_AGE
        )
        invitation = Invitation.objects.get(pk=int(data["id"]), email=data["email"])
    except signing.SignatureExpired as error:
        raise InvitationExpired from error
    except (
        signing.BadSignature,
        KeyError,
        TypeError,
        ValueError,
        Invitation.DoesNotExist,
    ) as error:
        raise InvitationInvalid from error
    if invitation.accepted_at is not None:
        raise InvitationUsed
    if invitation_is_expired(invitation):
        raise InvitationExpired
    return invitation


def _email_has_account(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).order_by("pk").first()


def invitation_check(*, email: str, role: str) -> str:
    """Return `email` normalised if it may be invited in `role`.

    Raises `AccountRefused` for an unknown role or an address that already has
    an account (give that account the role instead). The invite form asks
    this too, to show the reason beside the field.
    """
    email = User.objects.normalize_email(email.strip())
    if role not in Role.values:
        raise AccountRefused(_("没有「%(role)s」这个角色。") % {"role": role})
    existing = _email_has_account(email)
    if existing is not None:
        raise AccountRefused(
            _("%(email)s 已经有账号(%(username)s),请直接在账号里调整角色。")
            % {"email": email, "username": existing.get_username()}
        )
    return email


def invitation_create(*, email: str, role: str, invited_by) -> Invitation:
    """Invite `email` to join in `role` and email them the link once committed.

    Returns the invitation. Raises `NotPermitted` unless `invited_by` manages
    accounts, and `AccountRefused` for an unknown role or an address that
    already has an account.
    """
    require(invited_by, "account.manage")
    email = invitation_check(email=email, role=role)
    invitation = Invitation(email=email, role=role, invited_by=invited_by)
    invitation.full_clean()
    with transaction.atomic():
        invitation.save()
        audit_entry_create(
            actor=invited_by,
            action=AuditAction.ACCOUNT_INVITE,
            object_repr=email,
            to_state=role,
            data={"invitation_id": invitation.pk, "email": email, "role": role},
        )
        # The email is written in Chinese: its role and lifetime are put in
        # Chinese too, whatever language the inviting administrator reads.
        with translation.override(settings.LANGUAGE_CODE):
            notifications.invitation_sent(
                invitation=invitation,
                url=invitation_url(invitation),
                lifetime=invitation_lifetime(),
            )
    return invitation


def invitation_accept(
    *, invitation: Invitation, username: str, password: str, profile: ProfileData
) -> User:
    """Create the invitee's account in the invited role, with their profile.

    The account is staff, holds the invitation's role and is named by the
    profile. Returns the new user. Raises `InvitationUsed` when the invitation
    was accepted meanwhile (say, the form was sent twice), `InvitationExpired`
    when it is too old, and `ValidationError` for a taken username or a
    password Django's validators refuse.
    """
    with transaction.atomic():
        # The row lock makes a double submit create one account, not two.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise InvitationUsed
        if invitation_is_expired(invitation):
            raise InvitationExpired
        user = User(username=username, email=invitation.email, is_staff=True, is_active=True)
        user.full_clean(exclude=["password"])
        validate_password(password, user)
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as error:
            # Two invitees racing for one username: the second is told as the form would.
            raise AccountRefused(_("这个用户名已经有人用了,请换一个。")) from error
        user.groups.add(Group.objects.get_or_create(name=invitation.role)[0])
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        audit_entry_create(
            actor=user,
            action=AuditAction.ACCOUNT_JOIN,
            account=user,
            to_state=invitation.role,
            data={
                "invitation_id": invitation.pk,
                "invited_by": invitation.invited_by_id,
                "roles": {"from": [], "to": [invitation.role]},
            },
        )
        contributor_profile_save(user=user, actor=user, data=profile)
    return user


# ---------------------------------------------------------------------------
