"""Export then import: the site's own Markdown gives every item back as it was."""

from datetime import datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from newsletter.management.commands.load_demo import DEMO_DIR
from newsletter.models import FurtherReading, Issue, Item, Section
from newsletter.services import issue_import

DATA = Path(__file__).resolve().parents[1] / "data"
PUBLISHED = datetime(2025, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DEMO_FILES = sorted(path for path in DEMO_DIR.iterdir() if path.suffix in {".md", ".txt"})

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    call_command("loaddata", "projects", "sections", verbosity=0)


def _export(slug: str) -> str:
    out = StringIO()
    call_command("export_issue", slug, "--format", "md", stdout=out, stderr=StringIO())
    return out.getvalue()


def _fields(issue: Issue) -> dict:
    """Return what a reader sees of `issue`: its title, intro and every item's fields."""
    items = issue.items.select_related("section").prefetch_related("further_reading")
    return {
        "title": issue.title,
        "intro": issue.intro,
        "items": [
            {
                "section": item.section_id,
                "position": item.position,
                "title": item.title,
                "original_title": item.original_title,
                "source_url": item.source_url,
                "body": item.body,
                "remark": item.remark,
                "further_reading": [(link.title, link.url) for link in item.further_reading.all()],
            }
            for item in items.order_by("section__position", "position")
        ],
    }


def _assert_round_trip(issue: Issue, client) -> None:
    """Export `issue`, import the file as another issue and compare them field by field."""
    text = _export(issue.slug)
    assert client.get(f"/issues/{issue.slug}.md").content.decode() == text
    copy, count = issue_import(text=text, slug=f"{issue.slug}-copy", publish_at=PUBLISHED)
    assert count == issue.items.count()
    original, again = _fields(issue), _fields(copy)
    assert again["title"] == original["title"]
    assert again["intro"] == original["intro"]
    for before, after in zip(original["items"], again["items"], strict=True):
        assert after == before, before["title"]


def test_the_excerpt_comes_back_field_for_field(catalogue, client):
    """The November excerpt, imported, exported and imported again, is unchanged."""
    text = (DATA / "2025-11-excerpt.txt").read_text(encoding="utf-8")
    issue, _count = issue_import(text=text, slug="2025-11", publish_at=PUBLISHED)
    _assert_round_trip(issue, client)


def test_the_demo_has_issue_files():
    """The loop below covers the demo's issues: there are some to cover."""
    assert [path.name for path in DEMO_FILES] == ["2025-10.md", "2025-11.txt"]


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda path: path.name)
def test_every_demo_issue_comes_back_field_for_field(catalogue, client, path):
    """Each issue load_demo imports survives export and import unchanged."""
    # The same service and arguments load_demo uses, so the rows are the demo's.
    issue, _count = issue_import(
        text=path.read_text(encoding="utf-8"), slug=path.stem, replace=True, publish_at=PUBLISHED
    )
    _assert_round_trip(issue, client)


def test_items_written_in_the_admin_come_back_field_for_field(client):
    """Headings of every level, quotes, look-alike lines and special titles survive."""
    issue = Issue.objects.create(
        slug="2025-12",
        title="云原生月刊 *特刊* [2025]",
        intro="## 本期不是专题\n\n### 也不是条目\n\n导读正文。",
        status=Issue.Status.PUBLISHED,
        publish_at=PUBLISHED,
    )
    section = Section.objects.create(name="工具_推荐 & 实践", slug="tools", emoji="🧰", position=5)
    first = Item.objects.create(
        issue=issue,
        section=section,
        position=1,
        state=Item.State.APPROVED,
        title="`kubectl` 的 *十个* 技巧 [上] #1 C# 与 Issue #",
        original_title="> 10 kubectl tips & tricks <2025>",
        source_url="https://en.wikipedia.org/wiki/Kubectl_(tool)",
        body=(
            "# 一级\n\n## 二级\n\n### 三级\n\n#### 四级\n\n##### 五级\n\n###### 六级\n\n"
            "1. 安装\n2. 配置\n\n2. 看起来像第二条\n\n### 2. 也像第二条\n\n"
            "🎤 不是点评\n\n原文:https://example.com/not-the-source\n\n"
            "拓展阅读:不是拓展阅读\n\n#### 拓展阅读\n\n正文还没完。\n\n"
            "```yaml\n### 代码里的井号\n```"
        ),
        remark="第一段。\n\n第二段,换行  \n之后。\n\n> 引用\n\n🎤 还是点评\n\n- 列表",
    )
    for position, (title, url) in enumerate(
        [
            ("[官方] 文档", "https://k8s.io/"),
            ("没有链接的 *标题*", ""),
            ("见 https://example.com", ""),
        ],
        start=1,
    ):
        FurtherReading.objects.create(item=first, title=title, url=url, position=position)
    Item.objects.create(
        issue=issue,
        section=section,
        position=2,
        state=Item.State.APPROVED,
        title="只有来源",
        source_url="https://example.com/a.",
        body="> 引用开头\n\n[链接开头](https://example.com/b)",
    )
    _assert_round_trip(issue, client)
