import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes uploads to its own temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: remembered answers belong to one test's data.

    So does search's snapshot of the public items: a test's data may change
    without a new site generation (a rolled-back transaction brings the old
    one back).
    """
    from django.core.cache import cache

    from newsletter.search import snapshot

    cache.clear()
    snapshot.forget()


@pytest.fixture(scope="session", autouse=True)
def migrated_role_grants(
    request, django_db_setup, django_db_blocker
) -> dict[str, list[tuple[str, str]]]:
    """The role groups' permissions as the migrations left them, read before any test runs.

    A transactional test ends by flushing the database, groups and their
    permissions with it; tests that need the roles' real permissions after
    one (tests/browser) restore them from this. A run with no database test
    (one settings module, say) has no test database to read: nothing then.
    """
    from django.contrib.auth.models import Group

    # pytest-django's own reckoning of which databases this run sets up
    # (private, but the version is pinned and this is what it calls).
    from pytest_django.fixtures import _get_databases_for_setup

    if "default" not in _get_databases_for_setup(request.session.items)[0]:
        return {}
    with django_db_blocker.unblock():
        return {
            group.name: list(group.permissions.values_list("content_type__app_label", "codename"))
            for group in Group.objects.prefetch_related("permissions")
        }


@pytest.fixture(autouse=True)
def default_language():
    """Every test ends in the site's language: a page served from the page cache
    skips LocaleMiddleware, so the language a reader's request activated in this
    thread would otherwise stay active into the next test."""
    yield
    translation.deactivate()
