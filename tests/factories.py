from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from newsletter.models import FurtherReading, Issue, Item, Project, Section
from newsletter.rendering import issue_render, item_render
from newsletter.search.index import search_index_update


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct horse battery staple")
    is_staff = True


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    maturity = Project.Maturity.GRADUATED


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    name = factory.Sequence(lambda n: f"专栏 {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    emoji = "🆕"
    position = factory.Sequence(lambda n: n)


class IssueFactory(factory.django.DjangoModelFactory):
    """A draft issue, its intro rendered; the `published` or `scheduled` traits release it."""

    class Meta:
        model = Issue

    slug = factory.Sequence(lambda n: f"2020-{n % 12 + 1:02d}-{n}")
    title = factory.Sequence(lambda n: f"云原生月刊第 {n} 期")

    class Params:
        published = factory.Trait(
            status=Issue.Status.PUBLISHED,
            publish_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
            published_at=factory.LazyFunction(timezone.now),
        )
        scheduled = factory.Trait(
            status=Issue.Status.SCHEDULED,
            publish_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1)),
        )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Stored the way the services store one: saved, then rendered.
        return issue_render(issue=super()._create(model_class, *args, **kwargs))


class ItemFactory(factory.django.DjangoModelFactory):
    """A draft item, its body and remark rendered, its figures placed, indexed if public."""

    class Meta:
        model = Item

    issue = factory.SubFactory(IssueFactory)
    section = factory.SubFactory(SectionFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"条目 {n}")
    source_url = factory.Sequence(lambda n: f"https://example.com/{n}")
    body = "### 简介\n\n正文。"
    state = Item.State.DRAFT

    class Params:
        approved = factory.Trait(state=Item.State.APPROVED)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Stored the way the services store one: saved, then rendered, and in
        # the search index when it is public (as publishing would index it).
        item = item_render(item=super()._create(model_class, *args, **kwargs))
        search_index_update(items=[item])
        return item


class FurtherReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FurtherReading

    item = factory.SubFactory(ItemFactory)
    title = factory.Sequence(lambda n: f"Further {n}")
    position = factory.Sequence(lambda n: n)


def public_item(**kwargs) -> Item:
    """Return an approved item in a published issue."""
    if "issue" not in kwargs:
        kwargs["issue"] = IssueFactory(published=True)
    return ItemFactory(approved=True, **kwargs)


class FigureFactory(factory.django.DjangoModelFactory):
    """A figure stored the way uploads are: validated, deduplicated, with renditions."""

    class Meta:
        model = "newsletter.Figure"

    alt_text = factory.Sequence(lambda n: f"示意图 {n}")
    caption = ""
    uploaded_by = None
    image_width = 1000
    image_height = 500
    # Each figure is a different picture, or the content hash would merge them.
    seed = factory.Sequence(lambda n: n)

    @classmethod
    def _create(cls, model_class, *, image_width, image_height, seed, **kwargs):
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import TestCase
        from PIL import Image

        from newsletter.figures import figure_create
        from newsletter.images import image_validate

        image = Image.new("RGB", (image_width, image_height), (30, 110, 180))
        image.putpixel((0, 0), (seed % 256, seed // 256 % 256, 7))
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        upload = SimpleUploadedFile(f"figure-{seed}.png", buffer.getvalue())
        # The renditions are made once the upload commits, as after a real upload.
        with TestCase.captureOnCommitCallbacks(execute=True):
            figure, _created = figure_create(image=image_validate(upload=upload), **kwargs)
        return figure


class RoleUserFactory(UserFactory):
    """A staff user holding one newsroom role: RoleUserFactory(role="Reviewer")."""

    class Meta:
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create and extracted:
            from django.contrib.auth.models import Group

            # get_or_create: a transactional test's flush empties the groups
            # the migration made.
            user.groups.add(Group.objects.get_or_create(name=extracted)[0])


class ReviewCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "editorial.ReviewComment"

    item = factory.SubFactory(ItemFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"审校意见 {n}")


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "editorial.ReviewAssignment"

    item = factory.SubFactory(ItemFactory)
    reviewer = factory.SubFactory(UserFactory)


class ContributorProfileFactory(factory.django.DjangoModelFactory):
    """A profile saved the way the newsroom saves one, public credit included."""

    class Meta:
        model = "editorial.ContributorProfile"

    # The service lets a member write their own profile: the user needs a role.
    user = factory.SubFactory(RoleUserFactory, role="Contributor")
    display_name = factory.Sequence(lambda n: f"撰稿人{n}")
    bio = ""
    links = factory.LazyFunction(list)
    is_public = True

    @classmethod
    def _create(cls, model_class, *, user, display_name, bio, links, is_public):
        from editorial.accounts.profiles import ProfileData, contributor_profile_save

        data = ProfileData(
            display_name=display_name, bio=bio, links=tuple(links), is_public=is_public
        )
        return contributor_profile_save(user=user, actor=user, data=data)


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation, stored directly: no email, no audit row."""

    class Meta:
        model = "editorial.Invitation"

    email = factory.Sequence(lambda n: f"newcomer{n}@example.com")
    role = "Contributor"
    invited_by = None
