import secrets
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from newsletter.models import Issue, Item, Section
from newsletter.rendering import issue_render, item_render
from newsletter.services import issue_import

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_TAGS = {
    "Gateway API": ["网络", "API"],
    "Linkerd": ["服务网格", "安全"],
    "Helm": ["包管理"],
    "Kubernetes": ["版本发布"],
    "Istio": ["服务网格"],
}


class Command(BaseCommand):
    help = "Load the demo: project catalogue, two published issues, a draft, an admin account."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    @transaction.atomic
    def handle(self, *args, username: str, **options):
        call_command("loaddata", "projects", verbosity=0)
        call_command("loaddata", "sections", verbosity=0)
        issue_import(
            text=(DEMO_DIR / "2025-10.md").read_text(encoding="utf-8"),
            slug="2025-10",
            replace=True,
            publish_at=datetime(2025, 10, 31, 9, 0, tzinfo=SHANGHAI),
        )
        issue_import(
            text=(DEMO_DIR / "2025-11.txt").read_text(encoding="utf-8"),
            slug="2025-11",
            replace=True,
            publish_at=datetime(2025, 11, 30, 9, 0, tzinfo=SHANGHAI),
        )
        self._tag_items()
        admin = self._admin(username)
        self._draft_issue(author=admin)
        # Hex only: a password starting with "-" would read as an option when pasted.
        password = secrets.token_hex(8)
        admin.set_password(password)
        admin.save(update_fields=["password"])
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        self.stdout.write(
            f"Admin login: http://127.0.0.1:8000/admin/  user: {username}  password: {password}"
        )
        # One account per newsroom role; by name, as newsletter never imports editorial.
        call_command("demo_newsroom", password=password, stdout=self.stdout)

    def _tag_items(self) -> None:
        for item in Item.objects.filter(issue__slug__in=["2025-10", "2025-11"]):
            for name, tags in DEMO_TAGS.items():
                if name.lower() in item.title.lower():
                    item.tags.add(*tags)

    def _admin(self, username: str):
        user_model = get_user_model()
        admin, _ = user_model.objects.get_or_create(
            username=username,
            defaults={"is_staff": True, "is_superuser": True, "email": f"{username}@localhost"},
        )
        return admin

    def _draft_issue(self, *, author) -> None:
        """A next issue in the works: never visible on the public site."""
        issue, _ = Issue.objects.update_or_create(
            slug="2025-12",
            defaults={"title": "云原生月刊 2025 年 12 月", "period": "2025 年 12 月"},
        )
        issue_render(issue=issue)
        section = Section.objects.order_by("position").first()
        item, _ = Item.objects.update_or_create(
            issue=issue,
            section=section,
            position=1,
            defaults={
                "title": "草稿:Kubernetes v1.35 正式发布",
                "body": "### 简介\n\n尚在审校中的条目,公开页面不可见。",
                "author": author,
                "state": Item.State.IN_REVIEW,
            },
        )
        item_render(item=item)
