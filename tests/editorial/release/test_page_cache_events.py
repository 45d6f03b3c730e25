"""Every change readers can see reaches the next anonymous GET, past the page cache.

Each test fills the page cache first (the second GET is a hit), makes the
change the way the newsroom does, and reads the page again as a reader.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from taggit.models import Tag

from editorial import workflow
from editorial.accounts.profiles import ProfileData, contributor_profile_save
from editorial.release import publishing
from editorial.release.preview import preview_url
from newsletter.caching import purge
from newsletter.rendering import item_render
from tests.factories import (
    ContributorProfileFactory,
    IssueFactory,
    ProjectFactory,
    SectionFactory,
    public_item,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(section, editor):
    """A published issue with two items, one covering Helm and tagged, by a credited author."""
    profile = ContributorProfileFactory(display_name="林小编")
    issue = IssueFactory(published=True, slug="2029-12", title="十二月刊")
    helm = ProjectFactory(name="Helm", slug="helm")
    first = public_item(
        issue=issue, section=section, position=1, title="Helm 3.20 发布", author=profile.user
    )
    first.projects.add(helm)
    first.tags.add("包管理")
    public_item(issue=issue, section=section, position=2, title="Linkerd 2.19 发布")
    return {"issue": issue, "item": first, "project": helm, "profile": profile}


def _cached(client, url: str) -> str:
    """GET `url` twice as a reader; the second answer must come from the page cache."""
    client.get(url)
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit", url
    return response.content.decode()


def _fresh(client, url: str):
    """GET `url` as a reader, after a change."""
    return client.get(url)


def test_publishing_shows_the_issue_on_every_page_that_lists_it(client, ready_issue, editor, live):
    """Home, archive, feeds, sitemap: the new issue is there on the next GET."""
    for url in ("/", "/issues/", "/feed/", "/feed.rss", "/sitemap.xml"):
        assert "2030-01" not in _cached(client, url), url
    assert _fresh(client, "/issues/2030-01/").status_code == 404
    publishing.issue_publish(issue=ready_issue, actor=editor)
    for url in ("/", "/issues/", "/feed/", "/feed.rss", "/sitemap.xml"):
        assert "2030-01" in _fresh(client, url).content.decode(), url
    assert _fresh(client, "/issues/2030-01.md").status_code == 200


def test_a_scheduled_issue_appears_when_its_time_comes(client, ready_issue, editor, live):
    """No write happens at the stroke of the hour; the cached home page still changes."""
    publish_at = timezone.now() + timedelta(hours=1)
    publishing.issue_schedule(issue=ready_issue, actor=editor, publish_at=publish_at)
    assert "十二月刊" in _cached(client, "/")
    assert _fresh(client, ready_issue.get_absolute_url()).status_code == 404
    with time_machine.travel(publish_at + timedelta(minutes=1)):
        assert ready_issue.title in _fresh(client, "/").content.decode()
        assert ready_issue.slug in _fresh(client, "/issues/").content.decode()
        assert _fresh(client, ready_issue.get_absolute_url()).status_code == 200
        # Recording it as published changes nothing a reader sees, and breaks nothing.
        publishing.issue_publish_due()
        assert ready_issue.title in _fresh(client, "/").content.decode()


def test_withdrawal_takes_the_issue_off_every_page(client, editor, live):
    """The issue page answers 404 and the archive forgets it on the next GET."""
    issue = live["issue"]
    # A newer issue: the withdrawn one is not the latest, whose time the generation follows.
    IssueFactory(published=True, slug="2030-03", publish_at=issue.publish_at + timedelta(hours=12))
    _cached(client, issue.get_absolute_url())
    _cached(client, "/issues/2029-12.md")
    assert "2029-12" in _cached(client, "/issues/")
    publishing.issue_withdraw(issue=issue, actor=editor, reason="数据有误")
    assert _fresh(client, issue.get_absolute_url()).status_code == 404
    assert _fresh(client, "/issues/2029-12.md").status_code == 404
    assert "2029-12" not in _fresh(client, "/issues/").content.decode()
    assert "Helm 3.20 发布" not in _fresh(client, "/projects/helm/").content.decode()


def test_a_logged_correction_shows_on_the_issue_page_and_its_markdown(client, editor, live):
    """The corrected text replaces the cached one at once."""
    item = live["item"]
    assert "Helm 3.20 发布" in _cached(client, "/issues/2029-12/")
    _cached(client, "/issues/2029-12.md")
    _cached(client, "/projects/helm/")
    item.body = "更正:Helm 4.0.1 修复了升级问题。"
    item.save()
    item_render(item=item)
    workflow.item_edit(item=item, actor=editor, changed_fields=["body"], correction_note="版本号")
    for url in ("/issues/2029-12/", "/issues/2029-12.md", "/projects/helm/", "/"):
        assert "Helm 4.0.1 修复了升级问题" in _fresh(client, url).content.decode(), url


def test_reordering_sections_shows_the_new_order(client, live, section):
    """A section moved before another reads first on the next GET."""
    other = SectionFactory(name="趣闻", slug="fun", position=section.position + 10)
    public_item(issue=live["issue"], section=other, position=1, title="一个梗")
    page = _cached(client, "/issues/2029-12/")
    assert page.index("Helm 3.20 发布") < page.index("一个梗")
    other.position = section.position - 1
    other.save()
    page = _fresh(client, "/issues/2029-12/").content.decode()
    assert page.index("一个梗") < page.index("Helm 3.20 发布")


def test_a_renamed_project_shows_everywhere(client, live):
    """The project page, its chips on the issue page and the project list."""
    for url in ("/issues/2029-12/", "/projects/", "/projects/helm/"):
        _cached(client, url)
    project = live["project"]
    project.name = "Helm Charts"
    project.save()
    for url in ("/issues/2029-12/", "/projects/", "/projects/helm/"):
        assert "Helm Charts" in _fresh(client, url).content.decode(), url


def test_a_renamed_section_shows_everywhere(client, live, section):
    """Its heading on the issue page and its own page."""
    for url in ("/issues/2029-12/", section.get_absolute_url()):
        _cached(client, url)
    section.name = "新版本速递"
    section.save()
    for url in ("/issues/2029-12/", section.get_absolute_url()):
        assert "新版本速递" in _fresh(client, url).content.decode(), url


def test_a_renamed_tag_shows_everywhere(client, live):
    """The chip on the issue page and the tag's page."""
    tag = Tag.objects.get(name="包管理")
    for url in ("/issues/2029-12/", f"/tags/{tag.slug}/"):
        _cached(client, url)
    tag.name = "包管理器"
    tag.save()
    for url in ("/issues/2029-12/", f"/tags/{tag.slug}/"):
        assert "#包管理器" in _fresh(client, url).content.decode(), url


def test_a_changed_profile_shows_on_the_credits_and_the_contributor_page(client, live):
    """The new display name replaces the cached one."""
    user = live["profile"].user
    contributor_url = f"/contributors/{user.get_username()}/"
    assert "林小编" in _cached(client, "/issues/2029-12/")
    _cached(client, contributor_url)
    contributor_profile_save(
        user=user, actor=user, data=ProfileData(display_name="林大编", bio="写云原生")
    )
    assert "林大编" in _fresh(client, "/issues/2029-12/").content.decode()
    page = _fresh(client, contributor_url).content.decode()
    assert "林大编" in page
    assert "写云原生" in page


def test_proxies_are_purged_after_the_commit_of_a_publication(
    ready_issue, section, editor, monkeypatch, django_capture_on_commit_callbacks
):
    """The purge waits for the commit and names the issue, its Markdown and the lists."""
    purged = []

    class Recorder:
        def purge(self, paths):
            purged.append(sorted(paths))

    monkeypatch.setattr(purge, "purge_backends", lambda: [Recorder()])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publishing.issue_publish(issue=ready_issue, actor=editor)
    assert purged == []
    for callback in callbacks:
        callback()
    paths = set().union(*purged)
    assert {"/", "/issues/", "/feed/", "/feed.rss", "/sitemap.xml"} <= paths
    assert {"/issues/2030-01/", "/issues/2030-01.md", section.get_absolute_url()} <= paths


def test_proxies_are_purged_when_a_scheduled_issue_comes_due(
    client, ready_issue, editor, live, monkeypatch, django_capture_on_commit_callbacks
):
    """No write happens at its time: the first request after it purges the proxies."""
    purged = set()

    class Recorder:
        def purge(self, paths):
            purged.update(paths)

    publish_at = timezone.now() + timedelta(hours=1)
    publishing.issue_schedule(issue=ready_issue, actor=editor, publish_at=publish_at)
    monkeypatch.setattr(purge, "purge_backends", lambda: [Recorder()])
    client.get("/")
    assert purged == set()
    with (
        time_machine.travel(publish_at + timedelta(minutes=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.get("/issues/")
    assert {"/", "/issues/", "/feed/", "/sitemap.xml", "/issues/2030-01/"} <= purged
    assert "/issues/2029-12/" not in purged


def test_preview_pages_are_private_and_never_stored(client, ready_issue):
    """A preview link's page is for the person it was sent to."""
    cache_control = client.get(preview_url(ready_issue))["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control
    assert "public" not in cache_control
