"""The newsroom's records: the audit log, review comments and assignments,
and each person's notification preferences.

None of these models holds business rules; the transitions that write them
live in `editorial.workflow`.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from newsletter.models import Issue, Item


class AuditEntryQuerySet(models.QuerySet):
    def for_item(self, item: Item) -> "AuditEntryQuerySet":
        return self.filter(item=item)

    def for_issue(self, issue: Issue) -> "AuditEntryQuerySet":
        return self.filter(issue=issue)


class AuditEntry(models.Model):
    """One row per editorial action: who did what to which item or issue, and when.

    The subject is an item or an issue (two nullable keys rather than a generic
    relation, so that "the history of this item" is one indexed lookup). If the
    subject is later deleted, `object_repr` still tells what it was.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        related_name="editorial_audit_entries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Empty for actions taken by the system, such as publish_due."),
    )
    action = models.CharField(_("action"), max_length=64, help_text=_("e.g. item.submit"))
    item = models.ForeignKey(
        Item,
        verbose_name=_("item"),
        related_name="audit_entries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    issue = models.ForeignKey(
        Issue,
        verbose_name=_("issue"),
        related_name="audit_entries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    object_repr = models.CharField(_("object"), max_length=300)
    from_state = models.CharField(_("from"), max_length=32, blank=True)
    to_state = models.CharField(_("to"), max_length=32, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["item", "created_at"], name="audit_item_time_idx"),
            models.Index(fields=["issue", "created_at"], name="audit_issue_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"


class ReviewCommentQuerySet(models.QuerySet):
    def threads(self) -> "ReviewCommentQuerySet":
        """Top-level comments: each opens a thread that is resolved as a whole."""
        return self.filter(parent__isnull=True)

    def unresolved(self) -> "ReviewCommentQuerySet":
        """Open threads, the ones that block approval."""
        return self.threads().filter(resolved_at__isnull=True)


class ReviewComment(models.Model):
    """A reviewer's remark on an item, or a reply to one.

    Comments are rows of their own, so they survive every later edit and
    revision of the item. Only a thread (a comment without `parent`) is
    resolved or reopened; its replies follow it.
    """

    item = models.ForeignKey(
        Item, verbose_name=_("item"), related_name="review_comments", on_delete=models.CASCADE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        related_name="review_comments",
        on_delete=models.SET_NULL,
        null=True,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        related_name="replies",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    quote = models.TextField(
        _("quoted passage"), blank=True, help_text=_("The passage of the body this is about.")
    )
    body = models.TextField(_("comment"))
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentions"),
        related_name="review_comment_mentions",
        blank=True,
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReviewCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(resolved_at__isnull=True),
                name="review_comment_only_threads_resolve",
            ),
        ]
        indexes = [
            models.Index(fields=["item", "resolved_at"], name="review_comment_open_idx"),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class ReviewAssignment(models.Model):
    """Who reviews an item, and by when. One per item, replaced on reassignment."""

    item = models.OneToOneField(
        Item, verbose_name=_("item"), related_name="review_assignment", on_delete=models.CASCADE
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        related_name="review_assignments",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        indexes = [models.Index(fields=["reviewer", "due_date"], name="review_assignment_due_idx")]

    def __str__(self) -> str:
        return f"{self.item} → {self.reviewer or '-'}"


class NotificationPreference(models.Model):
    """Which editorial emails a person wants. Everything is on until they opt out."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("An item is submitted for my review")
        REVIEW_OUTCOME = "review_outcome", _("My item is approved or needs changes")
        MENTION = "mention", _("Someone mentions me in a comment")
        ISSUE_PUBLISHED = "issue_published", _("An issue with my items is published")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="notification_preference",
        on_delete=models.CASCADE,
    )
    email_on_submitted = models.BooleanField(Kind.SUBMITTED.label, default=True)
    email_on_review_outcome = models.BooleanField(Kind.REVIEW_OUTCOME.label, default=True)
    email_on_mention = models.BooleanField(Kind.MENTION.label, default=True)
    email_on_issue_published = models.BooleanField(Kind.ISSUE_PUBLISHED.label, default=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)

    @staticmethod
    def field_for(kind: str) -> str:
        """Return the name of the boolean field that holds the choice for `kind`."""
        return f"email_on_{kind}"
