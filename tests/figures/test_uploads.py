"""The three upload paths over HTTP: the Figure admin, the item page's figure
inline and the markdownx drag-and-drop endpoint. Bad files are refused with a
message, fast, leaving nothing in MEDIA_ROOT; good ones are stored clean, once."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from PIL import Image

from newsletter.images import max_upload_bytes
from newsletter.models import Figure, ItemFigure, Rendition
from tests.admin_forms import form_data
from tests.factories import FigureFactory, ItemFactory, UserFactory
from tests.figures import samples

pytestmark = pytest.mark.django_db

BAD_KINDS = list(samples.bad_uploads(max_upload_bytes()))
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def _bad(kind):
    name, content = samples.bad_uploads(max_upload_bytes())[kind]
    return samples.upload(name, content)


def _item_form(client, item) -> dict:
    response = client.get(reverse("admin:newsletter_item_change", args=[item.pk]))
    assert response.status_code == 200
    return form_data(response.content.decode(), "item_form")


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_the_figure_admin_refuses_a_bad_upload_beside_the_field_and_stores_nothing(
    admin_client, media_root, kind
):
    """The form comes back with the reason under the image field and the alt text kept."""
    response = admin_client.post(
        reverse("admin:newsletter_figure_add"),
        {"image": _bad(kind), "alt_text": "保留的替代文本", "caption": "保留的图注"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["image"]
    html = response.content.decode()
    assert 'value="保留的替代文本"' in html and 'value="保留的图注"' in html
    assert Figure.objects.count() == 0
    assert samples.files_in(media_root) == []


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_the_markdownx_endpoint_refuses_a_bad_upload_with_a_json_reason(
    admin_client, media_root, kind
):
    """markdownx gets status 400 and {"image": [reason]}, as its own view would send."""
    response = admin_client.post(
        reverse("admin:newsletter_figure_markdownx_upload"),
        {"image": _bad(kind), "alt_text": "架构图"},
        **XHR,
    )
    assert response.status_code == 400
    assert response.json()["image"][0]
    assert Figure.objects.count() == 0
    assert samples.files_in(media_root) == []


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_the_item_figure_inline_refuses_a_bad_upload_and_keeps_the_item_form(
    admin_client, media_root, kind
):
    """The item page re-renders with the reason beside the upload and the edited title kept."""
    item = ItemFactory(title="原标题")
    data = _item_form(admin_client, item)
    data.update(
        {
            "title": "改过的标题",
            "item_figures-0-upload": _bad(kind),
            "item_figures-0-alt_text": "架构图",
        }
    )
    response = admin_client.post(reverse("admin:newsletter_item_change", args=[item.pk]), data)
    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"]
    errors = [f.errors for admin_formset in inline for f in admin_formset.formset.forms if f.errors]
    assert any("upload" in error for error in errors)
    assert 'value="改过的标题"' in response.content.decode()
    item.refresh_from_db()
    assert item.title == "原标题"
    assert Figure.objects.count() == 0
    assert samples.files_in(media_root) == []


def test_a_png_uploaded_in_the_figure_admin_is_stored_with_webp_renditions(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    """A 2000 px PNG gets 480, 960 and 1600 px renditions in WebP and PNG once it commits."""
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:newsletter_figure_add"),
            {
                "image": samples.upload("arch.png", samples.png_bytes()),
                "alt_text": "架构图",
                "caption": "",
            },
        )
    assert response.status_code == 302
    figure = Figure.objects.get()
    assert (figure.width, figure.height, figure.alt_text) == (2000, 1000, "架构图")
    assert figure.uploaded_by == admin_user
    specs = set(figure.renditions.values_list("spec", flat=True))
    assert specs == {f"w{w}-{f}" for w in (480, 960, 1600) for f in ("webp", "png")}
    for rendition in figure.renditions.filter(spec__endswith="webp"):
        with rendition.file.open("rb") as stored:
            image = Image.open(stored)
            assert (image.format, image.width) == ("WEBP", rendition.width)


def test_a_jpeg_with_gps_dropped_into_the_editor_is_stored_without_exif(
    admin_client, media_root, django_capture_on_commit_callbacks
):
    """The markdownx endpoint answers with the Markdown to insert; no EXIF is kept anywhere."""
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:newsletter_figure_markdownx_upload"),
            {
                "image": samples.upload("beijing-trip.jpg", samples.jpeg_with_gps(), "image/jpeg"),
                "alt_text": "北京胡同里的自行车",
                "caption": "摄于 2025 年秋",
            },
            **XHR,
        )
    assert response.status_code == 201
    figure = Figure.objects.get()
    assert response.json()["image_code"] == f"![北京胡同里的自行车](figure:{figure.pk})"
    assert (figure.alt_text, figure.caption) == ("北京胡同里的自行车", "摄于 2025 年秋")
    stored = [media_root / name for name in samples.files_in(media_root)]
    assert len(stored) == 1 + figure.renditions.count()
    for path in stored:
        image = Image.open(io.BytesIO(path.read_bytes()))
        assert dict(image.getexif()) == {}, path
        assert b"Phone Maker" not in path.read_bytes()
    assert sorted(
        figure.renditions.filter(spec__endswith="webp").values_list("width", flat=True)
    ) == [
        480,
        960,
        1200,
    ]


@pytest.mark.parametrize("alt_text", [None, "", "   "])
def test_an_image_dropped_without_alt_text_is_refused(admin_client, media_root, alt_text):
    """The editor asks for alt text before inserting; the endpoint refuses an image without it."""
    data = {"image": samples.upload("arch.png", samples.png_bytes(40, 20))}
    if alt_text is not None:
        data["alt_text"] = alt_text
    response = admin_client.post(reverse("admin:newsletter_figure_markdownx_upload"), data, **XHR)
    assert response.status_code == 400
    assert "替代文字" in response.json()["image"][0]
    assert Figure.objects.count() == 0
    assert samples.files_in(media_root) == []


def test_the_same_file_dropped_twice_is_stored_once(admin_client, media_root):
    """The second upload answers with the first figure and writes nothing."""
    url = reverse("admin:newsletter_figure_markdownx_upload")
    first = admin_client.post(
        url, {"image": samples.upload("a.png", samples.png_bytes()), "alt_text": "一"}, **XHR
    )
    files = samples.files_in(media_root)
    second = admin_client.post(
        url, {"image": samples.upload("b.png", samples.png_bytes()), "alt_text": "二"}, **XHR
    )
    assert second.status_code == 200
    assert second.json()["figure_id"] == first.json()["figure_id"]
    assert Figure.objects.count() == 1
    assert samples.files_in(media_root) == files


def test_the_figure_admin_points_to_the_figure_already_stored(admin_client, media_root):
    """Uploading a stored picture again in the admin names the existing figure."""
    existing = FigureFactory()
    files = samples.files_in(media_root)
    with existing.image.open("rb") as stored:
        content = stored.read()
    response = admin_client.post(
        reverse("admin:newsletter_figure_add"),
        {"image": samples.upload("again.png", content), "alt_text": "再来一次"},
    )
    assert response.status_code == 200
    assert f"figure:{existing.pk}" in str(response.context["adminform"].form.errors["image"])
    assert Figure.objects.count() == 1
    assert samples.files_in(media_root) == files


def test_an_image_uploaded_in_the_item_inline_is_placed_on_the_item(admin_client, admin_user):
    """The inline creates the figure and its placement after the body."""
    item = ItemFactory()
    data = _item_form(admin_client, item)
    data.update(
        {
            "item_figures-0-position": "1",
            "item_figures-0-upload": samples.upload("flow.png", samples.png_bytes(900, 500)),
            "item_figures-0-alt_text": "请求流程图",
            "item_figures-0-caption": "图 1",
        }
    )
    response = admin_client.post(reverse("admin:newsletter_item_change", args=[item.pk]), data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    placement = ItemFigure.objects.get(item=item)
    assert (placement.figure.alt_text, placement.figure.caption) == ("请求流程图", "图 1")
    assert placement.figure.uploaded_by == admin_user
    assert not placement.embedded


def test_uploading_a_figure_the_item_already_shows_keeps_one_placement(admin_client):
    """The same picture uploaded again on the item reuses its figure and placement."""
    figure = FigureFactory()
    item = ItemFactory(body=f"![a](figure:{figure.pk})")
    with figure.image.open("rb") as stored:
        content = stored.read()
    data = _item_form(admin_client, item)
    data.update(
        {
            "item_figures-1-position": "4",
            "item_figures-1-upload": samples.upload("again.png", content),
            "item_figures-1-alt_text": "再传一次",
        }
    )
    response = admin_client.post(reverse("admin:newsletter_item_change", args=[item.pk]), data)
    assert response.status_code == 302
    assert list(item.item_figures.values_list("figure_id", "embedded")) == [(figure.pk, True)]


def test_an_upload_in_the_item_inline_needs_alt_text(admin_client, media_root):
    """Without alt text the new image is refused, and nothing is stored."""
    item = ItemFactory()
    data = _item_form(admin_client, item)
    data["item_figures-0-upload"] = samples.upload("flow.png", samples.png_bytes(90, 50))
    response = admin_client.post(reverse("admin:newsletter_item_change", args=[item.pk]), data)
    assert response.status_code == 200
    assert "替代文本" in response.content.decode()
    assert samples.files_in(media_root) == []


def test_alt_text_edited_in_the_item_inline_changes_the_figure_and_the_stored_html(admin_client):
    """The alt text of a pasted image (its file name) is corrected on the item page."""
    figure = FigureFactory(alt_text="IMG_2041")
    item = ItemFactory(body=f"看图:\n\n![IMG_2041](figure:{figure.pk})")
    assert 'alt="IMG_2041"' in item.body_html
    data = _item_form(admin_client, item)
    assert data["item_figures-0-alt_text"] == "IMG_2041"
    data["item_figures-0-alt_text"] = "Gateway API 资源关系图"
    response = admin_client.post(reverse("admin:newsletter_item_change", args=[item.pk]), data)
    assert response.status_code == 302
    figure.refresh_from_db()
    item.refresh_from_db()
    assert figure.alt_text == "Gateway API 资源关系图"
    assert 'alt="Gateway API 资源关系图"' in item.body_html


def test_a_figure_still_shown_in_the_text_cannot_be_removed_from_the_item(admin_client):
    """Removing the placement of an embedded figure asks to edit the text first."""
    figure = FigureFactory()
    item = ItemFactory(body=f"![x](figure:{figure.pk})")
    data = _item_form(admin_client, item)
    data["item_figures-0-DELETE"] = "on"
    response = admin_client.post(reverse("admin:newsletter_item_change", args=[item.pk]), data)
    assert response.status_code == 200
    assert f"figure:{figure.pk}" in response.content.decode()
    assert ItemFigure.objects.filter(item=item, figure=figure).exists()


def test_the_markdownx_endpoint_is_for_staff_who_may_add_figures(client, media_root):
    """Anonymous visitors are sent to log in; staff without the permission get 403."""
    url = reverse("admin:newsletter_figure_markdownx_upload")
    image = {"image": samples.upload("a.png", samples.png_bytes(20, 20)), "alt_text": "图"}
    assert client.post(url, image, **XHR).status_code == 302
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    image["image"].seek(0)
    assert client.post(url, image, **XHR).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="add_figure"))
    image["image"].seek(0)
    assert client.post(url, image, **XHR).status_code == 201
    assert client.get(url).status_code == 405


def test_markdownx_is_configured_with_our_endpoint_and_its_own_is_not_served(
    admin_client, settings
):
    """The editor posts to the validating endpoint; markdownx's stock upload view is not routed."""
    assert (
        reverse("admin:newsletter_figure_markdownx_upload") == settings.MARKDOWNX_UPLOAD_URLS_PATH
    )
    response = admin_client.post(
        "/markdownx/upload/", {"image": samples.upload("a.png", samples.png_bytes(20, 20))}, **XHR
    )
    assert response.status_code == 404


def test_a_figure_used_by_an_item_cannot_be_deleted(admin_client):
    """The admin explains which item still uses it, and the figure stays."""
    figure = FigureFactory()
    item = ItemFactory(title="Helm 4 发布")
    ItemFigure.objects.create(item=item, figure=figure)
    url = reverse("admin:newsletter_figure_delete", args=[figure.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "Helm 4 发布" in response.content.decode()
    assert Figure.objects.filter(pk=figure.pk).exists()


def test_deleting_an_unused_figure_removes_its_files(
    admin_client, media_root, django_capture_on_commit_callbacks
):
    """Rows and files go together, the files once the deletion is committed."""
    figure = FigureFactory()
    assert samples.files_in(media_root)
    url = reverse("admin:newsletter_figure_delete", args=[figure.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Figure.objects.exists() and not Rendition.objects.exists()
    assert samples.files_in(media_root) == []


def test_the_figure_list_shows_thumbnails_and_filters_unused_figures(admin_client):
    """?usage=unused lists only figures no item uses."""
    used, unused = FigureFactory(alt_text="用到的图"), FigureFactory(alt_text="没用的图")
    ItemFigure.objects.create(item=ItemFactory(), figure=used)
    response = admin_client.get(reverse("admin:newsletter_figure_changelist"))
    html = response.content.decode()
    assert "用到的图" in html and "没用的图" in html
    smallest = unused.renditions.filter(spec__endswith="webp").order_by("width").first()
    assert smallest.file.url in html
    response = admin_client.get(reverse("admin:newsletter_figure_changelist") + "?usage=unused")
    assert list(response.context["cl"].result_list) == [unused]


def test_the_figure_change_page_edits_alt_text_and_shows_the_markdown(admin_client):
    """Alt text is editable after upload; the page shows the code to paste."""
    figure = FigureFactory(alt_text="旧的")
    url = reverse("admin:newsletter_figure_change", args=[figure.pk])
    assert f"figure:{figure.pk}" in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"alt_text": "新的替代文本", "caption": "图注"})
    assert response.status_code == 302
    figure.refresh_from_db()
    assert (figure.alt_text, figure.caption) == ("新的替代文本", "图注")


def test_alt_text_cannot_be_emptied(admin_client):
    """Alt text is required on the figure form."""
    figure = FigureFactory()
    url = reverse("admin:newsletter_figure_change", args=[figure.pk])
    response = admin_client.post(url, {"alt_text": "", "caption": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["alt_text"]


def test_the_inline_figure_picker_finds_figures_by_alt_text(admin_client):
    """The autocomplete on the item page searches the library."""
    FigureFactory(alt_text="Gateway API 架构")
    FigureFactory(alt_text="别的图")
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "newsletter",
            "model_name": "itemfigure",
            "field_name": "figure",
            "term": "架构",
        },
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == [
        str(f) for f in Figure.objects.filter(alt_text__contains="架构")
    ]
