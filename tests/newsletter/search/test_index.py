"""The index holds public items only, and follows every write that changes
what is public: publish, withdraw, correct, import, revert; the catch-up and
the rebuild command mend the rest."""

import importlib
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import reversion
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from editorial import workflow
from editorial.permissions.roles import Role
from editorial.release import publishing
from editorial.revisions.history import item_revert
from newsletter.models import Issue, Item, SearchEntry, SearchWord
from newsletter.rendering import item_render
from newsletter.search.index import search_index_catch_up, search_index_rebuild
from newsletter.search.query import parse_query
from newsletter.search.results import (
    SearchFilters,
    finds_any,
    ranked_public_ids,
    search_results,
)
from newsletter.search.snapshot import public_snapshot
from newsletter.services import issue_import
from tests.admin_forms import change_form_data
from tests.editorial.conftest import client_for
from tests.factories import IssueFactory, ItemFactory, RoleUserFactory, SectionFactory, public_item

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
S = Item.State
ISSUE_TEXT = """## 🆕 专题一 产品新功能/新版本

### 1. Karmada 1.15 发布

正文提到多集群调度。
"""


def _found(text: str) -> list[str]:
    return [hit.title for hit in search_results(text=text, filters=SearchFilters()).page]


def _indexed() -> set[str]:
    return set(SearchEntry.objects.values_list("item__title", flat=True))


@pytest.fixture
def editor(db):
    return RoleUserFactory(username="eddie", role=Role.EDITOR)


@pytest.fixture
def ready_issue(db):
    """A draft issue whose checklist passes, with an approved item and a draft one."""
    issue = IssueFactory(slug="2030-01")
    section = SectionFactory()
    ItemFactory(issue=issue, section=section, position=1, approved=True, title="Helm 4 发布")
    return issue


def test_drafts_items_in_review_and_unreleased_issues_are_never_indexed(db):
    """Only an approved item of a public issue has an entry."""
    public_item(title="公开条目")
    ItemFactory(title="草稿", issue=IssueFactory(published=True))
    ItemFactory(title="审校中", state=S.IN_REVIEW, issue=IssueFactory(published=True))
    ItemFactory(title="草稿期", approved=True, issue=IssueFactory())
    ItemFactory(title="排期", approved=True, issue=IssueFactory(scheduled=True))
    ItemFactory(title="撤回", approved=True, issue=IssueFactory(status=Issue.Status.WITHDRAWN))
    ItemFactory(title="未排入", approved=True, issue=None)
    assert _indexed() == {"公开条目"}


def test_publishing_indexes_the_issue_in_the_same_transaction(ready_issue, editor):
    """Published items are found at once; a publish that rolls back indexes nothing."""
    with pytest.raises(RuntimeError), transaction.atomic():
        publishing.issue_publish(issue=ready_issue, actor=editor)
        assert _found("helm") == ["Helm 4 发布"]
        raise RuntimeError("the transaction fails after publishing")
    assert _indexed() == set()
    publishing.issue_publish(issue=ready_issue, actor=editor)
    assert _found("helm") == ["Helm 4 发布"]


def test_withdrawing_takes_the_items_out_of_the_index(editor):
    """A withdrawn issue's items are neither found nor kept in the index."""
    item = public_item(title="Helm 4 发布")
    publishing.issue_withdraw(issue=item.issue, actor=editor, reason="事实错误")
    assert _found("helm") == []
    assert _indexed() == set()


def test_a_scheduled_issue_is_indexed_when_publish_due_announces_it(ready_issue, editor):
    """Before its time nothing is indexed; the cron run that publishes it indexes it."""
    publish_at = datetime(2030, 1, 31, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(datetime(2030, 1, 30, 12, 0, tzinfo=SHANGHAI), tick=False):
        publishing.issue_schedule(issue=ready_issue, actor=editor, publish_at=publish_at)
        assert _indexed() == set()
    with time_machine.travel(datetime(2030, 1, 31, 9, 5, tzinfo=SHANGHAI), tick=False):
        call_command("publish_due", stdout=io.StringIO())
        assert _found("helm") == ["Helm 4 发布"]


def test_a_scheduled_issue_enters_the_snapshot_when_it_comes_due(ready_issue, editor):
    """Nothing is written when a scheduled issue's time passes; the first search
    after it reads a new generation, and with it a snapshot holding the issue."""
    publish_at = datetime(2030, 1, 31, 9, 0, tzinfo=SHANGHAI)
    item = ready_issue.items.get()
    with time_machine.travel(datetime(2030, 1, 30, 12, 0, tzinfo=SHANGHAI), tick=False):
        publishing.issue_schedule(issue=ready_issue, actor=editor, publish_at=publish_at)
        assert item.pk not in public_snapshot()
    with time_machine.travel(datetime(2030, 1, 31, 9, 5, tzinfo=SHANGHAI), tick=False):
        assert item.pk in public_snapshot()


def test_a_correction_is_what_readers_then_find(editor):
    """The corrected body replaces the old one in the index, through the admin."""
    item = public_item(title="Envoy 发布", body="旧的说法:性能一般")
    client = client_for(editor)
    url = reverse("admin:newsletter_item_change", args=[item.pk])
    data = change_form_data(client.get(url), body="新的说法:吞吐翻倍", correction_note="更正数据")
    assert client.post(url, data).status_code == 302
    assert _found("吞吐") == ["Envoy 发布"]
    assert _found("性能一般") == []


def test_a_correction_made_by_the_service_reindexes_the_item(editor):
    """item_correct reads the text saved in its transaction."""
    item = public_item(title="Envoy 发布", body="旧正文")
    item.title = "Envoy 1.36 发布"
    item.save()
    item_render(item=item)
    workflow.item_correct(item=item, actor=editor, note="版本号", changed_fields=["title"])
    assert _found("1.36") == ["Envoy 1.36 发布"]


def test_reverting_a_public_item_reindexes_it(editor):
    """A revert (on a public item, the editor's logged correction) changes the text: reindexed."""
    with reversion.create_revision():
        item = public_item(title="Envoy 发布", body="最初的正文")
    Item.objects.filter(pk=item.pk).update(body="后来的正文")
    version = Version.objects.get_for_object(item).get()
    item_revert(item=item, version=version, actor=editor, correction_note="恢复原文")
    assert _found("最初") == ["Envoy 发布"]


def test_importing_a_published_issue_indexes_it_and_replacing_it_drops_the_old_items(db):
    """--publish makes the items searchable; replacing the archive swaps them."""
    past = timezone.now() - timedelta(days=1)
    issue_import(text=ISSUE_TEXT, slug="2030-01", publish_at=past)
    assert _found("karmada") == ["Karmada 1.15 发布"]
    text = ISSUE_TEXT.replace("Karmada", "Kueue")
    issue_import(text=text, slug="2030-01", replace=True, publish_at=past)
    assert _found("karmada") == []
    assert _found("kueue") == ["Kueue 1.15 发布"]
    assert "Karmada 1.15 发布" not in _indexed()


def test_the_catch_up_indexes_what_became_public_alone_and_drops_what_left(db):
    """An issue imported with a future time; an issue deleted from under its items."""
    later = timezone.now() + timedelta(hours=1)
    issue_import(text=ISSUE_TEXT, slug="2030-01", publish_at=later)
    gone = public_item(title="被删的一期")
    assert _indexed() == {"被删的一期"}
    Issue.objects.filter(pk=gone.issue_id).delete()
    with time_machine.travel(later + timedelta(minutes=1)):
        change = search_index_catch_up()
        assert (change.indexed, change.removed) == (1, 1)
        assert _found("karmada") == ["Karmada 1.15 发布"]
    assert _indexed() == {"Karmada 1.15 发布"}


def test_the_rebuild_command_indexes_every_public_item_again(db):
    """Entries written around the services are replaced; unpublished items stay out."""
    public_item(title="Helm 4 发布")
    ItemFactory(title="Helm 草稿", issue=IssueFactory(published=True))
    SearchEntry.objects.update(title="stale")
    SearchWord.objects.create(word="stale")
    output = io.StringIO()
    call_command("rebuild_search_index", stdout=output)
    assert "Indexed 1 public items" in output.getvalue()
    assert _found("helm") == ["Helm 4 发布"]
    assert _found("stale") == []
    assert not SearchWord.objects.filter(word="stale").exists()
    assert search_index_rebuild() == 1


def test_deleting_an_item_deletes_its_entry_from_the_database_index(db):
    """The database's own index (FTS5 table or tsvector column) follows the entries."""
    item = public_item(title="Helm 4 发布")
    assert finds_any(parse_query("helm"), public=public_snapshot())
    item.delete()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM newsletter_search_fts"
                " WHERE newsletter_search_fts MATCH 'helm'"
            )
        else:
            cursor.execute(
                "SELECT count(*) FROM newsletter_searchentry WHERE document @@ 'helm'::tsquery"
            )
        assert cursor.fetchone()[0] == 0


def test_the_latin_words_of_indexed_items_feed_the_spelling_hints(db):
    """Three letters or more, lower-cased; numbers and Chinese are left out."""
    public_item(title="Kubernetes 1.35 抢先看", body="Gateway API")
    assert set(SearchWord.objects.values_list("word", flat=True)) == {
        "kubernetes",
        "gateway",
        "api",
    }


def test_a_word_too_long_to_be_searched_for_is_left_out_and_the_item_indexed(db):
    """A run of letters over MAX_TOKEN_LENGTH (a key, an encoded blob) made
    PostgreSQL refuse the item's whole entry, and so its publication."""
    blob = "q" * 3000
    item = public_item(title="Helm 4 发布", body=f"密钥 {blob} 之后是 Argo")
    entry = SearchEntry.objects.get(item=item)
    assert blob not in entry.body and "argo" in entry.body
    assert ranked_public_ids(parse_query("argo"), limit=5) == [item.pk]
    assert not SearchWord.objects.filter(word=blob).exists()


def test_a_phrase_is_found_where_its_words_stand_together_in_one_field(db):
    """Words apart, or one ending a field and the other starting the next, are
    not the phrase. (PostgreSQL finds a phrase of two words by its word pair,
    a longer one by its pairs and then the positions: migration 0015.)"""
    together = public_item(title="kube-proxy 换用 nftables", body="Kubernetes v1.35 发布")
    apart = public_item(title="kube 与 proxy", body="Kubernetes 发布 v1.35")
    across = public_item(title="新版 kube", remark="proxy 改进", body="")
    assert ranked_public_ids(parse_query("kube-proxy"), limit=5) == [together.pk]
    assert ranked_public_ids(parse_query('"kubernetes v1.35"'), limit=5) == [together.pk]
    found = ranked_public_ids(parse_query('proxy -"kube proxy"'), limit=5)
    assert sorted(found) == sorted([apart.pk, across.pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="word pairs are PostgreSQL's")
def test_postgresql_pairs_the_words_that_stand_together_in_a_stream(db):
    """An empty token (two spaces) leaves a gap, as in the document's positions."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT newsletter_search_pairs('kube proxy  v 1 35'), newsletter_search_pairs('')"
        )
        pairs, empty = cursor.fetchone()
    assert pairs == "'1 35' 'kube proxy' 'v 1'"
    assert empty == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a GIN index is PostgreSQL's")
def test_postgresql_writes_index_entries_straight_into_the_gin_index(db):
    """No pending list (fastupdate off): every search would read it until a
    vacuum merged it, which after a month's publication cost 1.8 ms a search."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'newsletter_search_words_and_pairs'"
        )
        assert cursor.fetchone()[0] == ["fastupdate=off"]


def _documents(table: str) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT item_id, document::text FROM {table}")  # noqa: S608 - ours
        return dict(cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the scoring copy is PostgreSQL's")
def test_postgresql_keeps_a_copy_of_every_document_in_the_row_for_scoring(db):
    """The window is scored from newsletter_search_scoring (migration 0016): it
    holds each entry's document, whatever writes the entries, and keeps it in
    the row rather than in TOAST."""
    first, second = public_item(title="Helm 4 发布"), public_item(title="Argo 3 发布")
    assert _documents("newsletter_search_scoring") == _documents("newsletter_searchentry")
    assert set(_documents("newsletter_search_scoring")) == {first.pk, second.pk}
    SearchEntry.objects.filter(item=first).update(body="新的 正文 linkerd")
    assert "'linkerd':" in _documents("newsletter_search_scoring")[first.pk]
    assert ranked_public_ids(parse_query("linkerd"), limit=5) == [first.pk]
    second.delete()
    assert set(_documents("newsletter_search_scoring")) == {first.pk}
    assert search_index_rebuild() == 1
    assert _documents("newsletter_search_scoring") == _documents("newsletter_searchentry")
    with connection.cursor() as cursor:
        # Django's foreign keys are checked at commit; TRUNCATE wants them done.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE newsletter_searchentry")
        cursor.execute(
            "SELECT count(*), (SELECT attstorage FROM pg_attribute WHERE attname = 'document'"
            " AND attrelid = 'newsletter_search_scoring'::regclass)"
            " FROM newsletter_search_scoring"
        )
        assert cursor.fetchone() == (0, "m")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the scoring copy is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_postgresql_migrating_fills_the_scoring_copy_from_the_entries_there():
    """Migration 0016 copies the documents of the entries indexed before it;
    undone and done again, search ranks as before."""
    item = public_item(title="Helm 4 发布", body="linkerd")
    executor = MigrationExecutor(connection)
    executor.migrate([("newsletter", "0015_search_word_pairs")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('newsletter_search_scoring')")
        assert cursor.fetchone() == (None,)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("newsletter"))
    assert set(_documents("newsletter_search_scoring")) == {item.pk}
    assert _documents("newsletter_search_scoring") == _documents("newsletter_searchentry")
    assert ranked_public_ids(parse_query("linkerd"), limit=5) == [item.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_postgresql_rebuilds_one_after_another_reuse_the_space_of_the_old_entries():
    """A rebuild leaves each old entry behind as a dead row; the VACUUM after
    it lets the next rebuild write over them, so the tables stop growing."""
    for number in range(30):
        public_item(title=f"Helm {number} 发布", body="多集群 调度 kubernetes 正文。" * 40)
    tables = ("newsletter_searchentry", "newsletter_search_scoring", "newsletter_searchword")
    sizes = []
    for _rebuild in range(4):
        assert search_index_rebuild() == 30
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sum(pg_total_relation_size(name::regclass))"
                " FROM unnest(%s::text[]) AS name",
                [list(tables)],
            )
            sizes.append(int(cursor.fetchone()[0]))
    # Without the VACUUM each rebuild adds the index again: 0.57, 0.75, 0.90, 1.07 MB.
    assert max(sizes) <= sizes[0] * 1.25, sizes
    assert ranked_public_ids(parse_query("调度"), limit=50) != []


def test_texts_indexed_before_passages_were_kept_one_a_line_are_split(db):
    """Migration 0014 rewrites the old form (the body and remark, a block a
    line) as `passage_lines` would; texts already in the new form stay."""
    migration = importlib.import_module("newsletter.migrations.0014_search_text_passages")
    old, new = public_item(title="旧"), public_item(title="新")
    SearchEntry.objects.filter(item=old).update(text="  第一句。第二句！\n\nHelm 4; ok  ")
    new_text = SearchEntry.objects.get(item=new).text
    migration.split_passages(apps, None)
    assert SearchEntry.objects.get(item=old).text == "第一句。\n第二句！\nHelm 4;\nok"
    assert SearchEntry.objects.get(item=new).text == new_text
