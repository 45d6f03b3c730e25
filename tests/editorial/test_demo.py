"""The demo gives one login per newsroom role, with the admin's password."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from editorial.selectors import dashboard_for

pytestmark = pytest.mark.django_db


def test_load_demo_prints_one_login_per_role_with_the_admins_password():
    """contributor, reviewer, editor and accounts share the printed password."""
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    text = output.getvalue()
    password = re.search(r"password: (\S+)", text)[1]
    assert (
        "contributor (Contributor), reviewer (Reviewer), editor (Editor-in-chief), "
        "accounts (Administrator)" in text
    )
    users = get_user_model().objects.filter(
        username__in=["contributor", "reviewer", "editor", "accounts"]
    )
    assert len(users) == 4
    assert all(user.is_staff and user.check_password(password) for user in users)


def test_the_demo_gives_every_dashboard_something_to_show():
    """The contributor has a draft and an item sent back; the reviewer an assignment."""
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    users = get_user_model().objects
    contributor = dashboard_for(user=users.get(username="contributor"))
    reviewer = dashboard_for(user=users.get(username="reviewer"))
    assert len(contributor.my_drafts) == 1
    assert len(contributor.changes_requested) == 1
    assert contributor.changes_requested[0].open_comment_count == 1
    assert reviewer.awaiting_my_review[0].review_assignment.reviewer.username == "reviewer"
