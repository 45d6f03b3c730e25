"""The import_issue command and service, against the database."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsletter.models import FurtherReading, Issue, Item, Project, Section
from newsletter.services import IssueExistsError, issue_import

DATA = Path(__file__).resolve().parents[1] / "data"
EXCERPT = DATA / "2025-11-excerpt.txt"

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    call_command("loaddata", "projects", "sections", verbosity=0)


def _import(*args):
    call_command("import_issue", str(EXCERPT), "--slug", "2025-11", *args, verbosity=0)


def test_the_excerpt_imports_two_sections_of_13_and_4_items(catalogue):
    """The sample issue lands with its sections and item counts."""
    _import()
    issue = Issue.objects.get(slug="2025-11")
    counts = {
        section.name: issue.items.filter(section=section).count()
        for section in Section.objects.filter(items__issue=issue).distinct()
    }
    assert counts == {"产品新功能/新版本": 13, "有意思的事与 Meme": 4}
    assert issue.period == "2025 年 11 月"


def test_imported_items_keep_positions_original_titles_and_remarks(catalogue):
    """Remarks and English titles land in their own fields."""
    _import()
    eso = Item.objects.get(issue__slug="2025-11", title__startswith="External Secrets")
    assert eso.position == 3
    assert eso.original_title == "External Secrets Operator is now GA with version v1.0.0"
    assert eso.remark.startswith("在 2025 年 8 月的简报中")
    assert "🎤" not in eso.remark
    assert 'class="remark' not in eso.body_html and eso.remark_html.startswith("<p>")
    maintainer = Item.objects.get(issue__slug="2025-11", title="从维护者的角度谈开源维护")
    assert maintainer.remark.startswith("从 Developer Activity")


def test_further_reading_lists_are_imported_in_order(catalogue):
    """拓展阅读 lines become ordered links without URLs."""
    _import()
    titles = list(
        FurtherReading.objects.filter(item__issue__slug="2025-11")
        .order_by("item__position", "position")
        .values_list("title", flat=True)
    )
    assert titles == [
        "Red Hat OpenShift 4.20 Boosts AI, Security, Hybrid Cloud",
        "Kubernetes 支持原生 Gang Scheduling : 适应 AI/ML 工作负载",
    ]


def test_items_are_linked_to_projects_named_in_their_titles(catalogue):
    """Helm, Linkerd and Gateway API items carry their projects."""
    _import()
    helm = Project.objects.get(slug="helm")
    assert [item.position for item in helm.items.all()] == [5]
    gateway_titles = set(
        Project.objects.get(slug="gateway-api").items.values_list("title", flat=True)
    )
    assert "Gateway API 1.4:新功能" in gateway_titles


def test_bodies_are_rendered_with_headings_and_lists(catalogue):
    """Sub-headings and bullets of the plain text become HTML structure."""
    _import()
    gateway = Item.objects.get(issue__slug="2025-11", position=1, section__slug="new-releases")
    assert '<h4 id="' in gateway.body_html and ">简介</h4>" in gateway.body_html
    assert "<li>用于网关和后端之间 TLS 的后端 TLS 策略</li>" in gateway.body_html


def test_a_plain_import_creates_drafts_and_a_draft_issue(catalogue):
    """Without --publish nothing becomes public."""
    _import()
    assert Issue.objects.get(slug="2025-11").status == Issue.Status.DRAFT
    assert set(Item.objects.values_list("state", flat=True)) == {Item.State.DRAFT}
    assert not Item.objects.public().exists()


def test_publish_imports_an_issue_already_sent(catalogue):
    """--publish approves the items and publishes the issue at the given time."""
    _import("--publish", "--publish-at", "2025-11-30T09:00")
    issue = Issue.objects.get(slug="2025-11")
    assert issue.status == Issue.Status.PUBLISHED
    assert issue.publish_at == datetime(2025, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert Item.objects.public().count() == 17


def test_reimport_with_replace_is_idempotent(catalogue):
    """Importing the same file twice with --replace gives the same issue."""
    _import()
    snapshot = list(
        Item.objects.order_by("section__position", "position").values_list("title", "body")
    )
    _import("--replace")
    again = list(
        Item.objects.order_by("section__position", "position").values_list("title", "body")
    )
    assert again == snapshot
    assert Issue.objects.count() == 1
    assert FurtherReading.objects.count() == 2


def test_reimport_without_replace_is_refused(catalogue):
    """An existing issue is never overwritten by accident."""
    _import()
    with pytest.raises(CommandError, match="already exists"):
        _import()


def test_replacing_a_published_issue_as_drafts_is_refused(catalogue):
    """--replace without --publish would hide a live issue's items; it imports nothing."""
    _import("--publish", "--publish-at", "2025-11-30T09:00")
    with pytest.raises(CommandError, match="scheduled or published"):
        _import("--replace")
    assert Item.objects.public().count() == 17


def test_a_published_issue_is_replaced_by_its_archive(catalogue):
    """--replace --publish re-imports the archive of an issue already sent."""
    _import("--publish", "--publish-at", "2025-11-30T09:00")
    _import("--replace", "--publish", "--publish-at", "2025-11-30T09:00")
    assert Item.objects.public().count() == 17


def test_a_malformed_file_names_its_line_and_imports_nothing(catalogue, tmp_path):
    """A number jump is reported with path and line; the database is untouched."""
    bad = tmp_path / "bad.txt"
    text = EXCERPT.read_text(encoding="utf-8").replace(
        "\n3. External Secrets", "\n5. External Secrets"
    )
    bad.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    line = next(n for n, content in enumerate(lines, 1) if content.startswith("5. External"))
    with pytest.raises(CommandError) as error:
        call_command("import_issue", str(bad), "--slug", "2025-11", verbosity=0)
    assert f"{bad}:{line}:" in str(error.value)
    assert "nothing imported" in str(error.value)
    assert not Issue.objects.exists() and not Item.objects.exists()


def test_a_failure_while_writing_rolls_back_everything(catalogue, monkeypatch):
    """The import is one transaction: an error midway leaves no partial issue."""
    from newsletter import services

    calls = {"count": 0}
    real_create = services._create_item

    def failing_create(**kwargs):
        calls["count"] += 1
        if calls["count"] == 5:
            raise RuntimeError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(services, "_create_item", failing_create)
    with pytest.raises(RuntimeError):
        issue_import(text=EXCERPT.read_text(encoding="utf-8"), slug="2025-11")
    assert not Issue.objects.exists() and not Item.objects.exists()


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    """Bytes that are not UTF-8 are reported with their line."""
    bad = tmp_path / "gbk.txt"
    bad.write_bytes("🆕 专题一 新版本\n1. 标题\n".encode() + "正文".encode("gbk") + b"\n")
    with pytest.raises(CommandError, match=r"gbk\.txt:3:"):
        call_command("import_issue", str(bad), "--slug", "2025-11", verbosity=0)
    assert not Issue.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    """A wrong path says so instead of raising a traceback."""
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_issue", str(tmp_path / "nope.txt"), "--slug", "2025-11")


def test_other_issues_of_the_publication_import(catalogue):
    """The hand-written issues in other shapes (CRLF, BOM) import too."""
    for name in ("2025-09-crlf.txt", "2025-10-bom.txt"):
        slug = name[:7]
        text = (DATA / name).read_bytes().decode("utf-8-sig")
        issue, count = issue_import(text=text, slug=slug)
        assert count == issue.items.count() > 3


def test_issue_import_raises_when_the_slug_exists():
    """The service refuses to overwrite without replace."""
    issue_import(text=EXCERPT.read_text(encoding="utf-8"), slug="2025-11")
    with pytest.raises(IssueExistsError):
        issue_import(text=EXCERPT.read_text(encoding="utf-8"), slug="2025-11")
