"""Validators shared by the publication's models."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Every character `str.splitlines` breaks on. A title goes into email subjects
# (one header line) and page titles, where a line break is either an error
# (`BadHeaderError`) or a header injected into the message.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def validate_single_line(value: str) -> None:
    """Refuse a text that holds a line break: titles are one line."""
    if any(character in LINE_BREAKS for character in value or ""):
        raise ValidationError(_("标题只能有一行:请去掉其中的换行符。"), code="multiline")
