"""Figures in the newsroom: the figure library, the figure inline on the item
page, and the endpoint the markdownx editor posts dropped or pasted images to.

Three ways in, one gate: each validates with `newsletter.images.image_validate`
and stores with `newsletter.figures.figure_create`. A refused upload is a form
error beside the field (or a JSON error for the editor); nothing is stored.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from editorial.errors import EditorialError
from editorial.figures import figure_words_change, figure_words_check
from newsletter.figure_syntax import figure_reference
from newsletter.figures import figure_create, figure_delete, item_figure_place
from newsletter.images import image_validate, upload_help
from newsletter.markdown import figure_references
from newsletter.models import Figure, ItemFigure

THUMBNAIL_WIDTH = 120


def _thumbnail(figure: Figure | None, width: int = THUMBNAIL_WIDTH):
    """Return a small `<img>` of `figure`; reads prefetched renditions."""
    if figure is None or not figure.width:
        return "—"
    renditions = sorted(figure.renditions.all(), key=lambda rendition: rendition.width)
    smallest = next((r for r in renditions if r.format == "webp"), None)
    url = smallest.file.url if smallest else figure.image.url
    height = max(1, round(figure.height * width / figure.width))
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" loading="lazy">',
        url,
        width,
        height,
        figure.alt_text,
    )


def _duplicate_error(existing: Figure) -> ValidationError:
    url = reverse("admin:newsletter_figure_change", args=[existing.pk])
    return ValidationError(
        format_html(
            '这张图已经在图库里:<a href="{}">图 #{}</a>,在正文中写 <code>{}</code> 即可引用。'
            " / This image is already in the library as figure #{}.",
            url,
            existing.pk,
            existing.markdown,
            existing.pk,
        ),
        code="duplicate",
    )


class FigureAddForm(forms.ModelForm):
    """Upload a figure. A plain FileField: Django's ImageField would open the
    file with every Pillow decoder before our checks run."""

    image = forms.FileField(label=_("image"))

    class Meta:
        model = Figure
        fields = ["image", "alt_text", "caption"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = upload_help()

    def clean_image(self):
        upload = self.cleaned_data["image"]
        self.clean_image_result = image_validate(upload=upload)
        existing = Figure.objects.filter(content_hash=self.clean_image_result.content_hash).first()
        if existing is not None:
            raise _duplicate_error(existing)
        return upload


class FigureChangeForm(forms.ModelForm):
    """The picture of a stored figure does not change; its words do, by the newsroom's rules."""

    # Set per request by FigureAdmin.get_form.
    actor = None

    class Meta:
        model = Figure
        fields = ["alt_text", "caption"]

    def clean(self):
        cleaned = super().clean()
        if self.changed_data:
            try:
                figure_words_check(figure=self.instance, actor=self.actor)
            except EditorialError as error:
                raise ValidationError(error.messages) from error
        return cleaned


class FigureWordsForm(forms.Form):
    """The words an editor gives a dropped or pasted image before it is inserted."""

    alt_text = forms.CharField(
        max_length=300,
        error_messages={
            "required": "请填写替代文字:描述图里的内容。 / Describe the image in its alt text."
        },
    )
    caption = forms.CharField(max_length=500, required=False)


class UsageFilter(admin.SimpleListFilter):
    title = _("usage")
    parameter_name = "usage"

    def lookups(self, request, model_admin):
        return [("unused", _("Unused figures")), ("used", _("Used by items"))]

    def queryset(self, request, queryset):
        if self.value() == "unused":
            return queryset.filter(usage_count=0)
        if self.value() == "used":
            return queryset.filter(usage_count__gt=0)
        return queryset


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "alt_text", "caption", "dimensions", "usage_count", "created_at"]
    list_display_links = ["thumbnail", "alt_text"]
    list_filter = [UsageFilter, "created_at"]
    search_fields = ["alt_text", "caption"]
    date_hierarchy = "created_at"
    add_fieldsets = [(None, {"fields": ["image", "alt_text", "caption"]})]
    fieldsets = [
        (None, {"fields": ["preview", "alt_text", "caption", "markdown_code"]}),
        (_("File"), {"fields": ["dimensions", "uploaded_by", "created_at", "used_by"]}),
    ]
    readonly_fields = [
        "preview",
        "markdown_code",
        "dimensions",
        "uploaded_by",
        "created_at",
        "used_by",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(usage_count=Count("placements"))
            .prefetch_related("renditions")
            # Meta.ordering is dropped from aggregating queries; autocomplete pages need one.
            .order_by(*Figure._meta.ordering)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = FigureChangeForm if obj is not None else FigureAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets if obj is not None else self.add_fieldsets

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    @admin.display(description=_("image"))
    def thumbnail(self, figure):
        return _thumbnail(figure)

    @admin.display(description=_("image"))
    def preview(self, figure):
        return format_html('<a href="{}">{}</a>', figure.image.url, _thumbnail(figure, 480))

    @admin.display(description=_("Markdown"))
    def markdown_code(self, figure):
        return format_html("<code>{}</code>", figure.markdown)

    @admin.display(description=_("size"))
    def dimensions(self, figure):
        return f"{figure.width}×{figure.height}"

    @admin.display(description=_("items"), ordering="usage_count")
    def usage_count(self, figure):
        return figure.usage_count

    @admin.display(description=_("used by"))
    def used_by(self, figure):
        placements = figure.placements.select_related("item")
        if not placements:
            return _("No item uses this figure; it can be deleted.")
        links = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            (
                (reverse("admin:newsletter_item_change", args=[p.item_id]), p.item)
                for p in placements
            ),
        )
        return format_html("<ul>{}</ul>", links)

    def save_model(self, request, obj, form, change):
        if change:
            if form.changed_data:
                figure_words_change(
                    figure=obj,
                    actor=request.user,
                    alt_text=form.cleaned_data["alt_text"],
                    caption=form.cleaned_data["caption"],
                )
            return
        figure, _created = figure_create(
            image=form.clean_image_result,
            alt_text=form.cleaned_data["alt_text"],
            caption=form.cleaned_data["caption"],
            uploaded_by=request.user,
        )
        # The admin goes on with `obj` (messages, log, redirect): make it the stored figure.
        obj.pk = figure.pk
        obj.refresh_from_db()
        obj._state.adding = False

    def delete_model(self, request, obj):
        figure_delete(figure=obj)

    def delete_queryset(self, request, queryset):
        for figure in queryset:
            figure_delete(figure=figure)

    def get_urls(self):
        upload = self.admin_site.admin_view(require_POST(self.markdownx_upload_view))
        return [
            path("upload/", upload, name="newsletter_figure_markdownx_upload"),
            *super().get_urls(),
        ]

    def markdownx_upload_view(self, request):
        """Store an image dropped or pasted into a Markdown editor, described by its uploader.

        The editor's script (static/editorial/js/figure-upload.js) asks for
        `alt_text` (required) and `caption` before it posts. Answers in
        markdownx's protocol: `{"image_code": "![alt](figure:ID)"}`, or an
        error status with `{"image": [messages]}`. A picture already in the
        library answers with that figure, its words unchanged.
        """
        if not self.has_add_permission(request):
            return JsonResponse(
                {"image": ["你没有上传图片的权限。 / You may not upload figures."]}, status=403
            )
        upload = request.FILES.get("image")
        if upload is None:
            return JsonResponse(
                {"image": ["没有收到图片文件。 / No image file was received."]}, status=400
            )
        form = FigureWordsForm(request.POST)
        if not form.is_valid():
            return JsonResponse(
                {"image": [error for errors in form.errors.values() for error in errors]},
                status=400,
            )
        try:
            image = image_validate(upload=upload)
        except ValidationError as error:
            return JsonResponse({"image": error.messages}, status=400)
        figure, created = figure_create(
            image=image,
            alt_text=form.cleaned_data["alt_text"],
            caption=form.cleaned_data["caption"],
            uploaded_by=request.user,
        )
        return JsonResponse(
            {
                "image_code": figure.markdown,
                "figure_id": figure.pk,
                "created": created,
                "change_url": reverse("admin:newsletter_figure_change", args=[figure.pk]),
            },
            status=201 if created else 200,
        )


class ItemFigureInlineForm(forms.ModelForm):
    """Pick a figure from the library or upload a new one; edit its alt text here."""

    upload = forms.FileField(label=_("or upload"), required=False)
    alt_text = forms.CharField(label=_("alt text"), max_length=300, required=False)
    caption = forms.CharField(label=_("caption"), max_length=500, required=False)

    # Set per request by FigureInline.get_formset.
    uploaded_by = None

    class Meta:
        model = ItemFigure
        fields = ["position", "figure", "upload", "alt_text", "caption"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"].required = False
        self.fields["upload"].help_text = upload_help()
        self.clean_image_result = None
        if self.instance.pk:
            self.initial.setdefault("alt_text", self.instance.figure.alt_text)
            self.initial.setdefault("caption", self.instance.figure.caption)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE"):
            return cleaned
        upload = cleaned.get("upload")
        alt_text = (cleaned.get("alt_text") or "").strip()
        if upload:
            try:
                self.clean_image_result = image_validate(upload=upload)
            except ValidationError as error:
                self.add_error("upload", error)
            if not alt_text:
                self.add_error(
                    "alt_text",
                    "请为新图填写替代文本(描述图中内容)。"
                    " / Describe the new image in its alt text.",
                )
        elif not cleaned.get("figure"):
            if "figure" not in self.errors:
                self.add_error(
                    "figure",
                    "请从图库选择一张图,或上传新图。 / Choose a figure or upload one.",
                )
        elif "alt_text" in self.changed_data and not alt_text:
            self.add_error("alt_text", "替代文本不能为空。 / The alt text cannot be empty.")
        elif {"alt_text", "caption"} & set(self.changed_data):
            # The words are the figure's, shared by every item that shows it.
            try:
                figure_words_check(figure=cleaned["figure"], actor=self.uploaded_by)
            except EditorialError as error:
                self.add_error("alt_text", error.messages)
        return cleaned

    def save(self, commit=True):
        placement = super().save(commit=False)
        alt_text = (self.cleaned_data.get("alt_text") or "").strip()
        caption = (self.cleaned_data.get("caption") or "").strip()
        if self.clean_image_result is not None:
            placement.figure, _created = figure_create(
                image=self.clean_image_result,
                alt_text=alt_text,
                caption=caption,
                uploaded_by=self.uploaded_by,
            )
        elif {"alt_text", "caption"} & set(self.changed_data):
            figure = placement.figure
            figure_words_change(
                figure=figure,
                actor=self.uploaded_by,
                alt_text=alt_text or figure.alt_text,
                caption=caption if "caption" in self.changed_data else figure.caption,
            )
            placement.figure.refresh_from_db()
        if not commit:
            return placement
        already_placed = (
            ItemFigure.objects.filter(item=placement.item, figure=placement.figure)
            .exclude(pk=placement.pk)
            .exists()
        )
        if placement.pk is None or already_placed:
            # The item's own save may already have placed this figure (it is
            # embedded in the text): move that placement instead of adding one.
            if placement.pk is not None:
                placement.delete()
            return item_figure_place(
                item=placement.item, figure=placement.figure, position=placement.position
            )
        placement.save()
        return placement


class ItemFigureFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        shown = set(figure_references(self.instance.body)) | set(
            figure_references(self.instance.remark)
        )
        for form in self.deleted_forms:
            figure_id = form.instance.figure_id
            if figure_id in shown:
                raise ValidationError(
                    f"图 #{figure_id} 仍在正文中使用({figure_reference(figure_id, '…')}),"
                    "请先从正文中删去再移除。"
                    f" / Figure #{figure_id} is still shown in the text; remove it there first."
                )


class FigureInline(admin.StackedInline):
    """The figures of an item, in order; new ones can be uploaded right here.

    Stacked, one block per figure, so that the rows fit beside the admin's
    sidebar on a 1280 px screen; who may only read the item gets
    `FigureTableInline` instead.
    """

    model = ItemFigure
    form = ItemFigureInlineForm
    formset = ItemFigureFormSet
    template = "editorial/admin/figure_inline.html"
    extra = 1
    fieldsets = [
        (None, {"fields": [("position", "figure"), "upload", ("alt_text", "caption")]}),
        (None, {"fields": [("thumbnail", "embedded", "markdown_code")]}),
    ]
    readonly_fields = ["thumbnail", "embedded", "markdown_code"]
    autocomplete_fields = ["figure"]
    ordering = ["position", "pk"]
    verbose_name = _("figure")
    verbose_name_plural = _("配图")

    class Media:
        js = ["editorial/js/figure-upload.js"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("figure")
            .prefetch_related("figure__renditions")
        )

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = type("ItemFigureInlineForm", (self.form,), {"uploaded_by": request.user})
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("image"))
    def thumbnail(self, placement):
        return _thumbnail(placement.figure if placement.figure_id else None)

    @admin.display(description=_("Markdown"))
    def markdown_code(self, placement):
        if not placement.figure_id:
            return "—"
        # The script adds an insert button beside each code it finds here.
        return format_html(
            '<code class="figure-code" data-figure-code="{}">{}</code>',
            placement.figure.markdown,
            placement.figure.markdown,
        )


class FigureTableInline(FigureInline):
    """The figures of an item as a table, for who may read the item but not change it.

    Alt text and caption live on the figure, not on the placement: they are
    shown as the figure's words rather than as (empty) form fields.
    """

    template = "editorial/admin/figure_table.html"
    fieldsets = None
    fields = [
        "position",
        "thumbnail",
        "figure",
        "figure_alt_text",
        "figure_caption",
        "embedded",
        "markdown_code",
    ]
    readonly_fields = [*FigureInline.readonly_fields, "figure_alt_text", "figure_caption"]

    @admin.display(description=_("alt text"))
    def figure_alt_text(self, placement):
        return placement.figure.alt_text if placement.figure_id else "—"

    @admin.display(description=_("caption"))
    def figure_caption(self, placement):
        return (placement.figure.caption if placement.figure_id else "") or "—"
