"""Deactivation: no login, no mail, sessions end at once, and everything the person
made stays as it was."""

import pytest
import reversion
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from editorial import workflow
from editorial.accounts import membership
from editorial.errors import EditorialError
from editorial.models import AuditEntry, ReviewComment
from editorial.permissions import rules
from editorial.permissions.roles import Role
from newsletter.models import Credit, Item
from tests.admin_forms import user_form_data
from tests.editorial.conftest import client_for
from tests.factories import (
    ContributorProfileFactory,
    ItemFactory,
    ReviewCommentFactory,
    RoleUserFactory,
    public_item,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
ROLES = ["contributor", "reviewer", "editor", "administrator", "anonymous"]


def _deactivate_by_action(client, *users):
    return client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate_selected", "_selected_action": [user.pk for user in users]},
    )


def _logged_in(user) -> Client:
    """A client that signed in through the admin login form, as a person would."""
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, "the login should have worked"
    return client


def _admin_home_status(client) -> tuple[int, str]:
    response = client.get(reverse("admin:index"))
    return response.status_code, response.get("Location", "")


def test_an_administrator_deactivates_from_the_user_list(administrator, contributor):
    """The bulk action deactivates, reports, and writes one audit row per account."""
    response = _deactivate_by_action(client_for(administrator), contributor)
    assert response.status_code == 302
    contributor.refresh_from_db()
    assert not contributor.is_active
    entry = AuditEntry.objects.get(action="account.deactivate")
    assert (entry.actor, entry.account, entry.from_state, entry.to_state) == (
        administrator,
        contributor,
        "active",
        "inactive",
    )


def test_a_deactivated_account_cannot_log_in(administrator, contributor):
    """The right password no longer opens the admin."""
    membership.account_deactivate(user=contributor, actor=administrator)
    client = Client()
    response = client.post(
        reverse("admin:login"), {"username": contributor.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _admin_home_status(client)[0] == 302


def test_an_open_session_ends_at_once(administrator, contributor):
    """A signed-in browser is signed out by its very next request, and its session row is gone."""
    browser = _logged_in(contributor)
    assert _admin_home_status(browser) == (200, "")
    assert Session.objects.count() == 1
    _deactivate_by_action(client_for(administrator), contributor)
    status, location = _admin_home_status(browser)
    assert status == 302 and location.startswith(reverse("admin:login"))
    # The administrator's own session is the only one left.
    assert [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()] == [
        str(administrator.pk)
    ]


def test_the_sessions_of_others_are_untouched(administrator, contributor, reviewer):
    """Only the deactivated person is signed out."""
    theirs, colleague = _logged_in(contributor), _logged_in(reviewer)
    membership.account_deactivate(user=contributor, actor=administrator)
    assert _admin_home_status(theirs)[0] == 302
    assert _admin_home_status(colleague) == (200, "")


def test_a_session_the_service_cannot_reach_still_ends(administrator, contributor, settings):
    """With cookie sessions nothing is stored to delete; Django still refuses the inactive user."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    browser = _logged_in(contributor)
    assert _admin_home_status(browser) == (200, "")
    membership.account_deactivate(user=contributor, actor=administrator)
    assert _admin_home_status(browser)[0] == 302


def test_unticking_active_in_the_user_form_deactivates_through_the_service(
    administrator, contributor
):
    """The checkbox ends the sessions and logs the change like the action does."""
    browser = _logged_in(contributor)
    admin = client_for(administrator)
    url = reverse("admin:auth_user_change", args=[contributor.pk])
    assert admin.post(url, user_form_data(admin, contributor, is_active=None)).status_code == 302
    contributor.refresh_from_db()
    assert not contributor.is_active
    assert _admin_home_status(browser)[0] == 302
    assert AuditEntry.objects.filter(action="account.deactivate", account=contributor).count() == 1


def test_reactivation_lets_the_person_back_in(administrator, contributor):
    """Their password and roles are as they were."""
    membership.account_deactivate(user=contributor, actor=administrator)
    response = client_for(administrator).post(
        reverse("admin:auth_user_changelist"),
        {"action": "reactivate_selected", "_selected_action": [contributor.pk]},
    )
    assert response.status_code == 302
    _logged_in(contributor)
    assert rules.user_roles(contributor) == {Role.CONTRIBUTOR}
    assert AuditEntry.objects.filter(action="account.reactivate").count() == 1


def test_a_deactivated_reviewer_gets_no_mail(
    administrator, contributor, reviewer, django_capture_on_commit_callbacks
):
    """Editorial notifications skip inactive accounts."""
    colleague = RoleUserFactory(username="rob", role=Role.REVIEWER)
    membership.account_deactivate(user=reviewer, actor=administrator)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.item_submit(item=ItemFactory(author=contributor), actor=contributor)
    assert [message.to for message in mail.outbox] == [[colleague.email]]


def test_a_deactivated_account_gets_no_password_reset_mail(client, administrator, contributor):
    """The reset form answers as usual and sends nothing."""
    membership.account_deactivate(user=contributor, actor=administrator)
    response = client.post(reverse("admin_password_reset"), {"email": contributor.email})
    assert response.status_code == 302
    assert mail.outbox == []


def test_their_work_stays_intact(client, administrator, contributor, reviewer):
    """Items, comments, revisions, the credit and the contributor page are unchanged."""
    ContributorProfileFactory(user=contributor, display_name="爱丽丝")
    published = public_item(author=contributor, reviewer=reviewer, title="Helm 4 发布")
    draft = ItemFactory(author=contributor, title="草稿")
    with reversion.create_revision():
        reversion.set_user(contributor)
        draft.body = "改过的正文"
        draft.save()
    comment = ReviewCommentFactory(item=draft, author=contributor, body="我补充了数据")
    before = {
        "items": list(Item.objects.filter(author=contributor).values()),
        "comments": list(ReviewComment.objects.filter(author=contributor).values()),
        "revisions": list(Version.objects.filter(revision__user=contributor).values()),
        "credit": list(Credit.objects.filter(user=contributor).values()),
    }

    _deactivate_by_action(client_for(administrator), contributor)

    after = {
        "items": list(Item.objects.filter(author=contributor).values()),
        "comments": list(ReviewComment.objects.filter(author=contributor).values()),
        "revisions": list(Version.objects.filter(revision__user=contributor).values()),
        "credit": list(Credit.objects.filter(user=contributor).values()),
    }
    assert after == before
    assert len(after["items"]) == 2 and after["comments"][0]["id"] == comment.pk
    assert len(after["revisions"]) == 1
    page = client.get(published.issue.get_absolute_url()).content.decode()
    assert "爱丽丝" in page and "Helm 4 发布" in page
    assert client.get(f"/contributors/{contributor.username}/").status_code == 200


def test_nobody_deactivates_themselves(administrator):
    """The service refuses, and the user form shows "active" read-only on one's own account."""
    with pytest.raises(EditorialError):
        membership.account_deactivate(user=administrator, actor=administrator)
    response = client_for(administrator).get(
        reverse("admin:auth_user_change", args=[administrator.pk])
    )
    assert 'name="is_active"' not in response.content.decode()
    _deactivate_by_action(client_for(administrator), administrator)
    administrator.refresh_from_db()
    assert administrator.is_active


def test_an_administrator_cannot_deactivate_a_superuser(administrator, superuser):
    """Only a superuser deactivates a superuser."""
    response = _deactivate_by_action(client_for(administrator), superuser)
    assert response.status_code == 302
    superuser.refresh_from_db()
    assert superuser.is_active
    assert not AuditEntry.objects.exists()


#                 contributor reviewer editor administrator anonymous
DEACTIVATE = (403, 403, 403, "ok", "login")


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, DEACTIVATE, strict=True)), ids=ROLES)
def test_only_administrators_deactivate(people, other_contributor, role, expected):
    """The action, posted by each role, works only for Administrators."""
    response = _deactivate_by_action(client_for(people[role]), other_contributor)
    other_contributor.refresh_from_db()
    if expected == "ok":
        assert response.status_code == 302
        assert not other_contributor.is_active
        return
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == expected
    assert other_contributor.is_active
    assert not AuditEntry.objects.exists()


def test_a_superuser_deactivates(superuser, contributor):
    """Superusers hold the Administrator role."""
    _deactivate_by_action(client_for(superuser), contributor)
    contributor.refresh_from_db()
    assert not contributor.is_active
