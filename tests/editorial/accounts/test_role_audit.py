"""Role changes are audited: who changed whose roles, from what to what."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from editorial.accounts import membership
from editorial.errors import EditorialError, NotPermitted
from editorial.models import AuditEntry
from editorial.permissions import rules
from editorial.permissions.roles import Role
from tests.admin_forms import user_form_data
from tests.editorial.conftest import client_for

pytestmark = pytest.mark.django_db


def _group(name: str) -> Group:
    return Group.objects.get_or_create(name=name)[0]


def test_changing_roles_in_the_user_form_writes_one_audit_row(administrator, contributor):
    """The row names the Administrator, the account, and the roles before and after."""
    admin = client_for(administrator)
    url = reverse("admin:auth_user_change", args=[contributor.pk])
    data = user_form_data(
        admin, contributor, groups=[_group(Role.REVIEWER).pk, _group(Role.EDITOR).pk]
    )
    assert admin.post(url, data).status_code == 302
    assert sorted(contributor.groups.values_list("name", flat=True)) == [Role.EDITOR, Role.REVIEWER]
    entry = AuditEntry.objects.get(action="account.roles_change")
    assert (entry.actor, entry.account, entry.object_repr) == (
        administrator,
        contributor,
        contributor.username,
    )
    assert entry.data == {"from": [Role.CONTRIBUTOR], "to": [Role.EDITOR, Role.REVIEWER]}
    assert entry.note == f"{Role.CONTRIBUTOR} → {Role.EDITOR}、{Role.REVIEWER}"


def test_saving_without_a_role_change_writes_nothing(administrator, contributor):
    """Editing the email leaves the audit log alone."""
    admin = client_for(administrator)
    url = reverse("admin:auth_user_change", args=[contributor.pk])
    assert (
        admin.post(url, user_form_data(admin, contributor, email="a@example.org")).status_code
        == 302
    )
    contributor.refresh_from_db()
    assert contributor.email == "a@example.org"
    assert not AuditEntry.objects.exists()


def test_removing_every_role_is_recorded(administrator, contributor):
    """Taking someone out of the newsroom is a role change too."""
    admin = client_for(administrator)
    url = reverse("admin:auth_user_change", args=[contributor.pk])
    admin.post(url, user_form_data(admin, contributor, groups=None))
    assert rules.user_roles(contributor) == frozenset()
    assert AuditEntry.objects.get(action="account.roles_change").data == {
        "from": [Role.CONTRIBUTOR],
        "to": [],
    }


def test_the_new_roles_apply_at_once(administrator, contributor):
    """A contributor made reviewer may open the issue list on the next request."""
    membership.account_roles_set(
        user=contributor, actor=administrator, groups=[_group(Role.REVIEWER)]
    )
    response = client_for(contributor).get(reverse("admin:newsletter_issue_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["contributor", "reviewer", "editor"])
def test_only_account_managers_change_roles(people, other_contributor, role):
    """The service refuses anyone but an Administrator, and logs nothing."""
    with pytest.raises(NotPermitted):
        membership.account_roles_set(
            user=other_contributor, actor=people[role], groups=[_group(Role.EDITOR)]
        )
    assert list(other_contributor.groups.values_list("name", flat=True)) == [Role.CONTRIBUTOR]
    assert not AuditEntry.objects.exists()


def test_an_administrator_cannot_change_a_superusers_roles(administrator, superuser):
    """Superusers are managed by superusers."""
    with pytest.raises(EditorialError):
        membership.account_roles_set(
            user=superuser, actor=administrator, groups=[_group(Role.EDITOR)]
        )


def test_the_audit_log_shows_account_rows_to_administrators(administrator, contributor):
    """The row links to the account it is about."""
    membership.account_roles_set(
        user=contributor, actor=administrator, groups=[_group(Role.EDITOR)]
    )
    response = client_for(administrator).get(reverse("admin:editorial_auditentry_changelist"))
    html = response.content.decode()
    assert "account.roles_change" in html
    assert reverse("admin:auth_user_change", args=[contributor.pk]) in html
