"""Issue covers and project logos take the figures' road: checked, re-encoded
without metadata, named by content; a refused picture leaves the form as typed."""

import hashlib
import importlib
import io

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from newsletter.models import Issue, Project
from tests.admin_forms import change_form_data
from tests.factories import IssueFactory, ProjectFactory
from tests.figures import samples

pytestmark = pytest.mark.django_db


def _post_issue_cover(client, issue, cover, **overrides):
    url = reverse("admin:newsletter_issue_change", args=[issue.pk])
    data = change_form_data(client.get(url), **overrides)
    return client.post(url, {**data, "cover": cover})


def _post_project_logo(client, project, logo, **overrides):
    url = reverse("admin:newsletter_project_change", args=[project.pk])
    data = change_form_data(client.get(url), **overrides)
    return client.post(url, {**data, "logo": logo})


def test_a_cover_is_stored_under_its_content_hash_without_its_gps_data(admin_client, media_root):
    """The uploaded name and EXIF are gone: the name is the SHA-256 of the clean bytes."""
    issue = IssueFactory(slug="2031-01")
    response = _post_issue_cover(
        admin_client, issue, samples.upload("2031-01-cover.jpg", samples.jpeg_with_gps())
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    stored = (media_root / issue.cover.name).read_bytes()
    digest = hashlib.sha256(stored).hexdigest()
    assert issue.cover.name == f"covers/{digest[:2]}/{digest}.jpg"
    assert "2031-01" not in issue.cover.name
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert samples.files_in(media_root) == [issue.cover.name]


def test_a_logo_is_stored_under_its_content_hash_once(admin_client, media_root):
    """Two projects with the same picture share one file named by its content."""
    first, second = ProjectFactory(), ProjectFactory()
    for project in (first, second):
        response = _post_project_logo(
            admin_client, project, samples.upload("logo.png", samples.png_bytes(64, 64))
        )
        assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.logo.name == second.logo.name
    assert first.logo.name.startswith("projects/") and "logo" not in first.logo.name
    assert samples.files_in(media_root) == [first.logo.name]


def test_a_refused_cover_is_named_beside_the_field_and_the_form_keeps_what_was_typed(
    admin_client, media_root
):
    """An SVG cover is an error under the field; the new title stays in the form."""
    issue = IssueFactory(slug="2031-02", title="旧标题")
    cover = samples.upload("cover.svg", samples.SVG_WITH_SCRIPT, "image/svg+xml")
    response = _post_issue_cover(admin_client, issue, cover, title="新标题")
    assert response.status_code == 200
    assert "SVG" in " ".join(response.context["adminform"].form.errors["cover"])
    assert 'value="新标题"' in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).title == "旧标题"
    assert samples.files_in(media_root) == []


def test_a_refused_logo_stores_nothing(admin_client, media_root):
    """A TIFF renamed .png is refused as a logo, like a figure."""
    project = ProjectFactory(summary="旧简介")
    logo = samples.upload("logo.png", samples.tiff_bytes())
    response = _post_project_logo(admin_client, project, logo, summary="新简介")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"]
    assert "新简介" in response.content.decode()
    assert not Project.objects.get(pk=project.pk).logo
    assert samples.files_in(media_root) == []


def test_a_cover_stored_under_its_uploaded_name_is_renamed_by_the_migration(
    media_root, django_capture_on_commit_callbacks
):
    """Covers from before keep no guessable name: re-encoded, content-named, the old file gone."""
    migration = importlib.import_module("newsletter.migrations.0008_content_named_uploads")
    issue = IssueFactory(slug="2031-04")
    issue.cover.save("2031-04.jpg", ContentFile(samples.jpeg_with_gps()))
    legacy = media_root / "covers" / "2031-04.jpg"
    assert legacy.exists()

    with django_capture_on_commit_callbacks(execute=True):
        migration.uploads_name_by_content(apps, None)

    issue.refresh_from_db()
    stored = (media_root / issue.cover.name).read_bytes()
    digest = hashlib.sha256(stored).hexdigest()
    assert issue.cover.name == f"covers/{digest[:2]}/{digest}.jpg"
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert not legacy.exists()
