"""Bad input found by probing the running site: each case is a clear answer, not a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from editorial.permissions.roles import Role
from newsletter.models import Item
from tests.admin_forms import change_form_data
from tests.factories import IssueFactory, ItemFactory, RoleUserFactory, UserFactory

pytestmark = pytest.mark.django_db

HUGE_FIGURE = "![太大的图](figure:99999999999999999999999)"


@pytest.fixture
def strict_client():
    """A client that lets a server error show as a 500 instead of raising it."""
    return Client(raise_request_exception=False)


@pytest.fixture
def editor_client(strict_client):
    strict_client.force_login(RoleUserFactory(username="eddie", role=Role.EDITOR))
    return strict_client


@pytest.mark.parametrize("password", ["", None])
def test_the_admin_login_with_an_empty_password_says_the_field_is_required(strict_client, password):
    """devices_for_user(None) raised: the form now answers with its own errors."""
    UserFactory(username="alice")
    data = {"username": "alice"} | ({"password": password} if password is not None else {})
    response = strict_client.post(reverse("admin:login"), data)
    assert response.status_code == 200
    assert "password" in response.context["form"].errors


def test_the_admin_login_with_an_empty_username_says_the_field_is_required(strict_client):
    """The other half of the same path."""
    response = strict_client.post(reverse("admin:login"), {"username": "", "password": "x"})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors


@pytest.mark.parametrize(
    "path",
    ["/tags/he%00lm/", "/contributors/%00/", "/feed/tags/%00/", "/issues/%00/"],
)
def test_a_nul_character_in_a_path_is_not_found(strict_client, path):
    """PostgreSQL refuses NUL in text: the address is a 404 before any query."""
    assert strict_client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["q=%00", "q=helm%00", "page=%00", "%00=1"])
def test_a_nul_character_in_a_query_string_is_a_bad_request(strict_client, query):
    """Search and every other page answer 400."""
    assert strict_client.get(f"/search/?{query}").status_code == 400


def test_a_nul_character_in_the_admin_autocomplete_is_a_bad_request(editor_client):
    """The autocomplete searched the database with the term as it came."""
    url = "/admin/autocomplete/?app_label=newsletter&model_name=item&field_name=projects&term=%00"
    assert editor_client.get(url).status_code == 400


def test_an_ordinary_search_still_works(strict_client):
    """The guard only refuses NUL."""
    assert strict_client.get("/search/?q=helm%20%E4%B8%AD%E6%96%87").status_code == 200


def test_a_huge_figure_id_in_the_preview_shows_the_alt_text(editor_client):
    """The markdownx preview endpoint treats the overflowing id as an unknown figure."""
    response = editor_client.post("/markdownx/markdownify/", {"content": HUGE_FIGURE})
    assert response.status_code == 200
    assert "太大的图" in response.content.decode()


def test_a_huge_figure_id_saved_through_the_admin_is_an_unknown_figure(client):
    """The item saves; its page shows the alt text and no figure is placed."""
    client.force_login(UserFactory(username="boss", is_superuser=True))
    item = ItemFactory(issue=IssueFactory(), state=Item.State.DRAFT, body="短")
    url = f"/admin/newsletter/item/{item.pk}/change/"
    response = client.post(url, change_form_data(client.get(url), body=HUGE_FIGURE))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.body_html == "<p>太大的图</p>\n"
    assert not item.item_figures.exists()


def test_an_unconfigured_email_providers_webhook_is_not_found(strict_client):
    """anymail raised its configuration error (500) for every provider the site does not use."""
    assert strict_client.get("/anymail/mailgun/tracking/").status_code == 404
    assert strict_client.post("/anymail/amazon_ses/inbound/").status_code == 404
