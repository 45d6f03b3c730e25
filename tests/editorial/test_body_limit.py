"""The Markdown size limit (DIGEST_BODY_MAX_CHARS): a clear error on every path in."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from editorial import workflow
from editorial.accounts import profiles
from editorial.errors import EditorialError
from newsletter.formats.document import ImportFormatError
from newsletter.formats.parsing import parse_issue
from newsletter.models import Item
from newsletter.rendering import markdown_preview
from tests.admin_forms import change_form_data
from tests.factories import IssueFactory, ItemFactory, UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 500


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.DIGEST_BODY_MAX_CHARS = LIMIT


def test_the_default_limit_is_200000_characters():
    """The setting's default, read from the environment like the other DIGEST_* knobs."""
    from config import settings as project_settings

    assert project_settings.DIGEST_BODY_MAX_CHARS == 200_000


def test_the_item_form_refuses_a_body_over_the_limit(client):
    """The editor sees the length and the limit on the body field; nothing is saved."""
    client.force_login(UserFactory(username="boss", is_superuser=True))
    item = ItemFactory(body="短")
    url = f"/admin/newsletter/item/{item.pk}/change/"
    response = client.post(url, change_form_data(client.get(url), body="长" * (LIMIT + 1)))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "超过了上限 500 个字符" in str(errors["body"])
    item.refresh_from_db()
    assert item.body == "短"


def test_the_limit_is_checked_by_the_model_for_every_markdown_field():
    """Body, remark and issue intro: full_clean, which every service calls, says why."""
    for instance, field in (
        (ItemFactory.build(body="x" * (LIMIT + 1)), "body"),
        (ItemFactory.build(remark="x" * (LIMIT + 1)), "remark"),
        (IssueFactory.build(intro="x" * (LIMIT + 1)), "intro"),
    ):
        with pytest.raises(ValidationError) as caught:
            instance.full_clean(exclude=["tags", "issue", "section", "author", "slug"])
        assert caught.value.error_dict[field][0].code == "markdown_too_long"


def test_a_service_refuses_an_item_over_the_limit_with_a_sentence(contributor):
    """A workflow transition on an item stored before the limit shrank refuses with the reason."""
    author = contributor
    item = ItemFactory(author=author, body="x" * (LIMIT + 1), state=Item.State.DRAFT)
    with pytest.raises(EditorialError, match="超过了上限"):
        workflow.item_submit(item=item, actor=author)


def test_a_text_at_the_limit_is_accepted():
    """The limit is inclusive."""
    ItemFactory.build(body="x" * LIMIT).clean_fields(exclude=["issue", "section", "author"])


def test_the_importer_names_the_line_of_an_item_over_the_limit():
    """The import fails before writing, with the item's title line."""
    text = (
        "🆕 专题一 产品新功能\n\n1. 第一条\n\n短正文\n\n2. 第二条\n\n" + "长" * (LIMIT + 1) + "\n"
    )
    with pytest.raises(ImportFormatError) as caught:
        parse_issue(text)
    assert caught.value.line == 7
    assert "超过 500 个字符" in caught.value.message


def test_the_preview_says_the_text_is_too_long_instead_of_rendering_it():
    """The live preview does no rendering work past the limit."""
    html = markdown_preview("# 标题\n" * LIMIT)
    assert "超过了上限 500 个字符" in html
    assert "<h4" not in html


def test_a_bio_over_the_limit_is_refused_before_it_is_rendered(contributor):
    """The contributor profile's bio is Markdown too."""
    data = profiles.ProfileData(display_name="爱丽丝", bio="# 标题\n" * LIMIT)
    with (
        mock.patch.object(profiles, "render_markdown") as render,
        pytest.raises(ValidationError) as caught,
    ):
        profiles.contributor_profile_save(user=contributor, actor=contributor, data=data)
    assert caught.value.error_dict["bio"][0].code == "markdown_too_long"
    render.assert_not_called()
