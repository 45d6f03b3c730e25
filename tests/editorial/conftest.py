"""Newsroom people, one per role, and a logged-in client for each."""

import pytest
from django.test import Client

from editorial.permissions.roles import Role
from tests.factories import RoleUserFactory


@pytest.fixture
def contributor(db):
    return RoleUserFactory(username="alice", role=Role.CONTRIBUTOR)


@pytest.fixture
def other_contributor(db):
    return RoleUserFactory(username="carol", role=Role.CONTRIBUTOR)


@pytest.fixture
def reviewer(db):
    return RoleUserFactory(username="rita", role=Role.REVIEWER)


@pytest.fixture
def editor(db):
    return RoleUserFactory(username="eddie", role=Role.EDITOR)


@pytest.fixture
def administrator(db):
    return RoleUserFactory(username="ada", role=Role.ADMINISTRATOR)


@pytest.fixture
def people(contributor, reviewer, editor, administrator):
    """Everyone by the name used in the matrix tests; anonymous is None."""
    return {
        "contributor": contributor,
        "reviewer": reviewer,
        "editor": editor,
        "administrator": administrator,
        "anonymous": None,
    }


def client_for(user) -> Client:
    """Return a test client logged in as `user` (anonymous for None)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
