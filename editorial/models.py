"""The newsroom's records: the audit log, review comments and assignments,
each person's notification preferences, contributor profiles and invitations.

None of these models holds business rules; the transitions that write them
live in the services of `editorial.workflow`, `editorial.review`,
`editorial.release` and `editorial.accounts`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from editorial.permissions.roles import Role
from newsletter.models import Issue, Item
from newsletter.validators import validate_markdown_length


class AuditAction(models.TextChoices):
    """What an audit row records; the value is stored, the label is shown."""

    ITEM_SUBMIT = "item.submit", _("提交审校")
    ITEM_RESUBMIT = "item.resubmit", _("修改后重新提交")
    ITEM_REQUEST_CHANGES = "item.request_changes", _("要求修改")
    ITEM_APPROVE = "item.approve", _("批准")
    ITEM_RETURN_TO_DRAFT = "item.return_to_draft", _("退回草稿")
    ITEM_EDIT = "item.edit", _("修改已批准的条目,重新送审")
    ITEM_CORRECT = "item.correct", _("勘误")
    ITEM_ASSIGN_REVIEW = "item.assign_review", _("指派审校")
    ITEM_REVERT = "item.revert", _("恢复到旧修订")
    ITEM_AUTHOR_CHANGE = "item.author_change", _("更改作者")
    FIGURE_CHANGE = "figure.change", _("修改图片的替代文字或说明")
    COMMENT_CREATE = "comment.create", _("发表审校意见")
    COMMENT_REPLY = "comment.reply", _("回复审校意见")
    COMMENT_RESOLVE = "comment.resolve", _("解决审校意见")
    COMMENT_REOPEN = "comment.reopen", _("重新打开审校意见")
    ISSUE_ARRANGE = "issue.arrange", _("调整条目顺序")
    ISSUE_PLACE_ITEM = "issue.place_item", _("把条目排进这一期")
    ISSUE_UNPLACE_ITEM = "issue.unplace_item", _("把条目移出这一期")
    ISSUE_SCHEDULE = "issue.schedule", _("排期")
    ISSUE_PUBLISH = "issue.publish", _("发布")
    ISSUE_PUBLISH_DUE = "issue.publish_due", _("到时自动发布")
    ISSUE_WITHDRAW = "issue.withdraw", _("撤回")
    ISSUE_SEND_TEST = "issue.send_test", _("发送测试邮件")
    ISSUE_SEND = "issue.send", _("发送给订阅者")
    SUBSCRIBER_IMPORT = "subscriber.import", _("导入订阅者")
    SUBSCRIBER_EXPORT = "subscriber.export", _("导出订阅者")
    SUBSCRIBER_ERASE = "subscriber.erase", _("删除订阅者并抹去邮箱")
    ACCOUNT_INVITE = "account.invite", _("发出邀请")
    ACCOUNT_JOIN = "account.join", _("接受邀请加入")
    ACCOUNT_DEACTIVATE = "account.deactivate", _("停用账号")
    ACCOUNT_REACTIVATE = "account.reactivate", _("恢复账号")
    ACCOUNT_ROLES_CHANGE = "account.roles_change", _("更改角色")


class AuditEntryQuerySet(models.QuerySet):
    def for_item(self, item: Item) -> "AuditEntryQuerySet":
        return self.filter(item=item)

    def for_issue(self, issue: Issue) -> "AuditEntryQuerySet":
        return self.filter(issue=issue)


class AuditEntry(models.Model):
    """One row per editorial action: who did what to which item or issue, and when.

    The subject is an item, an issue or an account (nullable keys rather than a
    generic relation, so that "the history of this item" is one indexed
    lookup). If the subject is later deleted, `object_repr` still tells what it
    was.
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
    action = models.CharField(_("action"), max_length=64, choices=AuditAction.choices)
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
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        related_name="account_audit_entries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("The account acted on: invited, deactivated, given other roles."),
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
            models.Index(fields=["account", "created_at"], name="audit_account_time_idx"),
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


MAX_PROFILE_LINKS = 5
_web_address = URLValidator(schemes=["http", "https"])


def validate_profile_links(value) -> None:
    """Accept a list of at most MAX_PROFILE_LINKS web addresses (http or https only)."""
    if not isinstance(value, list) or not all(isinstance(link, str) for link in value):
        raise ValidationError(_("Links must be a list of web addresses."), code="invalid")
    if len(value) > MAX_PROFILE_LINKS:
        raise ValidationError(
            _("最多 %(limit)d 个链接。 / At most %(limit)d links.") % {"limit": MAX_PROFILE_LINKS},
            code="too_many",
        )
    for link in value:
        try:
            _web_address(link)
        except ValidationError as error:
            raise ValidationError(
                _("「%(link)s」不是 http(s) 网址。 / Not a web address.") % {"link": link},
                code="invalid_link",
            ) from error


class ContributorProfile(models.Model):
    """How a member of the newsroom presents themselves to readers.

    Written only by `editorial.accounts.profiles.contributor_profile_save`, which stores
    the bio's HTML, the avatar's clean square copy and the public credit
    (`newsletter.Credit`) along with it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="contributor_profile",
        on_delete=models.CASCADE,
    )
    display_name = models.CharField(
        _("display name"),
        max_length=100,
        help_text=_("The name readers see in credits, e.g. 张三 or Zhang San."),
    )
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", max_length=255, blank=True)
    bio = models.TextField(
        _("bio"),
        blank=True,
        help_text=_("Plain text or Markdown."),
        validators=[validate_markdown_length],
    )
    bio_html = models.TextField(editable=False, blank=True)
    links = models.JSONField(
        _("links"),
        default=list,
        blank=True,
        validators=[validate_profile_links],
        help_text=_("A few web addresses: a blog, GitHub, a personal site."),
    )
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_(
            "在已发布条目的署名里显示我的名字,并公开我的个人页面;不勾选则对读者匿名。"
            " / Credit me by name on published items and show my contributor page."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("contributor profile")
        verbose_name_plural = _("contributor profiles")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("editorial:contributor", kwargs={"username": self.user.get_username()})


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> "InvitationQuerySet":
        """Invitations nobody has accepted yet (their links may have expired)."""
        return self.filter(accepted_at__isnull=True)


class Invitation(models.Model):
    """An Administrator's invitation to join the newsroom in one role.

    The invitee gets a signed link (`editorial.accounts.invitations.invitation_url`) that
    expires after DIGEST_INVITATION_MAX_AGE seconds and works once: accepting
    stamps `accepted_at` and the account it created.
    """

    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        related_name="invitations_sent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        related_name="invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["email"], name="invitation_email_idx")]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"
