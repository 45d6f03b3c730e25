"""Create the newsroom's roles as groups, with the model permissions the admin
needs for each. Who may do what on an object (own items, never approving your
own) is decided in `editorial.workflow.RULES`; these permissions mirror it.

The matrix is frozen here, as a migration must be; a later change of roles is a
new migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CRUD = ("add", "change", "delete", "view")

ROLE_PERMISSIONS = {
    "Contributor": {
        "newsletter.item": CRUD,
        "newsletter.furtherreading": CRUD,
        "newsletter.figure": ("add", "view"),
        "newsletter.itemfigure": CRUD,
        "newsletter.section": ("view",),
        "newsletter.project": ("view",),
        "editorial.reviewcomment": ("add", "view"),
        "editorial.notificationpreference": ("change", "view"),
    },
    "Reviewer": {
        "newsletter.item": ("view",),
        "newsletter.furtherreading": ("view",),
        "newsletter.figure": ("view",),
        "newsletter.itemfigure": ("view",),
        "newsletter.issue": ("view",),
        "newsletter.section": ("view",),
        "newsletter.project": ("view",),
        "editorial.reviewcomment": ("add", "change", "view"),
        "editorial.reviewassignment": ("add", "change", "view"),
        "editorial.notificationpreference": ("change", "view"),
    },
    "Editor-in-chief": {
        "newsletter.item": CRUD,
        "newsletter.furtherreading": CRUD,
        "newsletter.figure": CRUD,
        "newsletter.itemfigure": CRUD,
        "newsletter.issue": CRUD,
        "newsletter.section": CRUD,
        "newsletter.project": CRUD,
        "editorial.reviewcomment": ("add", "change", "view"),
        "editorial.reviewassignment": CRUD,
        "editorial.auditentry": ("view",),
        "editorial.notificationpreference": ("change", "view"),
    },
    "Administrator": {
        "auth.user": CRUD,
        "auth.group": CRUD,
        "editorial.auditentry": ("view",),
        "editorial.notificationpreference": ("change", "view"),
    },
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran (post_migrate),
    # so on a fresh database they do not exist yet: create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        for label, actions in grants.items():
            app_label, model = label.split(".")
            # A model another migration has not created yet is skipped; a
            # later migration grants its permissions.
            group.permissions.add(
                *permission_model.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("editorial", "0001_initial"),
        ("newsletter", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
