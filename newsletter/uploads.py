"""Storing a checked image in a model's file field: issue covers and project logos.

They take the figures' road: `newsletter.images.image_validate` re-encodes the
upload without metadata, and the file is named by the SHA-256 of the clean
bytes. A name made from the content cannot be guessed, so the cover of an
issue that is not out yet cannot be fetched from /media/ before it is public
(the web server serves /media/ without asking Django who may see what).
"""

from django.core.files.base import ContentFile
from django.db import models

from newsletter.images import CleanImage


def content_name(*, image: CleanImage, folder: str) -> str:
    """Return `folder/ab/abcdef….ext`, the name `image` is stored under."""
    digest = image.content_hash
    return f"{folder.strip('/')}/{digest[:2]}/{digest}.{image.extension}"


def image_attach(*, instance: models.Model, field_name: str, image: CleanImage) -> str:
    """Store `image` in `instance`'s file field `field_name` and point the field at it.

    The folder is the field's `upload_to`. The same picture is stored once:
    a file with this name already holds these bytes. Saving `instance` is the
    caller's. Returns the stored name.
    """
    field = instance._meta.get_field(field_name)
    name = content_name(image=image, folder=str(field.upload_to))
    if not field.storage.exists(name):
        name = field.storage.save(name, ContentFile(image.content))
    setattr(instance, field_name, name)
    return name
