"""The role × action matrix, cell by cell, through the admin over HTTP.

Rows are the people (contributor, reviewer, editor-in-chief, administrator,
anonymous); columns are the item transitions, the review actions, the issue's
release actions and the admin pages. The contributor is the author of the
item acted on, so "own item" rules are exercised where they matter.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.models import AuditEntry, ReviewAssignment, ReviewComment
from newsletter.models import Issue, Item
from tests.admin_forms import change_form_data
from tests.editorial.conftest import client_for
from tests.factories import IssueFactory, ItemFactory, ReviewCommentFactory, SectionFactory

pytestmark = pytest.mark.django_db

S = Item.State
ROLES = ["contributor", "reviewer", "editor", "administrator", "anonymous"]
OK, FORBIDDEN, NOT_FOUND, LOGIN, GONE = "ok", 403, 404, "login", "redirect-home"


def _cells(table):
    return [
        pytest.param(action, role, expected, id=f"{action}-{role}")
        for action, row in table.items()
        for role, expected in zip(ROLES, row, strict=True)
    ]


def _assert_refused(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    elif expected == GONE:
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
    else:
        assert response.status_code == expected


# ---------------------------------------------------------------------------
# Item transitions: the buttons of the item page
# ---------------------------------------------------------------------------

#                   contributor  reviewer   editor  administrator  anonymous
TRANSITIONS = {
    "submit": (OK, FORBIDDEN, OK, NOT_FOUND, LOGIN),
    "resubmit": (OK, FORBIDDEN, OK, NOT_FOUND, LOGIN),
    "return_to_draft": (OK, FORBIDDEN, OK, NOT_FOUND, LOGIN),
    "request_changes": (FORBIDDEN, OK, OK, NOT_FOUND, LOGIN),
    "approve": (FORBIDDEN, OK, OK, NOT_FOUND, LOGIN),
}
START = {
    "submit": (S.DRAFT, S.IN_REVIEW),
    "resubmit": (S.CHANGES_REQUESTED, S.IN_REVIEW),
    "return_to_draft": (S.IN_REVIEW, S.DRAFT),
    "request_changes": (S.IN_REVIEW, S.CHANGES_REQUESTED),
    "approve": (S.IN_REVIEW, S.APPROVED),
}


@pytest.mark.parametrize(("action", "role", "expected"), _cells(TRANSITIONS))
def test_item_transition_through_the_admin(people, action, role, expected):
    """Each role may press exactly the transition buttons of the matrix."""
    start, target = START[action]
    item = ItemFactory(author=people["contributor"], state=start, issue=None)
    url = reverse("admin:newsletter_item_transition", args=[item.pk, action])
    response = client_for(people[role]).post(url, {"comment": "请补充版本号", "note": "好"})
    item.refresh_from_db()
    if expected == OK:
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:newsletter_item_change", args=[item.pk])
        assert item.state == target
        entry = AuditEntry.objects.get(item=item)
        assert (entry.action, entry.actor) == (f"item.{action}", people[role])
    else:
        _assert_refused(response, expected)
        assert item.state == start
        assert not AuditEntry.objects.exists()


# ---------------------------------------------------------------------------
# Review actions: comment, resolve, assign, correct
# ---------------------------------------------------------------------------

REVIEW_ACTIONS = {
    "comment": (OK, OK, OK, NOT_FOUND, LOGIN),
    "resolve": (OK, OK, OK, NOT_FOUND, LOGIN),
    "assign_review": (FORBIDDEN, OK, OK, NOT_FOUND, LOGIN),
    "correct": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, LOGIN),
}


def _post_review_action(action, people, client):
    author = people["contributor"]
    if action == "comment":
        item = ItemFactory(author=author, state=S.IN_REVIEW)
        url = reverse("admin:newsletter_item_comment_add", args=[item.pk])
        return item, client.post(url, {"body": "这一段需要来源"})
    if action == "resolve":
        item = ItemFactory(author=author, state=S.IN_REVIEW)
        thread = ReviewCommentFactory(item=item, author=people["reviewer"])
        url = reverse(
            "admin:newsletter_item_comment_resolution", args=[item.pk, thread.pk, "resolve"]
        )
        return item, client.post(url)
    if action == "assign_review":
        item = ItemFactory(author=author, state=S.IN_REVIEW)
        url = reverse("admin:newsletter_item_review_assignment", args=[item.pk])
        return item, client.post(url, {"reviewer": people["reviewer"].pk, "due_date": "2030-01-31"})
    item = ItemFactory(author=author, state=S.APPROVED, issue=IssueFactory(published=True))
    url = reverse("admin:newsletter_item_change", args=[item.pk])
    form = client_for(people["editor"]).get(url)
    data = change_form_data(form, body="勘误后的正文", correction_note="修正错别字")
    return item, client.post(url, data)


def _review_action_happened(action, item) -> bool:
    return {
        "comment": lambda: ReviewComment.objects.filter(item=item).exists(),
        "resolve": lambda: ReviewComment.objects.filter(
            item=item, resolved_at__isnull=False
        ).exists(),
        "assign_review": lambda: ReviewAssignment.objects.filter(item=item).exists(),
        "correct": lambda: AuditEntry.objects.filter(item=item, action="item.correct").exists(),
    }[action]()


@pytest.mark.parametrize(("action", "role", "expected"), _cells(REVIEW_ACTIONS))
def test_review_action_through_the_admin(people, action, role, expected):
    """Comments, resolutions, assignments and corrections follow the matrix."""
    item, response = _post_review_action(action, people, client_for(people[role]))
    if expected == OK:
        assert response.status_code == 302
        assert _review_action_happened(action, item)
    else:
        _assert_refused(response, expected)
        assert not _review_action_happened(action, item)


def test_a_correction_keeps_the_item_approved_and_public(people, client):
    """The editor's logged correction changes the text without a new review."""
    item = ItemFactory(state=S.APPROVED, issue=IssueFactory(published=True), body="旧")
    editor = client_for(people["editor"])
    url = reverse("admin:newsletter_item_change", args=[item.pk])
    data = change_form_data(editor.get(url), body="新的正文", correction_note="补充数据")
    assert editor.post(url, data).status_code == 302
    item.refresh_from_db()
    assert (item.body, item.state) == ("新的正文", S.APPROVED)
    assert "新的正文" in client.get(item.issue.get_absolute_url()).content.decode()


def test_an_editor_must_explain_a_change_to_a_published_item(people):
    """Without a correction note the form is refused and nothing is saved."""
    item = ItemFactory(state=S.APPROVED, issue=IssueFactory(published=True), body="旧")
    editor = client_for(people["editor"])
    url = reverse("admin:newsletter_item_change", args=[item.pk])
    response = editor.post(url, change_form_data(editor.get(url), body="悄悄改"))
    assert response.status_code == 200
    assert "须填写勘误说明" in response.content.decode()
    item.refresh_from_db()
    assert item.body == "旧"


def test_editing_an_approved_item_in_the_admin_sends_it_back_to_review(people):
    """The contributor's own edit of an approved, unreleased item needs review again."""
    item = ItemFactory(author=people["contributor"], state=S.APPROVED, issue=None)
    contributor = client_for(people["contributor"])
    url = reverse("admin:newsletter_item_change", args=[item.pk])
    assert (
        contributor.post(url, change_form_data(contributor.get(url), body="改了")).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.state == S.IN_REVIEW
    assert AuditEntry.objects.get(item=item).action == "item.edit"


# ---------------------------------------------------------------------------
# The release desk of an issue
# ---------------------------------------------------------------------------

RELEASE_ACTIONS = {
    "arrange": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, LOGIN),
    "place": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, LOGIN),
    "unplace": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, LOGIN),
    "schedule": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, LOGIN),
    "publish": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, LOGIN),
    "withdraw": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, LOGIN),
}


def _post_release_action(action, client):
    section = SectionFactory()
    issue = IssueFactory(published=(action == "withdraw"))
    first = ItemFactory(issue=issue, section=section, position=1, approved=True)
    second = ItemFactory(issue=issue, section=section, position=2, approved=True)
    pooled = ItemFactory(issue=None, section=section, approved=True)
    url = reverse(f"admin:newsletter_issue_{action}", args=[issue.pk])
    data = {
        "arrange": {"move": f"{first.pk}:down"},
        "place": {"item": pooled.pk, "section": section.pk},
        "unplace": {"item": second.pk},
        "schedule": {
            "publish_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
        },
        "publish": {},
        "withdraw": {"reason": "发现事实错误"},
    }[action]
    response = client.post(url, data)
    issue.refresh_from_db()
    first.refresh_from_db()
    pooled.refresh_from_db()
    second.refresh_from_db()
    happened = {
        "arrange": first.position == 2,
        "place": pooled.issue_id == issue.pk,
        "unplace": second.issue_id is None,
        "schedule": issue.status == Issue.Status.SCHEDULED,
        "publish": issue.status == Issue.Status.PUBLISHED,
        "withdraw": issue.status == Issue.Status.WITHDRAWN,
    }[action]
    return issue, response, happened


@pytest.mark.parametrize(("action", "role", "expected"), _cells(RELEASE_ACTIONS))
def test_release_action_through_the_admin(people, action, role, expected):
    """Only the editor-in-chief assembles, schedules, publishes and withdraws."""
    issue, response, happened = _post_release_action(action, client_for(people[role]))
    if expected == OK:
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:newsletter_issue_release", args=[issue.pk])
        assert happened
        assert AuditEntry.objects.filter(issue=issue, action__startswith="issue.").count() == 1
    else:
        _assert_refused(response, expected)
        assert not happened
        assert not AuditEntry.objects.exists()


# ---------------------------------------------------------------------------
# Admin pages
# ---------------------------------------------------------------------------

PAGES = {
    "dashboard": (200, 200, 200, 200, LOGIN),
    "item_changelist": (200, 200, 200, FORBIDDEN, LOGIN),
    "item_add": (200, FORBIDDEN, 200, FORBIDDEN, LOGIN),
    "own_item_change": (200, 200, 200, FORBIDDEN, LOGIN),
    "others_item_change": (GONE, 200, 200, FORBIDDEN, LOGIN),
    "item_revisions": (200, 200, 200, FORBIDDEN, LOGIN),
    "others_item_revisions": (NOT_FOUND, 200, 200, FORBIDDEN, LOGIN),
    "issue_changelist": (FORBIDDEN, 200, 200, FORBIDDEN, LOGIN),
    "issue_add": (FORBIDDEN, FORBIDDEN, 200, FORBIDDEN, LOGIN),
    "issue_change": (FORBIDDEN, 200, 200, FORBIDDEN, LOGIN),
    "release_desk": (FORBIDDEN, FORBIDDEN, 200, FORBIDDEN, LOGIN),
    "section_changelist": (200, 200, 200, FORBIDDEN, LOGIN),
    "section_add": (FORBIDDEN, FORBIDDEN, 200, FORBIDDEN, LOGIN),
    "project_changelist": (200, 200, 200, FORBIDDEN, LOGIN),
    "project_add": (FORBIDDEN, FORBIDDEN, 200, FORBIDDEN, LOGIN),
    "user_changelist": (FORBIDDEN, FORBIDDEN, FORBIDDEN, 200, LOGIN),
    "user_add": (FORBIDDEN, FORBIDDEN, FORBIDDEN, 200, LOGIN),
    "group_changelist": (FORBIDDEN, FORBIDDEN, FORBIDDEN, 200, LOGIN),
    "audit_log": (FORBIDDEN, FORBIDDEN, 200, 200, LOGIN),
    "notification_settings": (200, 200, 200, 200, LOGIN),
}


def _page_url(page, people):
    own = ItemFactory(author=people["contributor"])
    others = ItemFactory(author=None)
    issue = IssueFactory()
    return {
        "dashboard": reverse("admin:index"),
        "item_changelist": reverse("admin:newsletter_item_changelist"),
        "item_add": reverse("admin:newsletter_item_add"),
        "own_item_change": reverse("admin:newsletter_item_change", args=[own.pk]),
        "others_item_change": reverse("admin:newsletter_item_change", args=[others.pk]),
        "item_revisions": reverse("admin:newsletter_item_revisions", args=[own.pk]),
        "others_item_revisions": reverse("admin:newsletter_item_revisions", args=[others.pk]),
        "issue_changelist": reverse("admin:newsletter_issue_changelist"),
        "issue_add": reverse("admin:newsletter_issue_add"),
        "issue_change": reverse("admin:newsletter_issue_change", args=[issue.pk]),
        "release_desk": reverse("admin:newsletter_issue_release", args=[issue.pk]),
        "section_changelist": reverse("admin:newsletter_section_changelist"),
        "section_add": reverse("admin:newsletter_section_add"),
        "project_changelist": reverse("admin:newsletter_project_changelist"),
        "project_add": reverse("admin:newsletter_project_add"),
        "user_changelist": reverse("admin:auth_user_changelist"),
        "user_add": reverse("admin:auth_user_add"),
        "group_changelist": reverse("admin:auth_group_changelist"),
        "audit_log": reverse("admin:editorial_auditentry_changelist"),
        "notification_settings": reverse("admin:editorial_notificationpreference_changelist"),
    }[page]


@pytest.mark.parametrize(("page", "role", "expected"), _cells(PAGES))
def test_admin_page_access(people, page, role, expected):
    """Each role opens exactly the admin pages of the matrix."""
    response = client_for(people[role]).get(_page_url(page, people), follow=False)
    if page == "notification_settings" and role != "anonymous":
        # The list page opens one's own settings.
        assert response.status_code == 302
        response = client_for(people[role]).get(response["Location"])
    if expected == 200:
        assert response.status_code == 200
    else:
        _assert_refused(response, expected)


def test_a_contributor_lists_only_their_own_items(people):
    """The changelist shows a contributor their items and nobody else's."""
    ItemFactory(author=people["contributor"], title="我的条目")
    ItemFactory(author=people["reviewer"], title="别人的条目")
    html = client_for(people["contributor"]).get(reverse("admin:newsletter_item_changelist"))
    assert "我的条目" in html.content.decode()
    assert "别人的条目" not in html.content.decode()


def test_a_reviewer_sees_an_item_read_only_with_review_buttons(people):
    """Reviewers cannot edit the text but can approve from the page."""
    item = ItemFactory(author=people["contributor"], state=S.IN_REVIEW)
    response = client_for(people["reviewer"]).get(
        reverse("admin:newsletter_item_change", args=[item.pk])
    )
    html = response.content.decode()
    assert 'name="_save"' not in html
    assert reverse("admin:newsletter_item_transition", args=[item.pk, "approve"]) in html
    assert reverse("admin:newsletter_item_transition", args=[item.pk, "submit"]) not in html


def test_a_contributor_cannot_place_their_item_in_an_issue(people):
    """Placement fields are read-only for contributors; a forged value is ignored."""
    item = ItemFactory(author=people["contributor"], issue=None)
    issue = IssueFactory()
    contributor = client_for(people["contributor"])
    url = reverse("admin:newsletter_item_change", args=[item.pk])
    data = change_form_data(contributor.get(url), issue=issue.pk, position=1)
    assert contributor.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.issue is None


def test_an_administrator_cannot_edit_a_superuser(people, django_user_model):
    """Account managers manage accounts, not the keys to everything."""
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "x")
    response = client_for(people["administrator"]).get(
        reverse("admin:auth_user_change", args=[boss.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in html


def test_an_administrator_cannot_make_anyone_a_superuser(people):
    """The superuser flag is read-only for non-superusers."""
    response = client_for(people["administrator"]).get(
        reverse("admin:auth_user_change", args=[people["contributor"].pk])
    )
    assert 'name="is_superuser"' not in response.content.decode()


def test_the_change_form_carries_the_version_it_was_opened_at(people):
    """The hidden version field is on the page, so conflicts are caught in a browser."""
    item = ItemFactory(author=people["contributor"])
    response = client_for(people["contributor"]).get(
        reverse("admin:newsletter_item_change", args=[item.pk])
    )
    assert 'name="expected_version"' in response.content.decode()


@pytest.mark.parametrize("role", ["contributor", "editor"])
def test_writers_get_the_figure_inline_on_the_item_form(people, role):
    """The roles that write items can attach figures (permissions from 0003)."""
    response = client_for(people[role]).get(reverse("admin:newsletter_item_add"))
    models = {
        inline.opts.model._meta.model_name for inline in response.context["inline_admin_formsets"]
    }
    assert "itemfigure" in models


def _bulk(client, action, items):
    return client.post(
        reverse("admin:newsletter_item_changelist"),
        {"action": action, "_selected_action": [item.pk for item in items]},
        follow=True,
    )


def test_a_reviewer_approves_in_bulk_but_never_their_own_item(people):
    """The bulk action runs the service per item and reports each refusal."""
    others = [
        ItemFactory(author=people["contributor"], state=S.IN_REVIEW, title=f"别人的 {n}")
        for n in range(2)
    ]
    own = ItemFactory(author=people["reviewer"], state=S.IN_REVIEW, title="我自己的")
    response = _bulk(client_for(people["reviewer"]), "approve_selected", [*others, own])
    messages = [str(message) for message in response.context["messages"]]
    assert "《我自己的》:不能审校自己写的条目。" in messages
    assert "已处理 2 篇条目。" in messages
    states = dict(Item.objects.values_list("title", "state"))
    assert states == {"别人的 0": S.APPROVED, "别人的 1": S.APPROVED, "我自己的": S.IN_REVIEW}
    assert AuditEntry.objects.filter(action="item.approve").count() == 2


def test_a_contributor_submits_their_drafts_in_bulk(people):
    """Several drafts go to review at once; one already in review is reported."""
    drafts = ItemFactory.create_batch(2, author=people["contributor"])
    waiting = ItemFactory(author=people["contributor"], state=S.IN_REVIEW, title="已在审")
    response = _bulk(client_for(people["contributor"]), "submit_selected", [*drafts, waiting])
    messages = [str(message) for message in response.context["messages"]]
    assert any("《已在审》" in message for message in messages)
    assert Item.objects.filter(state=S.IN_REVIEW).count() == 3


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        ("contributor", {"submit_selected", "resubmit_selected", "return_selected_to_draft"}),
        ("reviewer", {"approve_selected"}),
        (
            "editor",
            {
                "submit_selected",
                "resubmit_selected",
                "return_selected_to_draft",
                "approve_selected",
            },
        ),
    ],
)
def test_bulk_actions_offered_follow_the_role(people, role, offered):
    """Each role sees the bulk actions it may run."""
    response = client_for(people[role]).get(reverse("admin:newsletter_item_changelist"))
    choices = {value for value, _label in response.context["action_form"].fields["action"].choices}
    assert choices - {"", "delete_selected"} == offered


def test_the_editor_edits_an_issue_through_its_form(people):
    """The read-only item inline does not get in the way of saving the issue."""
    issue = IssueFactory(title="旧标题")
    ItemFactory(issue=issue)
    editor = client_for(people["editor"])
    url = reverse("admin:newsletter_issue_change", args=[issue.pk])
    response = editor.post(url, change_form_data(editor.get(url), title="新标题", cover=""))
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.title == "新标题"
