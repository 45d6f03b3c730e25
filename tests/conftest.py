import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes uploads to its own temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: remembered answers belong to one test's data."""
    from django.core.cache import cache

    cache.clear()
