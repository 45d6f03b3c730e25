"""The publication's content: projects, sections, issues, items.

Visibility lives in one place, `ItemQuerySet.public()` (and its issue
counterpart): every public page, feed, sitemap and export starts from it.

The stored HTML (`body_html`, `remark_html`, `intro_html`) is written by
`newsletter.rendering`, called by every service that writes the text; saving a
model renders nothing.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from newsletter.figure_syntax import figure_reference
from newsletter.validators import validate_markdown_length

# Every character `str.splitlines` breaks on. A title goes into email subjects
# (one header line) and page titles, where a line break is either an error
# (`BadHeaderError`) or a header injected into the message.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def validate_single_line(value: str) -> None:
    """Refuse a text that holds a line break: titles are one line."""
    if any(character in LINE_BREAKS for character in value or ""):
        raise ValidationError(_("标题只能有一行:请去掉其中的换行符。"), code="multiline")


class Project(models.Model):
    """A project the newsletter covers, such as Helm or Gateway API."""

    class Maturity(models.TextChoices):
        GRADUATED = "graduated", _("CNCF graduated")
        INCUBATING = "incubating", _("CNCF incubating")
        SANDBOX = "sandbox", _("CNCF sandbox")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    homepage = models.URLField(_("homepage"), blank=True)
    repository = models.URLField(_("repository"), blank=True)
    maturity = models.CharField(
        _("maturity"), max_length=20, choices=Maturity.choices, default=Maturity.OTHER
    )
    aliases = models.CharField(
        _("aliases"),
        max_length=200,
        blank=True,
        help_text=_("Other names used in titles, comma separated (e.g. K8s)."),
    )
    logo = models.ImageField(_("logo"), upload_to="projects/", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsletter:project_detail", kwargs={"slug": self.slug})

    @property
    def names(self) -> list[str]:
        """The project's name and aliases, as they may appear in a title."""
        return [self.name, *(a.strip() for a in self.aliases.split(",") if a.strip())]


class Section(models.Model):
    """A recurring column of the newsletter, such as "产品新功能/新版本"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    emoji = models.CharField(_("emoji"), max_length=16, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("default position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return f"{self.emoji} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("newsletter:section_detail", kwargs={"slug": self.slug})


class IssueQuerySet(models.QuerySet):
    def public(self) -> "IssueQuerySet":
        """Issues a reader may see: released, and their publish time has passed.

        A scheduled issue becomes public by itself once `publish_at` passes, so
        nothing has to run at the stroke of the hour.
        """
        return self.filter(status__in=Issue.RELEASED_STATUSES, publish_at__lte=timezone.now())


class Issue(models.Model):
    """One edition of the newsletter."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Released: out of the newsroom's hands, public once `publish_at` passes.
    RELEASED_STATUSES = (Status.SCHEDULED, Status.PUBLISHED)

    slug = models.SlugField(_("slug"), max_length=50, unique=True, help_text=_("e.g. 2025-11"))
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    period = models.CharField(
        _("period"), max_length=100, blank=True, help_text=_("e.g. 2025 年 11 月")
    )
    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Markdown."),
        validators=[validate_markdown_length],
    )
    intro_html = models.TextField(editable=False, blank=True)
    cover = models.ImageField(_("cover"), upload_to="covers/", blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-slug"]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="withdrawn") | Q(publish_at__isnull=False),
                name="issue_released_has_publish_at",
            ),
        ]
        indexes = [models.Index(fields=["status", "publish_at"], name="issue_visibility_idx")]

    def __str__(self) -> str:
        return self.title or self.slug

    def get_absolute_url(self) -> str:
        return reverse("newsletter:issue_detail", kwargs={"slug": self.slug})

    def is_public(self) -> bool:
        """Return whether readers may see this issue now: `IssueQuerySet.public()`, one query."""
        return Issue.objects.public().filter(pk=self.pk).exists()


# Within an issue, items read in section order, then by position; the key settles ties.
ITEM_ISSUE_ORDER = ("section__position", "section__name", "position", "pk")
# Across issues: the newest issue first, each in its own order.
ITEM_READING_ORDER = ("-issue__publish_at", *ITEM_ISSUE_ORDER)


class ItemQuerySet(models.QuerySet):
    def public(self) -> "ItemQuerySet":
        """The one visibility rule: approved items of public issues."""
        return self.filter(
            state=Item.State.APPROVED,
            issue__in=Issue.objects.public(),
        )

    def in_reading_order(self) -> "ItemQuerySet":
        """Newest issue first, then each issue's own order (`in_issue_order`)."""
        return self.order_by(*ITEM_READING_ORDER)

    def in_issue_order(self) -> "ItemQuerySet":
        """The order of an issue page: section order, then position."""
        return self.order_by(*ITEM_ISSUE_ORDER)

    def for_listing(self) -> "ItemQuerySet":
        """Fetch what an item card shows in a fixed number of queries."""
        return self.select_related(
            "issue", "section", "author__credit", "reviewer__credit"
        ).prefetch_related("projects", "tags", "further_reading", _placements_with_renditions())


class Item(models.Model):
    """One entry of an issue: a release, an article, a meme."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")

    issue = models.ForeignKey(
        Issue,
        verbose_name=_("issue"),
        related_name="items",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Leave empty to keep the item in the pool of unplaced items."),
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        related_name="items",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    original_title = models.CharField(
        _("original title"), max_length=300, blank=True, validators=[validate_single_line]
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    body = models.TextField(
        _("body"), blank=True, help_text=_("Markdown."), validators=[validate_markdown_length]
    )
    body_html = models.TextField(editable=False, blank=True)
    remark = models.TextField(
        _("editor's remark"),
        blank=True,
        help_text=_("Markdown, shown after 🎤."),
        validators=[validate_markdown_length],
    )
    remark_html = models.TextField(editable=False, blank=True)
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects"), related_name="items", blank=True
    )
    tags = TaggableManager(verbose_name=_("tags"), blank=True)
    figures = models.ManyToManyField(
        "Figure", verbose_name=_("figures"), through="ItemFigure", related_name="items", blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        related_name="items",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        related_name="reviewed_items",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Who approved the item; set by the workflow, credited as 审校."),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["issue", "section__position", "position", "pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "section", "position"],
                name="item_unique_position_in_issue_section",
            ),
        ]
        indexes = [
            # The visibility rule, then reading order within an issue, then the
            # credited people: a list page (a contributor's too) counts and orders
            # public items from this index alone, without reading the rows and
            # their bodies (README, "Public site at archive scale: lists").
            models.Index(
                fields=["state", "issue", "section", "position", "author", "reviewer"],
                name="item_listing_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.issue is None:
            return ""
        return f"{self.issue.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        """The fragment id of this item on its issue page."""
        return self.anchor_of(self.pk)

    @staticmethod
    def anchor_of(pk: int) -> str:
        """The fragment id of the item `pk` on its issue page, with no model built."""
        return f"item-{pk}"

    @property
    def author_credit(self) -> "Credit | None":
        """The author's public credit, or None; free after `for_listing()`."""
        return _credit_of(self.author)

    @property
    def reviewer_credit(self) -> "Credit | None":
        """The approving reviewer's public credit, or None; free after `for_listing()`."""
        return _credit_of(self.reviewer)


class Credit(models.Model):
    """How a person is named in the public credits ("作者", "审校").

    A row exists only for someone who chose to be credited publicly; it is kept
    in step with the newsroom's contributor profile by the service that saves
    the profile (`editorial.accounts`), so public pages read a name with one
    join and the publication never needs the newsroom's models.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="credit",
        on_delete=models.CASCADE,
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("credit")
        verbose_name_plural = _("credits")

    def __str__(self) -> str:
        return self.name


class FurtherReading(models.Model):
    """A "拓展阅读" link under an item; the URL may be unknown."""

    item = models.ForeignKey(
        Item, verbose_name=_("item"), related_name="further_reading", on_delete=models.CASCADE
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("further reading")
        verbose_name_plural = _("further reading")

    def __str__(self) -> str:
        return self.title


class Figure(models.Model):
    """An uploaded diagram or image, stored once however many items show it.

    Files are written only by `newsletter.figures.figure_create`, after
    `newsletter.images.image_validate` has re-encoded the upload.
    """

    image = models.ImageField(_("image"), upload_to="figures/", max_length=255)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("What the image shows, for readers who cannot see it (required)."),
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        related_name="figures",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
    )
    content_hash = models.CharField(_("content hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            # The same picture uploaded twice is stored once.
            models.UniqueConstraint(fields=["content_hash"], name="figure_unique_content_hash"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.alt_text}"

    @property
    def markdown(self) -> str:
        """The Markdown that places this figure in a body."""
        return figure_reference(self.pk, self.alt_text)


class Rendition(models.Model):
    """A resized copy of a figure in one format, made once and stored.

    `spec` is "w<width>-<format>", e.g. "w480-webp"; a figure has at most one
    rendition per spec, created with get_or_create so two requests racing to
    make it end up with one row.
    """

    figure = models.ForeignKey(
        Figure, verbose_name=_("figure"), related_name="renditions", on_delete=models.CASCADE
    )
    spec = models.CharField(_("spec"), max_length=40)
    file = models.ImageField(_("file"), upload_to="renditions/", max_length=255)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))

    class Meta:
        ordering = ["figure", "width", "spec"]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(fields=["figure", "spec"], name="rendition_unique_figure_spec"),
        ]

    def __str__(self) -> str:
        return f"{self.figure_id} {self.spec}"

    @property
    def format(self) -> str:
        """The format part of the spec: webp, png, jpeg or gif."""
        return self.spec.rsplit("-", 1)[-1]


class ItemFigure(models.Model):
    """A figure placed on an item, in order.

    A figure the item's Markdown shows with `![alt](figure:ID)` is `embedded`
    and appears where it is written; the others appear after the body.
    """

    item = models.ForeignKey(
        Item, verbose_name=_("item"), related_name="item_figures", on_delete=models.CASCADE
    )
    figure = models.ForeignKey(
        Figure, verbose_name=_("figure"), related_name="placements", on_delete=models.PROTECT
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    embedded = models.BooleanField(
        _("shown in the text"),
        default=False,
        editable=False,
        help_text=_("Set when the item's Markdown shows the figure with ![alt](figure:ID)."),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("item figure")
        verbose_name_plural = _("item figures")
        constraints = [
            models.UniqueConstraint(fields=["item", "figure"], name="itemfigure_unique_per_item"),
        ]

    def __str__(self) -> str:
        # Read in the admin's "cannot delete, still used by…" list.
        return f"图 #{self.figure_id} → 《{self.item}》"


def _credit_of(user) -> Credit | None:
    # A missing reverse one-to-one raises an AttributeError subclass.
    return getattr(user, "credit", None) if user is not None else None


def _placements_with_renditions() -> models.Prefetch:
    """Prefetch an item's placements, figures and renditions in two queries."""
    return models.Prefetch(
        "item_figures",
        queryset=ItemFigure.objects.select_related("figure").prefetch_related("figure__renditions"),
    )


class SearchEntry(models.Model):
    """A public item as the search index holds it: its fields cut into tokens.

    Written only by `newsletter.search.index`, for public items only, in the
    transaction that publishes, withdraws or corrects them. Each field is kept
    as two space-separated token streams: the words as cut (`title`), and the
    shorter dictionary words inside them (`title_parts`). The database indexes
    the streams itself: on SQLite an FTS5 table fed by triggers, on PostgreSQL
    a weighted tsvector column computed from them (migration 0006).
    """

    item = models.OneToOneField(
        Item,
        verbose_name=_("item"),
        related_name="search_entry",
        on_delete=models.CASCADE,
        primary_key=True,
    )
    title = models.TextField(_("title"))
    title_parts = models.TextField(blank=True)
    original_title = models.TextField(_("original title"), blank=True)
    original_title_parts = models.TextField(blank=True)
    remark = models.TextField(_("editor's remark"), blank=True)
    remark_parts = models.TextField(blank=True)
    body = models.TextField(_("body"), blank=True)
    body_parts = models.TextField(blank=True)
    text = models.TextField(
        blank=True,
        help_text=_(
            "The body and remark as plain text, one passage (sentence or line) a line:"
            " where snippets come from."
        ),
    )

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return str(self.item_id)


class SearchWord(models.Model):
    """A Latin word seen in an indexed item: where spelling hints come from.

    Words are added as items are indexed and kept until the index is rebuilt;
    a hint is only offered when the corrected query finds public items, so a
    word of a withdrawn item never shows.
    """

    word = models.CharField(_("word"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word


# Subscribers and deliveries, and the site generation of the page cache, have
# modules of their own; imported here so that Django and the migrations find
# them in the `newsletter` app.
from newsletter.caching.models import SiteGeneration  # noqa: E402, F401
from newsletter.subscribers.models import Delivery, Subscriber  # noqa: E402, F401
