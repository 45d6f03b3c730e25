"""Read-only HTTP around the API: ETag and 304, HEAD, CORS, and no writing methods."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_response_has_an_etag_and_the_same_etag_gets_304(client, published):
    """If-None-Match with the ETag just received answers 304 with no body."""
    first = client.get("/api/v1/issues/")
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    again = client.get("/api/v1/issues/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Access-Control-Allow-Origin"] == "*"


def test_a_change_of_content_changes_the_etag(client, published):
    """After an item is retitled the old ETag no longer matches."""
    etag = client.get("/api/v1/items/").get("ETag")
    item = published["items"][0]
    type(item).objects.filter(pk=item.pk).update(title="Helm 4.0.1 发布")
    response = client.get("/api/v1/items/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_errors_get_no_etag(client, published):
    """Only successful answers are worth revalidating."""
    assert "ETag" not in client.get("/api/v1/issues/nope/")


def test_head_answers_like_get_without_a_body(client, published):
    """HEAD has GET's status, type and ETag, and no body."""
    get = client.get("/api/v1/items/")
    head = client.head("/api/v1/items/")
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Type"] == get["Content-Type"]


def test_any_origin_may_read_without_credentials(client, published):
    """A cross-origin GET is allowed for every origin, and credentials never are."""
    response = client.get("/api/v1/tags/", HTTP_ORIGIN="https://reader.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Set-Cookie" not in response and not response.cookies


def test_a_preflight_allows_only_reading(client):
    """OPTIONS answers 204 naming GET, HEAD and OPTIONS, and the revalidation headers."""
    response = client.options(
        "/api/v1/items/",
        HTTP_ORIGIN="https://reader.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_methods_are_not_allowed(client, published, method):
    """Anything but reading answers 405 and says what is allowed; no CSRF token is involved."""
    response = getattr(client, method)("/api/v1/items/", data={}, content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_the_api_sets_no_cookie_and_no_csp_nonce(client, published):
    """Answers are the same for everyone, so a cache can keep them."""
    response = client.get("/api/v1/")
    assert not response.cookies
    assert "nonce-" not in response["Content-Security-Policy"]
