"""Invitations: an Administrator invites by email and role; the invitee joins through a
signed link that expires and works once; bad links get a clear page, never a 500."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from editorial.accounts import invitations, profiles
from editorial.models import AuditEntry, ContributorProfile, Invitation
from editorial.permissions.roles import Role
from newsletter.models import Credit
from tests.editorial.conftest import client_for
from tests.factories import InvitationFactory, UserFactory
from tests.figures.samples import png_bytes

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "月刊-Secure-2025-qx"
ROLES = ["contributor", "reviewer", "editor", "administrator", "anonymous"]


def _accept_data(**overrides) -> dict:
    data = {
        "username": "zhangsan",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "display_name": "张三",
        "bio": "写 **Kubernetes** 网络。",
        "links": "https://zhangsan.dev\nhttps://github.com/zhangsan",
        "is_public": "on",
    }
    data.update(overrides)
    return data


def _link_in(message) -> str:
    return re.search(r"https?://\S+(/invitations/\S+/)", message.body).group(1)


def _invite(
    client, django_capture_on_commit_callbacks, email="newcomer@example.com", role=Role.CONTRIBUTOR
):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("admin:editorial_invitation_add"), {"email": email, "role": role}
        )


def test_an_administrator_invites_and_the_email_goes_out_once_committed(
    administrator, django_capture_on_commit_callbacks
):
    """The add form stores the invitation, logs it, and emails a signed link after commit."""
    admin = client_for(administrator)
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin.post(
            reverse("admin:editorial_invitation_add"),
            {"email": "newcomer@example.com", "role": Role.REVIEWER},
        )
        assert mail.outbox == []
    assert response.status_code == 302
    for callback in callbacks:
        callback()
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "newcomer@example.com",
        Role.REVIEWER,
        administrator,
    )
    [message] = mail.outbox
    assert message.to == ["newcomer@example.com"]
    assert "审校" in message.body and "7 天内有效" in message.body
    assert invitations.invitation_for_token(_link_in(message).split("/")[2]) == invitation
    entry = AuditEntry.objects.get(action="account.invite")
    assert (entry.actor, entry.object_repr, entry.to_state) == (
        administrator,
        "newcomer@example.com",
        Role.REVIEWER,
    )


def test_the_email_stays_chinese_for_an_administrator_who_reads_english(
    administrator, django_capture_on_commit_callbacks
):
    """The email's role and lifetime are in the email's language; the notice in the admin's."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            reverse("admin:editorial_invitation_add"),
            {"email": "newcomer@example.com", "role": Role.REVIEWER},
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )
    [message] = mail.outbox
    assert "以「审校 Reviewer」的身份" in message.body and "7 天内有效" in message.body
    assert "Invitation sent to newcomer@example.com; the link is valid for 7 day(s)." in [
        str(notice) for notice in response.context["messages"]
    ]


def test_the_invitee_joins_and_lands_logged_in_on_the_dashboard(
    administrator, django_capture_on_commit_callbacks
):
    """Username, password and profile in one form; then staff, in the role, on the dashboard."""
    _invite(client_for(administrator), django_capture_on_commit_callbacks, role=Role.REVIEWER)
    link = _link_in(mail.outbox[0])
    invitee = client_for(None)
    page = invitee.get(link)
    assert page.status_code == 200
    assert page["X-Robots-Tag"].startswith("noindex")
    assert "newcomer@example.com" in page.content.decode()

    response = invitee.post(link, _accept_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    dashboard = invitee.get(reverse("admin:index"))
    assert dashboard.status_code == 200
    assert "欢迎加入" in dashboard.content.decode()

    user = User.objects.get(username="zhangsan")
    assert dashboard.context["user"] == user
    assert user.is_staff and user.is_active and not user.is_superuser
    assert user.email == "newcomer@example.com"
    assert list(user.groups.values_list("name", flat=True)) == [Role.REVIEWER]
    assert user.check_password(PASSWORD)
    profile = ContributorProfile.objects.get(user=user)
    assert profile.display_name == "张三"
    assert "<strong>Kubernetes</strong>" in profile.bio_html
    assert profile.links == ["https://zhangsan.dev", "https://github.com/zhangsan"]
    assert Credit.objects.get(user=user).name == "张三"
    invitation = Invitation.objects.get()
    assert invitation.accepted_user == user and invitation.accepted_at is not None
    joined = AuditEntry.objects.get(action="account.join")
    assert (joined.actor, joined.account, joined.to_state) == (user, user, Role.REVIEWER)


def test_an_administrator_invitee_joins_as_an_administrator(administrator):
    """The role of the invitation is the group the new account gets."""
    invitation = InvitationFactory(role=Role.ADMINISTRATOR, invited_by=administrator)
    client = client_for(None)
    assert client.post(invitations.invitation_url(invitation), _accept_data()).status_code == 302
    assert User.objects.get(username="zhangsan").groups.get().name == Role.ADMINISTRATOR


def test_a_link_works_only_once(administrator):
    """After joining, the same link answers 410 with a clear page and creates nobody."""
    invitation = InvitationFactory(invited_by=administrator)
    link = invitations.invitation_url(invitation)
    assert client_for(None).post(link, _accept_data()).status_code == 302
    again = client_for(None)
    response = again.get(link)
    assert response.status_code == 410
    assert "已经用过" in response.content.decode()
    response = again.post(link, _accept_data(username="lisi"))
    assert response.status_code == 410
    assert not User.objects.filter(username="lisi").exists()


def test_a_link_expires_after_seven_days(administrator):
    """Past DIGEST_INVITATION_MAX_AGE the link answers 410 and says to ask again."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        invitation = InvitationFactory(invited_by=administrator)
        link = invitations.invitation_url(invitation)
    with time_machine.travel(start + timedelta(days=6, hours=23), tick=False):
        assert client_for(None).get(link).status_code == 200
    with time_machine.travel(start + timedelta(days=7, minutes=1), tick=False):
        response = client_for(None).get(link)
        assert response.status_code == 410
        assert "过期" in response.content.decode()
        assert client_for(None).post(link, _accept_data()).status_code == 410
    assert not User.objects.filter(username="zhangsan").exists()


def test_the_lifetime_follows_the_setting(
    administrator, settings, django_capture_on_commit_callbacks
):
    """DIGEST_INVITATION_MAX_AGE (seconds) shortens the lifetime, and the email says so."""
    settings.DIGEST_INVITATION_MAX_AGE = 3600
    _invite(client_for(administrator), django_capture_on_commit_callbacks)
    assert "1 小时内有效" in mail.outbox[0].body
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        link = invitations.invitation_url(InvitationFactory(invited_by=administrator))
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        assert client_for(None).get(link).status_code == 410


def test_a_link_copied_later_from_the_admin_expires_with_the_invitation(administrator):
    """A token signed later does not outlive the invitation it names."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        invitation = InvitationFactory(invited_by=administrator)
    with time_machine.travel(start + timedelta(days=6), tick=False):
        link = invitations.invitation_url(invitation)
    with time_machine.travel(start + timedelta(days=8), tick=False):
        assert client_for(None).get(link).status_code == 410


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: token.replace(":", "x", 1),
        lambda token: "not-a-token",
        lambda token: token[: len(token) // 2],
    ],
    ids=["signature", "payload", "garbage", "truncated"],
)
def test_a_tampered_link_answers_a_friendly_404(administrator, tamper):
    """An altered or cut link is "invalid", never a 500, and creates nothing."""
    invitation = InvitationFactory(invited_by=administrator)
    url = reverse(
        "editorial:invitation_accept", args=[tamper(invitations.invitation_token(invitation))]
    )
    response = client_for(None).get(url)
    assert response.status_code == 404
    assert "邀请链接无效" in response.content.decode()
    assert client_for(None).post(url, _accept_data()).status_code == 404
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.parametrize(
    ("salt", "email"),
    [
        ("digest.preview", "newcomer@example.com"),
        (invitations.INVITATION_SALT, "other@example.com"),
    ],
    ids=["another-kind-of-link", "another-address"],
)
def test_a_token_signed_for_something_else_is_refused(administrator, salt, email):
    """Only a token made for this invitation, naming its address, opens it."""
    invitation = InvitationFactory(email="newcomer@example.com", invited_by=administrator)
    token = signing.dumps({"id": invitation.pk, "email": email}, salt=salt, compress=True)
    assert client_for(None).get(f"/invitations/{token}/").status_code == 404


def test_a_revoked_invitation_answers_404(administrator):
    """Deleting a pending invitation in the admin kills its link."""
    invitation = InvitationFactory(invited_by=administrator)
    link = invitations.invitation_url(invitation)
    admin = client_for(administrator)
    url = reverse("admin:editorial_invitation_delete", args=[invitation.pk])
    assert admin.post(url, {"post": "yes"}).status_code == 302
    assert client_for(None).get(link).status_code == 404


def test_an_accepted_invitation_cannot_be_deleted(administrator):
    """It is the record of how the account came in."""
    invitation = InvitationFactory(invited_by=administrator)
    client_for(None).post(invitations.invitation_url(invitation), _accept_data())
    url = reverse("admin:editorial_invitation_delete", args=[invitation.pk])
    assert client_for(administrator).get(url).status_code == 403


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("12345678", "password_too_common"),
        ("short", "password_too_short"),
        ("newcomer0", "password_too_similar"),
    ],
    ids=["common", "short", "like-the-email"],
)
def test_django_password_validators_refuse_weak_passwords(administrator, password, code):
    """The form shows the validator's reason; nothing is created and the link still works."""
    invitation = InvitationFactory(email="newcomer0@example.com", invited_by=administrator)
    link = invitations.invitation_url(invitation)
    response = client_for(None).post(link, _accept_data(password1=password, password2=password))
    assert response.status_code == 200
    assert response.context["form"].has_error("password2", code)
    assert not User.objects.filter(username="zhangsan").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_the_two_passwords_must_match(administrator):
    """A typo in the confirmation is caught beside the field."""
    link = invitations.invitation_url(InvitationFactory(invited_by=administrator))
    response = client_for(None).post(link, _accept_data(password2=PASSWORD + "x"))
    assert response.status_code == 200
    assert response.context["form"].has_error("password2")


def test_a_taken_username_is_refused(administrator):
    """Usernames are unique, whatever their case."""
    UserFactory(username="ZhangSan")
    link = invitations.invitation_url(InvitationFactory(invited_by=administrator))
    response = client_for(None).post(link, _accept_data())
    assert response.status_code == 200
    assert response.context["form"].has_error("username")


def test_a_display_name_is_required(administrator):
    """The profile needs the name readers will see."""
    link = invitations.invitation_url(InvitationFactory(invited_by=administrator))
    response = client_for(None).post(link, _accept_data(display_name="  "))
    assert response.status_code == 200
    assert response.context["form"].has_error("display_name")


def test_a_bad_avatar_refuses_the_form_and_stores_nothing(administrator, media_root):
    """An SVG avatar is refused with the upload validation's reason; no account, no file."""
    link = invitations.invitation_url(InvitationFactory(invited_by=administrator))
    svg = SimpleUploadedFile("me.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')
    response = client_for(None).post(link, {**_accept_data(), "avatar": svg})
    assert response.status_code == 200
    assert "SVG" in response.content.decode()
    assert not User.objects.filter(username="zhangsan").exists()
    assert not media_root.exists() or not any(path.is_file() for path in media_root.rglob("*"))


def test_a_good_avatar_is_stored_as_a_square(administrator):
    """The invitee may add a picture; it is stored re-encoded, square."""
    link = invitations.invitation_url(InvitationFactory(invited_by=administrator))
    photo = SimpleUploadedFile("me.png", png_bytes(900, 600))
    assert client_for(None).post(link, {**_accept_data(), "avatar": photo}).status_code == 302
    profile = ContributorProfile.objects.get(user__username="zhangsan")
    with profile.avatar.open() as stored, Image.open(stored) as image:
        assert (image.format, image.size) == ("WEBP", (400, 400))


def test_an_address_with_an_account_is_not_invited(
    administrator, django_capture_on_commit_callbacks
):
    """The form says who has the address; no invitation, no email."""
    UserFactory(username="lisi", email="lisi@example.com")
    response = _invite(
        client_for(administrator), django_capture_on_commit_callbacks, email="LiSi@Example.com"
    )
    assert response.status_code == 200
    assert "lisi" in response.content.decode() and "已经有账号" in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_the_invitation_page_shows_a_copyable_link_while_pending(administrator):
    """If the email went astray, the Administrator can send the link another way."""
    invitation = InvitationFactory(invited_by=administrator)
    response = client_for(administrator).get(
        reverse("admin:editorial_invitation_change", args=[invitation.pk])
    )
    assert response.status_code == 200
    assert "/invitations/" in response.content.decode()
    assert 'name="_save"' not in response.content.decode()


def test_a_double_submit_creates_one_account(administrator):
    """The service refuses a second acceptance of the same invitation."""
    invitation = InvitationFactory(invited_by=administrator)
    profile = profiles.ProfileData(display_name="张三")
    invitations.invitation_accept(
        invitation=invitation, username="zhangsan", password=PASSWORD, profile=profile
    )
    with pytest.raises(invitations.InvitationUsed):
        invitations.invitation_accept(
            invitation=invitation, username="zhangsan2", password=PASSWORD, profile=profile
        )
    assert User.objects.filter(username__startswith="zhangsan").count() == 1


# ---------------------------------------------------------------------------
# Who may invite: the role matrix over HTTP
# ---------------------------------------------------------------------------

#               contributor reviewer editor administrator anonymous
INVITE_MATRIX = {
    "changelist": (403, 403, 403, 200, "login"),
    "add_form": (403, 403, 403, 200, "login"),
    "invite": (403, 403, 403, 302, "login"),
}


@pytest.mark.parametrize(
    ("page", "role", "expected"),
    [
        pytest.param(page, role, expected, id=f"{page}-{role}")
        for page, row in INVITE_MATRIX.items()
        for role, expected in zip(ROLES, row, strict=True)
    ],
)
def test_only_administrators_invite(
    people, page, role, expected, django_capture_on_commit_callbacks
):
    """Only Administrators open the invitation admin and send invitations."""
    client = client_for(people[role])
    if page == "changelist":
        response = client.get(reverse("admin:editorial_invitation_changelist"))
    elif page == "add_form":
        response = client.get(reverse("admin:editorial_invitation_add"))
    else:
        response = _invite(client, django_capture_on_commit_callbacks)
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == expected
    sent = page == "invite" and expected == 302
    assert Invitation.objects.exists() is sent
    assert len(mail.outbox) == (1 if sent else 0)


def test_a_superuser_invites(superuser, django_capture_on_commit_callbacks):
    """Superusers hold every role, Administrator included."""
    response = _invite(client_for(superuser), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Invitation.objects.get().invited_by == superuser
