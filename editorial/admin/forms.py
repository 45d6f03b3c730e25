"""The item, issue and project change forms of the admin: edit conflicts are
caught in `clean()` and shown with the other person's changes; approved items
of a released issue need an editor's correction note; covers and logos pass
the figures' image check.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from markdownx.widgets import AdminMarkdownxWidget

from editorial.errors import EditorialError
from editorial.release.assembly import item_placement_check
from editorial.revisions.conflicts import item_current_version
from editorial.revisions.history import content_changes, item_snapshot, snapshot_for_version_number
from editorial.workflow import PLACEMENT_FIELDS, item_author_check, item_edit_needs_correction
from newsletter.images import ACCEPTED_FORMATS, CleanImage, image_validate, upload_help
from newsletter.models import Issue, Item, Project


def _diff_html(changes) -> str:
    return format_html_join(
        "",
        '<div class="conflict-field"><h4>{}</h4><p class="diff">{}</p></div>',
        (
            (
                change.label,
                format_html_join(
                    "",
                    "<{0} class='diff-{1}'>{2}</{0}>",
                    (
                        ({"insert": "ins", "delete": "del"}.get(s.kind, "span"), s.kind, s.text)
                        for s in change.segments
                    ),
                ),
            )
            for change in changes
        ),
    )


def _conflict_message(item: Item, started_from: int, submitted: dict):
    """Return the HTML of a conflict notice showing what the other person changed.

    With the revision the editor started from, the notice shows exactly the
    other person's changes; without it (an item never saved through the admin)
    it shows how the saved text differs from the editor's.
    """
    stored = item_snapshot(Item.objects.get(pk=item.pk))
    base = snapshot_for_version_number(item=item, number=started_from)
    if base is not None:
        lead = _("Their changes:")
        changes = content_changes(base, stored)
    else:
        lead = _("How the saved text differs from yours:")
        changes = content_changes(submitted, stored)
    return format_html(
        '<div class="edit-conflict"><strong>{}</strong> {} {}{}</div>',
        _("Someone else saved this item while you were editing it."),
        _("Your text is still in the form below and nothing was saved."),
        lead,
        _diff_html(changes),
    )


class ItemAdminForm(forms.ModelForm):
    # The version the editor opened; saving from a stale version is a conflict.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Item
        fields = [
            "title", "original_title", "source_url", "body", "remark",
            "issue", "section", "position", "projects", "tags", "author", "state",
        ]  # fmt: skip
        widgets = {
            "body": AdminMarkdownxWidget,
            "remark": AdminMarkdownxWidget(attrs={"rows": 4}),
        }
        help_texts = {
            "body": _lazy(
                "Markdown. A figure goes on a line of its own: ![alt text](figure:12), "
                "with the number from the Figures rows below; drop or paste an image "
                "here to upload it, describe it and insert it."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        started_from = cleaned.get("expected_version") or self.instance.version
        # Locking here (PostgreSQL) holds the row until this save commits, so a
        # concurrent save of the same item waits and then sees the conflict.
        current = item_current_version(item_id=self.instance.pk, lock=True)
        if current != started_from:
            # The editor has now seen the other changes: the re-rendered form
            # carries the current version, so saving again is a deliberate merge.
            self.data = self.data.copy()
            self.data[self.add_prefix("expected_version")] = current
            raise forms.ValidationError(
                _conflict_message(self.instance, started_from, cleaned), code="edit_conflict"
            )
        return cleaned


def _image_upload_field(model_field: forms.Field) -> forms.FileField:
    # A plain FileField: Django's ImageField would open the upload with every
    # Pillow decoder before image_validate had a say.
    accept = ",".join(mime for _extension, mime in ACCEPTED_FORMATS.values())
    return forms.FileField(
        label=model_field.label,
        required=False,
        help_text=upload_help(),
        widget=forms.ClearableFileInput(attrs={"accept": accept}),
    )


class CleanImagesMixin:
    """Checks each new upload of `image_fields` with `image_validate`.

    A refused picture is an error beside its field, and the rest of the form
    comes back as typed. An accepted one is kept in `clean_images` for
    `newsletter.uploads.image_attach`; meanwhile the form holds only the clean
    re-encoding, so the uploaded bytes and their name are never stored.
    """

    image_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.clean_images: dict[str, CleanImage] = {}
        for name in self.image_fields:
            if name in self.fields:
                self.fields[name] = _image_upload_field(self.fields[name])

    def clean(self):
        cleaned = super().clean()
        for name in self.image_fields:
            upload = cleaned.get(name)
            # Only a new upload is checked; the stored file comes back as its FieldFile.
            if not isinstance(upload, UploadedFile):
                continue
            try:
                image = image_validate(upload=upload)
            except ValidationError as error:
                self.add_error(name, error)
                continue
            self.clean_images[name] = image
            cleaned[name] = ContentFile(
                image.content, name=f"{image.content_hash}.{image.extension}"
            )
        return cleaned


class ProjectAdminForm(CleanImagesMixin, forms.ModelForm):
    image_fields = ("logo",)

    class Meta:
        model = Project
        fields = [
            "name", "slug", "summary", "homepage", "repository", "maturity", "aliases", "logo",
        ]  # fmt: skip


class IssueAdminForm(CleanImagesMixin, forms.ModelForm):
    image_fields = ("cover",)

    class Meta:
        model = Issue
        fields = ["slug", "title", "period", "intro", "cover", "status", "publish_at"]
        widgets = {"intro": AdminMarkdownxWidget(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("publish_at")
        if field is None:
            return
        zone = timezone.get_current_timezone_name()
        field.help_text = _("Time zone: %(zone)s.") % {"zone": zone}
        # The admin's date and time boxes share one label, which names neither.
        date_box, time_box = getattr(field.widget, "widgets", (None, None))
        if date_box is not None:
            date_box.attrs["aria-label"] = _("Publish date (%(zone)s)") % {"zone": zone}
            time_box.attrs["aria-label"] = _("Publish time (%(zone)s)") % {"zone": zone}


class ItemWorkflowForm(ItemAdminForm):
    """The item form plus the editor's correction note for approved items.

    The admin shows `correction_note` only to editors, only on approved items;
    when absent from the page it is absent from the form.
    """

    correction_note = forms.CharField(
        label=_("Correction note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "勘误说明:写明改了什么、为什么改。填写后条目保持“已批准”并记入操作日志;"
            "不填写则保存后退回审校。"
        ),
    )

    # Set per request by the admin's get_form: editors, on approved items;
    # who is saving, for the rules on authorship and placement.
    correction_allowed = False
    actor = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.correction_allowed:
            del self.fields["correction_note"]

    def clean(self):
        cleaned = super().clean()
        self._check_author(cleaned)
        self._check_placement(cleaned)
        if "correction_note" not in self.fields or not self.instance.pk:
            return cleaned
        content_changed = set(self.changed_data) - PLACEMENT_FIELDS - {"correction_note"}
        if (
            content_changed
            and not cleaned.get("correction_note", "").strip()
            and item_edit_needs_correction(item=self.instance)
        ):
            self.add_error(
                "correction_note",
                _("这一期已排期或发布:修改已批准的条目须填写勘误说明。"),
            )
        return cleaned

    def _refusal(self, field: str, check, **kwargs) -> None:
        # The service's own check, so the form refuses exactly what it would.
        try:
            check(item=self.instance, actor=self.actor, **kwargs)
        except EditorialError as error:
            self.add_error(field, error.messages)

    def _check_author(self, cleaned) -> None:
        if self.instance.pk and "author" in self.changed_data:
            self._refusal("author", item_author_check, author=cleaned.get("author"))

    def _check_placement(self, cleaned) -> None:
        fields = {"issue", "section", "position"} & set(self.fields)
        if fields & set(self.changed_data):
            self._refusal(
                "issue" if "issue" in self.fields else "section",
                item_placement_check,
                issue=cleaned.get("issue", self.instance.issue),
                section=cleaned.get("section", self.instance.section),
            )
