"""The site generation: one row whose token changes with everything readers see."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The one row's key; the migration creates it.
GENERATION_ROW = 1


class SiteGeneration(models.Model):
    """The version of the public site, part of every page and fragment cache key.

    `token` is random, not a counter: after a restore from backup or a lost
    cache, an old counter value would be reused and find pages cached for
    different content, whereas a random token is never reused.
    """

    token = models.CharField(_("token"), max_length=32)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("site generation")
        verbose_name_plural = _("site generations")

    def __str__(self) -> str:
        return self.token
