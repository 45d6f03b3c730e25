"""Contributor profiles: each member edits their own, Administrators anyone's; the
avatar passes the figure upload validation; the public credit follows the profile."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from editorial.accounts import profiles
from editorial.errors import EditorialError
from editorial.models import ContributorProfile
from newsletter.models import Credit
from tests.editorial.conftest import client_for
from tests.factories import ContributorProfileFactory
from tests.figures.samples import decompression_bomb_png, png_bytes

pytestmark = pytest.mark.django_db

ROLES = ["contributor", "reviewer", "editor", "administrator", "anonymous"]


def _profile_url(profile) -> str:
    return reverse("admin:editorial_contributorprofile_change", args=[profile.pk])


def _form(**overrides) -> dict:
    data = {"display_name": "爱丽丝", "bio": "", "links": "", "is_public": "on"}
    data.update(overrides)
    return data


def _stored_files(media_root) -> list:
    if not media_root.exists():
        return []
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def test_a_member_starts_their_profile_from_the_admin(contributor):
    """The list opens the form for one's own profile; saving names the credit and the account."""
    client = client_for(contributor)
    response = client.get(reverse("admin:editorial_contributorprofile_changelist"))
    assert response["Location"] == reverse("admin:editorial_contributorprofile_add")
    response = client.post(
        reverse("admin:editorial_contributorprofile_add"),
        _form(bio="我写**服务网格**。", links="https://alice.dev"),
    )
    assert response.status_code == 302
    profile = ContributorProfile.objects.get(user=contributor)
    assert profile.display_name == "爱丽丝"
    assert "<strong>服务网格</strong>" in profile.bio_html
    assert profile.links == ["https://alice.dev"]
    assert Credit.objects.get(user=contributor).name == "爱丽丝"
    contributor.refresh_from_db()
    assert contributor.get_full_name() == "爱丽丝"
    assert client.get(reverse("admin:editorial_contributorprofile_changelist"))[
        "Location"
    ] == _profile_url(profile)


def test_raw_html_in_a_bio_is_shown_as_text(contributor):
    """The bio goes through the Markdown pipeline: typed HTML never becomes markup."""
    profile = ContributorProfileFactory(user=contributor, bio='<img src=x onerror="alert(1)">')
    assert "<img" not in profile.bio_html
    assert "&lt;img" in profile.bio_html


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("face.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>', "SVG"),
        ("face.png", b"just some text, not an image at all", "无法识别为图片"),
        ("face.png", png_bytes(10, 10)[:40], "无法识别为图片"),
        ("bomb.png", decompression_bomb_png(7000, 7000), "百万像素"),
    ],
    ids=["svg", "text", "truncated", "bomb"],
)
def test_a_bad_avatar_is_refused_beside_the_field_and_nothing_is_stored(
    contributor, media_root, name, content, reason
):
    """The upload validation of figures refuses it; the profile and storage stay as they were."""
    profile = ContributorProfileFactory(user=contributor, display_name="爱丽丝")
    before = _stored_files(media_root)
    response = client_for(contributor).post(
        _profile_url(profile),
        {**_form(display_name="新名字"), "avatar": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["avatar"]
    assert any(reason in error for error in errors)
    assert reason in response.content.decode()
    profile.refresh_from_db()
    assert (profile.display_name, profile.avatar.name) == ("爱丽丝", "")
    assert _stored_files(media_root) == before


def test_an_avatar_is_stored_as_a_clean_square(contributor):
    """A wide photo becomes a centred square WebP, without its metadata."""
    profile = ContributorProfileFactory(user=contributor)
    response = client_for(contributor).post(
        _profile_url(profile),
        {**_form(), "avatar": SimpleUploadedFile("me.png", png_bytes(1200, 800))},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    with profile.avatar.open() as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("WEBP", (400, 400))
        assert "exif" not in image.info


def test_a_small_avatar_is_not_enlarged(contributor):
    """A 64 px picture stays 64 px (cropped square), never blown up."""
    profile = ContributorProfileFactory(user=contributor)
    client_for(contributor).post(
        _profile_url(profile),
        {**_form(), "avatar": SimpleUploadedFile("me.png", png_bytes(64, 80))},
    )
    profile.refresh_from_db()
    with profile.avatar.open() as stored, Image.open(stored) as image:
        assert image.size == (64, 64)


def test_a_new_avatar_replaces_the_old_file(contributor, django_capture_on_commit_callbacks):
    """The previous file is deleted once the change is committed."""
    profile = ContributorProfileFactory(user=contributor)
    client = client_for(contributor)
    client.post(
        _profile_url(profile),
        {**_form(), "avatar": SimpleUploadedFile("a.png", png_bytes(500, 500, (1, 2, 3)))},
    )
    profile.refresh_from_db()
    old = profile.avatar.name
    storage = profile.avatar.storage
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _profile_url(profile),
            {**_form(), "avatar": SimpleUploadedFile("b.png", png_bytes(500, 500, (9, 8, 7)))},
        )
    profile.refresh_from_db()
    assert profile.avatar.name != old
    assert storage.exists(profile.avatar.name)
    assert not storage.exists(old)


def test_clearing_the_avatar_removes_it(contributor, django_capture_on_commit_callbacks):
    """The "clear" box of the file field takes the picture off."""
    profile = ContributorProfileFactory(user=contributor)
    client = client_for(contributor)
    client.post(
        _profile_url(profile), {**_form(), "avatar": SimpleUploadedFile("a.png", png_bytes(50, 50))}
    )
    profile.refresh_from_db()
    old = profile.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_profile_url(profile), {**_form(), "avatar-clear": "on"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.avatar.name == ""
    assert not profile.avatar.storage.exists(old)


@pytest.mark.parametrize(
    "links",
    [
        "javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "ftp://example.com/file",
        "\n".join(f"https://example.com/{n}" for n in range(6)),
    ],
    ids=["javascript", "data", "ftp", "too-many"],
)
def test_links_must_be_a_few_web_addresses(contributor, links):
    """Only http(s) addresses, at most five; the form says which one is wrong."""
    profile = ContributorProfileFactory(user=contributor)
    response = client_for(contributor).post(_profile_url(profile), _form(links=links))
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("links")
    profile.refresh_from_db()
    assert profile.links == []


def test_the_service_refuses_bad_links_too(contributor):
    """Model validation guards the service, whatever form calls it."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        profiles.contributor_profile_save(
            user=contributor,
            actor=contributor,
            data=profiles.ProfileData(display_name="爱丽丝", links=("javascript:alert(1)",)),
        )
    assert not ContributorProfile.objects.exists()


def test_a_private_profile_has_no_public_credit(contributor):
    """Unticking "public credit" removes the name from public pages."""
    profile = ContributorProfileFactory(user=contributor, display_name="爱丽丝")
    assert Credit.objects.filter(user=contributor).exists()
    client_for(contributor).post(_profile_url(profile), _form(is_public=""))
    profile.refresh_from_db()
    assert not profile.is_public
    assert not Credit.objects.filter(user=contributor).exists()


def test_a_renamed_profile_renames_the_credit(contributor):
    """The credit follows the display name."""
    profile = ContributorProfileFactory(user=contributor, display_name="爱丽丝")
    client_for(contributor).post(_profile_url(profile), _form(display_name="Alice 王"))
    assert Credit.objects.get(user=contributor).name == "Alice 王"


def test_a_member_cannot_open_or_change_someone_elses_profile(contributor, other_contributor):
    """Another member's profile is not found, and a forged POST changes nothing."""
    theirs = ContributorProfileFactory(user=other_contributor, display_name="卡罗尔")
    client = client_for(contributor)
    assert client.get(_profile_url(theirs)).status_code == 302
    client.post(_profile_url(theirs), _form(display_name="被改了"))
    theirs.refresh_from_db()
    assert theirs.display_name == "卡罗尔"


def test_the_service_refuses_a_member_writing_someone_elses_profile(contributor, other_contributor):
    """`profile.change`: one's own, unless Administrator."""
    with pytest.raises(EditorialError):
        profiles.contributor_profile_save(
            user=other_contributor, actor=contributor, data=profiles.ProfileData(display_name="x")
        )


def test_an_administrator_edits_anyones_profile(administrator, contributor):
    """Administrators see every profile and may, say, take one off the public site."""
    profile = ContributorProfileFactory(user=contributor, display_name="爱丽丝")
    client = client_for(administrator)
    listing = client.get(reverse("admin:editorial_contributorprofile_changelist"))
    assert listing.status_code == 200
    assert "爱丽丝" in listing.content.decode()
    assert client.post(_profile_url(profile), _form(is_public="")).status_code == 302
    profile.refresh_from_db()
    assert not profile.is_public


#                 contributor reviewer editor administrator anonymous
OWN_PROFILE = (200, 200, 200, 200, "login")


@pytest.mark.parametrize(
    ("role", "expected"), list(zip(ROLES, OWN_PROFILE, strict=True)), ids=ROLES
)
def test_every_member_opens_their_own_profile(people, role, expected):
    """Everyone in the newsroom has a "my profile" page; anonymous visitors log in."""
    user = people[role]
    if user is None:
        response = client_for(None).get(reverse("admin:editorial_contributorprofile_changelist"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        return
    profile = ContributorProfileFactory(user=user)
    assert client_for(user).get(_profile_url(profile)).status_code == expected
