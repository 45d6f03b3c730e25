"""The read API against its own OpenAPI document, driven by schemathesis through WSGI.

For every operation schemathesis generates valid and invalid requests from
/api/v1/openapi.json and checks each answer: never a server error, always a
documented status code and content type, and a body that matches the schema.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

pytestmark = pytest.mark.django_db


def test_the_document_is_openapi_3_and_lists_every_endpoint():
    """The document schemathesis reads is OpenAPI 3 and has the seven GET operations."""
    document = schema.raw_schema
    assert document["openapi"].startswith("3.")
    operations = {
        (method.upper(), path) for path, methods in document["paths"].items() for method in methods
    }
    assert operations == {
        ("GET", "/api/v1/issues/"),
        ("GET", "/api/v1/issues/{slug}/"),
        ("GET", "/api/v1/items/"),
        ("GET", "/api/v1/items/{item_id}/"),
        ("GET", "/api/v1/projects/"),
        ("GET", "/api/v1/sections/"),
        ("GET", "/api/v1/tags/"),
    }


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Requests through the WSGI app share the test's transaction, as the test client's do.

    Django closes "old" connections when a request starts and finishes, and one inside
    the test's transaction counts as old: Django's test client unhooks that for its
    requests, and so must a test that calls the WSGI app directly.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_answer_matches_the_document(case, published, wsgi_keeps_the_test_connection):
    """No server error, a documented status and content type, a body the schema allows."""
    case.call_and_validate()
