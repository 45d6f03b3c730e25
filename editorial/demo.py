"""The demo newsroom: one account per role and a little work in progress.

Called by `load_demo`; running it again updates the same rows.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from editorial.accounts.profiles import ProfileData, contributor_profile_save
from editorial.models import ReviewAssignment, ReviewComment
from editorial.permissions.roles import Role
from newsletter.models import Issue, Item, Section
from newsletter.rendering import item_render

DEMO_ACCOUNTS = [
    ("contributor", Role.CONTRIBUTOR, "撰稿人"),
    ("reviewer", Role.REVIEWER, "审校"),
    ("editor", Role.EDITOR, "主编"),
    ("accounts", Role.ADMINISTRATOR, "管理员"),
]


def _account(username: str, role: str, name: str, password: str):
    user, _created = get_user_model().objects.update_or_create(
        username=username,
        defaults={
            "is_staff": True,
            "is_active": True,
            "first_name": name,
            "email": f"{username}@localhost",
        },
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    user.groups.set([Group.objects.get_or_create(name=role)[0]])
    return user


def _work_in_progress(*, contributor, reviewer) -> None:
    section = Section.objects.order_by("position").first()
    draft, _created = Item.objects.update_or_create(
        title="Cilium 1.19 发布:更快的网络策略",
        defaults={
            "author": contributor,
            "section": section,
            "source_url": "https://cilium.io/blog/",
            "body": "### 简介\n\n撰稿人还在写的草稿,只有自己和编辑部看得到。",
            "state": Item.State.DRAFT,
        },
    )
    sent_back, _created = Item.objects.update_or_create(
        title="Gateway API v1.4 进入 GA",
        defaults={
            "author": contributor,
            "section": section,
            "source_url": "https://gateway-api.sigs.k8s.io/",
            "body": "### 简介\n\nGateway API 新版本带来了更多稳定特性。",
            "state": Item.State.CHANGES_REQUESTED,
        },
    )
    for item in (draft, sent_back):
        item_render(item=item)
    if not sent_back.review_comments.exists():
        ReviewComment.objects.create(
            item=sent_back,
            author=reviewer,
            quote="更多稳定特性",
            body="请列出具体是哪些特性进入了 GA,@contributor",
        )
    in_review = Item.objects.filter(
        issue__status=Issue.Status.DRAFT, state=Item.State.IN_REVIEW
    ).first()
    if in_review is not None:
        ReviewAssignment.objects.update_or_create(
            item=in_review,
            defaults={
                "reviewer": reviewer,
                "due_date": timezone.localdate() + timedelta(days=3),
            },
        )


DEMO_PROFILES = {
    "contributor": ProfileData(
        display_name="林小溪",
        bio="关注服务网格与 Gateway API,每月为本刊整理新版本。",
        links=("https://github.com/",),
    ),
    "reviewer": ProfileData(display_name="周审校", bio="Kubernetes 贡献者,负责本刊的技术审校。"),
}


def _credit_published_items(*, contributor, reviewer) -> None:
    """Give the demo's published items an author and a reviewer, so credits show."""
    Item.objects.filter(issue__slug__in=["2025-10", "2025-11"]).update(
        author=contributor, reviewer=reviewer
    )


@transaction.atomic
def demo_newsroom(*, password: str) -> list:
    """Create (or update) one account per role with `password`; return them.

    The contributor and reviewer get public profiles and are credited on the
    published demo issues. Also leaves the contributor a draft and an item sent back with a comment,
    and assigns the draft issue's item in review to the reviewer, so each
    dashboard has something on it.
    """
    users = [_account(username, role, name, password) for username, role, name in DEMO_ACCOUNTS]
    for user in users:
        if user.username in DEMO_PROFILES:
            contributor_profile_save(user=user, actor=user, data=DEMO_PROFILES[user.username])
    _credit_published_items(contributor=users[0], reviewer=users[1])
    _work_in_progress(contributor=users[0], reviewer=users[1])
    return users
