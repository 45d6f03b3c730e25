"""A figure's alt text and caption are shared by every item that shows it: on a
released item only the editor-in-chief changes them, and every change is logged."""

import pytest
from django.urls import reverse

from editorial.errors import NotPermitted
from editorial.figures import figure_words_change
from editorial.models import AuditEntry
from tests.admin_forms import form_data
from tests.editorial.conftest import client_for
from tests.factories import FigureFactory, ItemFactory, public_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_figure(other_contributor):
    """A figure shown on someone else's published item."""
    figure = FigureFactory(alt_text="已发布的替代文字", caption="已发布的图注")
    public_item(author=other_contributor, body=f"![图](figure:{figure.pk})")
    return figure


def _item_form(client, item) -> dict:
    response = client.get(reverse("admin:newsletter_item_change", args=[item.pk]))
    assert response.status_code == 200
    return form_data(response.content.decode(), "item_form")


def test_a_contributors_inline_cannot_change_a_published_figures_words(contributor, shared_figure):
    """A form error beside the alt text; the figure, the item's text and the log are unchanged."""
    mine = ItemFactory(author=contributor, issue=None, body=f"![图](figure:{shared_figure.pk})")
    client = client_for(contributor)
    data = _item_form(client, mine)
    data["item_figures-0-alt_text"] = "被改掉的替代文字"
    data["item_figures-0-caption"] = "被改掉的图注"
    data["body"] = f"![图](figure:{shared_figure.pk})\n\n我同时改了正文"

    response = client.post(reverse("admin:newsletter_item_change", args=[mine.pk]), data)

    assert response.status_code == 200
    assert "只有主编" in response.content.decode()
    # Nothing lost: the form comes back with what the contributor typed.
    assert "我同时改了正文" in response.content.decode()
    shared_figure.refresh_from_db()
    assert (shared_figure.alt_text, shared_figure.caption) == ("已发布的替代文字", "已发布的图注")
    mine.refresh_from_db()
    assert "我同时改了正文" not in mine.body
    assert not AuditEntry.objects.exists()


def test_the_service_refuses_a_contributor_too(contributor, shared_figure):
    """The rule is the service's, whatever form calls it."""
    with pytest.raises(NotPermitted):
        figure_words_change(figure=shared_figure, actor=contributor, alt_text="改", caption="")


def test_the_editor_changes_a_published_figures_words_with_an_audit_row(editor, shared_figure):
    """The editor-in-chief's change is live and logged with before and after."""
    figure_words_change(
        figure=shared_figure, actor=editor, alt_text="更准确的替代文字", caption="已发布的图注"
    )
    shared_figure.refresh_from_db()
    assert shared_figure.alt_text == "更准确的替代文字"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == ("figure.change", editor)
    assert entry.data["from"]["alt_text"] == "已发布的替代文字"
    assert entry.data["to"]["alt_text"] == "更准确的替代文字"


def test_a_contributor_still_describes_a_figure_only_their_draft_shows(contributor):
    """Their own unreleased figure: the inline edit works, and is logged."""
    figure = FigureFactory(alt_text="IMG_1")
    mine = ItemFactory(author=contributor, issue=None, body=f"![x](figure:{figure.pk})")
    client = client_for(contributor)
    data = _item_form(client, mine)
    data["item_figures-0-alt_text"] = "架构图"
    response = client.post(reverse("admin:newsletter_item_change", args=[mine.pk]), data)
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.alt_text == "架构图"
    assert AuditEntry.objects.get().action == "figure.change"


def test_the_figure_library_goes_through_the_same_rule(editor, shared_figure):
    """The figure admin's change page logs the editor's change too."""
    client = client_for(editor)
    url = reverse("admin:newsletter_figure_change", args=[shared_figure.pk])
    data = form_data(client.get(url).content.decode(), "figure_form")
    data["alt_text"] = "图库里改的"
    assert client.post(url, data).status_code == 302
    assert AuditEntry.objects.get().data["to"]["alt_text"] == "图库里改的"
