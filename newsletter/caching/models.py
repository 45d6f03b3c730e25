"""The site generation: one row whose token changes with everything readers see."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The one row's key; the migration creates it.
GENERATION_ROW = 1


class SiteGeneration(models.Model):
    """The version of the public site, part of every page cache key.

    `token` is random, not a counter: after a restore from backup or a lost
    cache, an old counter value would be reused and find pages cached for
    different content, whereas a random token is never reused. Times are
    seconds since the epoch, so that the read on every request is one plain
    query that needs no conversion on any database.
    """

    token = models.CharField(_("token"), max_length=32)
    changed_at = models.FloatField(_("changed at"), help_text=_("Seconds since the epoch."))
    next_due_at = models.FloatField(
        _("next issue due at"),
        null=True,
        blank=True,
        help_text=_("When the next scheduled issue becomes public; seconds since the epoch."),
    )

    class Meta:
        verbose_name = _("site generation")
        verbose_name_plural = _("site generations")

    def __str__(self) -> str:
        return self.token
