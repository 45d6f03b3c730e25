"""Forms of the accounts pages: inviting, accepting an invitation, editing a profile.

Validation only; what happens next is `editorial.accounts`. An avatar goes
through `newsletter.images.image_validate` here, so a refused picture is an
error beside the field and nothing reaches storage.
"""

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from editorial.accounts.invitations import invitation_check
from editorial.accounts.profiles import ProfileData
from editorial.errors import EditorialError
from editorial.models import (
    MAX_PROFILE_LINKS,
    ContributorProfile,
    Invitation,
    validate_profile_links,
)
from newsletter.images import ACCEPTED_FORMATS, image_validate, upload_help


class LinksField(forms.CharField):
    """A few web addresses, typed one per line; cleans to a list."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60, "inputmode": "url"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("每行一个网址,最多 %(limit)d 个。 / One web address per line, at most %(limit)d.")
            % {"limit": MAX_PROFILE_LINKS},
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:
        if isinstance(value, list):
            return value
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        validate_profile_links(value)


def _avatar_field() -> forms.FileField:
    # A plain FileField: Django's ImageField would open the upload with every
    # Pillow decoder before image_validate had a say.
    accept = ",".join(mime for _extension, mime in ACCEPTED_FORMATS.values())
    return forms.FileField(
        label=_("头像 / Avatar"),
        required=False,
        help_text=upload_help(),
        widget=forms.ClearableFileInput(attrs={"accept": accept}),
    )


class ProfileFieldsMixin(forms.Form):
    """The profile's fields and their checks, shared by the invitation and the admin."""

    display_name = forms.CharField(
        label=_("显示名称 / Display name"),
        max_length=100,
        help_text=_("读者在署名里看到的名字,中文名也可以。 / The name readers see in credits."),
    )
    bio = forms.CharField(
        label=_("简介 / Bio"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("纯文本或 Markdown。 / Plain text or Markdown."),
    )
    links = LinksField(label=_("链接 / Links"))
    is_public = forms.BooleanField(
        label=_("公开署名 / Public credit"),
        required=False,
        initial=True,
        help_text=ContributorProfile._meta.get_field("is_public").help_text,
    )
    avatar = _avatar_field()

    # The clean, re-encoded picture once `clean_avatar` accepted one.
    avatar_image = None

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise ValidationError(_("请填写显示名称。 / Please give a display name."))
        return name

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        # Only a new upload is checked; the stored avatar comes back as its FieldFile.
        if isinstance(upload, UploadedFile):
            self.avatar_image = image_validate(upload=upload)
        return upload

    def profile_data(self) -> ProfileData:
        """Return what the form says about the profile, for the service."""
        data = self.cleaned_data
        return ProfileData(
            display_name=data["display_name"],
            bio=data.get("bio", ""),
            links=tuple(data.get("links") or ()),
            is_public=data.get("is_public", False),
            avatar=self.avatar_image,
            # ClearableFileInput sends False when "clear" is ticked.
            remove_avatar=data.get("avatar") is False,
        )


class InvitationForm(forms.ModelForm):
    """The admin's "invite" form: who, and in which role."""

    class Meta:
        model = Invitation
        fields = ["email", "role"]

    def clean(self):
        data = super().clean()
        if data.get("email") and data.get("role"):
            try:
                data["email"] = invitation_check(email=data["email"], role=data["role"])
            except EditorialError as error:
                self.add_error("email", error)
        return data


class InvitationAcceptForm(ProfileFieldsMixin, UserCreationForm):
    """Username, password (Django's validators) and the profile, for a new member.

    Bind it with `instance=User(email=invitation.email)`: the password
    validators then also refuse a password close to the invited address.
    """

    class Meta(UserCreationForm.Meta):
        fields = ["username"]

    field_order = [
        "username",
        "password1",
        "password2",
        "display_name",
        "bio",
        "links",
        "avatar",
        "is_public",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["avatar"].widget = forms.FileInput(attrs=self.fields["avatar"].widget.attrs)


class ContributorProfileForm(ProfileFieldsMixin, forms.ModelForm):
    """A profile in the admin; the service saves it (`ContributorProfileAdmin.save_model`)."""

    class Meta:
        model = ContributorProfile
        fields = ["display_name", "bio", "links", "is_public"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shows "currently: …" with a "clear" box for the stored avatar.
        self.fields["avatar"].initial = self.instance.avatar or None
