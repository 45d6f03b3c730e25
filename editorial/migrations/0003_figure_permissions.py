"""Grant the roles their permissions on figures, which arrived after the roles.

The matrix is the one of 0002_roles for these two models; frozen here as a
migration must be.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CRUD = ("add", "change", "delete", "view")

FIGURE_PERMISSIONS = {
    "Contributor": {"figure": ("add", "view"), "itemfigure": CRUD},
    "Reviewer": {"figure": ("view",), "itemfigure": ("view",)},
    "Editor-in-chief": {"figure": CRUD, "itemfigure": CRUD},
}


def grant(apps, schema_editor):
    # As in 0002: on a fresh database permissions only exist after post_migrate.
    app_config = apps.get_app_config("newsletter")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, grants in FIGURE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        for model, actions in grants.items():
            group.permissions.add(
                *permission_model.objects.filter(
                    content_type__app_label="newsletter",
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )


def revoke(apps, schema_editor):
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    figure_permissions = permission_model.objects.filter(
        content_type__app_label="newsletter", content_type__model__in=["figure", "itemfigure"]
    )
    for group in group_model.objects.filter(name__in=FIGURE_PERMISSIONS):
        group.permissions.remove(*figure_permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0002_roles"),
        ("newsletter", "0002_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
