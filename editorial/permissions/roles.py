"""The newsroom's roles. Each is a Django group of that name, created by the
migration `editorial/migrations/0002_roles.py`; what each may do is decided in
`editorial.permissions.rules.RULES`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A newsroom role; the value is the name of its Django group."""

    CONTRIBUTOR = "Contributor", _("撰稿人 Contributor")
    REVIEWER = "Reviewer", _("审校 Reviewer")
    EDITOR = "Editor-in-chief", _("主编 Editor-in-chief")
    ADMINISTRATOR = "Administrator", _("管理员 Administrator")
