"""Checks on content that are not one model's: the size of a Markdown field.

Pure (no model is read), so the models, the importer and the rendering can
all use it without importing one another.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def markdown_too_long(text: str) -> bool:
    """Return whether `text` is longer than a Markdown field may be (DIGEST_BODY_MAX_CHARS)."""
    return len(text or "") > settings.DIGEST_BODY_MAX_CHARS


def validate_markdown_length(value: str) -> None:
    """Raise ValidationError when a Markdown field is over DIGEST_BODY_MAX_CHARS characters.

    The limit is read at each call, so the setting can change without a migration.
    """
    if markdown_too_long(value):
        raise ValidationError(
            _("内容有 %(length)d 个字符,超过了上限 %(limit)d 个字符,请拆分或删减。"),
            code="markdown_too_long",
            params={"length": len(value), "limit": settings.DIGEST_BODY_MAX_CHARS},
        )
