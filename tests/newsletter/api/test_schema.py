"""The read API against its own OpenAPI document, driven by schemathesis through WSGI.

For every operation schemathesis generates valid and invalid requests from
/api/v1/openapi.json and checks each answer: never a server error, always a
documented status code and content type, and a body that matches the schema.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
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
def test_every_answer_matches_the_document(case, published):
    """No server error, a documented status and content type, a body the schema allows."""
    case.call_and_validate()
