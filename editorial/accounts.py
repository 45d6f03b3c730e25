"""Accounts: invitations, contributor profiles, deactivation and roles.

Services in the shape of `editorial.workflow`: keyword-only, atomic, each asks
`workflow.require` who may act, writes one audit row (`account.*` actions,
with the account as subject) and sends email only once the transaction
commits. The admin and the public invitation page call these and nothing
else.
"""

import io
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from editorial import notifications
from editorial.models import ContributorProfile, Invitation
from editorial.roles import ROLES
from editorial.workflow import WorkflowError, audit_entry_create, require
from newsletter.images import CleanImage
from newsletter.markdown import render_markdown
from newsletter.models import Credit

User = get_user_model()

INVITATION_SALT = "digest.invitation"
DEFAULT_INVITATION_MAX_AGE = 7 * 24 * 3600
# Avatars are shown small; a square of this many pixels stays sharp on a
# retina screen and keeps a 40-megapixel upload from being served to readers.
AVATAR_SIZE = 400
AVATAR_QUALITY = 85


# ---------------------------------------------------------------------------
# Invitations
# ---------------------------------------------------------------------------


class InvitationInvalid(Exception):
    """The link names no invitation: altered, truncated, or the invitation was deleted."""

    status = 404


class InvitationExpired(InvitationInvalid):
    """The link is genuine but older than DIGEST_INVITATION_MAX_AGE."""

    status = 410


class InvitationUsed(InvitationInvalid):
    """The invitation was accepted already; a link works once."""

    status = 410


def invitation_max_age() -> int:
    """Return how long an invitation stays valid, in seconds."""
    return int(getattr(settings, "DIGEST_INVITATION_MAX_AGE", DEFAULT_INVITATION_MAX_AGE))


def invitation_lifetime() -> str:
    """Return how long a link stays valid, in words: "7 天", or "12 小时" under a day."""
    seconds = invitation_max_age()
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
    return timezone.now() - invitation.created_at > timedelta(seconds=invitation_max_age())


def invitation_for_token(token: str) -> Invitation:
    """Return the pending invitation `token` names.

    Raises `InvitationInvalid` for an altered token or a deleted invitation,
    `InvitationExpired` once it is too old, `InvitationUsed` once accepted.
    """
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=invitation_max_age())
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

    Raises `WorkflowError` for an unknown role or an address that already has
    an account (give that account the role instead). The invite form asks
    this too, to show the reason beside the field.
    """
    email = User.objects.normalize_email(email.strip())
    if role not in ROLES:
        raise WorkflowError(_("没有「%(role)s」这个角色。") % {"role": role})
    existing = _email_has_account(email)
    if existing is not None:
        raise WorkflowError(
            _("%(email)s 已经有账号(%(username)s),请直接在账号里调整角色。")
            % {"email": email, "username": existing.get_username()}
        )
    return email


def invitation_create(*, email: str, role: str, invited_by) -> Invitation:
    """Invite `email` to join in `role` and email them the link once committed.

    Returns the invitation. Raises `NotAllowed` unless `invited_by` manages
    accounts, and `WorkflowError` for an unknown role or an address that
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
            action="account.invite",
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


@dataclass(frozen=True)
class ProfileData:
    """What a person tells readers about themselves."""

    display_name: str
    bio: str = ""
    links: tuple[str, ...] = ()
    is_public: bool = True
    avatar: CleanImage | None = None
    remove_avatar: bool = False


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
            raise WorkflowError(_("这个用户名已经有人用了,请换一个。")) from error
        user.groups.add(Group.objects.get_or_create(name=invitation.role)[0])
        invitation.accepted_at = timezone.now()
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
        audit_entry_create(
            actor=user,
            action="account.join",
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
# Contributor profiles and credits
# ---------------------------------------------------------------------------


def contributor_profile_for(*, user) -> ContributorProfile:
    """Return `user`'s profile as stored, or an unsaved one named after the account.

    Read from the database, never from `user.contributor_profile`: the admin
    has already put the form's upload on that cached instance.
    """
    profile = ContributorProfile.objects.filter(user=user).first()
    if profile is None:
        name = user.get_full_name() or user.get_username()
        profile = ContributorProfile(user=user, display_name=name[:100])
    return profile


def _avatar_content(image: CleanImage) -> bytes:
    """Return a centred square of `image`, at most AVATAR_SIZE pixels, as WebP.

    An animation keeps its first frame: an avatar should not move.
    """
    with Image.open(io.BytesIO(image.content), formats=[image.format]) as picture:
        picture.seek(0)
        frame = picture.convert("RGBA" if picture.mode in ("RGBA", "LA", "P") else "RGB")
    side = min(AVATAR_SIZE, frame.width, frame.height)
    square = ImageOps.fit(frame, (side, side), method=Image.Resampling.LANCZOS)
    output = io.BytesIO()
    square.save(output, format="WEBP", quality=AVATAR_QUALITY)
    return output.getvalue()


def _avatar_store(profile: ContributorProfile, image: CleanImage) -> tuple[str, bool]:
    """Write the avatar file; return its name and whether this call wrote it.

    Named by content: the same picture is stored once, whoever uploads it.
    """
    storage = profile.avatar.storage
    name = f"avatars/{image.content_hash[:2]}/{image.content_hash}.webp"
    if storage.exists(name):
        return name, False
    return storage.save(name, ContentFile(_avatar_content(image))), True


def _avatar_forget(name: str, *, storage) -> None:
    """Delete an avatar file once the change is committed, unless a profile still shows it."""
    if not name:
        return

    def delete():
        if not ContributorProfile.objects.filter(avatar=name).exists():
            storage.delete(name)

    transaction.on_commit(delete)


def credit_sync(*, profile: ContributorProfile) -> None:
    """Keep `newsletter.Credit` in step with `profile`: a row only while it is public."""
    if profile.is_public:
        Credit.objects.update_or_create(user=profile.user, defaults={"name": profile.display_name})
    else:
        Credit.objects.filter(user=profile.user).delete()


def contributor_profile_save(*, user, actor, data: ProfileData) -> ContributorProfile:
    """Write `user`'s contributor profile and what follows from it; return the profile.

    The bio's HTML is rendered and stored, a new avatar (already checked by
    `newsletter.images.image_validate`) is stored as a square WebP, the public
    credit is added or removed, and the account's name becomes the display
    name (emails greet people by it). Raises `NotAllowed` unless `actor` is
    `user` or an Administrator, and `ValidationError` for an empty name or bad
    links; nothing is stored then.
    """
    profile = contributor_profile_for(user=user)
    require(actor, "profile.change", profile)
    profile.display_name = data.display_name.strip()
    profile.bio = data.bio.strip()
    profile.bio_html = render_markdown(profile.bio, anchor_prefix=f"bio-{user.pk}")
    profile.links = [link.strip() for link in data.links if link.strip()]
    profile.is_public = data.is_public
    profile.full_clean(exclude=["user", "avatar"])
    storage = profile.avatar.storage
    old_avatar = profile.avatar.name or ""
    written, created = "", False
    if data.avatar is not None:
        written, created = _avatar_store(profile, data.avatar)
        profile.avatar.name = written
    elif data.remove_avatar:
        profile.avatar.name = ""
    try:
        with transaction.atomic():
            profile.save()
            credit_sync(profile=profile)
            user.first_name, user.last_name = profile.display_name[:150], ""
            user.save(update_fields=["first_name", "last_name"])
            if old_avatar != (profile.avatar.name or ""):
                _avatar_forget(old_avatar, storage=storage)
    except Exception:
        # Known limit: if a caller's outer transaction rolls back after this
        # returned, the new file stays behind (unreferenced, named by content).
        if created:
            storage.delete(written)
        raise
    return profile


# ---------------------------------------------------------------------------
# Deactivation and roles
# ---------------------------------------------------------------------------


def _lock_user(user):
    return User.objects.select_for_update().get(pk=user.pk)


def _refuse_touching(user, actor) -> None:
    if user.pk == actor.pk:
        raise WorkflowError(_("不能停用自己的账号。"))
    if user.is_superuser and not actor.is_superuser:
        raise WorkflowError(_("只有超级用户可以停用超级用户 %(username)s。") % {"username": user})


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
    they are. Returns the user. Raises `NotAllowed` unless `actor` manages
    accounts, and `WorkflowError` for oneself, for a superuser (unless
    `actor` is one), or for an account already inactive.
    """
    require(actor, "account.manage")
    with transaction.atomic():
        user = _lock_user(user)
        _refuse_touching(user, actor)
        if not user.is_active:
            raise WorkflowError(_("%(username)s 已经是停用状态。") % {"username": user})
        user.is_active = False
        user.save(update_fields=["is_active"])
        ended = account_sessions_end(user=user)
        audit_entry_create(
            actor=actor,
            action="account.deactivate",
            account=user,
            from_state="active",
            to_state="inactive",
            note=note,
            data={"sessions_ended": ended},
        )
    return user


def account_reactivate(*, user, actor, note: str = "") -> User:
    """Let a deactivated `user` log in again with their old password and roles.

    Returns the user. Raises `NotAllowed` unless `actor` manages accounts, and
    `WorkflowError` for an account that is active already.
    """
    require(actor, "account.manage")
    with transaction.atomic():
        user = _lock_user(user)
        if user.is_active:
            raise WorkflowError(_("%(username)s 没有被停用。") % {"username": user})
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_entry_create(
            actor=actor,
            action="account.reactivate",
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
    Returns the user. Raises `NotAllowed` unless `actor` manages accounts.
    """
    require(actor, "account.manage")
    with transaction.atomic():
        user = _lock_user(user)
        if user.is_superuser and not actor.is_superuser:
            raise WorkflowError(
                _("只有超级用户可以修改超级用户 %(username)s 的角色。") % {"username": user}
            )
        before = _group_names(user)
        user.groups.set(groups)
        after = _group_names(user)
        if before != after:
            audit_entry_create(
                actor=actor,
                action="account.roles_change",
                account=user,
                note=f"{'、'.join(before) or '—'} → {'、'.join(after) or '—'}",
                data={"from": before, "to": after},
            )
    return user
