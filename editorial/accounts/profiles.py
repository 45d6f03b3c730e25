"""Contributor profiles and the public credits kept in step with them.

A person edits their own profile (an Administrator anyone's); the avatar goes
through the same image validation as figures and is stored as a small WebP.
"""

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps

from editorial.models import ContributorProfile
from editorial.permissions.rules import require
from newsletter.images import CleanImage
from newsletter.markdown import render_markdown
from newsletter.models import Credit

# Avatars are shown small; a square of this many pixels stays sharp on a
# retina screen and keeps a 40-megapixel upload from being served to readers.
AVATAR_SIZE = 400
AVATAR_QUALITY = 85


@dataclass(frozen=True)
class ProfileData:
    """What a person tells readers about themselves."""

    display_name: str
    bio: str = ""
    links: tuple[str, ...] = ()
    is_public: bool = True
    avatar: CleanImage | None = None
    remove_avatar: bool = False


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
    name (emails greet people by it). Raises `NotPermitted` unless `actor` is
    `user` or an Administrator, and `ValidationError` for an empty name or bad
    links; nothing is stored then.
    """
    profile = contributor_profile_for(user=user)
    require(actor, "profile.change", profile)
    profile.display_name = data.display_name.strip()
    profile.bio = data.bio.strip()
    profile.links = [link.strip() for link in data.links if link.strip()]
    profile.is_public = data.is_public
    # Checked before rendering, so an over-long bio costs no rendering work.
    profile.full_clean(exclude=["user", "avatar"])
    profile.bio_html = render_markdown(profile.bio, anchor_prefix=f"bio-{user.pk}")
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
