import pytest

from tests.browser import support


@pytest.fixture
def browser():
    """Debian's Chromium, launched through Playwright for one test."""
    support.need_chromium()
    api = support.sync_api()
    with api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(support.CHROMIUM), args=support.LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def role_grants(transactional_db, migrated_role_grants):
    """The role groups with the permissions the migrations gave them.

    An earlier transactional test's flush removed them; a contributor without
    add_figure would, for one, have a dropped image refused.
    """
    from django.contrib.auth.models import Group, Permission

    for name, grants in migrated_role_grants.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in grants
            ]
        )
