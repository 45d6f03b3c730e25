"""The newsroom's people, as in tests/editorial, plus a superuser."""

import pytest

from tests.editorial.conftest import (  # noqa: F401  (fixtures shared with the workflow tests)
    administrator,
    contributor,
    editor,
    other_contributor,
    people,
    reviewer,
)


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "x")
