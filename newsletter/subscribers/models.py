"""Subscribers and their deliveries. Re-exported by `newsletter.models`.

The rules that move them live in `newsletter.subscribers.services` and
`newsletter.subscribers.delivery`; nothing here sends or decides.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def new_unsubscribe_token() -> str:
    """Return a fresh unguessable token for an unsubscribe link (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


class SubscriberQuerySet(models.QuerySet):
    def receiving(self) -> "SubscriberQuerySet":
        """Subscribers an issue is sent to: confirmed, and not since unsubscribed or bounced."""
        return self.filter(status=Subscriber.Status.CONFIRMED)


class Subscriber(models.Model):
    """A reader who asked for the issues by email.

    The address is stored in lower case, once. Deleting the row erases the
    address everywhere (`services.subscriber_erase`); deliveries keep their
    counts without it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Complained")

    class Source(models.TextChoices):
        WEBSITE = "website", _("Subscribe form")
        IMPORT = "import", _("CSV import")

    email = models.EmailField(_("email address"), max_length=254)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.WEBSITE
    )
    consent = models.CharField(
        _("consent"),
        max_length=300,
        blank=True,
        help_text=_("How an imported address agreed to receive the newsletter."),
    )
    unsubscribe_token = models.CharField(
        _("unsubscribe token"),
        max_length=64,
        unique=True,
        default=new_unsubscribe_token,
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(fields=["email"], name="subscriber_unique_email"),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="subscriber_confirmed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="subscriber_status_idx")]

    def __str__(self) -> str:
        return self.email

    def get_unsubscribe_url(self) -> str:
        """The absolute one-click unsubscribe URL (RFC 8058) of this subscriber."""
        return settings.SITE_URL + reverse(
            "newsletter:unsubscribe", kwargs={"token": self.unsubscribe_token}
        )


class DeliveryQuerySet(models.QuerySet):
    def for_issue(self, issue) -> "DeliveryQuerySet":
        return self.filter(issue=issue)


class Delivery(models.Model):
    """One issue to one subscriber: sent at most once, and tracked until it is.

    A worker claims pending rows (state `sending`, a lease token and a lease
    end), marks each `started_at` before handing it to the mail server, and
    `sent` once the server took it; the row is locked from just before the
    send until that mark is committed. What a worker killed mid-send leaves
    behind is resolved by `delivery.deliveries_recover` (see README.md,
    "Exactly once").
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    # States a delivery does not leave by itself.
    FINAL_STATES = (State.SENT, State.FAILED, State.SKIPPED)

    issue = models.ForeignKey(
        "newsletter.Issue",
        verbose_name=_("issue"),
        related_name="deliveries",
        on_delete=models.CASCADE,
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        related_name="deliveries",
        # An erased subscriber leaves the counts, not the address.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_token = models.CharField(_("lease token"), max_length=32, blank=True)
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    started_at = models.DateTimeField(_("handed to the mail server at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["issue", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="delivery_unique_issue_subscriber"
            ),
        ]
        indexes = [models.Index(fields=["issue", "state"], name="delivery_issue_state_idx")]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.subscriber_id}: {self.state}"
