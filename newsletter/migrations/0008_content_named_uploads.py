"""Covers and logos uploaded before they took the figures' road keep the
names they were uploaded under, which can be guessed (`covers/2025-12.png`).
Each one that passes the image check is re-encoded without metadata, stored
under its content hash, and the old file deleted once this commits. One
that fails the check (too large, not an image) is left as it is: replace it
in the admin.
"""

import re

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import migrations, transaction

from newsletter.images import image_validate
from newsletter.uploads import image_attach

CONTENT_NAMED = re.compile(r"[^/]+/[0-9a-f]{2}/[0-9a-f]{64}\.[a-z]+")
FIELDS = (("Issue", "cover"), ("Project", "logo"))


def _rename(row, field_name: str) -> str | None:
    """Store `row`'s file under its content name; return the old name, or None if left."""
    stored = getattr(row, field_name)
    old = stored.name
    if CONTENT_NAMED.fullmatch(old) or not stored.storage.exists(old):
        return None
    with stored.storage.open(old, "rb") as source:
        try:
            image = image_validate(upload=File(source, name=old))
        except ValidationError:
            return None
    image_attach(instance=row, field_name=field_name, image=image)
    row.save(update_fields=[field_name])
    return old


def uploads_name_by_content(apps, schema_editor):
    for model_name, field_name in FIELDS:
        model = apps.get_model("newsletter", model_name)
        storage = model._meta.get_field(field_name).storage
        for row in model.objects.exclude(**{field_name: ""}).iterator():
            old = _rename(row, field_name)
            if old is not None and not model.objects.filter(**{field_name: old}).exists():
                transaction.on_commit(lambda name=old: storage.delete(name))


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0007_single_line_titles")]

    operations = [migrations.RunPython(uploads_name_by_content, migrations.RunPython.noop)]
